"""REST API v1 routes, included under /api/v1/."""

from django.urls import include, path

from huiketing.core import api as core_api
from huiketing.people import api as people_api

urlpatterns = [
    path("auth/token/", people_api.TokenApi.as_view(), name="api-auth-token"),
    path("me/", people_api.MeApi.as_view(), name="api-me"),
    path("me/preferences/", people_api.MePreferencesApi.as_view(), name="api-me-preferences"),
    path("audit/", core_api.AuditListApi.as_view(), name="api-audit-list"),
    path("audit/<int:pk>/", core_api.AuditDetailApi.as_view(), name="api-audit-detail"),
    path("", include("huiketing.places.api_urls")),
    path("", include("huiketing.people.registry_api_urls")),
]
