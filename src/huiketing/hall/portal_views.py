"""The portal: the public home page of the city (/portal/) and of a community (/portal/<code>/). What is on
today and this week in the living rooms, services to book, open matters nearby, decisions in their notice
period or recently in effect, and projects. Plain HTML and the site's one stylesheet: no script, no images
but small lazy ones, so that it loads on a cheap phone over a weak connection."""

from django.http import Http404
from django.views.generic import TemplateView

from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.matters import selectors as matter_selectors
from huiketing.meetings import meeting_selectors
from huiketing.places.models import Level, Place
from huiketing.projects import selectors as project_selectors

from . import venue_selectors as selectors
from .venue_views import item_book_url

SHOWN = 6


class PortalView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/portal.html"

    def get_context_data(self, **kwargs):
        code = self.kwargs.get("code", "")
        place = None
        if code:
            place = Place.objects.filter(code=code, level=Level.COMMUNITY).first()
            if place is None:
                raise Http404
        within = place.code if place else ""
        events = selectors.events_coming(within=within, limit=20)
        today, week = selectors.split_today(events)
        items = list(selectors.items_public(filters={"community": within, "bookable": True})[:SHOWN])
        for item in items:
            item.book_url = item_book_url(item)
        return {
            **super().get_context_data(**kwargs),
            "place": place,
            "place_name": pick(place.names) if place else "",
            "today_events": today,
            "week_events": week[:SHOWN],
            "items": items,
            "venues": list(selectors.venues_public(filters={"community": within})[:SHOWN]),
            "matters": list(
                matter_selectors.matters_public(filters={"place": within, "status": "open"})[:SHOWN]
            ),
            "decisions": list(meeting_selectors.decisions_in_notice(filters={"place": within})[:SHOWN])
            + list(meeting_selectors.decisions_recent(filters={"place": within})[:SHOWN]),
            "projects": list(project_selectors.projects_public(filters={"community": within})[:SHOWN]),
            "communities": selectors.communities(),
        }
