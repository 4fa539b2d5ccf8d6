"""HTML pages of meetings."""

from django.urls import include, path

app_name = "meetings"
urlpatterns: list = [
    # Deliberation (居民议事): the public topic pages, taking part, staff pages and moderation.
    path("", include("huiketing.meetings.deliberation_urls")),
    # Meetings (与会决策): the public pages, check-in, the decisions board, and the staff pages.
    path("", include("huiketing.meetings.meeting_urls")),
    # Minutes: the public minutes, their print layout and PDF, and the staff page.
    path("", include("huiketing.meetings.minutes_urls")),
    # Votes: the vote's page and casting online; preparing, opening, closing, turnout, in-person ballots.
    path("", include("huiketing.meetings.vote_urls")),
]
