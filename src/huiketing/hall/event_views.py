"""Pages of events and courses: the public list (today, this week, by venue and kind), an event's page
(places left, register or join the waiting list, cancel, programme, gallery), a course's page (its sessions,
enrol), performers signing up, the iCalendar feeds, and the staff's list and event form.

Public pages name no resident: the programme shows the performer or group name they gave for the stage.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin

from . import calendars
from . import event_selectors as selectors
from . import event_services as services
from .event_models import EventKind
from .models import Venue


def _validation_messages(error: ValidationError) -> list[str]:
    return error.messages


class EventListView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/event_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        when = self.request.GET.get("when", "week")
        when = when if when in selectors.WHEN_CHOICES else "week"
        kind = self.request.GET.get("kind", "")
        try:
            venue_id = int(self.request.GET.get("venue") or 0) or None
        except ValueError:
            venue_id = None
        events = list(selectors.events_public(when=when, venue_id=venue_id, kind=kind)[:200])
        for event in events:
            event.title = pick(event.titles)
            event.venue_name = pick(event.venue.service_point.names)
            slot = selectors.slot_of(event)
            event.places_left = None if slot is None else max(slot.capacity - slot.taken, 0)
        context.update(
            events=events,
            when=when,
            kind=kind,
            venue_id=venue_id,
            kinds=EventKind.choices,
            venues=[
                (venue.pk, pick(venue.service_point.names))
                for venue in Venue.objects.filter(is_active=True).select_related("service_point")
            ],
        )
        return context


class EventDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = selectors.event_get_public(event_id=self.kwargs["pk"])
        slot = selectors.slot_of(event)
        context.update(
            event=event,
            title=pick(event.titles),
            description=pick(event.descriptions),
            venue_name=pick(event.venue.service_point.names),
            slot=slot,
            places_left=None if slot is None else max(slot.capacity - slot.taken, 0),
            booking=selectors.booking_of(user=self.request.user, slot=slot),
            can_sign_up=event.performer_sign_up
            and not event.is_cancelled
            and event.starts_at > timezone.now(),
            form=kwargs.get("form") or PerformerForm(),
            errors=kwargs.get("errors", []),
            # The staff's way from the public page: the venue's staff manage the event, and the grid staff
            # who cover its place take its attendance.
            can_manage=self.request.user.has_perm("hall.manage", event),
            can_take_attendance=self.request.user.has_perm("hall.record_visit", event),
        )
        return context


def _back_to(event):
    """After (un)registering: the course's page for a session of a course term (people enrol in the term
    there), else the event's page."""
    if event.series_id and event.series.festival_id is None:
        return redirect("hall:course-detail", pk=event.series_id)
    return redirect("hall:event-detail", pk=event.pk)


class EventRegisterView(PermissionRequiredMixin, View):
    permission_required = "hall.book"

    def post(self, request, pk: int):
        event = selectors.event_get_public(event_id=pk)
        try:
            booking = services.event_register(by=request.user, event=event)
        except ValidationError as error:
            for message in _validation_messages(error):
                messages.error(request, message)
        else:
            if booking.status == "waiting":
                messages.info(request, _("The event is full: you are on the waiting list."))
            else:
                messages.success(request, _("You are registered."))
        return _back_to(event)


class EventUnregisterView(PermissionRequiredMixin, View):
    permission_required = "hall.book"

    def post(self, request, pk: int):
        from . import booking_services

        event = selectors.event_get_public(event_id=pk)
        booking = selectors.booking_of(user=request.user, slot=selectors.slot_of(event))
        if booking is None:
            messages.error(request, _("You are not registered for this event."))
        else:
            try:
                booking_services.booking_cancel(by=request.user, booking=booking)
            except ValidationError as error:
                for message in _validation_messages(error):
                    messages.error(request, message)
            else:
                messages.success(request, _("Your registration is cancelled."))
        return _back_to(event)


class PerformerForm(forms.Form):
    group_name = forms.CharField(label=gettext_lazy("Performer or group"), max_length=100)
    act = forms.CharField(label=gettext_lazy("What you will perform"), max_length=200)


