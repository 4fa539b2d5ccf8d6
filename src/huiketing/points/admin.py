"""Points in the Django admin: the rules (changed through the service, so audited), the accounts and the
ledger read-only. Balances change only through entries written by the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huiketing.core.admin_base import ReadOnlyAdmin
from huiketing.core.audit import audit_record, diff, snapshot

from . import services
from .models import Account, Entry, Rule

CHANGED_IN_ADMIN = _("Changed in the admin")


class RuleAdminForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["code", "names", "audience", "amount", "daily_cap", "is_active", "position"]

    def clean(self):
        data = super().clean()
        if "amount" in data and "daily_cap" in data:
            services.rule_values_check(
                amount=data["amount"], daily_cap=data["daily_cap"], names=data.get("names")
            )
        return data


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleAdminForm
    list_display = ["__str__", "code", "audience", "amount", "daily_cap", "is_active", "position"]
    list_filter = ["audience", "is_active"]
    search_fields = ["code", "names"]
    ordering = ["audience", "position", "id"]

    def get_readonly_fields(self, request, obj=None):
        # Code calls rules by their code: it is fixed once the rule exists.
        return ["code", "updated_at"] if obj is not None else ["updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="points.rule_create",
                obj=obj,
                changes=diff({}, snapshot(obj, ["code", "audience", "amount", "daily_cap", "is_active"])),
                reason=str(CHANGED_IN_ADMIN),
            )
            return
        stored = Rule.objects.get(pk=obj.pk)
        services.rule_update(
            by=request.user,
            rule=stored,
            amount=obj.amount,
            daily_cap=obj.daily_cap,
            is_active=obj.is_active,
            names=obj.names if obj.names != stored.names else None,
        )
        before = snapshot(stored, ["audience", "position"])
        after = snapshot(obj, ["audience", "position"])
        if before != after:
            Rule.objects.filter(pk=obj.pk).update(audience=obj.audience, position=obj.position)
            audit_record(
                actor=request.user,
                action="points.rule_update",
                obj=obj,
                changes=diff(before, after),
                reason=str(CHANGED_IN_ADMIN),
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Entries point at their rule; switch a rule off instead.
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "__str__", "place_code", "balance", "earned", "created_at"]
    search_fields = ["place_code", "resident__full_name", "user__username", "unit__names"]
    list_select_related = ["resident", "user", "unit"]
    readonly_fields = ["resident", "user", "unit", "place_code", "balance", "earned", "created_at"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "account", "amount", "balance_after", "rule", "reason", "source_type", "created_at"]
    list_filter = ["rule", "source_type"]
    search_fields = ["reason", "source_id", "account__resident__full_name", "account__user__username"]
    list_select_related = ["account__resident", "account__user", "account__unit", "rule"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "account",
        "amount",
        "balance_after",
        "rule",
        "reason",
        "source_type",
        "source_id",
        "key",
        "created_by",
        "created_at",
    ]
