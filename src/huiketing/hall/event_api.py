"""REST endpoints of events, courses and festivals: the public list of coming events (today, this week, this
month or all, by venue and kind) with their places, an event with its programme and photos (and, signed in,
the reader's own registration), registering and unregistering, a course's or festival series' sessions, and
the festivals with their dates of the coming years.

Like the pages, the API names no resident: a programme shows the performer or group name given for the stage.
Every list reads a fixed number of queries whatever the number of events."""

import datetime
from collections import defaultdict

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from huiketing.core.api import IDEMPOTENCY_KEY, ApiView, error_responses
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC

from . import booking_services
from . import event_selectors as selectors
from . import event_services as services
from .booking_api import BookingSerializer
from .booking_selectors import waiting_counts
from .event_models import EventKind, Festival
from .festivals import festival_dates

# ?when= of the API → the selector's choice.
WHEN = {"today": "today", "week": "week", "month": "month", "all": "coming"}
KIND_HELP = f"One of: {', '.join(EventKind.values)}."


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _language() -> str:
    return translation.get_language() or ""


# Serializers ------------------------------------------------------------------------------------------------


class PlacesSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallEventPlaces"

    slot = serializers.IntegerField(
        help_text="The slot people register in (the course term's for a session)."
    )
    capacity = serializers.IntegerField()
    taken = serializers.IntegerField()
    left = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="People on the waiting list.")
    waiting_list = serializers.BooleanField(help_text="Whether registering when full joins a waiting list.")


def _places(slot, waiting: dict[int, int]) -> dict | None:
    if slot is None:
        return None
    return {
        "slot": slot.pk,
        "capacity": slot.capacity,
        "taken": slot.taken,
        "left": max(slot.capacity - slot.taken, 0),
        "waiting": waiting.get(slot.pk, 0),
        "waiting_list": slot.waiting_list,
    }


class CalendarLinksSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallCalendarLinks"

    venue = serializers.CharField(help_text="iCalendar feed of the living room's events.")
    series = serializers.CharField(allow_null=True, help_text="iCalendar feed of the course or series.")
    festivals = serializers.CharField(allow_null=True, help_text="iCalendar feed of the festivals.")


class EventSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallEvent"

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    title = serializers.SerializerMethodField(help_text="In the language of the request.")
    venue = serializers.IntegerField(source="venue_id")
    venue_name = serializers.SerializerMethodField(help_text="In the language of the request.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    is_cancelled = serializers.BooleanField()
    series = serializers.IntegerField(source="series_id", allow_null=True)
    festival = serializers.IntegerField(source="festival_id", allow_null=True)
    places = serializers.SerializerMethodField(
        help_text="Registration places, or null when the event needs no registration (just come)."
    )
    url = serializers.SerializerMethodField(help_text="The event's page.")
    calendars = serializers.SerializerMethodField()

    def get_title(self, event) -> str:
        return pick(event.titles)

    def get_venue_name(self, event) -> str:
        return pick(event.venue.service_point.names)

    @extend_schema_field(PlacesSerializer(allow_null=True))
    def get_places(self, event) -> dict | None:
        return _places(selectors.slot_of(event), self.context.get("waiting", {}))

    def get_url(self, event) -> str:
        return _absolute(self.context.get("request"), reverse("hall:event-detail", args=[event.pk]))

    @extend_schema_field(CalendarLinksSerializer)
    def get_calendars(self, event) -> dict:
        request, lang = self.context.get("request"), f"?lang={_language()}"
        series = festivals = None
        if event.series_id:
            series = _absolute(request, reverse("hall:calendar-series", args=[event.series_id]) + lang)
        if event.festival_id or event.kind == EventKind.FESTIVAL:
            festivals = _absolute(request, reverse("hall:calendar-festivals") + lang)
        return {
            "venue": _absolute(request, reverse("hall:calendar-venue", args=[event.venue_id]) + lang),
            "series": series,
            "festivals": festivals,
        }


class PerformerSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallPerformer"

    position = serializers.IntegerField(help_text="Order on the programme, from 1.")
    group_name = serializers.CharField(help_text="The performer or group name given for the stage.")
    act = serializers.CharField()


class PhotoSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallEventPhoto"

    url = serializers.SerializerMethodField()
    caption = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, photo) -> str:
        return _absolute(self.context.get("request"), photo.image.url)


