from django.urls import include, path

urlpatterns = [
    path("", include("huiketing.places.api_urls")),
]
