"""REST routes of votes under /api/v1/."""

from django.urls import path

from huiketing.meetings import vote_api as api

urlpatterns = [
    path("votes/<int:pk>/", api.VoteDetailApi.as_view(), name="api-vote"),
    path("votes/<int:pk>/ballot/", api.VoteBallotApi.as_view(), name="api-vote-ballot"),
    path("votes/<int:pk>/in-person/", api.VoteInPersonApi.as_view(), name="api-vote-in-person"),
    path("votes/<int:pk>/open/", api.VoteOpenApi.as_view(), name="api-vote-open"),
    path("votes/<int:pk>/close/", api.VoteCloseApi.as_view(), name="api-vote-close"),
]
