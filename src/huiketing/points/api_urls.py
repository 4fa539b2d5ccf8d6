"""REST API of points, under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("points/me/", api.MyPointsApi.as_view(), name="api-points-me"),
    path("points/leaderboard/", api.LeaderboardApi.as_view(), name="api-points-leaderboard"),
    path("points/rules/", api.RuleListApi.as_view(), name="api-points-rules"),
    path("points/rules/<slug:code>/", api.RuleApi.as_view(), name="api-points-rule"),
    path("points/adjustments/", api.AdjustmentApi.as_view(), name="api-points-adjustments"),
]
