"""Routes of the vote pages (included into the `meetings` namespace by meetings/urls.py)."""

from django.urls import path

from huiketing.meetings import vote_views as views

urlpatterns = [
    path("votes/<int:pk>/", views.VoteDetailView.as_view(), name="vote-detail"),
    path("votes/<int:pk>/cast/", views.VoteCastView.as_view(), name="vote-cast"),
    path("staff/items/<int:item_pk>/votes/new/", views.VoteCreateView.as_view(), name="vote-new"),
    path("staff/votes/<int:pk>/", views.VoteStaffView.as_view(), name="vote-staff"),
    path("staff/votes/<int:pk>/edit/", views.VoteEditView.as_view(), name="vote-edit"),
    path("staff/votes/<int:pk>/open/", views.VoteOpenView.as_view(), name="vote-open"),
    path("staff/votes/<int:pk>/close/", views.VoteCloseView.as_view(), name="vote-close"),
    path("staff/votes/<int:pk>/in-person/", views.VoteInPersonView.as_view(), name="vote-in-person"),
]
