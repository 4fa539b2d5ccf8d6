"""Projects in the Django admin, read only: their changes go through the workflow (staff pages, API), which
keeps the timeline, the audit log and the matter a project carries out true."""

from django.contrib import admin

from huiketing.core.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import Milestone, Party, Project


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["position", "title", "due_on", "weight", "done_at", "note"]


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["kind", "role", "unit", "organisation", "name"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "place_code", "status", "budget", "spent", "due_on", "created_at"]
    list_filter = ["status", "funding_source"]
    search_fields = ["title", "place_code"]
    ordering = ["-created_at", "-id"]
    inlines = [MilestoneInline, PartyInline]
