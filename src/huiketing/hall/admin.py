"""Admin of the living rooms: read-mostly views for administrators; every change goes through the services."""

from django.contrib import admin

from .booking_models import Booking, Slot
from .visit_models import Visit


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "venue", "zone", "item", "capacity", "taken", "waiting_list"]
    list_filter = ["waiting_list"]
    search_fields = ["place_code"]
    list_select_related = ["venue__service_point", "zone", "item"]
    readonly_fields = ["taken"]
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
