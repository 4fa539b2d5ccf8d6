"""HTML pages of meetings."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = []
