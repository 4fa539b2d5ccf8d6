"""Places API routes, included under /api/v1/. `regions/locate/` must come before `regions/<code>/`."""

from django.urls import path

from huiketing.places import api

urlpatterns = [
    path("regions/", api.RegionListApi.as_view(), name="api-regions"),
    path("regions/locate/", api.RegionLocateApi.as_view(), name="api-regions-locate"),
    path("regions/<str:code>/", api.RegionDetailApi.as_view(), name="api-region-detail"),
    path("service-points/", api.ServicePointListApi.as_view(), name="api-service-points"),
]
