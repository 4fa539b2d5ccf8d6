"""Routes of matters: public and residents' pages (urls_public), staff pages (staff_urls)."""

from django.urls import include, path

app_name = "matters"
urlpatterns = [
    path("", include("huiketing.matters.public_urls")),
    # The rates pages (rates_urls) come before the other staff pages, whose patterns could take "rates".
    path("", include("huiketing.matters.rates_urls")),
    path("", include("huiketing.matters.staff_urls")),
]
