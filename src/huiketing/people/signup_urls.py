"""URL routes of residents' accounts: sign-up, verification, activity, and staff's in-person verification
and assisted mode."""

from django.urls import path

from huiketing.people import signup_views as views

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("account/verify/", views.VerifyView.as_view(), name="verify"),
    path("account/activity/", views.ActivityView.as_view(), name="activity"),
    path("staff/registry/verify/", views.StaffVerifyView.as_view(), name="staff-verify"),
    path(
        "staff/registry/residents/<int:resident_id>/assist/",
        views.AssistStartView.as_view(),
        name="assist-start",
    ),
    path("staff/assist/stop/", views.AssistStopView.as_view(), name="assist-stop"),
]
