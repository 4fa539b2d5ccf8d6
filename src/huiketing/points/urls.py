"""Routes of the points pages: mine and the leaderboards, and the staff's rules and accounts."""

from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("points/", views.MyPointsView.as_view(), name="mine"),
    path("points/leaderboard/", views.LeaderboardView.as_view(), name="leaderboard"),
    path("staff/points/rules/", views.RuleListView.as_view(), name="staff-rules"),
    path("staff/points/rules/<slug:code>/", views.RuleEditView.as_view(), name="staff-rule"),
    path("staff/points/accounts/", views.AccountListView.as_view(), name="staff-accounts"),
    path(
        "staff/points/accounts/export.xlsx", views.AccountExportView.as_view(), name="staff-accounts-export"
    ),
    path("staff/points/accounts/<int:pk>/", views.AccountDetailView.as_view(), name="staff-account"),
    path(
        "staff/points/accounts/<int:pk>/adjust/",
        views.AccountAdjustView.as_view(),
        name="staff-account-adjust",
    ),
]
