"""HTML pages of points."""

from django.urls import include, path  # noqa: F401

urlpatterns: list = []
