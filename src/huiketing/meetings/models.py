"""Deliberation (居民议事), meetings (与会决策), votes, decisions and minutes.

A topic is deliberated in public: comments for, against or neutral, and supports from residents of its
scope; with enough supports it is put on a meeting's agenda. A meeting of any kind (neighbourhood, grid,
property, residents' representatives, the joint party committee, ...) invites participants of many kinds,
takes attendance at the door and checks its quorum. An agenda item may be put to a vote; it ends with a
decision, which is published for a public-notice period (公示期) before it takes effect. Minutes are
generated from these records.

Workflows are declared as data (`MEETING_TRANSITIONS`, `VOTE_TRANSITIONS`, ...); services refuse what they do
not allow.

One vote per resident: `Ballot` has a unique constraint on (vote, resident), and another on (vote,
household) for votes of household heads. A secret vote's ballot rows carry no choice; the choices go into
`SecretTally`, a counter per option, so that the database never links a choice to a person."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiketing.core.i18n import pick


def _token() -> str:
    return secrets.token_urlsafe(16)


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class TopicStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for deliberation")
    ON_AGENDA = "on_agenda", _("On a meeting's agenda")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TOPIC_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({TopicStatus.DRAFT}), TopicStatus.OPEN),
    "put_on_agenda": (frozenset({TopicStatus.OPEN, TopicStatus.ON_AGENDA}), TopicStatus.ON_AGENDA),
    # An item deferred at a meeting goes back to deliberation until the next one.
    # ... and so does a decision that staff withdraw after objections in its public-notice period.
    "reopen": (frozenset({TopicStatus.ON_AGENDA, TopicStatus.DECIDED}), TopicStatus.OPEN),
    "decide": (frozenset({TopicStatus.ON_AGENDA}), TopicStatus.DECIDED),
    "withdraw": (
        frozenset({TopicStatus.DRAFT, TopicStatus.OPEN, TopicStatus.ON_AGENDA}),
        TopicStatus.WITHDRAWN,
    ),
}


class Topic(models.Model):
    """A subject put to deliberation (议题): a tabled matter, or one that staff open directly (a residents'
    proposal, a plan of the community's)."""

    class Origin(models.TextChoices):
        MATTER = "matter", _("A tabled matter")
        PROPOSAL = "proposal", _("A residents' proposal")
        STAFF = "staff", _("Opened by the community")

    title = models.CharField(_("title"), max_length=120)
    background = models.TextField(_("background"), max_length=8000)
    place_code = models.CharField(
        _("scope"), max_length=15, db_index=True, help_text=_("Residents of this place may take part.")
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.STAFF)
    matter = models.ForeignKey(
        "matters.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("matter"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.DRAFT
    )
    support_threshold = models.PositiveIntegerField(
        _("supports needed"),
        default=10,
        help_text=_("With this many supports the topic is proposed for the next meeting's agenda."),
    )
    supports_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    threshold_reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics_opened",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("deliberation closes at"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deliberation topic")
        verbose_name_plural = _("deliberation topics")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "place_code"], name="meetings_topic_status_place")]

    def __str__(self) -> str:
        return self.title


class TopicOption(models.Model):
    """One of the ways forward the topic's background sets out."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("option"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A comment on a topic, for, against or neutral; replies point to their parent. Moderators hide a comment
    with a reason: staff still see it with the reason, everyone else sees that it was hidden."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="topic_comments",
        verbose_name=_("author"),
    )
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_comments",
        verbose_name=_("resident"),
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, default=Stance.NEUTRAL)
    body = models.TextField(_("comment"), max_length=2000)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"], name="meetings_comment_topic_created")]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.body[:40]}"


class CommentReport(models.Model):
    """A user's report of a comment to the moderators; one per user and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="meetings_report_once"),
        ]

    def __str__(self) -> str:
        return self.reason


class Support(models.Model):
    """A resident's support for putting a topic on an agenda; one per resident and topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="topic_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["topic", "resident"], name="meetings_support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.resident_id}"


class MeetingKind(models.Model):
    """A kind of meeting the community holds; staff add their own beside the standard ones."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict, help_text=_("The name in each language."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("kind of meeting")
        verbose_name_plural = _("kinds of meeting")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.names) or self.code


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_SESSION = "in_session", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


MEETING_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({MeetingStatus.PLANNED}), MeetingStatus.IN_SESSION),
    "close": (frozenset({MeetingStatus.IN_SESSION}), MeetingStatus.CLOSED),
    "cancel": (frozenset({MeetingStatus.PLANNED}), MeetingStatus.CANCELLED),
}


