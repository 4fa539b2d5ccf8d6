"""Categories, handling units and Open311 clients in the Django admin.

Every change made here is an audit entry with the administrator as actor, as the services' own are. A new
Open311 client is registered through `open311_client_register`: its key is shown once, in the message after
saving, and only its hash is kept. Matters themselves are not edited here: their changes go through the
workflow (staff pages, API), which keeps the timeline and the rates true.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from huiketing.core.audit import audit_record, diff, snapshot
from huiketing.matters import services
from huiketing.matters.models import Category, HandlingUnit, Open311Client

CHANGED_IN_ADMIN = _("Changed in the admin")


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit entry for every object added or changed here."""

    audit_action = ""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj))
        if change and not changes:
            return
        audit_record(
            actor=request.user,
            action=f"{self.audit_action}.{'changed' if change else 'created'}",
            obj=obj,
            changes=changes,
            reason=str(CHANGED_IN_ADMIN),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Matters point at these rows; retire one by clearing "active" instead.
        return False


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_action = "matters.category"
    list_display = [
        "__str__",
        "code",
        "default_unit_kind",
        "sign_hours",
        "resolve_working_days",
        "position",
        "is_active",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "default_unit_kind"]
    search_fields = ["code", "names"]
    ordering = ["position", "id"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(AuditedAdmin):
    audit_action = "matters.unit"
    list_display = ["__str__", "kind", "place_code", "organisation", "is_active", "is_demo"]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["names", "place_code"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_hint", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["key_hint", "created_at"]

    def get_fields(self, request, obj=None):
        # A new client is only named: its key is made by the service and shown once.
        return ["name"] if obj is None else ["name", "key_hint", "is_active", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            client, key = services.open311_client_register(by=request.user, name=obj.name)
            obj.pk = client.pk
            obj.key_hash, obj.key_hint, obj.created_at = client.key_hash, client.key_hint, client.created_at
            self.message_user(
                request,
                _("The key of %(name)s is %(key)s. Copy it now: it is not shown again.")
                % {"name": client.name, "key": key},
                messages.WARNING,
            )
            return
        before = snapshot(Open311Client.objects.get(pk=obj.pk), ["name", "is_active"])
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, ["name", "is_active"]))
        if changes:
            audit_record(
                actor=request.user,
                action="matters.open311_client.changed",
                obj=obj,
                changes=changes,
                reason=str(CHANGED_IN_ADMIN),
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
