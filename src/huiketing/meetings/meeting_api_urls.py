"""REST routes of meetings (与会决策) under /api/v1/, included by meetings/api_urls.py."""

from django.urls import path

from huiketing.meetings import meeting_api as api

urlpatterns = [
    path("meetings/", api.MeetingListApi.as_view(), name="api-meetings"),
    path("meetings/check-in/", api.CheckInApi.as_view(), name="api-meeting-check-in"),
    path("meetings/decisions/", api.DecisionListApi.as_view(), name="api-meeting-decisions"),
    path("meetings/<int:pk>/", api.MeetingDetailApi.as_view(), name="api-meeting"),
    path("meetings/<int:pk>/register/", api.MeetingRegisterApi.as_view(), name="api-meeting-register"),
    path("meetings/<int:pk>/attendance/", api.AttendanceApi.as_view(), name="api-meeting-attendance"),
    path(
        "meetings/<int:pk>/items/<int:item_id>/decide/",
        api.ItemDecideApi.as_view(),
        name="api-meeting-item-decide",
    ),
    path("me/meetings/", api.MyMeetingsApi.as_view(), name="api-me-meetings"),
]
