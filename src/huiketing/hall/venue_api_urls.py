"""REST routes of the living rooms' venues and service items under /api/v1/."""

from django.urls import path

from huiketing.hall import venue_api as api

urlpatterns = [
    path("living-rooms/", api.VenueListApi.as_view(), name="api-venues"),
    path("living-rooms/<int:pk>/", api.VenueDetailApi.as_view(), name="api-venue"),
    path("service-items/", api.ItemListApi.as_view(), name="api-service-items"),
]
