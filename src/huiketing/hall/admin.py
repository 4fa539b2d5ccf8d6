"""Admin of the living rooms: read-mostly views for administrators; every change goes through the services.

Changes that have rules (a slot's places against those taken, a closure refusing bookings, a package's
parts, a demonstration site's description) are made by the app's services, never by the admin's own save:
venues, zones, service items and closures are saved by calling their service (`ThroughServiceAdmin`), so the
admin shows the service's own message next to the field it names and writes its audit entry; bookings,
slots, events, courses, performers, gallery photos, attendance, visits and the visits roll-up are read only
here (their staff pages and API run their workflows). Festivals are edited here (the way administrators add
a festival of the community's own when no page does), with an audit entry for each change.

Every changelist reads a fixed number of queries whatever the number of rows: foreign keys shown in a list
are joined (`list_select_related`), and forms pick related rows by id (`raw_id_fields`) rather than listing
them all.
"""

import datetime

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huiketing.core.admin_base import ReadOnlyAdmin
from huiketing.core.audit import audit_record, diff, snapshot
from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.places.models import Level, Place, ServicePoint

from . import venue_services
from .booking_models import Booking, Slot
from .event_models import Attendance, Event, EventSeries, Festival, GalleryPhoto, Performer
from .models import Audience, Closure, ServiceItem, Venue, VenuePhoto, Zone
from .visit_models import Visit, VisitTally


class _CheckOnly(Exception):
    """Raised inside a savepoint to roll back a service call made only to check a form."""


class ThroughServiceAdmin(admin.ModelAdmin):
    """A model saved by its service (`service_save`), never by the admin's own `save()`.

    The form is checked by calling the service inside a savepoint that is then rolled back, so a refusal
    comes back as the service's translated message next to the field it names (not as an error page);
    saving calls the service again, for real, in the admin's transaction. The service sets many-to-many
    fields itself, so the form's are not saved a second time. Objects are not deleted here: related records
    (slots, bookings, visits) would go with them; what is no longer offered is switched off instead."""

    def service_save(self, request, obj, data: dict):
        """Create (obj is None) or change `obj` through the service, from the form's cleaned data."""
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(base):
            def clean(self):
                data = super().clean()
                if self.errors:
                    return data
                try:
                    with transaction.atomic():
                        model_admin.service_save(request, self.instance if change else None, data)
                        raise _CheckOnly
                except _CheckOnly:
                    pass
                except ValidationError as error:
                    add_service_errors(self, error)
                return data

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request, obj if change else None, form.cleaned_data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Venues -----------------------------------------------------------------------------------------------------


class CommunityFilter(admin.SimpleListFilter):
    title = _("community")
    parameter_name = "community"

    def lookups(self, request, model_admin):
        rows = Place.objects.filter(level=Level.COMMUNITY).order_by("code").values_list("code", "names")
        return [(code, pick(names) or code) for code, names in rows]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(place_code__startswith=self.value())
        return queryset