class PerformerSignUpView(PermissionRequiredMixin, View):
    permission_required = "hall.book"

    def post(self, request, pk: int):
        event = selectors.event_get_public(event_id=pk)
        form = PerformerForm(request.POST)
        if form.is_valid():
            try:
                services.performer_sign_up(by=request.user, event=event, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Thank you: the organisers will tell you whether you are on."))
                return redirect("hall:event-detail", pk=pk)
        view = EventDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(form=form)
        return view.render_to_response(context, status=400)


class CourseDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = PUBLIC
    template_name = "hall/event_course.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        series = selectors.series_get_public(series_id=self.kwargs["pk"])
        slot = getattr(series, "slot", None)
        sessions = list(series.sessions.all())
        context.update(
            series=series,
            title=pick(series.titles),
            description=pick(series.descriptions),
            venue_name=pick(series.venue.service_point.names),
            sessions=sessions,
            slot=slot,
            places_left=None if slot is None else max(slot.capacity - slot.taken, 0),
            booking=selectors.booking_of(user=self.request.user, slot=slot),
            first_session=sessions[0] if sessions else None,
        )
        return context


# Feeds -----------------------------------------------------------------------------------------------------


def _ics(request, body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class _FeedView(PermissionRequiredMixin, View):
    permission_required = PUBLIC

    def _language(self) -> str:
        return calendars.feed_language(self.request.GET.get("lang"))


class VenueFeedView(_FeedView):
    def get(self, request, pk: int):
        from . import venue_selectors

        venue = venue_selectors.venue_get_public(venue_id=pk)
        language = self._language()
        body = calendars.events_calendar(
            selectors.events_of_venue_feed(venue_id=venue.pk),
            name=pick(venue.service_point.names, language),
            language=language,
            build_url=request.build_absolute_uri,
            host=request.get_host(),
        )
        return _ics(request, body, f"venue-{venue.pk}.ics")


class SeriesFeedView(_FeedView):
    def get(self, request, pk: int):
        series = selectors.series_get_public(series_id=pk)
        language = self._language()
        body = calendars.events_calendar(
            selectors.events_of_series_feed(series_id=series.pk),
            name=pick(series.titles, language),
            language=language,
            build_url=request.build_absolute_uri,
            host=request.get_host(),
        )
        return _ics(request, body, f"series-{series.pk}.ics")


class FestivalsFeedView(_FeedView):
    def get(self, request):
        language = self._language()
        this_year = timezone.localdate().year
        body = calendars.festivals_calendar(
            list(selectors.festivals_active()),
            selectors.festival_events_feed(),
            years=range(this_year, this_year + services.FESTIVAL_YEARS_AHEAD),
            name=_("Festivals"),
            language=language,
            build_url=request.build_absolute_uri,
            host=request.get_host(),
        )
        return _ics(request, body, "festivals.ics")


# Staff -----------------------------------------------------------------------------------------------------


class EventForm(forms.Form):
    venue = forms.ModelChoiceField(label=gettext_lazy("Living room"), queryset=Venue.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EventKind.choices)
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200, required=False)
    title_ug = forms.CharField(label=gettext_lazy("Title (Uyghur)"), max_length=200, required=False)
    title_kk = forms.CharField(label=gettext_lazy("Title (Kazakh)"), max_length=200, required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    needs_registration = forms.BooleanField(label=gettext_lazy("Needs registration"), required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Places"), required=False, min_value=1)
    performer_sign_up = forms.BooleanField(label=gettext_lazy("Performers may sign up"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from huiketing.core.scope import scope_q
        from huiketing.people.models import COMMUNITY_AND_ABOVE

        self.fields["venue"].queryset = Venue.objects.filter(
            scope_q(user, roles=COMMUNITY_AND_ABOVE)
        ).select_related("service_point")
        self.fields["venue"].label_from_instance = lambda venue: pick(venue.service_point.names)


class StaffEventListView(PermissionRequiredMixin, TemplateView):
    permission_required = "hall.manage"
    template_name = "hall/event_staff_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(selectors.events_for_staff(user=self.request.user)[:100])
        for event in events:
            event.title = pick(event.titles)
            event.venue_name = pick(event.venue.service_point.names)
        context["events"] = events
        return context


class StaffEventCreateView(PermissionRequiredMixin, TemplateView):
    permission_required = "hall.manage"
    template_name = "hall/event_staff_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or EventForm(user=self.request.user)
        return context

    def post(self, request):
        form = EventForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            titles = {
                code: data[field].strip()
                for code, field in (
                    ("zh-hans", "title_zh"),
                    ("ug", "title_ug"),
                    ("kk", "title_kk"),
                    ("en", "title_en"),
                )
                if data[field].strip()
            }
            try:
                event = services.event_create(
                    by=request.user,
                    venue=data["venue"],
                    kind=data["kind"],
                    titles=titles,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    needs_registration=data["needs_registration"],
                    capacity=data["capacity"],
                    performer_sign_up=data["performer_sign_up"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = "title_zh" if field == "titles" else field
                    form.add_error(target if target in form.fields else None, errors)
            else:
                messages.success(request, _("The event is published."))
                return redirect("hall:event-detail", pk=event.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()
