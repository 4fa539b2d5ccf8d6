"""Deliberation, meetings and votes in the Django admin.

Records here are read, not edited: their changes go through the services (staff pages, API), which keep the
timeline, the counters and the audit log true. Each part of the app has its own block below.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huiketing.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from huiketing.meetings.models import (
    AgendaItem,
    Ballot,
    Comment,
    CommentReport,
    Meeting,
    MeetingKind,
    Minutes,
    Objection,
    SecretTally,
    Support,
    Topic,
    TopicOption,
    Vote,
    VoteOption,
    VoteStatus,
)

# Deliberation: topics, their options, comments, reports and supports ---------------------------------------


class TopicOptionInline(ReadOnlyInline):
    model = TopicOption
    fields = ["position", "title", "description"]
    readonly_fields = fields


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "place_code",
        "origin",
        "status",
        "supports_count",
        "support_threshold",
        "opened_at",
    ]
    list_filter = ["status", "origin", "is_demo"]
    search_fields = ["title", "place_code"]
    date_hierarchy = "created_at"
    raw_id_fields = ["matter", "opened_by"]
    inlines = [TopicOptionInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "topic", "stance", "created_at", "is_hidden"]
    list_filter = ["stance"]
    search_fields = ["body", "topic__title"]
    raw_id_fields = ["topic", "parent", "author", "resident", "hidden_by"]
    # The registry record and account are there for moderation: the admin shows them as ids only.
    exclude = ["author", "resident"]

    @admin.display(boolean=True, description=_("hidden"))
    def is_hidden(self, comment) -> bool:
        return comment.hidden_at is not None


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyAdmin):
    list_display = ["reason", "comment", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    search_fields = ["reason"]
    exclude = ["reporter"]


@admin.register(Support)
class SupportAdmin(ReadOnlyAdmin):
    list_display = ["topic", "created_at"]
    exclude = ["resident"]


# Meetings (与会决策): kinds of meeting (edited here, through the service), meetings, decisions ------------


class MeetingKindForm(forms.ModelForm):
    class Meta:
        model = MeetingKind
        fields = ["code", "names", "position", "is_active"]


@admin.register(MeetingKind)
class MeetingKindAdmin(admin.ModelAdmin):
    """Kinds of meeting: the standard ones and those staff add. Saved through `meeting_kind_save`, which
    writes the audit entry; a kind that meetings use is retired by clearing "active", never deleted."""

    form = MeetingKindForm
    list_display = ["__str__", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    ordering = ["position", "id"]
    search_fields = ["code", "names"]

    def save_model(self, request, obj, form, change):
        from huiketing.meetings.meeting_services import meeting_kind_save

        saved = meeting_kind_save(
            by=request.user, code=obj.code, names=obj.names, position=obj.position, is_active=obj.is_active
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ["position", "title", "decision", "notice_status", "notice_ends_on", "effective_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "place_code", "starts_at", "status", "quorum_rule"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = ["title", "place_code"]
    date_hierarchy = "starts_at"
    # The door code is a secret that lets people check in: it is not shown here.
    exclude = ["check_in_token"]
    raw_id_fields = ["service_point", "chair", "recorder", "created_by"]
    inlines = [AgendaItemInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "item", "created_at", "answered_at"]
    list_filter = ["answered_at"]
    search_fields = ["body", "answer"]
    # Who objected is for the staff pages of the meeting's place, not for the admin's list.
    exclude = ["resident", "author"]


# Minutes: browsed here; generated, edited, published and unpublished on the staff page ------------------


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    """The minutes' texts as stored (the figures are computed from the records when they are shown)."""

    list_display = ["meeting", "language", "status", "generated_at", "edited_at", "published_at"]
    list_filter = ["status", "language"]
    search_fields = ["meeting__title", "meeting__place_code"]
    date_hierarchy = "generated_at"
    raw_id_fields = ["meeting", "edited_by", "published_by"]


# Votes: read-only. While a vote is open nothing here shows how anyone voted, and a secret vote's ballots
# show only who voted, how and when (they hold nothing more); its tallies show once it is closed. ---------


class VoteOptionInline(ReadOnlyInline):
    model = VoteOption
    fields = ["position", "label", "meaning", "result_count"]
    readonly_fields = fields


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = [
        "question",
        "item",
        "status",
        "is_secret",
        "electorate",
        "majority",
        "cast_count",
        "passed",
    ]
    list_filter = ["status", "is_secret", "electorate", "majority"]
    search_fields = ["question", "item__title", "item__meeting__title", "item__meeting__place_code"]
    raw_id_fields = ["item"]
    list_select_related = ["item"]
    inlines = [VoteOptionInline]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["vote", "resident", "channel", "recorded_by", "cast_minute", "choice"]
    list_filter = ["channel"]
    search_fields = ["vote__question", "resident__full_name"]
    list_select_related = ["vote", "resident", "recorded_by", "option"]
    fields = ["vote", "resident", "household", "channel", "recorded_by", "cast_minute", "choice"]
    readonly_fields = fields

    @admin.display(description=_("choice"))
    def choice(self, ballot) -> str:
        """An open vote's choice once the vote is closed; never anything for a secret vote."""
        if ballot.vote.is_secret or ballot.vote.status != VoteStatus.CLOSED or ballot.option is None:
            return "—"
        return ballot.option.label or str(ballot.option.get_meaning_display())


@admin.register(SecretTally)
class SecretTallyAdmin(ReadOnlyAdmin):
    list_display = ["vote", "option", "shown_count"]
    list_select_related = ["vote", "option"]
    fields = ["vote", "option", "shown_count"]
    readonly_fields = fields

    @admin.display(description=_("votes"))
    def shown_count(self, tally) -> str:
        """The count once the vote is closed: no partial result while it is open."""
        return str(tally.count) if tally.vote.status == VoteStatus.CLOSED else "—"