class VenueFilter(admin.SimpleListFilter):
    """The venues, named in one query (the default filter would read each venue's service point)."""

    title = _("living room")
    parameter_name = "venue"

    def lookups(self, request, model_admin):
        return [(str(venue.pk), venue.name) for venue in Venue.objects.select_related("service_point")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(venue_id=self.value())
        return queryset


@admin.register(Venue)
class VenueAdmin(ThroughServiceAdmin):
    """Created by `venue_create` and changed by `venue_update` (a demonstration site says what it
    demonstrates; the place code follows the service point). A venue is closed to the public by clearing
    "open to the public": deleting it would take its bookings and visits with it. The door's check-in code
    is a secret and is not shown."""

    list_display = ["name", "kind", "place_code", "is_demonstration_site", "is_active"]
    list_filter = [
        "is_demonstration_site",
        "is_active",
        "closed_on_public_holidays",
        "service_point__kind",
        CommunityFilter,
    ]
    search_fields = ["service_point__names", "place_code"]
    list_select_related = ["service_point"]
    ordering = ["place_code", "id"]
    fields = [
        "service_point",
        "place_code",
        *venue_services.VENUE_FIELDS,
        "is_demo",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["place_code", "is_demo", "created_at", "updated_at"]
        return ["service_point", *fixed] if obj is not None else fixed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service_point":
            kwargs["queryset"] = ServicePoint.objects.filter(
                kind__in=venue_services.VENUE_KINDS, venue__isnull=True
            ).order_by("place_code", "id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("name"), ordering="service_point__names")
    def name(self, venue) -> str:
        return venue.name

    @admin.display(description=_("kind"), ordering="service_point__kind")
    def kind(self, venue) -> str:
        return venue.service_point.get_kind_display()

    def service_save(self, request, obj, data):
        fields = {name: data[name] for name in venue_services.VENUE_FIELDS if name in data}
        if obj is not None:
            return venue_services.venue_update(by=request.user, venue=obj, **fields)
        return venue_services.venue_create(by=request.user, service_point=data["service_point"], **fields)


@admin.register(Zone)
class ZoneAdmin(ThroughServiceAdmin):
    """Saved by `zone_save` (a kind from the list, a name, at least one person of capacity). A zone is not
    deleted here: its slots and their bookings would go with it."""

    list_display = ["__str__", "venue", "kind", "capacity", "is_bookable", "position"]
    list_filter = ["kind", "is_bookable", VenueFilter]
    search_fields = ["names", "venue__service_point__names"]
    list_select_related = ["venue__service_point"]
    raw_id_fields = ["venue"]
    fields = ["venue", "kind", "names", "capacity", "is_bookable", "position"]

    def get_readonly_fields(self, request, obj=None):
        return ["venue"] if obj is not None else []

    def service_save(self, request, obj, data):
        return venue_services.zone_save(
            by=request.user,
            venue=obj.venue if obj is not None else data["venue"],
            zone=obj,
            kind=data["kind"],
            names=data["names"],
            capacity=data["capacity"],
            is_bookable=data["is_bookable"],
            position=data["position"],
        )


@admin.register(Closure)
class ClosureAdmin(ThroughServiceAdmin):
    """Added by `closure_add` (it must end after it starts and not be over already; bookings in its time
    are refused from then on) and removed by `closure_remove` while it is still to come; a closure that is
    over stays on record. A closure is not changed: remove it and add the right one."""

    list_display = ["__str__", "venue", "zone", "starts_at", "ends_at"]
    list_filter = [VenueFilter]
    search_fields = ["reasons", "venue__service_point__names"]
    list_select_related = ["venue__service_point", "zone"]
    raw_id_fields = ["venue", "zone"]
    fields = ["venue", "zone", "starts_at", "ends_at", "reasons", "created_by"]
    readonly_fields = ["created_by"]
    date_hierarchy = "starts_at"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.ends_at <= timezone.now():
            return False
        return super(ThroughServiceAdmin, self).has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        venue_services.closure_remove(by=request.user, closure=obj)

    def service_save(self, request, obj, data):
        return venue_services.closure_add(
            by=request.user,
            venue=data["venue"],
            zone=data.get("zone"),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reasons=data["reasons"],
        )


class AudienceFilter(admin.SimpleListFilter):
    title = _("for")
    parameter_name = "audience"

    def lookups(self, request, model_admin):
        return Audience.choices

    def queryset(self, request, queryset):
        if self.value() in Audience.values:
            # Audience codes are plain words, matched inside the JSON list (no JSON containment on SQLite).
            return queryset.filter(audiences__icontains=f'"{self.value()}"')
        return queryset


@admin.register(ServiceItem)
class ServiceItemAdmin(ThroughServiceAdmin):
    """Saved by `item_save`: an item that needs booking has a number of places, a package holds other items
    of its own living room (and no package), codes are unique in a living room, the price is in yuan. An
    item is not deleted here (its slots and bookings would go with it): clear "offered" instead."""

    list_display = ["__str__", "code", "venue", "category", "audience_list", "needs_booking", "is_active"]
    list_filter = [VenueFilter, "category", AudienceFilter, "needs_booking", "is_package", "is_active"]
    search_fields = ["code", "names", "venue__service_point__names"]
    list_select_related = ["venue__service_point"]
    raw_id_fields = ["venue", "zone", "provider"]
    filter_horizontal = ["components"]
    # The fields item_save takes, and the package's parts it sets itself.
    fields = ["venue", *venue_services.ITEM_FIELDS, "components"]

    def get_readonly_fields(self, request, obj=None):
        return ["venue"] if obj is not None else []

    @admin.display(description=_("for"))
    def audience_list(self, item) -> str:
        labels = dict(Audience.choices)
        return ", ".join(str(labels.get(code, code)) for code in item.audiences or [])

    def service_save(self, request, obj, data):
        fields = {name: data[name] for name in venue_services.ITEM_FIELDS if name in data}
        return venue_services.item_save(
            by=request.user,
            venue=obj.venue if obj is not None else data["venue"],
            item=obj,
            components=list(data.get("components") or []),
            **fields,
        )


@admin.register(VenuePhoto)
class VenuePhotoAdmin(admin.ModelAdmin):
    """Photos are added and put in order on the living room's staff page (the upload is checked and its
    location data removed there); here they are browsed, and removed through `venue_photo_remove`."""

    list_display = ["__str__", "venue", "position"]
    list_filter = [VenueFilter]
    search_fields = ["captions", "venue__service_point__names"]
    list_select_related = ["venue__service_point"]
    fields = ["venue", "image", "captions", "position"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj):
        venue_services.venue_photo_remove(by=request.user, photo=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            venue_services.venue_photo_remove(by=request.user, photo=photo)


# Festivals and events ---------------------------------------------------------------------------------------

AUDITED_FESTIVAL_FIELDS = ["code", "names", "calendar", "month", "day", "is_active"]


@admin.register(Festival)
class FestivalAdmin(admin.ModelAdmin):
    """Festivals recur every year on their day of the lunar or the Gregorian calendar; administrators add
    the community's own here (no page does) and retire one by clearing "celebrated". Each change is an
    audit entry. The code of a festival does not change (the standard ones are found by it), and a festival
    is not deleted (courses and events name it)."""

    list_display = ["__str__", "code", "calendar", "month", "day", "is_active"]
    list_filter = ["calendar", "is_active"]
    search_fields = ["code", "names"]
    ordering = ["calendar", "month", "day"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)

        class FestivalForm(base):
            def clean(self):
                data = super().clean()
                calendar, month, day = data.get("calendar"), data.get("month"), data.get("day")
                if calendar and month and day:
                    _festival_day_check(self, calendar, month, day)
                names = data.get("names")
                if "names" in data and (
                    not isinstance(names, dict)
                    or not any(isinstance(v, str) and v.strip() for v in names.values())
                ):
                    self.add_error("names", _("Give the festival a name (a text for each language)."))
                return data

        return FestivalForm

    def save_model(self, request, obj, form, change):
        before = snapshot(Festival.objects.get(pk=obj.pk), AUDITED_FESTIVAL_FIELDS) if change else {}
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="hall.festival.changed" if change else "hall.festival.added",
            obj=obj,
            changes=diff(before, snapshot(obj, AUDITED_FESTIVAL_FIELDS)),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _festival_day_check(form, calendar: str, month: int, day: int) -> None:
    """A day the calendar has: the lunar months have 29 or 30 days; a Gregorian day must exist (29 February
    is kept, and falls on the 28th in a common year)."""
    if calendar == Festival.Calendar.LUNAR:
        if not 1 <= day <= 30:
            form.add_error("day", _("A lunar month has at most 30 days."))
        return
    try:
        datetime.date(2024, month, day)
    except ValueError:
        form.add_error("day", _("This month does not have this day."))


@admin.register(EventSeries)
class EventSeriesAdmin(ReadOnlyAdmin):
    """Courses and festival series are created on the staff pages (their sessions, rooms and places are
    checked against the opening hours and closures there)."""

    list_display = ["__str__", "venue", "kind", "festival", "capacity", "is_active"]
    list_filter = ["kind", "is_active", VenueFilter]
    search_fields = ["titles", "venue__service_point__names"]
    list_select_related = ["venue__service_point", "festival"]
    raw_id_fields = ["venue", "festival", "item", "zone", "created_by"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Events are created and cancelled on the staff pages (registration, the waiting list and the
    participants' notices go with them)."""

    list_display = ["__str__", "venue", "kind", "starts_at", "ends_at", "is_cancelled"]
    list_filter = ["kind", "is_cancelled", "needs_registration", VenueFilter]
    search_fields = ["titles", "place_code"]
    list_select_related = ["venue__service_point"]
    raw_id_fields = ["venue", "zone", "series", "festival", "item", "created_by"]
    date_hierarchy = "starts_at"


@admin.register(Performer)
class PerformerAdmin(ReadOnlyAdmin):
    """Performers sign up and are accepted and put in order on the event's staff page. Who signed up (the
    registry record, the account) is for those pages, not this list."""

    list_display = ["__str__", "event", "status", "position"]
    list_filter = ["status"]
    search_fields = ["group_name", "act"]
    list_select_related = ["event"]
    exclude = ["resident", "user"]


@admin.register(GalleryPhoto)
class GalleryPhotoAdmin(ReadOnlyAdmin):
    """Gallery photos are added on the event's page (checked and stripped of their location data there)."""

    list_display = ["__str__", "event", "uploaded_at", "width", "height"]
    search_fields = ["caption"]
    list_select_related = ["event"]
    exclude = ["uploaded_by"]
    date_hierarchy = "uploaded_at"


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    """Attendance is ticked by staff at each session of a course."""

    list_display = ["__str__", "event", "recorded_at"]
    list_select_related = ["event"]
    exclude = ["booking", "recorded_by"]
    date_hierarchy = "recorded_at"


# Bookings ---------------------------------------------------------------------------------------------------


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    """Slots are opened on the staff pages (checked against the opening hours and closures), and their places
    move only with the bookings (never below those taken): read only here."""

    list_display = ["starts_at", "venue", "zone", "item", "capacity", "taken", "waiting_list"]
    list_filter = ["waiting_list"]
    search_fields = ["place_code"]
    list_select_related = ["venue__service_point", "zone", "item"]
    raw_id_fields = ["venue", "zone", "item", "event", "series"]
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings change through the services (places and the waiting list move together): read only here."""

    list_display = ["slot", "status", "party_size", "waiting_since", "created_at"]
    list_filter = ["status"]
    list_select_related = ["slot"]
    raw_id_fields = ["slot", "resident", "user", "organisation", "package", "booked_by"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Visits -----------------------------------------------------------------------------------------------------


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    """Visits are recorded at the door and rated by their visitor: read only here. No names of residents are
    listed (only the record's ids)."""

    list_display = ["at", "venue", "purpose", "method", "people", "satisfaction"]
    list_filter = ["method", "purpose", "satisfaction"]
    list_select_related = ["venue__service_point"]
    search_fields = ["place_code"]
    raw_id_fields = ["venue", "item", "event", "resident", "user", "recorded_by"]
    readonly_fields = [f.name for f in Visit._meta.fields]
    date_hierarchy = "day"
    show_full_result_count = False  # no count(*) over millions of rows on every page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VisitTally)
class VisitTallyAdmin(ReadOnlyAdmin):
    """The daily roll-up of visits and ratings, kept by the visit services in the same transaction as each
    visit: read only (a change here would make the statistics disagree with the visits)."""

    list_display = ["day", "hour", "venue", "purpose", "visits", "good", "fair", "poor"]
    list_filter = ["purpose"]
    list_select_related = ["venue__service_point"]
    date_hierarchy = "day"
    show_full_result_count = False
    ordering = ["-day", "-hour", "venue_id"]
