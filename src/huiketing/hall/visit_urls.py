"""Routes of the visit pages (included into the `hall` namespace by hall/urls.py)."""

from django.urls import path

from huiketing.hall import visit_views as views

urlpatterns = [
    path("living-rooms/check-in/<str:token>/", views.CheckInView.as_view(), name="visit-check-in"),
    path("visits/<int:pk>/rate/", views.RateView.as_view(), name="visit-rate"),
    path("staff/living-rooms/statistics/", views.StatisticsView.as_view(), name="visit-statistics"),
    path("staff/living-rooms/<int:pk>/door/", views.DoorStaffView.as_view(), name="visit-door"),
]
