"""Staff pages of events, courses and festivals: an event's page (its details and their form, cancelling, who
registered), its programme, its gallery and its attendance sheet (printable for the door); a new course term
and a course's (or a festival series') page with its sessions; a new yearly festival series; the festivals.

Every page fetches its event or series through a scoped selector: another place's looks missing (404). Each
change is a POST form and one service call; a refused one comes back on the page with the service's message
next to the field it names, with status 400. Registrants' names are masked (王**): the staff see who, not
enough to identify.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.core.permissions import PermissionRequiredMixin
from huiketing.people.verification import masked_name

from . import event_selectors as selectors
from . import event_services as services
from .booking_models import BookingStatus
from .event_models import Festival, Performer
from .festivals import festival_date

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# (language code stored, form field suffix)
LANGUAGES = (("zh-hans", "zh"), ("ug", "ug"), ("kk", "kk"), ("en", "en"))
MAX_WEEKS = 52


def _datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )


def _time_field(label, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=required, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


# The services name the texts of every language at once; the forms show their errors on the Chinese one.
TEXT_FIELDS = {"titles": "title_zh", "names": "name_zh"}


def _add_errors(form: forms.Form, error: ValidationError, aliases: dict | None = None) -> None:
    add_service_errors(form, error, renamed={**TEXT_FIELDS, **(aliases or {})})


def _who(booking) -> str:
    """A registrant's masked name: the resident's, else the organisation's, else the account's."""
    if booking.resident_id:
        return masked_name(booking.resident.full_name)
    if booking.organisation_id:
        return pick(booking.organisation.names)
    if booking.user_id:
        return masked_name(booking.user.display_name or booking.user.get_username())
    return "—"


def _venue_name(venue) -> str:
    return pick(venue.service_point.names)


class TitlesForm(forms.Form):
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200, required=False)
    title_ug = forms.CharField(label=gettext_lazy("Title (Uyghur)"), max_length=200, required=False)
    title_kk = forms.CharField(label=gettext_lazy("Title (Kazakh)"), max_length=200, required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)

    def titles(self) -> dict:
        return {
            code: self.cleaned_data[f"title_{suffix}"].strip()
            for code, suffix in LANGUAGES
            if self.cleaned_data.get(f"title_{suffix}", "").strip()
        }


def _titles_initial(titles: dict) -> dict:
    return {f"title_{suffix}": titles.get(code, "") for code, suffix in LANGUAGES}


# An event's page --------------------------------------------------------------------------------------------


class EventEditForm(TitlesForm):
    starts_at = _datetime_field(gettext_lazy("Starts at"))
    ends_at = _datetime_field(gettext_lazy("Ends at"))
    zone = forms.TypedChoiceField(label=gettext_lazy("Zone"), required=False, coerce=int, empty_value=None)
    needs_registration = forms.BooleanField(label=gettext_lazy("Needs registration"), required=False)
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"),
        required=False,
        min_value=1,
        help_text=gettext_lazy(
            "Never fewer than the places already taken; places added go first to those waiting."
        ),
    )
    performer_sign_up = forms.BooleanField(label=gettext_lazy("Performers may sign up"), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.zones = {zone.pk: zone for zone in event.venue.zones.all()}
        self.fields["zone"].choices = [("", _("The whole living room"))] + [
            (pk, str(zone)) for pk, zone in self.zones.items()
        ]
        if services.is_course_session(event):
            # A session's places are its whole term's (the course's page shows them).
            del self.fields["needs_registration"]
            del self.fields["capacity"]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("Kept in the audit log with the cancellation."),
    )


class StaffEventMixin(PermissionRequiredMixin):
    permission_required = "hall.manage"

    def get_permission_object(self):
        if not hasattr(self, "event"):
            self.event = selectors.event_get_for_staff(user=self.request.user, event_id=self.kwargs["pk"])
        return self.event

    def event_context(self) -> dict:
        event = self.get_permission_object()
        return {
            "event": event,
            "title": pick(event.titles),
            "venue_name": _venue_name(event.venue),
            "in_course": services.is_course_session(event),
        }


def _event_initial(event, slot) -> dict:
    return {
        **_titles_initial(event.titles),
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "zone": event.zone_id,
        "needs_registration": slot is not None,
        "capacity": slot.capacity if slot is not None else None,
        "performer_sign_up": event.performer_sign_up,
    }


class StaffEventDetailView(StaffEventMixin, TemplateView):
    """An event's details with their form, cancelling it, and who registered (names masked)."""

    template_name = "hall/event_staff_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_permission_object()
        slot = selectors.slot_of(event)
        registrations = selectors.registrations_of(slot=slot)
        for booking in registrations:
            booking.who = _who(booking)
        context.update(
            self.event_context(),
            slot=slot,
            registrations=registrations,
            people_waiting=sum(b.party_size for b in registrations if b.status == BookingStatus.WAITING),
            form=kwargs.get("form") or EventEditForm(event=event, initial=_event_initial(event, slot)),
            cancel_form=kwargs.get("cancel_form") or CancelForm(),
            applied=sum(1 for p in event.performers.all() if p.status == Performer.Status.APPLIED),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_permission_object()
        action = request.POST.get("action")
        if action == "cancel":
            cancel_form = CancelForm(request.POST)
            if cancel_form.is_valid():
                try:
                    services.event_cancel(
                        by=request.user, event=event, reason=cancel_form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    context = self.get_context_data(cancel_form=cancel_form, errors=error.messages)
                    return self.render_to_response(context, status=400)
                else:
                    messages.success(request, _("The event is cancelled."))
                    return redirect("hall:staff-event-detail", pk=event.pk)
            return self.render_to_response(self.get_context_data(cancel_form=cancel_form), status=400)
        form = EventEditForm(request.POST, event=event)
        if form.is_valid():
            data = form.cleaned_data
            in_course = "capacity" not in form.fields
            try:
                services.event_update(
                    by=request.user,
                    event=event,
                    titles=form.titles(),
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    zone=form.zones.get(data["zone"]) if data["zone"] else None,
                    needs_registration=None if in_course else data["needs_registration"],
                    capacity=None if in_course else data["capacity"],
                    performer_sign_up=data["performer_sign_up"],
                )
            except ValidationError as error:
                if event.is_cancelled:
                    context = self.get_context_data(form=form, errors=error.messages)
                    return self.render_to_response(context, status=400)
                _add_errors(form, error)
            else:
                messages.success(request, _("The event is saved."))
                return redirect("hall:staff-event-detail", pk=event.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# The programme ----------------------------------------------------------------------------------------------


class ProgrammeOrderForm(forms.Form):
    """A number per performer on the programme: they are put in the order of their numbers."""

    def __init__(self, *args, performers, **kwargs):
        super().__init__(*args, **kwargs)
        self.performers = performers
        for index, performer in enumerate(performers, start=1):
            self.fields[f"position_{performer.pk}"] = forms.IntegerField(
                # Names typed by people, in any script: each isolated, and escaped by format_html.
                label=format_html("<bdi>{}</bdi> (<bdi>{}</bdi>)", performer.group_name, performer.act),
                min_value=1,
                max_value=999,
                initial=index,
            )

    def order(self) -> list[int]:
        ranked = sorted(
            self.performers,
            key=lambda p: (self.cleaned_data[f"position_{p.pk}"], p.position, p.pk),
        )
        return [performer.pk for performer in ranked]


class StaffProgrammeView(StaffEventMixin, TemplateView):
    """Performers who signed up: accept or decline them, and put those accepted in order."""

    template_name = "hall/event_staff_programme.html"

    def _groups(self):
        performers = list(self.get_permission_object().performers.all())
        accepted = sorted(
            (p for p in performers if p.status == Performer.Status.ACCEPTED), key=lambda p: (p.position, p.pk)
        )
        return (
            [p for p in performers if p.status == Performer.Status.APPLIED],
            accepted,
            [p for p in performers if p.status == Performer.Status.DECLINED],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applied, accepted, declined = self._groups()
        context.update(
            self.event_context(),
            applied=applied,
            accepted=accepted,
            declined=declined,
            order_form=kwargs.get("order_form") or ProgrammeOrderForm(performers=accepted),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_permission_object()
        if request.POST.get("action") == "order":
            form = ProgrammeOrderForm(request.POST, performers=self._groups()[1])
            if form.is_valid():
                try:
                    services.programme_order(by=request.user, event=event, performer_ids=form.order())
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(request, _("The programme's order is saved."))
                    return redirect("hall:staff-event-programme", pk=event.pk)
            return self.render_to_response(self.get_context_data(order_form=form), status=400)
        performers = {str(p.pk): p for p in event.performers.all()}
        performer = performers.get(request.POST.get("performer", ""))
        if performer is None:
            raise Http404
        status = request.POST.get("status", "")
        try:
            services.performer_decide(by=request.user, performer=performer, status=status)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages), status=400)
        if status == Performer.Status.ACCEPTED:
            messages.success(request, _("The performer is on the programme."))
        else:
            messages.success(request, _("The performer is told: not this time."))
        return redirect("hall:staff-event-programme", pk=event.pk)


# The gallery ------------------------------------------------------------------------------------------------


class GalleryPhotoForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=gettext_lazy(
            "A JPEG, PNG, WebP or GIF image of at most 8 MB, stored without its hidden data (such as where "
            "it was taken)."
        ),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), required=False, max_length=200)


class StaffGalleryView(StaffEventMixin, TemplateView):
    """The event's photos: add one with a caption, remove one."""

    template_name = "hall/event_staff_gallery.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_permission_object()
        context.update(
            self.event_context(),
            photos=event.gallery,
            form=kwargs.get("form") or GalleryPhotoForm(),
            has_begun=event.starts_at <= timezone.now(),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_permission_object()
        if request.POST.get("action") == "remove":
            photos = {str(photo.pk): photo for photo in event.gallery}
            photo = photos.get(request.POST.get("photo", ""))
            if photo is None:
                raise Http404
            try:
                services.gallery_photo_remove(by=request.user, photo=photo)
            except ValidationError as error:
                return self.render_to_response(self.get_context_data(errors=error.messages), status=400)
            messages.success(request, _("The photo is removed."))
            return redirect("hall:staff-event-gallery", pk=event.pk)
        form = GalleryPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.gallery_photo_add(
                    by=request.user,
                    event=event,
                    upload=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The photo is added."))
                return redirect("hall:staff-event-gallery", pk=event.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# The attendance sheet ---------------------------------------------------------------------------------------


class StaffAttendanceView(PermissionRequiredMixin, TemplateView):
    """Who is expected at a course's session or an event, ticked present or not and saved at once; the page
    prints as an A4 sign-in sheet for the door."""

    permission_required = "hall.record_visit"
    template_name = "hall/event_staff_attendance.html"

    def get_permission_object(self):
        if not hasattr(self, "event"):
            self.event = selectors.event_get_for_attendance(
                user=self.request.user, event_id=self.kwargs["pk"]
            )
        return self.event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_permission_object()
        sheet = selectors.attendance_sheet(event=event)
        for booking in sheet:
            booking.who = _who(booking)
        present = [b for b in sheet if b.present]
        context.update(
            event=event,
            title=pick(event.titles),
            venue_name=_venue_name(event.venue),
            in_course=services.is_course_session(event),
            has_slot=selectors.slot_of(event) is not None,
            sheet=sheet,
            expected_count=len(sheet),
            expected_people=sum(b.party_size for b in sheet),
            present_count=len(present),
            present_people=sum(b.party_size for b in present),
            absent_count=len(sheet) - len(present),
            can_save=not event.is_cancelled and event.starts_at <= timezone.now(),
            can_manage=self.request.user.has_perm("hall.manage", event),
            errors=kwargs.get("errors", []),
        )
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_permission_object()
        try:
            present = {int(value) for value in request.POST.getlist("present")}
        except ValueError:
            return self.render_to_response(
                self.get_context_data(errors=[_("The sheet was not sent whole: reload it and save again.")]),
                status=400,
            )
        try:
            counts = services.attendance_save(by=request.user, event=event, present=present)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages), status=400)
        messages.success(
            request,
            _("Attendance is saved: %(present)d of %(expected)d came.")
            % {"present": counts["present"], "expected": counts["expected"]},
        )
        return redirect("hall:staff-event-attendance", pk=event.pk)


# Courses and festival series --------------------------------------------------------------------------------


class _PlaceForm(TitlesForm):
    """A venue and (optionally) one of its areas, among those the staff member runs."""

    venue = forms.TypedChoiceField(label=gettext_lazy("Living room"), coerce=int)
    zone = forms.TypedChoiceField(label=gettext_lazy("Zone"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {venue.pk: venue for venue in selectors.venues_for_event_staff(user=user)}
        self.zones = {zone.pk: zone for zone in selectors.zones_for_event_staff(user=user)}
        self.fields["venue"].choices = [(pk, _venue_name(venue)) for pk, venue in self.venues.items()]
        self.fields["zone"].choices = [("", _("The whole living room"))] + [
            (pk, f"{_venue_name(zone.venue)} · {zone}") for pk, zone in self.zones.items()
        ]

    def place(self) -> tuple:
        data = self.cleaned_data
        return self.venues[data["venue"]], self.zones.get(data["zone"]) if data["zone"] else None


def _weekday_choices() -> list[tuple[int, str]]:
    return [(day + 1, WEEKDAYS[day]) for day in range(7)]


class CourseForm(_PlaceForm):
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1)
    starts_on = forms.DateField(
        label=gettext_lazy("First week from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weekday = forms.TypedChoiceField(label=gettext_lazy("Day of the week"), required=False, coerce=int)
    starts_time = _time_field(gettext_lazy("From"), required=False)
    ends_time = _time_field(gettext_lazy("Until"), required=False)
    weeks = forms.IntegerField(
        label=gettext_lazy("Number of weeks"), required=False, min_value=1, max_value=MAX_WEEKS
    )
    sessions = forms.CharField(
        label=gettext_lazy("Or list the sessions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr"}),
        help_text=gettext_lazy(
            "One session a line, as 2025-03-03 10:00-11:30. When given, the list replaces the weekly plan."
        ),
    )
    WEEKLY = ("starts_on", "weekday", "starts_time", "ends_time", "weeks")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [("", "—"), *_weekday_choices()]

    def clean(self):
        data = super().clean()
        tz = timezone.get_current_timezone()
        if (data.get("sessions") or "").strip():
            sessions = []
            for number, line in enumerate(data["sessions"].splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    day_text, times = line.split()
                    start_text, end_text = times.split("-")
                    day = datetime.date.fromisoformat(day_text)
                    start, end = (
                        datetime.time.fromisoformat(start_text),
                        datetime.time.fromisoformat(end_text),
                    )
                except ValueError:
                    self.add_error(
                        "sessions",
                        _("Line %(number)d: write the date and the times as 2025-03-03 10:00-11:30.")
                        % {"number": number},
                    )
                    continue
                sessions.append(
                    (
                        datetime.datetime.combine(day, start, tzinfo=tz),
                        datetime.datetime.combine(day, end, tzinfo=tz),
                    )
                )
            data["session_list"] = sessions
            return data
        missing = [name for name in self.WEEKLY if data.get(name) in (None, "") and name not in self.errors]
        for name in missing:
            self.add_error(name, _("Give this for a weekly course, or list the sessions."))
        if missing or any(name in self.errors for name in self.WEEKLY):
            return data
        first = data["starts_on"] + datetime.timedelta(
            days=(data["weekday"] - data["starts_on"].isoweekday()) % 7
        )
        data["session_list"] = [
            (
                datetime.datetime.combine(
                    first + datetime.timedelta(weeks=week), data["starts_time"], tzinfo=tz
                ),
                datetime.datetime.combine(
                    first + datetime.timedelta(weeks=week), data["ends_time"], tzinfo=tz
                ),
            )
            for week in range(data["weeks"])
        ]
        return data


class StaffCourseCreateView(PermissionRequiredMixin, TemplateView):
    """A course's term: weekly on a day for a number of weeks, or on the sessions listed."""

    permission_required = "hall.manage"
    template_name = "hall/event_staff_course_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or CourseForm(user=self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        form = CourseForm(request.POST, user=request.user)
        if form.is_valid():
            venue, zone = form.place()
            listed = bool(form.cleaned_data["sessions"].strip())
            try:
                series = services.series_create(
                    by=request.user,
                    venue=venue,
                    zone=zone,
                    titles=form.titles(),
                    sessions=form.cleaned_data["session_list"],
                    capacity=form.cleaned_data["capacity"],
                )
            except ValidationError as error:
                where = "sessions" if listed else "starts_on"
                _add_errors(form, error, {"starts_at": where, "ends_at": where})
            else:
                messages.success(request, _("The course is published with its sessions."))
                return redirect("hall:staff-series-detail", pk=series.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StaffSeriesDetailView(PermissionRequiredMixin, TemplateView):
    """A course's term (its sessions, each with its attendance, and who enrolled) or a festival series (its
    events of the coming years)."""

    permission_required = "hall.manage"
    template_name = "hall/event_staff_series.html"

    def get_permission_object(self):
        if not hasattr(self, "series"):
            self.series = selectors.series_get_for_staff(user=self.request.user, series_id=self.kwargs["pk"])
        return self.series.venue

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.get_permission_object()
        series = self.series
        slot = getattr(series, "slot", None)
        registrations = selectors.registrations_of(slot=slot)
        for booking in registrations:
            booking.who = _who(booking)
        context.update(
            series=series,
            title=pick(series.titles),
            venue_name=_venue_name(series.venue),
            sessions=list(series.sessions.all()),
            slot=slot,
            registrations=registrations,
        )
        return context


class FestivalSeriesForm(_PlaceForm):
    festival = forms.TypedChoiceField(label=gettext_lazy("Festival"), coerce=int)
    starts_time = _time_field(gettext_lazy("From"))
    ends_time = _time_field(gettext_lazy("Until"))
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Leave empty when people just come, without registering."),
    )

    field_order = ["festival", "venue", "zone", "title_zh", "title_ug", "title_kk", "title_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.festivals = {festival.pk: festival for festival in selectors.festivals_active()}
        self.fields["festival"].choices = [(pk, str(festival)) for pk, festival in self.festivals.items()]


class StaffFestivalSeriesCreateView(PermissionRequiredMixin, TemplateView):
    """ "Every Double Ninth, 09:30–11:30 at this living room": the series and its events of the coming
    years."""

    permission_required = "hall.manage"
    template_name = "hall/event_staff_festival_series_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or FestivalSeriesForm(user=self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        form = FestivalSeriesForm(request.POST, user=request.user)
        if form.is_valid():
            venue, zone = form.place()
            data = form.cleaned_data
            try:
                series = services.festival_series_create(
                    by=request.user,
                    venue=venue,
                    zone=zone,
                    festival=form.festivals[data["festival"]],
                    titles=form.titles(),
                    starts_time=data["starts_time"],
                    ends_time=data["ends_time"],
                    capacity=data["capacity"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The series is saved with its events of the coming years."))
                return redirect("hall:staff-series-detail", pk=series.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Festivals --------------------------------------------------------------------------------------------------


def next_date(festival: Festival, today: datetime.date) -> datetime.date | None:
    """The festival's next day on the Gregorian calendar (today counts), if the calendars reach it."""
    for year in (today.year, today.year + 1):
        try:
            day = festival_date(festival, year)
        except ValueError:
            return None
        if day >= today:
            return day
    return None


class StaffFestivalListView(PermissionRequiredMixin, TemplateView):
    permission_required = "hall.manage"
    template_name = "hall/event_staff_festivals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        festivals = list(selectors.festivals_all())
        for festival in festivals:
            festival.next_date = next_date(festival, today)
            festival.name_list = [festival.names.get(code, "") for code, _suffix in LANGUAGES]
        context.update(festivals=festivals, can_manage=self.request.user.has_perm("hall.manage_festivals"))
        return context


class FestivalForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy(
            "Latin letters, digits and hyphens, such as “nowruz”; used in calendar feeds."
        ),
    )
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=100, required=False)
    name_ug = forms.CharField(label=gettext_lazy("Name (Uyghur)"), max_length=100, required=False)
    name_kk = forms.CharField(label=gettext_lazy("Name (Kazakh)"), max_length=100, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=100, required=False)
    calendar = forms.ChoiceField(
        label=gettext_lazy("Calendar"),
        choices=Festival.Calendar.choices,
        help_text=gettext_lazy(
            "Only the Chinese lunar calendar and the Gregorian calendar are supported. Nowruz is Gregorian "
            "(21 March). Corban and Rozi follow the Islamic lunar calendar, which is not the Chinese one: "
            "enter them each year as a dated festival event instead."
        ),
    )
    month = forms.IntegerField(label=pgettext_lazy("month of the year", "Month"), min_value=1, max_value=12)
    day = forms.IntegerField(label=pgettext_lazy("day of the month", "Day"), min_value=1, max_value=31)

    def names(self) -> dict:
        return {
            code: self.cleaned_data[f"name_{suffix}"].strip()
            for code, suffix in LANGUAGES
            if self.cleaned_data.get(f"name_{suffix}", "").strip()
        }


class StaffFestivalCreateView(PermissionRequiredMixin, TemplateView):
    """A festival of the whole installation (such as Nowruz): city officers and administrators only."""

    permission_required = "hall.manage_festivals"
    template_name = "hall/event_staff_festival_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or FestivalForm(
            initial={"calendar": Festival.Calendar.GREGORIAN}
        )
        return context

    def post(self, request, *args, **kwargs):
        form = FestivalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.festival_save(
                    by=request.user,
                    code=data["code"],
                    names=form.names(),
                    calendar=data["calendar"],
                    month=data["month"],
                    day=data["day"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The festival is added."))
                return redirect("hall:staff-festival-list")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StaffFestivalActiveView(PermissionRequiredMixin, View):
    """Stop celebrating a festival (it leaves the feeds and the choice of new series), or celebrate it
    again."""

    permission_required = "hall.manage_festivals"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        festival = selectors.festival_get(festival_id=pk)
        active = request.POST.get("is_active") == "1"
        try:
            services.festival_save(
                by=request.user,
                festival=festival,
                code=festival.code,
                names=festival.names,
                calendar=festival.calendar,
                month=festival.month,
                day=festival.day,
                is_active=active,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if active:
                messages.success(request, _("The festival is celebrated again."))
            else:
                messages.success(request, _("The festival is no longer celebrated."))
        return redirect("hall:staff-festival-list")