class EventDetailSerializer(EventSerializer):
    class Meta:
        ref_name = "HallEventDetail"

    description = serializers.SerializerMethodField(help_text="In the language of the request.")
    programme = serializers.SerializerMethodField(help_text="The accepted performers, in order.")
    photos = PhotoSerializer(many=True, source="gallery")
    registration = serializers.SerializerMethodField(
        help_text="The signed-in reader's registration (confirmed or waiting), or null."
    )

    def get_description(self, event) -> str:
        return pick(event.descriptions)

    @extend_schema_field(PerformerSerializer(many=True))
    def get_programme(self, event) -> list[dict]:
        return [
            {"position": number, "group_name": performer.group_name, "act": performer.act}
            for number, performer in enumerate(event.programme, start=1)
        ]

    @extend_schema_field(BookingSerializer(allow_null=True))
    def get_registration(self, event) -> dict | None:
        booking = self.context.get("registration")
        return None if booking is None else BookingSerializer(booking).data


class SessionSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallSeriesSession"

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField(help_text="In the language of the request.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    is_cancelled = serializers.BooleanField()
    places = serializers.SerializerMethodField(
        help_text="A festival series' event has places of its own; a course's sessions share the term's."
    )
    url = serializers.SerializerMethodField()

    def get_title(self, event) -> str:
        return pick(event.titles)

    @extend_schema_field(PlacesSerializer(allow_null=True))
    def get_places(self, event) -> dict | None:
        return _places(getattr(event, "slot", None), self.context.get("waiting", {}))

    def get_url(self, event) -> str:
        return _absolute(self.context.get("request"), reverse("hall:event-detail", args=[event.pk]))


class SeriesSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallEventSeries"

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    is_course = serializers.SerializerMethodField(
        help_text="A course's term (enrol once for every session), else a series repeated every year."
    )
    title = serializers.SerializerMethodField(help_text="In the language of the request.")
    description = serializers.SerializerMethodField(help_text="In the language of the request.")
    venue = serializers.IntegerField(source="venue_id")
    venue_name = serializers.SerializerMethodField(help_text="In the language of the request.")
    festival = serializers.IntegerField(source="festival_id", allow_null=True)
    festival_name = serializers.SerializerMethodField(allow_null=True)
    is_active = serializers.BooleanField()
    places = serializers.SerializerMethodField(help_text="The course term's places, or null.")
    sessions = SessionSerializer(many=True, source="session_list")
    registration = serializers.SerializerMethodField(
        help_text="The signed-in reader's enrolment in the course's term, or null."
    )
    url = serializers.SerializerMethodField()
    calendar = serializers.SerializerMethodField(help_text="iCalendar feed of the sessions.")

    def get_is_course(self, series) -> bool:
        return series.festival_id is None

    def get_title(self, series) -> str:
        return pick(series.titles)

    def get_description(self, series) -> str:
        return pick(series.descriptions)

    def get_venue_name(self, series) -> str:
        return pick(series.venue.service_point.names)

    def get_festival_name(self, series) -> str | None:
        return str(series.festival) if series.festival_id else None

    @extend_schema_field(PlacesSerializer(allow_null=True))
    def get_places(self, series) -> dict | None:
        return _places(getattr(series, "slot", None), self.context.get("waiting", {}))

    @extend_schema_field(BookingSerializer(allow_null=True))
    def get_registration(self, series) -> dict | None:
        booking = self.context.get("registration")
        return None if booking is None else BookingSerializer(booking).data

    def get_url(self, series) -> str:
        return _absolute(self.context.get("request"), reverse("hall:course-detail", args=[series.pk]))

    def get_calendar(self, series) -> str:
        path = reverse("hall:calendar-series", args=[series.pk]) + f"?lang={_language()}"
        return _absolute(self.context.get("request"), path)


class FestivalSerializer(serializers.Serializer):
    class Meta:
        ref_name = "HallFestival"

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="In the language of the request.")
    calendar = serializers.CharField(help_text=f"One of: {', '.join(Festival.Calendar.values)}.")
    month = serializers.IntegerField(help_text="In its calendar (a lunar month for a lunar festival).")
    day = serializers.IntegerField()
    next_date = serializers.DateField(allow_null=True, help_text="Its next day, today included.")
    dates = serializers.ListField(
        child=serializers.DateField(), help_text="Its Gregorian dates this year and the next years."
    )

    def get_name(self, festival) -> str:
        return str(festival)


class EventFilterSerializer(serializers.Serializer):
    when = serializers.ChoiceField(choices=list(WHEN), required=False, default="all")
    venue = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=EventKind.values, required=False)


# Views ------------------------------------------------------------------------------------------------------


