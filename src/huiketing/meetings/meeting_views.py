"""Pages of meetings (与会决策): the public list and page, registering, "my meetings", checking in with the
door QR code, the public board of decisions (with objections) and its print layout; the staff's list, meeting
form, meeting page (participants, invitations, agenda, decisions, objections) and door page.

Public pages name no resident: participants are counted by kind, and only organisations are named. Staff
pages fetch the meeting through `meeting_selectors.meeting_get_for_staff` (missing and out of scope: 404).
Each action is a small POST form and one service call; a refused one comes back on the meeting's page with
the service's message, next to the field it names, and status 400.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from huiketing.core.forms import add_service_errors
from huiketing.core.i18n import pick
from huiketing.core.permissions import PUBLIC, PermissionRequiredMixin
from huiketing.meetings import vote_selectors
from huiketing.people.models import Organisation, Role, Tag
from huiketing.places.models import Level

from . import meeting_selectors as selectors
from . import meeting_services as services
from .models import (
    MEETING_TRANSITIONS,
    ItemDecision,
    Meeting,
    MeetingStatus,
    NoticeStatus,
    Participant,
    ParticipantKind,
    QuorumRule,
    VoteStatus,
)

PAGE_SIZE = 20
STAFF_PAGE_SIZE = 30
USER_TEXT = {"dir": "auto", "lang": ""}
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# How often the door screen (the QR code and the counts, shown on a screen at the door) reloads itself.
DOOR_SCREEN_REFRESH_SECONDS = 15
INVITABLE_ROLES = [
    Role.PARTY_MEMBER,
    Role.VOLUNTEER,
    Role.GRID_LEADER,
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.SUBDISTRICT_OFFICER,
    Role.CITY_OFFICER,
]


# Showing meetings -------------------------------------------------------------------------------------------


def place_label(meeting: Meeting) -> str:
    """Where the meeting takes place, in the reader's language: the service point, the place typed, online."""
    parts = []
    if meeting.service_point_id:
        parts.append(meeting.service_point.name)
    if meeting.location:
        parts.append(meeting.location)
    if meeting.is_online:
        parts.append(str(_("online")))
    return " · ".join(part for part in parts if part)


def service_point_address(meeting: Meeting) -> str:
    if not meeting.service_point_id:
        return ""
    return pick(meeting.service_point.address) if isinstance(meeting.service_point.address, dict) else ""


def _annotate(meetings: list[Meeting]) -> list[Meeting]:
    """Each meeting's place and the name of the area it is for, in the reader's language (one query)."""
    names = selectors.place_names(meeting.place_code for meeting in meetings)
    for meeting in meetings:
        meeting.place_text = place_label(meeting)
        meeting.area_name = pick(names.get(meeting.place_code) or {}) or meeting.place_code
    return meetings


def event_sentence(event) -> str | None:
    """A public timeline entry of a meeting as one sentence; None for entries of other kinds."""
    params = event.params or {}
    title = params.get("title", "")
    sentences = {
        services.EVENT_SCHEDULED: lambda: _("The meeting was planned."),
        services.EVENT_CHANGED: lambda: _("The time or place of the meeting changed."),
        services.EVENT_OPENED: lambda: _("The meeting opened."),
        services.EVENT_CLOSED: lambda: (
            _("The meeting closed: %(attending)s of %(invited)s invited attended.")
            % {"attending": params.get("attending", 0), "invited": params.get("invited", 0)}
        ),
        services.EVENT_CANCELLED: lambda: (
            _("The meeting was cancelled: %(reason)s") % {"reason": params.get("reason", "")}
        ),
        services.EVENT_DECIDED: lambda: (
            _("Decision on “%(title)s”: %(decision)s.")
            % {"title": title, "decision": _decision_label(params.get("decision", ""))}
        ),
        services.EVENT_OBJECTION: lambda: _("A resident objected to a decision."),
        services.EVENT_EFFECTIVE: lambda: _("A decision took effect after its public-notice period."),
        services.EVENT_OBJECTED: lambda: _("A public-notice period ended with objections, now under review."),
        services.EVENT_RESOLVED: lambda: (
            _("After review of the objections, the decision was upheld.")
            if params.get("upheld")
            else _("After review of the objections, the decision was withdrawn and the item deferred.")
        ),
    }
    sentence = sentences.get(event.kind)
    return sentence() if sentence else None


def _decision_label(code: str) -> str:
    try:
        return str(ItemDecision(code).label)
    except ValueError:
        return code


def _participation_label(row: Participant | None) -> str:
    if row is None:
        return ""
    if row.attended_at is not None:
        return _("You attended.")
    if row.invited:
        return (
            _("You are invited.")
            if row.registered_at is None
            else _("You are invited and said you will come.")
        )
    return _("You registered.") if row.registered_at is not None else ""


def _vote_state(item) -> dict:
    """What the staff page says of the votes on an item (from the prefetched votes)."""
    votes = list(item.votes.all())
    open_vote = any(vote.status == VoteStatus.OPEN for vote in votes)
    closed = [vote for vote in votes if vote.status == VoteStatus.CLOSED]
    last = closed[-1] if closed else None
    return {"open": open_vote, "last": last, "all": votes}


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", "lang", *names):
        query.pop(name, None)
    return query.urlencode()


def _never_cache(response):
    add_never_cache_headers(response)
    return response


