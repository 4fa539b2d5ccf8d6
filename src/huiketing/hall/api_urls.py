"""REST API of the living rooms, under /api/v1/."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = []
