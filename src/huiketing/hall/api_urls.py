"""REST API of the living rooms, under /api/v1/."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("huiketing.hall.venue_api_urls")),
    path("", include("huiketing.hall.visit_api_urls")),
    path("", include("huiketing.hall.booking_api_urls")),
    path("", include("huiketing.hall.event_api_urls")),
]