class QuorumRule(models.TextChoices):
    NONE = "none", _("No quorum")
    HALF = "half", _("More than half of those invited attend")
    TWO_THIRDS = "two_thirds", _("At least two thirds of those invited attend")
    COUNT = "count", _("At least a set number attend")


class Meeting(models.Model):
    """A meeting: neighbourhood (睦邻), grid, property (物业), residents' representatives, the joint party
    committee
    (大党委联席会议), or another kind staff define."""

    kind = models.ForeignKey(
        MeetingKind, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("kind")
    )
    title = models.CharField(_("title"), max_length=120)
    place_code = models.CharField(_("scope"), max_length=15, db_index=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    service_point = models.ForeignKey(
        "places.ServicePoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("service point or living room"),
    )
    location = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Room, or another place.")
    )
    is_online = models.BooleanField(_("online"), default=False)
    online_link = models.URLField(_("online link"), blank=True)
    language = models.CharField(
        _("language of the minutes"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    quorum_rule = models.CharField(
        _("quorum"), max_length=12, choices=QuorumRule.choices, default=QuorumRule.HALF
    )
    quorum_count = models.PositiveIntegerField(_("quorum (number attending)"), null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_chaired",
        verbose_name=_("chair"),
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_recorded",
        verbose_name=_("recorder"),
    )
    # The secret in the door QR code: scanning it while signed in records attendance.
    check_in_token = models.CharField(max_length=40, default=_token, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quorum_rule="count") | Q(quorum_count__gte=1), name="meetings_quorum_count_set"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ParticipantKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    REPRESENTATIVE = "representative", _("Residents' representative")
    PROPERTY_COMPANY = "property_company", _("Property company")
    CO_BUILDING_UNIT = "co_building_unit", _("Co-building unit")
    MERCHANT = "merchant", _("Merchant")
    PARTY_MEMBER = "party_member", _("Party member")
    DEPARTMENT = "department", _("Government department")
    STAFF = "staff", _("Community staff")
    OTHER = "other", _("Other")


class Participant(models.Model):
    """Someone invited to a meeting (多元化): a resident from the registry, an account, an organisation's
    delegate,
    or a named guest. Registration and attendance are recorded on the same row."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")
        RECORDER = "recorder", _("Recorder")
        OBSERVER = "observer", _("Observer")

    class CheckIn(models.TextChoices):
        QR = "qr", _("QR code at the door")
        STAFF = "staff", _("Recorded by staff")
        ONLINE = "online", _("Joined online")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("taking part as"), max_length=20, choices=ParticipantKind.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_participations",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_participations",
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("For a guest from outside."))
    invited = models.BooleanField(
        _("invited"), default=True, help_text=_("Counted for the quorum; walk-ins who registered are not.")
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    check_in = models.CharField(_("checked in by"), max_length=8, choices=CheckIn.choices, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resident"],
                condition=Q(resident__isnull=False),
                name="meetings_participant_resident",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="meetings_participant_user"
            ),
            models.CheckConstraint(
                condition=Q(resident__isnull=False)
                | Q(user__isnull=False)
                | Q(organisation__isnull=False)
                | ~Q(name=""),
                name="meetings_participant_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.resident or self.user or self.organisation or "")


class ItemDecision(models.TextChoices):
    PENDING = "", _("Not decided yet")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")


class NoticeStatus(models.TextChoices):
    """The public-notice period (公示期) of a decision."""

    NONE = "", _("Not published")
    IN_NOTICE = "in_notice", _("In its public-notice period")
    EFFECTIVE = "effective", _("In effect")
    OBJECTED = "objected", _("Objections raised; under review")


class AgendaItem(models.Model):
    """An item on a meeting's agenda: a deliberated topic (and through it a tabled matter), or a free item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("topic"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    speakers_summary = models.TextField(_("what the speakers said"), max_length=8000, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ItemDecision.choices, default=ItemDecision.PENDING, blank=True
    )
    decision_reasons = models.TextField(_("reasons"), max_length=4000, blank=True)
    follow_up = models.TextField(_("follow-up"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notice_status = models.CharField(
        _("public notice"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.NONE, blank=True
    )
    notice_starts_on = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice until"), null=True, blank=True)
    effective_at = models.DateTimeField(_("in effect from"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        indexes = [
            models.Index(fields=["notice_status", "notice_ends_on"], name="meetings_item_notice"),
        ]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    """An objection to a decision during its public-notice period."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="objections")
    resident = models.ForeignKey("people.Resident", on_delete=models.SET_NULL, null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    body = models.TextField(_("objection"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "resident"],
                condition=Q(resident__isnull=False),
                name="meetings_objection_once",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class Electorate(models.TextChoices):
    ATTENDEES = "attendees", _("Those attending the meeting")
    RESIDENTS = "residents", _("All adult residents of the scope")
    REPRESENTATIVES = "representatives", _("Residents' representatives")
    HOUSEHOLDS = "households", _("Household heads: one vote per household")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority of votes cast")
    ABSOLUTE = "absolute", _("More than half of those entitled")
    TWO_THIRDS = "two_thirds", _("Two thirds of votes cast")
    FOUR_FIFTHS = "four_fifths", _("Four fifths of votes cast")


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("Prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


VOTE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({VoteStatus.DRAFT}), VoteStatus.OPEN),
    "close": (frozenset({VoteStatus.OPEN}), VoteStatus.CLOSED),
}


class Vote(models.Model):
    """A vote on an agenda item. The result is computed from the ballots when the vote closes and kept with
    the
    figures it was computed from."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="votes", verbose_name=_("item")
    )
    question = models.CharField(_("question"), max_length=300)
    is_secret = models.BooleanField(
        _("secret"), default=False, help_text=_("Nobody, not even the database, can tell who chose what.")
    )
    electorate = models.CharField(
        _("who may vote"), max_length=16, choices=Electorate.choices, default=Electorate.ATTENDEES
    )
    majority = models.CharField(
        _("majority"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE
    )
    turnout_quorum = models.PositiveSmallIntegerField(
        _("turnout needed (%)"),
        default=50,
        help_text=_("The vote is valid only if more than this share of those entitled vote (0: no quorum)."),
    )
    allows_online = models.BooleanField(_("online voting"), default=True)
    status = models.CharField(_("status"), max_length=8, choices=VoteStatus.choices, default=VoteStatus.DRAFT)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Written once, when the vote closes, from the ballots, tallies and the electorate at that moment.
    entitled_count = models.PositiveIntegerField(_("entitled to vote"), null=True, blank=True)
    cast_count = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.question


class VoteOption(models.Model):
    """A choice on the ballot. `counts_as_yes` marks the option the majority is measured on (\"for\")."""

    class Meaning(models.TextChoices):
        YES = "yes", _("For")
        NO = "no", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("option"), max_length=200)
    meaning = models.CharField(_("counts as"), max_length=8, choices=Meaning.choices)
    result_count = models.PositiveIntegerField(_("votes"), null=True, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """That a resident voted, how (online or in person, recorded by an officer), and, for an open vote, what.

    A secret vote's ballots have no option: the choice is added to `SecretTally` in the same transaction and
    is nowhere linked to the ballot. Ids are UUIDs and the time is kept to the minute, so that neither the
    order of rows nor their times match a ballot to a tally increment."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person, recorded by an officer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="ballots")
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    option = models.ForeignKey(
        VoteOption, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    channel = models.CharField(_("cast"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cast_minute = models.DateTimeField(_("cast at (to the minute)"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "resident"], name="meetings_one_vote_per_resident"),
            models.UniqueConstraint(
                fields=["vote", "household"],
                condition=Q(household__isnull=False),
                name="meetings_one_vote_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.get_channel_display()}"


class SecretTally(models.Model):
    """The ballot box of a secret vote: how many chose each option, and nothing else."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="tallies")
    option = models.OneToOneField(VoteOption, on_delete=models.CASCADE, related_name="tally")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("secret tally")
        verbose_name_plural = _("secret tallies")

    def __str__(self) -> str:
        return f"{self.option}: {self.count}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Minutes(models.Model):
    """The minutes of a meeting: generated from its records, edited by staff, then published.

    `sections` holds the edited text of each part (attendance, each item's summary, decision and follow-up);
    the figures (attendance, quorum, vote counts) are always taken from the records when the minutes are
    shown."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    sections = models.JSONField(_("text"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    generated_at = models.DateTimeField(_("generated at"))
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)


class MeetingEvent(models.Model):
    """The public timeline of a topic and a meeting: opened, supported past the threshold, put on an agenda,
    meeting opened and closed, vote results, decisions, minutes published, decision in effect."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("what happened"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.kind
