"""REST API of meetings, under /api/v1/."""

from django.urls import include, path

urlpatterns: list = [
    # Deliberation: topics, their comments and supports, reports of comments.
    path("", include("huiketing.meetings.deliberation_api_urls")),
    # Meetings: list and representation, registering, check-in, decisions; attendance and deciding (staff).
    path("", include("huiketing.meetings.meeting_api_urls")),
    # Minutes: a meeting's published minutes, texts and figures.
    path("", include("huiketing.meetings.minutes_api_urls")),
    # Votes: a vote, casting online; recording in person, opening and closing (staff).
    path("", include("huiketing.meetings.vote_api_urls")),
]
