"""REST API of projects, under /api/v1/."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = []
