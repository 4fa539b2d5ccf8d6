"""The Django admin of core: the audit log (read only), the working-day calendar (edited per year), and
notification deliveries (read only, to see what failed and why)."""

import datetime

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from huiketing.core import workdays
from huiketing.core.audit import audit_record, diff, snapshot
from huiketing.core.models import AuditEntry, CalendarDay, NotificationDelivery


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "place_code", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "actor_label", "object_repr", "place_code", "object_id"]
    date_hierarchy = "at"
    list_select_related = False
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


AUDITED_CALENDAR_FIELDS = ["date", "is_working_day", "name", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Public holidays on weekdays and adjusted working days on weekends, browsed by year.

    Every addition, change and removal is an audit entry. The list warns when this year or the next has no
    entries (they would count Monday to Friday only).
    """

    list_display = ["date", "weekday", "is_working_day", "name", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "name", "note"]
    list_per_page = 100

    @admin.display(description=_("weekday"))
    def weekday(self, day: CalendarDay) -> str:
        from django.utils.dateformat import format as date_format

        return date_format(day.date, "l")

    def get_changelist_instance(self, request):
        # Here rather than in changelist_view, which stays Django's own view (the permission matrix relies on
        # the admin's views being Django's).
        this_year = datetime.date.today().year
        missing = workdays.years_without_calendar([this_year, this_year + 1])
        if missing and request.method == "GET":
            self.message_user(
                request,
                ngettext(
                    "No holidays are entered for %(years)s: deadlines that year count Monday to Friday only. "
                    "Add the year's holidays and adjusted working days, or run huiketing workdays_load after "
                    "upgrading chinese-calendar.",
                    "No holidays are entered for %(years)s: deadlines those years count Monday to Friday "
                    "only. Add their holidays and adjusted working days, or run huiketing workdays_load "
                    "after upgrading chinese-calendar.",
                    len(missing),
                )
                % {"years": ", ".join(str(year) for year in missing)},
                messages.WARNING,
            )
        return super().get_changelist_instance(request)

    def save_model(self, request, obj, form, change):
        before = snapshot(CalendarDay.objects.get(pk=obj.pk), AUDITED_CALENDAR_FIELDS) if change else {}
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="core.calendar_day.changed" if change else "core.calendar_day.added",
            obj=obj,
            changes=diff(before, snapshot(obj, AUDITED_CALENDAR_FIELDS)),
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action="core.calendar_day.removed",
            obj=obj,
            changes=diff(snapshot(obj, AUDITED_CALENDAR_FIELDS), {}),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            self.delete_model(request, day)


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    """Messages sent on outside channels: read only, so that nobody resends one by hand by mistake."""

    list_display = ["created_at", "channel", "status", "attempts", "kind", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    date_hierarchy = "created_at"
    list_select_related = ["notification"]
    readonly_fields = [field.name for field in NotificationDelivery._meta.fields]
    show_full_result_count = False

    @admin.display(description=_("kind"))
    def kind(self, delivery: NotificationDelivery) -> str:
        return delivery.notification.kind

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
