"""REST route of minutes under /api/v1/."""

from django.urls import path

from huiketing.meetings import minutes_api

urlpatterns = [
    path("meetings/<int:pk>/minutes/", minutes_api.MinutesApi.as_view(), name="api-meeting-minutes"),
]