def _error_messages(form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


# Forms -----------------------------------------------------------------------------------------------------


class PublicFilterForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("upcoming", gettext_lazy("Coming")), ("past", gettext_lazy("Past"))],
        required=False,
        widget=forms.HiddenInput,
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of meeting"), required=False)
    place = forms.ChoiceField(label=gettext_lazy("Place"), required=False)

    def __init__(self, *args, kinds, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every kind"))] + [(kind.code, str(kind)) for kind in kinds]
        self.fields["place"].choices = [("", _("The whole city"))] + [
            (code, pick(names) if level == Level.SUBDISTRICT else f"· {pick(names)}")
            for code, names, level in places
        ]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ObjectionForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **USER_TEXT}),
        error_messages={"required": gettext_lazy("Write your objection.")},
        help_text=gettext_lazy(
            "Staff read it and answer you; the public sees only how many objections there are."
        ),
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of meeting"))
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=120, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    place_code = forms.ChoiceField(
        label=gettext_lazy("For the residents of"),
        help_text=gettext_lazy("The residents of this place may register, attend and object to decisions."),
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends at"),
        required=False,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    service_point = forms.TypedChoiceField(
        label=gettext_lazy("Service point or living room"), coerce=int, required=False, empty_value=None
    )
    location = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("The room, or another place when the meeting is not at a service point."),
    )
    is_online = forms.BooleanField(label=gettext_lazy("Online"), required=False)
    online_link = forms.URLField(
        label=gettext_lazy("Online link"),
        assume_scheme="https",
        required=False,
        help_text=gettext_lazy("Shown only to those on the meeting's list."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the minutes"), choices=settings.LANGUAGES)
    quorum_rule = forms.ChoiceField(label=gettext_lazy("Quorum"), choices=QuorumRule.choices)
    quorum_count = forms.IntegerField(
        label=gettext_lazy("Number who must attend"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Only for the rule “at least a set number attend”."),
    )
    chair = forms.TypedChoiceField(label=gettext_lazy("Chair"), coerce=int, required=False, empty_value=None)
    recorder = forms.TypedChoiceField(
        label=gettext_lazy("Recorder"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, kinds, places, service_points, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {kind.code: kind for kind in kinds}
        self.service_points = {point.pk: point for point in service_points}
        self.accounts = {account.pk: account for account in accounts}
        self.fields["kind"].choices = [("", _("Choose…"))] + [
            (code, str(k)) for code, k in self.kinds.items()
        ]
        self.fields["place_code"].choices = [("", _("Choose…"))] + [
            (code, f"{pick(names) or code} · {code}") for code, names, _level in places
        ]
        self.fields["service_point"].choices = [("", _("None"))] + [
            (point.pk, f"{point.name} · {point.get_kind_display()}") for point in service_points
        ]
        people = [("", _("Nobody chosen"))] + [(account.pk, str(account)) for account in accounts]
        self.fields["chair"].choices = people
        self.fields["recorder"].choices = people

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kinds.get(data["kind"]),
            "title": data["title"],
            "place_code": data["place_code"],
            "starts_at": data["starts_at"],
            "ends_at": data.get("ends_at"),
            "service_point": self.service_points.get(data.get("service_point")),
            "location": data.get("location", ""),
            "is_online": data.get("is_online", False),
            "online_link": data.get("online_link", ""),
            "language": data["language"],
            "quorum_rule": data["quorum_rule"],
            "quorum_count": data.get("quorum_count"),
            "chair": self.accounts.get(data.get("chair")),
            "recorder": self.accounts.get(data.get("recorder")),
        }


class EmptyForm(forms.Form):
    """An action with no fields; carries the service's error as a non-field error."""


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the meeting cancelled?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Everyone on the list is told, with this reason."),
    )


class InviteForm(forms.Form):
    """One participant: an organisation (with its delegate's name) or a named guest."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Taking part as"), choices=ParticipantKind.choices, required=False
    )
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("A guest's name, or the organisation's delegate."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Participant.Role.choices, initial="member")

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        self.fields["kind"].choices = [
            ("", _("From the organisation's kind")),
            *ParticipantKind.choices,
        ]
        self.fields["organisation"].choices = [("", _("None (a guest)"))] + [
            (o.pk, f"{o} · {o.get_kind_display()}") for o in organisations
        ]


class InviteResidentsForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Living in"), required=False)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)
    householders = forms.BooleanField(label=gettext_lazy("Household heads only"), required=False)
    name = forms.CharField(label=gettext_lazy("Name contains"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=gettext_lazy("Taking part as"),
        choices=[
            (ParticipantKind.RESIDENT, ParticipantKind.RESIDENT.label),
            (ParticipantKind.REPRESENTATIVE, ParticipantKind.REPRESENTATIVE.label),
            (ParticipantKind.PARTY_MEMBER, ParticipantKind.PARTY_MEMBER.label),
            (ParticipantKind.OTHER, ParticipantKind.OTHER.label),
        ],
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("Anywhere in the meeting's area"))] + [
            (code, f"{pick(names) or code} · {code}") for code, names, _level in places
        ]
        self.fields["tag"].choices = [("", _("Any")), *Tag.choices]


class InviteOrganisationsForm(forms.Form):
    organisation_kind = forms.ChoiceField(
        label=gettext_lazy("Every organisation of this kind"), choices=Organisation.Kind.choices
    )


class InviteAccountsForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Every account holding this role"),
        choices=[(role.value, role.label) for role in INVITABLE_ROLES],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Taking part as"), choices=ParticipantKind.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("From the account's role")), *ParticipantKind.choices]


class ItemForm(forms.Form):
    topic = forms.TypedChoiceField(
        label=gettext_lazy("Deliberated topic"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=gettext_lazy("Leave empty to use the topic's title."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = {topic.pk: topic for topic in topics}
        if topics:
            self.fields["topic"].choices = [("", _("None (a free item)"))] + [
                (topic.pk, topic.title) for topic in topics
            ]
        else:
            del self.fields["topic"]


class ItemEditForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], widget=forms.HiddenInput)


class SummaryForm(forms.Form):
    speakers_summary = forms.CharField(
        label=gettext_lazy("What the speakers said"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (ItemDecision.APPROVED, ItemDecision.APPROVED.label),
            (ItemDecision.REJECTED, ItemDecision.REJECTED.label),
            (ItemDecision.DEFERRED, ItemDecision.DEFERRED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose approved, rejected or deferred.")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reasons for the decision.")},
    )
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Who does what next, and by when."),
    )
    notice_days = forms.IntegerField(
        label=gettext_lazy("Public-notice period (days)"),
        min_value=1,
        max_value=services.NOTICE_DAYS_MAX,
        initial=services.NOTICE_DAYS_DEFAULT,
        help_text=gettext_lazy(
            "An approved decision takes effect after this many days unless residents object."
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Write the answer.")},
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("uphold", gettext_lazy("Uphold")), ("withdraw", gettext_lazy("Withdraw"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the public"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttendanceForm(forms.Form):
    present = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )


# Public pages -----------------------------------------------------------------------------------------------


class MeetingListView(PermissionRequiredMixin, TemplateView):
    """Meetings anyone may see: the coming ones (soonest first) or the past ones, by kind and place."""

    permission_required = PUBLIC
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PublicFilterForm(
            self.request.GET or None,
            kinds=list(selectors.meeting_kinds_active()),
            places=selectors.public_places(),
        )
        valid = not form.is_bound or form.is_valid()
        filters = form.filters()
        meetings = selectors.meetings_public(filters=filters) if valid else Meeting.objects.none()
        page = Paginator(meetings, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = _annotate(list(page.object_list))
        when = filters.get("when") or "upcoming"
        tab_query = _query_without(self.request, "when")
        context.update(
            form=form,
            valid=valid,
            page=page,
            meetings=rows,
            when=when,
            tabs=[
                (code, label, f"?{tab_query}&when={code}" if tab_query else f"?when={code}")
                for code, label in PublicFilterForm.base_fields["when"].choices
            ],
            query=_query_without(self.request),
        )
        return context


def public_meeting_context(request, meeting: Meeting, **extra) -> dict:
    """Everything the public page of a meeting shows; no resident's name."""
    user = request.user
    participant = selectors.participant_of(user=user, meeting=meeting)
    # Each item's votes as this reader may see them (`item.vote_list`, each with its box), in a fixed
    # number of queries.
    items = vote_selectors.votes_for_items(items=meeting.items.all(), user=user)
    events = []
    for event in meeting.events.all():
        sentence = event_sentence(event)
        if sentence:
            event.sentence = sentence
            events.append(event)
    area = selectors.place_names([meeting.place_code]).get(meeting.place_code) or {}
    started = meeting.status in (MeetingStatus.IN_SESSION, MeetingStatus.CLOSED)
    can_take_part = user.is_authenticated and user.has_perm("meetings.take_part", meeting)
    context = {
        "meeting": meeting,
        "area_name": pick(area) or meeting.place_code,
        "place_text": place_label(meeting),
        "address": service_point_address(meeting),
        "items": items,
        "events": events,
        "counts": selectors.participant_counts(meeting=meeting),
        "organisations": selectors.organisations_taking_part(meeting=meeting),
        "quorum": selectors.meeting_quorum(meeting=meeting) if started else None,
        "minutes_published": meeting.status == MeetingStatus.CLOSED
        and selectors.minutes_published(meeting=meeting),
        "participant": participant,
        "show_link": bool(meeting.online_link) and participant is not None,
        "can_register": can_take_part
        and meeting.status == MeetingStatus.PLANNED
        and (participant is None or participant.registered_at is None),
        "can_take_part": can_take_part,
    }
    context.update(extra)
    return context


class MeetingDetailView(PermissionRequiredMixin, TemplateView):
    """A meeting's public page: when and where, the agenda with its decisions, how many take part of each
    kind, the quorum once it opened, and the register button for residents of its area."""

    permission_required = PUBLIC
    template_name = "meetings/meeting_detail.html"

    def get(self, request, *args, **kwargs):
        meeting = selectors.meeting_get_public(meeting_id=kwargs["pk"])
        response = self.render_to_response(public_meeting_context(request, meeting))
        return _never_cache(response) if request.user.is_authenticated else response


class MeetingRegisterView(PermissionRequiredMixin, View):
    """A resident of the meeting's area registers (POST)."""

    permission_required = "meetings.take_part"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.meeting = selectors.meeting_get_public(meeting_id=self.kwargs["pk"])
        return self.meeting

    def post(self, request, pk: int):
        try:
            services.meeting_register(by=request.user, meeting=self.meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You are registered for this meeting."))
        return redirect("meetings:meeting-detail", pk=pk)


class MyMeetingsView(PermissionRequiredMixin, TemplateView):
    """The meetings the signed-in person (or their resident record) is invited to or registered for."""

    # Part of the account's own pages, like its notifications.
    permission_required = "core.view_own_account"
    template_name = "meetings/meeting_mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = Paginator(selectors.meetings_of_account(user=user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        rows = _annotate(list(page.object_list))
        mine = selectors.participations_of_account(user=user, meeting_ids=[m.pk for m in rows])
        for meeting in rows:
            row = mine.get(meeting.pk)
            meeting.mine_label = _participation_label(row)
        context.update(meetings=rows, page=page, query=_query_without(self.request))
        return context

    def render_to_response(self, context, **response_kwargs):
        return _never_cache(super().render_to_response(context, **response_kwargs))


class CheckInView(PermissionRequiredMixin, TemplateView):
    """The target of the door QR code. GET shows the meeting and a button; POST checks the signed-in person
    in. Anyone not signed in is sent to sign in first, and comes back here. Whoever scans may try: the
    service admits those on the list and residents of the meeting's area."""

    permission_required = "core.view_own_account"
    template_name = "meetings/meeting_check_in.html"

    def page(self, status: int = 200, **extra):
        meeting = selectors.meeting_get_by_token(token=self.kwargs["token"])
        participant = selectors.participant_of(user=self.request.user, meeting=meeting)
        context = {
            "meeting": meeting,
            "place_text": place_label(meeting),
            "participant": participant,
            "checked_in": participant is not None and participant.attended_at is not None,
            **extra,
        }
        return _never_cache(self.render_to_response(context, status=status))

    def get(self, request, *args, **kwargs):
        return self.page()

    def post(self, request, *args, **kwargs):
        meeting = selectors.meeting_get_by_token(token=kwargs["token"])
        try:
            services.attendance_check_in_by_token(user=request.user, token=meeting.check_in_token)
        except ValidationError as error:
            return self.page(status=400, refused=" ".join(error.messages))
        messages.success(request, _("You are checked in. Welcome!"))
        return redirect("meetings:meeting-check-in", token=meeting.check_in_token)


class DecisionsView(PermissionRequiredMixin, TemplateView):
    """The public notice board (公示栏): decisions in their notice period, with the objection form for
    residents of the meeting's area, and decisions that recently took effect or are under review."""

    permission_required = PUBLIC
    template_name = "meetings/meeting_decisions.html"

    def get_context_data(self, bound=None, bound_item: int | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = PublicFilterForm(self.request.GET or None, kinds=[], places=selectors.public_places())
        filters = form.filters()
        in_notice = list(selectors.decisions_in_notice(filters=filters))
        recent = list(selectors.decisions_recent(filters=filters)[:50])
        objected = selectors.objected_item_ids(user=user, item_ids=[item.pk for item in in_notice])
        names = selectors.place_names(item.meeting.place_code for item in [*in_notice, *recent])
        for item in [*in_notice, *recent]:
            item.area_name = pick(names.get(item.meeting.place_code) or {}) or item.meeting.place_code
        for item in in_notice:
            item.objected = item.pk in objected
            item.can_object = (
                not item.objected and user.is_authenticated and user.has_perm("meetings.take_part", item)
            )
            item.form = (
                bound
                if bound is not None and bound_item == item.pk
                else ObjectionForm(auto_id=f"o{item.pk}_%s")
            )
        del form.fields["kind"]
        context.update(form=form, in_notice=in_notice, recent=recent, query=_query_without(self.request))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return _never_cache(response) if self.request.user.is_authenticated else response


class DecisionsPrintView(PermissionRequiredMixin, TemplateView):
    """The decisions in their notice period as a page to print and post on the notice board."""

    permission_required = PUBLIC
    template_name = "meetings/meeting_decisions_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PublicFilterForm(self.request.GET or None, kinds=[], places=selectors.public_places())
        filters = form.filters()
        items = list(selectors.decisions_in_notice(filters=filters))
        names = selectors.place_names(
            [filters.get("place", ""), *(item.meeting.place_code for item in items)]
        )
        for item in items:
            item.area_name = pick(names.get(item.meeting.place_code) or {}) or item.meeting.place_code
        context.update(
            items=items,
            place_name=pick(names.get(filters.get("place", "")) or {}),
            query=_query_without(self.request),
            printed=timezone.localtime(),
        )
        return context


class ObjectionView(DecisionsView):
    """A resident of the meeting's area objects to a decision in its notice period (POST)."""

    permission_required = "meetings.take_part"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.item = selectors.item_get_public(item_id=self.kwargs["pk"])
        return self.item

    def post(self, request, *args, **kwargs):
        form = ObjectionForm(request.POST, auto_id=f"o{self.item.pk}_%s")
        if form.is_valid():
            try:
                services.objection_raise(by=request.user, item=self.item, body=form.cleaned_data["body"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your objection is recorded. Staff will answer you."))
                return redirect(f"{reverse('meetings:decisions')}#item-{self.item.pk}")
        context = self.get_context_data(bound=form, bound_item=self.item.pk)
        context["failed_errors"] = _error_messages(form)
        return self.render_to_response(context, status=400)


# Staff pages ------------------------------------------------------------------------------------------------


STAFF_TABS = [
    ("coming", gettext_lazy("Coming")),
    ("past", gettext_lazy("Past")),
    ("all", gettext_lazy("All")),
]


class StaffListView(PermissionRequiredMixin, TemplateView):
    """Meetings in the places the user covers: coming (soonest first), past, or all; by kind."""

    permission_required = "meetings.view_staff"
    template_name = "meetings/meeting/staff_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        tab = request.GET.get("tab", "coming")
        tab = tab if tab in dict(STAFF_TABS) else "coming"
        kinds = list(selectors.meeting_kinds_active())
        kind = request.GET.get("kind", "")
        kind = kind if kind in {k.code for k in kinds} else ""
        meetings = selectors.meetings_for_staff(user=request.user, filters={"tab": tab, "kind": kind})
        page = Paginator(meetings, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
        tab_query = _query_without(request, "tab")
        context.update(
            page=page,
            meetings=_annotate(list(page.object_list)),
            tab=tab,
            tabs=[
                (code, label, f"?{tab_query}&tab={code}" if tab_query else f"?tab={code}")
                for code, label in STAFF_TABS
            ],
            kinds=kinds,
            kind=kind,
            query=_query_without(request),
            can_manage=request.user.has_perm("meetings.manage"),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return _never_cache(super().render_to_response(context, **response_kwargs))


class MeetingFormMixin:
    def make_form(self, data=None, initial=None) -> MeetingForm:
        user = self.request.user
        meeting = getattr(self, "meeting", None)
        accounts = list(selectors.staff_accounts(user=user))
        known = {account.pk for account in accounts}
        for extra in (getattr(meeting, "chair", None), getattr(meeting, "recorder", None)):
            if extra is not None and extra.pk not in known:
                accounts.append(extra)
                known.add(extra.pk)
        kinds = list(selectors.meeting_kinds_active())
        if meeting is not None and meeting.kind not in kinds:
            kinds.append(meeting.kind)
        service_points = list(selectors.service_points_for_staff(user=user))
        if meeting is not None and meeting.service_point_id and meeting.service_point not in service_points:
            service_points.append(meeting.service_point)
        return MeetingForm(
            data,
            initial=initial,
            kinds=kinds,
            places=selectors.staff_places(user=user),
            service_points=service_points,
            accounts=accounts,
        )


class StaffCreateView(MeetingFormMixin, PermissionRequiredMixin, TemplateView):
    """Plan a meeting."""

    permission_required = "meetings.manage"
    template_name = "meetings/meeting/staff_form.html"

    def get(self, request, *args, **kwargs):
        language = translation.get_language() or settings.LANGUAGE_CODE
        initial = {"language": language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE}
        return _never_cache(self.render_to_response({"form": self.make_form(initial=initial)}))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_create(by=request.user, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The meeting is planned. Now invite the participants and set the agenda.")
                )
                return redirect("meetings:staff-meeting-detail", pk=meeting.pk)
        return _never_cache(self.render_to_response({"form": form}, status=400))


class StaffMeetingMixin(PermissionRequiredMixin):
    """The meeting of the URL, through the scoped selector, before any permission is checked."""

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "meeting"):
            self.meeting = selectors.meeting_get_for_staff(
                user=self.request.user, meeting_id=self.kwargs["pk"]
            )
        return self.meeting

    def get_permission_object(self):
        return self.get_meeting()


class StaffEditView(MeetingFormMixin, StaffMeetingMixin, TemplateView):
    """Change a planned meeting."""

    permission_required = "meetings.manage"
    template_name = "meetings/meeting/staff_form.html"

    def initial(self) -> dict:
        meeting = self.get_meeting()
        return {
            "kind": meeting.kind.code,
            "title": meeting.title,
            "place_code": meeting.place_code,
            "starts_at": timezone.localtime(meeting.starts_at),
            "ends_at": timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
            "service_point": meeting.service_point_id,
            "location": meeting.location,
            "is_online": meeting.is_online,
            "online_link": meeting.online_link,
            "language": meeting.language,
            "quorum_rule": meeting.quorum_rule,
            "quorum_count": meeting.quorum_count,
            "chair": meeting.chair_id,
            "recorder": meeting.recorder_id,
        }

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = self.make_form(initial=self.initial())
        return _never_cache(self.render_to_response({"form": form, "meeting": meeting}))

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(by=request.user, meeting=meeting, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting is changed."))
                return redirect("meetings:staff-meeting-detail", pk=meeting.pk)
        return _never_cache(self.render_to_response({"form": form, "meeting": meeting}, status=400))


def participant_label(participant: Participant) -> str:
    """A participant as staff see them: the resident's or guest's name, the organisation, the account."""
    if participant.resident_id is not None:
        return participant.resident.full_name
    if participant.organisation_id is not None:
        name = str(participant.organisation)
        return f"{name} · {participant.name}" if participant.name else name
    if participant.user_id is not None:
        return str(participant.user)
    return participant.name


def _auto_id(prefix: str) -> str:
    return f"{prefix}_%s"


class StaffDetailView(StaffMeetingMixin, TemplateView):
    """A meeting for staff: facts, actions, the list of participants with the invitation forms, the agenda
    with each item's summary and decision, and the objections to its decisions."""

    permission_required = "meetings.view_staff"
    template_name = "meetings/meeting/staff_detail.html"

    def render_to_response(self, context, **response_kwargs):
        return _never_cache(super().render_to_response(context, **response_kwargs))

    def get_context_data(self, bound: dict | None = None, failed: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        user, meeting = self.request.user, self.get_meeting()
        bound = bound or {}
        manage = user.has_perm("meetings.manage", meeting)
        status = meeting.status
        planned = status == MeetingStatus.PLANNED
        sitting_or_closed = status in (MeetingStatus.IN_SESSION, MeetingStatus.CLOSED)
        inviting = status in services.INVITING_STATUSES

        def state_allows(action: str) -> bool:
            return status in MEETING_TRANSITIONS[action][0]

        participants = list(selectors.participants_for_staff(meeting=meeting))
        for participant in participants:
            participant.label = participant_label(participant)
        items = list(meeting.items.all())
        for index, item in enumerate(items):
            item.vote = _vote_state(item)
            item.can_edit = manage and planned
            item.can_move_up = item.can_edit and index > 0
            item.can_move_down = item.can_edit and index < len(items) - 1
            item.can_summary = manage and sitting_or_closed
            item.can_decide = manage and sitting_or_closed and item.decision == ItemDecision.PENDING
            item.can_resolve = manage and item.notice_status == NoticeStatus.OBJECTED
            item.can_prepare_vote = (
                manage and item.decision == ItemDecision.PENDING and status in services.INVITING_STATUSES
            )
            item.objection_list = list(item.objections.all())
            for objection in item.objection_list:
                key = f"answer:{objection.pk}"
                objection.can_answer = manage and objection.answered_at is None
                objection.form = bound.get(key) or AnswerForm(auto_id=_auto_id(f"a{objection.pk}"))
                objection.failed = failed == key
            item.forms = {
                name: bound.get(f"{name}:{item.pk}")
                or form_class(
                    auto_id=_auto_id(f"i{item.pk}_{name}"),
                    initial={"speakers_summary": item.speakers_summary} if name == "summary" else None,
                )
                for name, form_class in (
                    ("summary", SummaryForm),
                    ("decide", DecideForm),
                    ("resolve", ResolveForm),
                )
            }
            item.failed = failed.split(":")[0] if failed.endswith(f":{item.pk}") else ""
        organisations = (
            list(selectors.organisations_to_invite(meeting=meeting)) if manage and inviting else []
        )
        topics = list(selectors.topics_for_agenda(meeting=meeting)) if manage and inviting else []
        places = (
            [
                (code, names, level)
                for code, names, level in selectors.staff_places(user=user)
                if code.startswith(meeting.place_code) and code != meeting.place_code
            ]
            if manage and inviting
            else []
        )
        forms_ = {
            "cancel": CancelForm(auto_id=_auto_id("cancel")),
            "invite": InviteForm(organisations=organisations, auto_id=_auto_id("invite")),
            "invite_residents": InviteResidentsForm(places=places, auto_id=_auto_id("residents")),
            "invite_organisations": InviteOrganisationsForm(auto_id=_auto_id("organisations")),
            "invite_accounts": InviteAccountsForm(auto_id=_auto_id("accounts")),
            "item": ItemForm(topics=topics, auto_id=_auto_id("item")),
            "open": EmptyForm(),
            "close": EmptyForm(),
            "remove": EmptyForm(),
        }
        forms_.update({name: form for name, form in bound.items() if ":" not in name})
        failed_form = bound.get(failed)
        quorum = services.quorum(meeting)
        area = selectors.place_names([meeting.place_code]).get(meeting.place_code) or {}
        context.update(
            meeting=meeting,
            area_name=pick(area) or meeting.place_code,
            place_text=place_label(meeting),
            participants=participants,
            items=items,
            quorum=quorum,
            counts=selectors.participant_counts(meeting=meeting),
            forms=forms_,
            failed=failed,
            failed_errors=_error_messages(failed_form) if failed_form is not None else [],
            can={
                "manage": manage,
                "edit": manage and planned,
                "open": manage and state_allows("open"),
                "close": manage and state_allows("close"),
                "cancel": manage and state_allows("cancel"),
                "invite": manage and inviting,
                "remove": manage and planned,
                "add_item": manage and inviting,
                "door": user.has_perm("meetings.record_attendance", meeting)
                and status in (MeetingStatus.PLANNED, MeetingStatus.IN_SESSION),
                "minutes": status == MeetingStatus.CLOSED and user.has_perm("meetings.edit_minutes", meeting),
            },
            unanswered=sum(1 for item in items for o in item.objection_list if o.answered_at is None),
        )
        return context


class StaffActionView(StaffDetailView):
    """One action on the meeting: validate the form, call one service, go back to the meeting's page.

    A refused action renders the meeting's page with the error (status 400), never a server error."""

    permission_required = "meetings.manage"
    http_method_names = ["post"]
    name = ""
    form_class: type[forms.Form] = EmptyForm
    success_message = gettext_lazy("Done.")
    anchor = ""

    def form_kwargs(self) -> dict:
        return {}

    def perform(self, form) -> str | None:
        raise NotImplementedError

    def bound_key(self) -> str:
        return self.name

    def auto_id(self):
        return _auto_id(self.name)

    def success_url(self) -> str:
        url = reverse("meetings:staff-meeting-detail", args=[self.get_meeting().pk])
        return f"{url}#{self.anchor}" if self.anchor else url

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, auto_id=self.auto_id(), **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.perform(form)
            except Http404:
                raise
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message or str(self.success_message))
                return redirect(self.success_url())
        # Show the meeting as it is now (the failed service rolled back), with the form as it was sent.
        if hasattr(self, "meeting"):
            del self.meeting
        key = self.bound_key()
        return self.render_to_response(self.get_context_data(bound={key: form}, failed=key), status=400)


class OpenView(StaffActionView):
    name = "open"
    success_message = gettext_lazy("The meeting is in session. Take attendance at the door.")

    def perform(self, form):
        services.meeting_open(by=self.request.user, meeting=self.get_meeting())


class CloseView(StaffActionView):
    name = "close"
    success_message = gettext_lazy("The meeting is closed.")

    def perform(self, form):
        services.meeting_close(by=self.request.user, meeting=self.get_meeting())


class CancelView(StaffActionView):
    name = "cancel"
    form_class = CancelForm
    success_message = gettext_lazy("The meeting is cancelled; everyone on its list is told.")

    def perform(self, form):
        services.meeting_cancel(
            by=self.request.user, meeting=self.get_meeting(), reason=form.cleaned_data["reason"]
        )


class InviteView(StaffActionView):
    name = "invite"
    form_class = InviteForm
    anchor = "participants"
    success_message = gettext_lazy("The participant is on the list.")

    def form_kwargs(self):
        return {"organisations": list(selectors.organisations_to_invite(meeting=self.get_meeting()))}

    def perform(self, form):
        data = form.cleaned_data
        services.participant_invite(
            by=self.request.user,
            meeting=self.get_meeting(),
            kind=data.get("kind", ""),
            organisation=form.organisations.get(data.get("organisation")),
            name=data.get("name", ""),
            role=data["role"],
        )


def _invited_message(count: int) -> str:
    if not count:
        return str(_("Nobody new to invite: everyone found is on the list already."))
    return _("%(count)s added to the list.") % {"count": count}


class InviteResidentsView(StaffActionView):
    name = "invite_residents"
    form_class = InviteResidentsForm
    anchor = "participants"

    def auto_id(self):
        return _auto_id("residents")

    def form_kwargs(self):
        meeting = self.get_meeting()
        places = [
            (code, names, level)
            for code, names, level in selectors.staff_places(user=self.request.user)
            if code.startswith(meeting.place_code)
        ]
        return {"places": places}

    def perform(self, form):
        data = form.cleaned_data
        meeting = self.get_meeting()
        residents = selectors.residents_to_invite(user=self.request.user, meeting=meeting, filters=data)
        found = residents.count()
        if not found:
            raise ValidationError(
                _("No resident of the meeting's area in your registry matches this search.")
            )
        if found > services.BULK_INVITE_MAX:
            raise ValidationError(
                _("%(count)s residents match: narrow the search down to at most %(max)s at a time.")
                % {"count": found, "max": services.BULK_INVITE_MAX}
            )
        count = services.participants_invite(
            by=self.request.user, meeting=meeting, residents=list(residents), kind=data["kind"]
        )
        return _invited_message(count)


class InviteOrganisationsView(StaffActionView):
    name = "invite_organisations"
    form_class = InviteOrganisationsForm
    anchor = "participants"

    def auto_id(self):
        return _auto_id("organisations")

    def perform(self, form):
        meeting = self.get_meeting()
        organisations = list(
            selectors.organisations_to_invite(meeting=meeting, kind=form.cleaned_data["organisation_kind"])
        )
        if not organisations:
            raise ValidationError(
                {"organisation_kind": [_("No organisation of this kind serves the meeting's area.")]}
            )
        count = services.participants_invite(
            by=self.request.user, meeting=meeting, organisations=organisations
        )
        return _invited_message(count)


class InviteAccountsView(StaffActionView):
    name = "invite_accounts"
    form_class = InviteAccountsForm
    anchor = "participants"

    def auto_id(self):
        return _auto_id("accounts")

    def perform(self, form):
        meeting = self.get_meeting()
        accounts = list(selectors.accounts_to_invite(meeting=meeting, role=form.cleaned_data["role"]))
        if not accounts:
            raise ValidationError({"role": [_("No account holds this role in the meeting's area.")]})
        count = services.participants_invite(
            by=self.request.user, meeting=meeting, users=accounts, kind=form.cleaned_data.get("kind", "")
        )
        return _invited_message(count)


class ParticipantRemoveView(StaffActionView):
    name = "remove"
    anchor = "participants"
    success_message = gettext_lazy("The participant is off the list.")

    def perform(self, form):
        participant = selectors.participant_get_for_staff(
            meeting=self.get_meeting(), participant_id=self.kwargs["participant_id"]
        )
        services.participant_remove(by=self.request.user, participant=participant)


class ItemAddView(StaffActionView):
    name = "item"
    form_class = ItemForm
    anchor = "agenda"
    success_message = gettext_lazy("The item is on the agenda.")

    def form_kwargs(self):
        return {"topics": list(selectors.topics_for_agenda(meeting=self.get_meeting()))}

    def perform(self, form):
        data = form.cleaned_data
        services.agenda_item_add(
            by=self.request.user,
            meeting=self.get_meeting(),
            topic=form.topics.get(data.get("topic")),
            title=data.get("title", ""),
            description=data.get("description", ""),
        )


class ItemActionView(StaffActionView):
    """An action on one item of the agenda; its form's errors show next to that item."""

    anchor = "agenda"

    def get_item(self):
        if not hasattr(self, "item"):
            self.item = selectors.item_get_for_staff(
                meeting=self.get_meeting(), item_id=self.kwargs["item_id"]
            )
        return self.item

    def bound_key(self):
        return f"{self.name}:{self.kwargs['item_id']}"

    def auto_id(self):
        return _auto_id(f"i{self.kwargs['item_id']}_{self.name}")

    def success_url(self):
        url = reverse("meetings:staff-meeting-detail", args=[self.get_meeting().pk])
        return f"{url}#item-{self.kwargs['item_id']}"


class ItemMoveView(ItemActionView):
    name = "move"
    form_class = MoveForm
    success_message = gettext_lazy("The agenda is reordered.")

    def perform(self, form):
        meeting, item = self.get_meeting(), self.get_item()
        ids = [other.pk for other in meeting.items.all()]
        index = ids.index(item.pk)
        step = -1 if form.cleaned_data["direction"] == "up" else 1
        if 0 <= index + step < len(ids):
            ids[index], ids[index + step] = ids[index + step], ids[index]
        services.agenda_item_reorder(by=self.request.user, meeting=meeting, item_ids=ids)


class ItemRemoveView(ItemActionView):
    name = "remove_item"
    success_message = gettext_lazy("The item is off the agenda.")

    def success_url(self):
        return reverse("meetings:staff-meeting-detail", args=[self.get_meeting().pk]) + "#agenda"

    def perform(self, form):
        services.agenda_item_remove(by=self.request.user, item=self.get_item())


class ItemSummaryView(ItemActionView):
    name = "summary"
    form_class = SummaryForm
    success_message = gettext_lazy("What the speakers said is recorded.")

    def perform(self, form):
        services.item_summary_record(
            by=self.request.user, item=self.get_item(), speakers_summary=form.cleaned_data["speakers_summary"]
        )


class ItemDecideView(ItemActionView):
    name = "decide"
    form_class = DecideForm

    def perform(self, form):
        data = form.cleaned_data
        item = services.item_decide(
            by=self.request.user,
            item=self.get_item(),
            decision=data["decision"],
            reasons=data["reasons"],
            follow_up=data.get("follow_up", ""),
            notice_days=data["notice_days"],
        )
        if item.notice_status == NoticeStatus.IN_NOTICE:
            return _("The decision is recorded and published until %(date)s.") % {
                "date": item.notice_ends_on.isoformat()
            }
        return _("The decision is recorded.")


class ItemResolveView(ItemActionView):
    name = "resolve"
    form_class = ResolveForm

    def perform(self, form):
        uphold = form.cleaned_data["outcome"] == "uphold"
        services.item_notice_resolve(
            by=self.request.user, item=self.get_item(), uphold=uphold, note=form.cleaned_data.get("note", "")
        )
        return (
            _("The decision is upheld and in effect.")
            if uphold
            else _("The decision is withdrawn; the item is deferred.")
        )


class ObjectionAnswerView(ItemActionView):
    name = "answer"
    form_class = AnswerForm
    success_message = gettext_lazy("The answer is sent to the resident.")

    def bound_key(self):
        return f"answer:{self.kwargs['objection_id']}"

    def auto_id(self):
        return _auto_id(f"a{self.kwargs['objection_id']}")

    def perform(self, form):
        objection = selectors.objection_get_for_staff(
            item=self.get_item(), objection_id=self.kwargs["objection_id"]
        )
        services.objection_answer(
            by=self.request.user, objection=objection, answer=form.cleaned_data["answer"]
        )


class ItemEditView(StaffMeetingMixin, TemplateView):
    """Change an item's title and description before the meeting."""

    permission_required = "meetings.manage"
    template_name = "meetings/meeting/staff_item_form.html"

    def get_item(self):
        return selectors.item_get_for_staff(meeting=self.get_meeting(), item_id=self.kwargs["item_id"])

    def get(self, request, *args, **kwargs):
        item = self.get_item()
        form = ItemEditForm(initial={"title": item.title, "description": item.description})
        return _never_cache(
            self.render_to_response({"form": form, "meeting": self.get_meeting(), "item": item})
        )

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        form = ItemEditForm(request.POST)
        if form.is_valid():
            try:
                services.agenda_item_update(
                    by=request.user,
                    item=item,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The item is changed."))
                url = reverse("meetings:staff-meeting-detail", args=[item.meeting.pk])
                return redirect(f"{url}#item-{item.pk}")
        context = {"form": form, "meeting": self.get_meeting(), "item": item}
        return _never_cache(self.render_to_response(context, status=400))


# The door ---------------------------------------------------------------------------------------------------


def qr_svg(url: str, *, scale: int) -> str:
    """The check-in address as an inline SVG QR code, drawn here (no outside service)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=scale, border=2, title=_("QR code to check in"))


class DoorView(StaffMeetingMixin, TemplateView):
    """The door: the QR code residents scan to check in, the list with a "present" button for each, and the
    counts and quorum as they stand. `?screen=1` shows only the code and the counts, large, reloading itself
    (for a screen at the door)."""

    permission_required = "meetings.record_attendance"
    template_name = "meetings/meeting/staff_door.html"

    def get_context_data(self, refused: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        screen = self.request.GET.get("screen") == "1"
        url = self.request.build_absolute_uri(
            reverse("meetings:meeting-check-in", args=[meeting.check_in_token])
        )
        participants = [] if screen else list(selectors.participants_for_staff(meeting=meeting))
        for participant in participants:
            participant.label = participant_label(participant)
        open_now = meeting.status == MeetingStatus.IN_SESSION or (
            meeting.status == MeetingStatus.PLANNED
            and timezone.now() >= meeting.starts_at - services.CHECK_IN_OPENS_BEFORE
        )
        context.update(
            meeting=meeting,
            place_text=place_label(meeting),
            screen=screen,
            refresh=DOOR_SCREEN_REFRESH_SECONDS,
            check_in_url=url,
            qr_svg=qr_svg(url, scale=12 if screen else 6),
            participants=participants,
            quorum=services.quorum(meeting),
            attending_all=sum(1 for p in participants if p.attended_at) if participants else None,
            open_now=open_now,
            refused=refused,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return _never_cache(super().render_to_response(context, **response_kwargs))


class AttendanceView(DoorView):
    """Staff at the door mark a participant present, or correct it (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        participant = selectors.participant_get_for_staff(
            meeting=meeting, participant_id=kwargs["participant_id"]
        )
        form = AttendanceForm(request.POST)
        present = form.cleaned_data["present"] if form.is_valid() else True
        try:
            services.attendance_record(by=request.user, participant=participant, present=present)
        except ValidationError as error:
            del self.meeting
            return self.render_to_response(
                self.get_context_data(refused=" ".join(error.messages)), status=400
            )
        url = reverse("meetings:staff-meeting-door", args=[meeting.pk])
        return redirect(f"{url}#p{participant.pk}")
