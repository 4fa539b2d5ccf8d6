"""Bases of the apps' admin classes (no model is registered here)."""

from django.contrib import admin


class ReadOnlyMixin:
    """Browse and search only: a change made in the admin would bypass the workflow and its audit entries."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
