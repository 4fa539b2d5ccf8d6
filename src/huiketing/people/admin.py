"""Accounts, role assignments and organisations in the Django admin.

Role changes made here are audited like role_assign's: every added, changed and removed assignment and every
change to an account is an audit entry with the administrator as actor. Deactivating an account, by the
action or by clearing "active", ends all its sessions and deletes its API token (core.security).
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from huiketing.core import scope, security
from huiketing.core.audit import audit_record, diff, snapshot
from huiketing.people.models import Organisation, RoleAssignment, User

AUDITED_USER_FIELDS = [
    "username",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "preferred_language",
    "large_text",
    "is_active",
    "is_staff",
    "is_superuser",
    "is_demo",
    "password",
]
AUDITED_ROLE_FIELDS = ["role", "place_code", "organisation_id"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "place_code", "organisation", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_staff", "is_demo", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "is_demo", "roles__role"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("display_name", "preferred_language", "large_text", "is_demo")}),
    )
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate and sign out everywhere"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            security.user_deactivate(by=request.user, user=user, reason=str(_("Deactivated in the admin")))
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d account deactivated; its sessions have ended.",
                "%(count)d accounts deactivated; their sessions have ended.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk:
            before = snapshot(User.objects.get(pk=obj.pk), AUDITED_USER_FIELDS)
        if change and before.get("is_active") and not obj.is_active:
            # Cleared "active" in the form: the same as the deactivate action, audited by the service.
            security.user_deactivate(by=request.user, user=obj, reason=str(_("Deactivated in the admin")))
            before["is_active"] = False
        super().save_model(request, obj, form, change)
        after = snapshot(obj, AUDITED_USER_FIELDS)
        changes = diff(before, after)
        if change and not changes:
            return
        audit_record(
            actor=request.user,
            action="people.user.changed" if change else "people.user.created",
            obj=obj,
            changes=changes,
            reason=str(_("Changed in the admin")),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        before = {
            assignment.pk: snapshot(assignment, AUDITED_ROLE_FIELDS)
            for assignment in RoleAssignment.objects.filter(user=form.instance)
        }
        assignments = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="people.role.revoked",
                obj=assignment,
                place_code=assignment.place_code,
                changes=diff(before.get(assignment.pk, {}), {}),
                reason=str(_("Changed in the admin")),
            )
            assignment.delete()
        for assignment in assignments:
            created = assignment.pk is None
            if created:
                assignment.granted_by = request.user
            assignment.save()
            changes = diff(before.get(assignment.pk, {}), snapshot(assignment, AUDITED_ROLE_FIELDS))
            if not changes:
                continue
            audit_record(
                actor=request.user,
                action="people.role.assigned" if created else "people.role.changed",
                obj=assignment,
                place_code=assignment.place_code,
                changes=changes,
                reason=str(_("Changed in the admin")),
            )
        formset.save_m2m()
        scope.forget(form.instance)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "place_code", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["names", "place_code"]

    def save_model(self, request, obj, form, change):
        before = snapshot(Organisation.objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj))
        if change and not changes:
            return
        audit_record(
            actor=request.user,
            action="people.organisation.changed" if change else "people.organisation.created",
            obj=obj,
            changes=changes,
            reason=str(_("Changed in the admin")),
        )
