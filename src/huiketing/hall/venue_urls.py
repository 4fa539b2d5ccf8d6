"""Routes of the living rooms' venues and service items, and of the portal, in the `hall` namespace."""

from django.urls import path

from huiketing.hall import portal_views
from huiketing.hall import venue_views as views
from huiketing.hall.venue_photo_views import VenuePhotosView

urlpatterns = [
    path("staff/living-rooms/<int:pk>/photos/", VenuePhotosView.as_view(), name="staff-venue-photos"),
    path("living-rooms/", views.VenueListView.as_view(), name="venue-list"),
    path("living-rooms/<int:pk>/", views.VenueDetailView.as_view(), name="venue-detail"),
    path("services/", views.ItemListView.as_view(), name="item-list"),
    path("services/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("portal/", portal_views.PortalView.as_view(), name="portal"),
    path("portal/<str:code>/", portal_views.PortalView.as_view(), name="portal-community"),
    # Staff.
    path("staff/living-rooms/", views.StaffVenueListView.as_view(), name="staff-venue-list"),
    path("staff/living-rooms/<int:pk>/", views.StaffVenueDetailView.as_view(), name="staff-venue-detail"),
    path("staff/living-rooms/<int:pk>/zones/new/", views.ZoneAddView.as_view(), name="staff-zone-add"),
    path(
        "staff/living-rooms/<int:pk>/closures/new/", views.ClosureAddView.as_view(), name="staff-closure-add"
    ),
    path(
        "staff/living-rooms/<int:pk>/closures/<int:closure_id>/remove/",
        views.ClosureRemoveView.as_view(),
        name="staff-closure-remove",
    ),
    path("staff/living-rooms/<int:pk>/items/new/", views.ItemEditView.as_view(), name="staff-item-add"),
    path(
        "staff/living-rooms/<int:pk>/items/<int:item_id>/",
        views.ItemEditView.as_view(),
        name="staff-item-edit",
    ),
]
