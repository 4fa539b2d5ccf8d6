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
    path("notifications/", core_api.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/read/", core_api.NotificationReadApi.as_view(), name="api-notifications-read"),
    path("", include("huiketing.places.api_urls")),
    path("", include("huiketing.people.registry_api_urls")),
    path("", include("huiketing.matters.api_urls")),
    path("", include("huiketing.matters.rates_api_urls")),
    path("", include("huiketing.meetings.api_urls")),
    path("", include("huiketing.projects.api_urls")),
    path("", include("huiketing.points.api_urls")),
    path("", include("huiketing.hall.api_urls")),
]