class EventListApi(ApiView, generics.ListAPIView):
    """Coming events, paginated, with their places."""

    permission_required = PUBLIC
    serializer_class = EventSerializer

    def get_queryset(self):
        filters = EventFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        return selectors.events_public(
            when=WHEN[values["when"]], venue_id=values.get("venue"), kind=values.get("kind", "")
        ).select_related("series__slot")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._waiting = waiting_counts(selectors.slot_of(event) for event in page or [])
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "waiting": getattr(self, "_waiting", {})}

    @extend_schema(
        tags=["events"],
        summary="Coming events",
        description="Events not cancelled that have not ended, soonest first: `when` is today, this week "
        "(seven days on), this month (thirty days on) or all coming (the default).",
        parameters=[
            OpenApiParameter("when", OpenApiTypes.STR, enum=list(WHEN), default="all"),
            OpenApiParameter("venue", OpenApiTypes.INT, description="A living room."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=EventKind.values),
        ],
        responses={200: EventSerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EventDetailApi(ApiView):
    """An event with its programme, photos, places and the reader's registration."""

    permission_required = PUBLIC

    @extend_schema(
        tags=["events"],
        summary="An event with its programme, photos and places",
        description="Signed in, `registration` is the reader's own registration (for a course's session: "
        "their enrolment in the term).",
        responses={200: EventDetailSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        event = selectors.event_get_public(event_id=pk)
        slot = selectors.slot_of(event)
        context = {
            "request": request,
            "waiting": waiting_counts([slot]),
            "registration": selectors.booking_of(user=request.user, slot=slot),
        }
        return Response(EventDetailSerializer(event, context=context).data)


class EventRegisterApi(ApiView):
    """Register the signed-in account for an event."""

    permission_required = "hall.book"

    @extend_schema(
        tags=["events"],
        summary="Register for an event (or a course's term)",
        description="Confirmed while places are left, else on the waiting list. Refused (400, with the "
        "reason) when the event is cancelled, needs no registration, has begun, is full without a waiting "
        "list, or the reader is already registered.",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={201: BookingSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        event = selectors.event_get_public(event_id=pk)
        booking = services.event_register(by=request.user, event=event)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class EventUnregisterApi(ApiView):
    """Cancel the signed-in account's registration for an event."""

    permission_required = "hall.book"

    @extend_schema(
        tags=["events"],
        summary="Cancel my registration for an event",
        description="Cancels the reader's registration or leaves the waiting list; the place goes to the "
        "first one waiting. Refused (400) when the reader is not registered or it is too late to cancel.",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: BookingSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        event = selectors.event_get_public(event_id=pk)
        booking = selectors.booking_of(user=request.user, slot=selectors.slot_of(event))
        if booking is None:
            raise serializers.ValidationError(_("You are not registered for this event."))
        booking = booking_services.booking_cancel(by=request.user, booking=booking)
        return Response(BookingSerializer(booking).data)


class SeriesDetailApi(ApiView):
    """A course's term or a festival series with its sessions."""

    permission_required = PUBLIC

    @extend_schema(
        tags=["events"],
        summary="A course's term or a festival series, with its dated sessions",
        responses={200: SeriesSerializer, **error_responses(404, 429)},
    )
    def get(self, request, pk: int):
        series = selectors.series_get_public(series_id=pk)
        series.session_list = list(series.sessions.all())
        # A festival series' events have slots of their own: fetched for all sessions at once.
        prefetch_related_objects(series.session_list, "slot")
        term = getattr(series, "slot", None)
        slots = [term, *(getattr(event, "slot", None) for event in series.session_list)]
        context = {
            "request": request,
            "waiting": waiting_counts(slots),
            "registration": selectors.booking_of(user=request.user, slot=term),
        }
        return Response(SeriesSerializer(series, context=context).data)


class FestivalListApi(ApiView):
    """The festivals celebrated and their coming dates."""

    permission_required = PUBLIC

    @extend_schema(
        tags=["events"],
        summary="The festivals celebrated, with their dates this year and the next two",
        description="Soonest first. Lunar festivals are placed on their Gregorian dates. Corban and the "
        "other feasts of the Islamic calendar are announced each year and appear as dated events instead.",
        responses={200: FestivalSerializer(many=True), **error_responses(429)},
    )
    def get(self, request):
        festivals = list(selectors.festivals_active())
        today = timezone.localdate()
        dates = defaultdict(list)
        for day, festival in festival_dates(
            festivals, range(today.year, today.year + services.FESTIVAL_YEARS_AHEAD)
        ):
            dates[festival.pk].append(day)
        for festival in festivals:
            festival.dates = dates[festival.pk]
            festival.next_date = next((day for day in festival.dates if day >= today), None)
        festivals.sort(key=lambda festival: (festival.next_date or datetime.date.max, festival.pk))
        return Response(FestivalSerializer(festivals, many=True).data)
