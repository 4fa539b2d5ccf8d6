"""REST route of the rates (included under /api/v1/ by core/api_urls.py)."""

from django.urls import path

from huiketing.matters import rates_api

urlpatterns = [
    path("matters/rates/", rates_api.RatesApi.as_view(), name="api-matters-rates"),
]
