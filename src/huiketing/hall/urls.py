"""HTML pages of the living rooms."""

from django.urls import include, path  # noqa: F401

app_name = "hall"
urlpatterns: list = []
