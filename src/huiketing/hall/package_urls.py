"""Routes of package booking, included into the `hall` namespace by hall/urls.py."""

from django.urls import path

from . import package_views as views

urlpatterns = [
    path("services/<int:item>/package/", views.PackageBookView.as_view(), name="package-book"),
]
