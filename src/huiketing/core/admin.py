"""The audit log in the Django admin: readable by administrators, never added to, changed or deleted."""

from django.contrib import admin

from huiketing.core.models import AuditEntry


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
