"""REST routes of visits under /api/v1/."""

from django.urls import path

from huiketing.hall import visit_api as api

urlpatterns = [
    path("visits/check-in/", api.VisitCheckInApi.as_view(), name="api-visit-check-in"),
    path("visits/statistics/", api.VisitStatisticsApi.as_view(), name="api-visit-statistics"),
]
