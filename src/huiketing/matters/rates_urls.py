"""Routes of the rates pages (included into the `matters` namespace by matters/urls.py)."""

from django.urls import path

from huiketing.matters import rates_views as views

urlpatterns = [
    path("staff/matters/rates/", views.RatesView.as_view(), name="rates"),
    path("staff/matters/rates/export/", views.RatesExportView.as_view(), name="rates-export"),
    path("staff/matters/rates/print/", views.RatesPrintView.as_view(), name="rates-print"),
]
