"""HTML pages of the living rooms."""

from django.urls import include, path

app_name = "hall"
urlpatterns: list = [
    path("", include("huiketing.hall.venue_urls")),
    path("", include("huiketing.hall.visit_urls")),
    path("", include("huiketing.hall.event_urls")),
    path("", include("huiketing.hall.event_staff_urls")),
    path("", include("huiketing.hall.booking_urls")),
    path("", include("huiketing.hall.package_urls")),
]
