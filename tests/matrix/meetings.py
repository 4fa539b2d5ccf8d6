"""The permission matrix's part for meetings (see tests/matrix/__init__.py)."""

REGISTRY: dict = {}
EXPECTED: dict = {}
RULE_OBJECTS: dict = {}


# --- Votes (meetings/vote_urls.py, meetings/vote_api_urls.py) -----------------------------------------------


def _vote_objects(world, inside: bool):
    """An open vote (of the adult residents, so that it opens before its meeting) on an item of a meeting in
    the first grid, or in the first grid of the second subdistrict. Permissions are asked of the meeting."""
    from django.utils import timezone

    from huiketing.meetings import vote_services
    from huiketing.meetings.models import AgendaItem, Electorate, Meeting, MeetingKind

    cache_ = world.__dict__.setdefault("_vote_objects", {})
    if inside not in cache_:
        kind, _created = MeetingKind.objects.get_or_create(
            code="matrix-votes", defaults={"names": {"en": "M"}}
        )
        meeting = Meeting.objects.create(
            kind=kind,
            title=f"matrix-votes-{inside}",
            place_code=world.place(inside).code,
            starts_at=timezone.now() + timezone.timedelta(days=1),
        )
        item = AgendaItem.objects.create(meeting=meeting, title="matrix-votes")
        vote = vote_services.vote_create(
            by=None, item=item, question="matrix-votes", electorate=Electorate.RESIDENTS
        )
        vote_services.vote_open(by=None, vote=vote)
        cache_[inside] = (meeting, item, vote)
    return cache_[inside]


def _vote_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting, _item, vote = _vote_objects(world, inside)
    return Sample({"pk": vote.pk}, meeting)


def _vote_item_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting, item, _vote = _vote_objects(world, inside)
    return Sample({"item_pk": item.pk}, meeting)


def _vote_cast_sample(world, inside: bool):
    """Casting asks `meetings.take_part` of no object: whether the resident may vote is the vote's to say."""
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _vote_objects(world, inside)[2].pk})


REGISTRY.update(
    {
        "meetings:vote-detail": _vote_sample,
        "meetings:vote-cast": _vote_cast_sample,
        "meetings:vote-new": _vote_item_sample,
        "meetings:vote-staff": _vote_sample,
        "meetings:vote-edit": _vote_sample,
        "meetings:vote-open": _vote_sample,
        "meetings:vote-close": _vote_sample,
        "meetings:vote-in-person": _vote_sample,
        "api-vote": _vote_sample,
        "api-vote-ballot": _vote_cast_sample,
        "api-vote-in-person": _vote_sample,
        "api-vote-open": _vote_sample,
        "api-vote-close": _vote_sample,
    }
)

_T, _F = True, False
EXPECTED.update(
    {
        # Grid staff and cadres covering a meeting's place record the ballots of residents voting in person.
        "meetings.record_ballot": {
            "resident": (_F, _F, _F),
            "grid_leader": (_T, _T, _F),
            "grid_worker": (_T, _T, _F),
            "community_staff": (_T, _T, _F),
            "subdistrict_officer": (_T, _T, _F),
            "city_officer": (_T, _T, _T),
            "department_staff": (_F, _F, _F),
            "institution_operator": (_F, _F, _F),
            "merchant": (_F, _F, _F),
            "party_member": (_F, _F, _F),
            "volunteer": (_F, _F, _F),
            "admin": (_T, _T, _T),
            "anonymous": (_F, _F, _F),
        },
    }
)
RULE_OBJECTS.update({"meetings.record_ballot": lambda w, inside: _vote_objects(w, inside)[0]})


# --- Deliberation (meetings/deliberation_urls.py, meetings/deliberation_api_urls.py) ------------------------
#
# A topic open in the first grid, or in the first grid of the second subdistrict, with a comment by a resident
# living there (an account of its own, not one of the world's), and a tabled matter in the same grid. None of
# the world's accounts is a registry resident, so nobody in the world may take part (comment, support): the
# deliberation tests (tests/meetings/test_deliberation_*.py) try residents in and out of a topic's place.


def _deliberation_objects(world, inside: bool):
    from huiketing.matters import services as matter_services
    from huiketing.matters.models import Category
    from huiketing.meetings import deliberation_services
    from huiketing.meetings.models import Stance
    from huiketing.people import services as people_services
    from huiketing.people.models import User
    from huiketing.people.validators import id_check_character

    cache_ = world.__dict__.setdefault("_deliberation_objects", {})
    if inside not in cache_:
        grid = world.place(inside)
        topic = deliberation_services.topic_create(
            by=None, title=f"matrix-topic-{inside}", background="matrix", place_code=grid.code
        )
        topic = deliberation_services.topic_open(by=None, topic=topic)
        household = people_services.household_create(by=None, grid=grid, building="8", room="801")
        first_17 = f"65430119900101{'011' if inside else '012'}"
        resident = people_services.resident_create(
            by=None,
            household=household,
            full_name="议事居民",
            id_number=first_17 + id_check_character(first_17),
        )
        resident.account = User.objects.create_user(f"m_topic_author_{inside}", password="pass-for-tests-1")
        resident.save(update_fields=["account"])
        comment = deliberation_services.comment_post(
            by=resident.account, topic=topic, stance=Stance.FOR, body="matrix"
        )
        category, _created = Category.objects.get_or_create(
            code="deliberation-matrix", defaults={"names": {"en": "Matrix"}}
        )
        matter = matter_services.matter_raise(
            by=None,
            title="deliberation-matrix",
            description="matrix",
            category=category,
            place_code=grid.code,
        )
        matter = matter_services.matter_table(by=None, matter=matter)
        cache_[inside] = (topic, comment, matter)
    return cache_[inside]


def _topic_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    topic = _deliberation_objects(world, inside)[0]
    return Sample({"pk": topic.pk}, topic)


def _comment_sample(world, inside: bool):
    """A comment; reporting asks the permission of the comment, moderating of its topic."""
    from tests.test_permission_matrix import Sample

    _topic, comment, _matter = _deliberation_objects(world, inside)
    return Sample({"pk": comment.pk}, comment)


def _moderated_comment_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    topic, comment, _matter = _deliberation_objects(world, inside)
    return Sample({"pk": comment.pk}, topic)


def _tabled_matter_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    matter = _deliberation_objects(world, inside)[2]
    return Sample({"pk": matter.pk}, matter)


REGISTRY.update(
    {
        "meetings:topic-detail": _topic_sample,
        "meetings:topic-comment": _topic_sample,
        "meetings:topic-support": _topic_sample,
        "meetings:topic-unsupport": _topic_sample,
        "meetings:comment-report": _comment_sample,
        "meetings:staff-topic-edit": _topic_sample,
        "meetings:staff-topic-open": _topic_sample,
        "meetings:staff-topic-withdraw": _topic_sample,
        "meetings:staff-topic-from-matter": _tabled_matter_sample,
        "meetings:staff-comment-hide": _moderated_comment_sample,
        "meetings:staff-comment-unhide": _moderated_comment_sample,
        "meetings:staff-comment-keep": _moderated_comment_sample,
        "api-topic": _topic_sample,
        "api-topic-comments": _topic_sample,
        "api-topic-support": _topic_sample,
        "api-comment-report": _comment_sample,
    }
)

_NOBODY = (_F, _F, _F)
EXPECTED.update(
    {
        # Residents living in the topic's (or meeting's) place take part; no account of the world is one.
        "meetings.take_part": {
            "resident": _NOBODY,
            "grid_leader": _NOBODY,
            "grid_worker": _NOBODY,
            "community_staff": _NOBODY,
            "subdistrict_officer": _NOBODY,
            "city_officer": _NOBODY,
            "department_staff": _NOBODY,
            "institution_operator": _NOBODY,
            "merchant": _NOBODY,
            "party_member": _NOBODY,
            "volunteer": _NOBODY,
            "admin": _NOBODY,
            "anonymous": _NOBODY,
        },
        # Any signed-in account may report a comment it reads, wherever it lives.
        "meetings.report_comment": {
            "resident": (_T, _T, _T),
            "grid_leader": (_T, _T, _T),
            "grid_worker": (_T, _T, _T),
            "community_staff": (_T, _T, _T),
            "subdistrict_officer": (_T, _T, _T),
            "city_officer": (_T, _T, _T),
            "department_staff": (_T, _T, _T),
            "institution_operator": (_T, _T, _T),
            "merchant": (_T, _T, _T),
            "party_member": (_T, _T, _T),
            "volunteer": (_T, _T, _T),
            "admin": (_T, _T, _T),
            "anonymous": _NOBODY,
        },
        # The community's committees and the cadres above them moderate the topics of their places.
        "meetings.moderate": {
            "resident": _NOBODY,
            "grid_leader": _NOBODY,
            "grid_worker": _NOBODY,
            "community_staff": (_T, _T, _F),
            "subdistrict_officer": (_T, _T, _F),
            "city_officer": (_T, _T, _T),
            "department_staff": _NOBODY,
            "institution_operator": _NOBODY,
            "merchant": _NOBODY,
            "party_member": _NOBODY,
            "volunteer": _NOBODY,
            "admin": (_T, _T, _T),
            "anonymous": _NOBODY,
        },
    }
)
RULE_OBJECTS.update(
    {
        "meetings.take_part": lambda w, inside: _deliberation_objects(w, inside)[0],
        "meetings.report_comment": lambda w, inside: _deliberation_objects(w, inside)[1],
        "meetings.moderate": lambda w, inside: _deliberation_objects(w, inside)[0],
    }
)


# --- Minutes (meetings/minutes_urls.py, meetings/minutes_api_urls.py) ---------------------------------
#
# A closed meeting of the first community, or of the first community of the second subdistrict, with published
# minutes: the public pages answer everyone; the staff page and its actions are for those who may edit them.


def _minutes_meeting(world, inside: bool):
    from django.utils import timezone

    from huiketing.meetings import minutes_services
    from huiketing.meetings.models import Meeting, MeetingKind, MeetingStatus

    cache_ = world.__dict__.setdefault("_minutes_meetings", {})
    if inside not in cache_:
        kind, _created = MeetingKind.objects.get_or_create(
            code="matrix-minutes", defaults={"names": {"en": "Minutes"}}
        )
        now = timezone.now()
        meeting = Meeting.objects.create(
            kind=kind,
            title=f"matrix-minutes-{inside}",
            place_code=world.community(inside).code,
            starts_at=now,
            opened_at=now,
            closed_at=now,
            location="Hall",
            language="zh-hans",
            status=MeetingStatus.CLOSED,
        )
        minutes = minutes_services.minutes_generate(by=None, meeting=meeting)
        minutes_services.minutes_publish(by=None, minutes=minutes)
        cache_[inside] = meeting
    return cache_[inside]


def _minutes_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting = _minutes_meeting(world, inside)
    return Sample({"pk": meeting.pk}, meeting)


def _public_minutes_sample(world, inside: bool):
    """Published minutes are public: the permission takes no object."""
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _minutes_meeting(world, inside).pk})


REGISTRY.update(
    {
        "meetings:minutes": _public_minutes_sample,
        "meetings:minutes-print": _public_minutes_sample,
        "meetings:minutes-pdf": _public_minutes_sample,
        "api-meeting-minutes": _public_minutes_sample,
        "meetings:staff-minutes": _minutes_sample,
        "meetings:staff-minutes-generate": _minutes_sample,
        "meetings:staff-minutes-save": _minutes_sample,
        "meetings:staff-minutes-publish": _minutes_sample,
        "meetings:staff-minutes-unpublish": _minutes_sample,
    }
)

_MINUTES_NOBODY = (False, False, False)
EXPECTED.update(
    {
        # The community's committees and the cadres above them write and publish the minutes of their places.
        "meetings.edit_minutes": {
            "resident": _MINUTES_NOBODY,
            "grid_leader": _MINUTES_NOBODY,
            "grid_worker": _MINUTES_NOBODY,
            "community_staff": (True, True, False),
            "subdistrict_officer": (True, True, False),
            "city_officer": (True, True, True),
            "department_staff": _MINUTES_NOBODY,
            "institution_operator": _MINUTES_NOBODY,
            "merchant": _MINUTES_NOBODY,
            "party_member": _MINUTES_NOBODY,
            "volunteer": _MINUTES_NOBODY,
            "admin": (True, True, True),
            "anonymous": _MINUTES_NOBODY,
        },
    }
)
RULE_OBJECTS.update({"meetings.edit_minutes": _minutes_meeting})


# --- Meetings (meetings/meeting_urls.py, meetings/meeting_api_urls.py) --------------------------------------
#
# A meeting of the first grid, or of the first grid of the second subdistrict, in session, with a guest on
# its list, an approved item in its public-notice period and an objection to it. Staff pages ask their
# permission of the meeting; the public pages answer everyone; registering and objecting ask
# `meetings.take_part` of the meeting or the item (nobody in the world lives in the registry); checking in
# and "my meetings" are for any signed-in account (`core.view_own_account`), the service deciding who may
# check in.


def _meeting_objects(world, inside: bool):
    from django.utils import timezone

    from huiketing.meetings import meeting_services
    from huiketing.meetings.models import MeetingKind, Objection, QuorumRule

    cache_ = world.__dict__.setdefault("_meeting_objects", {})
    if inside not in cache_:
        kind, _created = MeetingKind.objects.get_or_create(
            code="matrix-meetings", defaults={"names": {"en": "Meetings"}}
        )
        meeting = meeting_services.meeting_create(
            by=None,
            kind=kind,
            title=f"matrix-meeting-{inside}",
            place_code=world.place(inside).code,
            starts_at=timezone.now() + timezone.timedelta(minutes=30),
            location="Hall",
            quorum_rule=QuorumRule.NONE,
        )
        participant = meeting_services.participant_invite(by=None, meeting=meeting, name="matrix guest")
        item = meeting_services.agenda_item_add(by=None, meeting=meeting, title="matrix item")
        meeting = meeting_services.meeting_open(by=None, meeting=meeting)
        item = meeting_services.item_decide(by=None, item=item, decision="approved", reasons="matrix")
        objection = Objection.objects.create(item=item, body="matrix objection")
        cache_[inside] = (meeting, participant, item, objection)
    return cache_[inside]


def _meeting_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting = _meeting_objects(world, inside)[0]
    return Sample({"pk": meeting.pk}, meeting)


def _public_meeting_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"pk": _meeting_objects(world, inside)[0].pk})


def _meeting_participant_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting, participant, _item, _objection = _meeting_objects(world, inside)
    return Sample({"pk": meeting.pk, "participant_id": participant.pk}, meeting)


def _meeting_item_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting, _participant, item, _objection = _meeting_objects(world, inside)
    return Sample({"pk": meeting.pk, "item_id": item.pk}, meeting)


def _meeting_objection_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    meeting, _participant, item, objection = _meeting_objects(world, inside)
    return Sample({"pk": meeting.pk, "item_id": item.pk, "objection_id": objection.pk}, meeting)


def _decision_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    item = _meeting_objects(world, inside)[2]
    return Sample({"pk": item.pk}, item)


def _check_in_sample(world, inside: bool):
    from tests.test_permission_matrix import Sample

    return Sample({"token": _meeting_objects(world, inside)[0].check_in_token})


REGISTRY.update(
    {
        "meetings:meeting-detail": _public_meeting_sample,
        "meetings:meeting-register": _meeting_sample,
        "meetings:meeting-check-in": _check_in_sample,
        "meetings:decision-object": _decision_sample,
        **{
            f"meetings:staff-meeting-{name}": _meeting_sample
            for name in (
                "detail",
                "edit",
                "door",
                "open",
                "close",
                "cancel",
                "invite",
                "invite-residents",
                "invite-organisations",
                "invite-accounts",
                "item-add",
            )
        },
        "meetings:staff-meeting-attendance": _meeting_participant_sample,
        "meetings:staff-meeting-participant-remove": _meeting_participant_sample,
        **{
            f"meetings:staff-meeting-item-{name}": _meeting_item_sample
            for name in ("edit", "move", "remove", "summary", "decide", "resolve")
        },
        "meetings:staff-meeting-objection-answer": _meeting_objection_sample,
        "api-meeting": _public_meeting_sample,
        "api-meeting-register": _meeting_sample,
        "api-meeting-attendance": _meeting_sample,
        "api-meeting-item-decide": _meeting_item_sample,
    }
)

_GRID_AND_UP = {
    "resident": _NOBODY,
    "grid_leader": (_T, _T, _F),
    "grid_worker": (_T, _T, _F),
    "community_staff": (_T, _T, _F),
    "subdistrict_officer": (_T, _T, _F),
    "city_officer": (_T, _T, _T),
    "department_staff": _NOBODY,
    "institution_operator": _NOBODY,
    "merchant": _NOBODY,
    "party_member": _NOBODY,
    "volunteer": _NOBODY,
    "admin": (_T, _T, _T),
    "anonymous": _NOBODY,
}
EXPECTED.update(
    {
        # Grid staff and cadres see the meetings of the places they cover, with the names on their lists...
        "meetings.view_staff": dict(_GRID_AND_UP),
        # ... and take attendance at their door.
        "meetings.record_attendance": dict(_GRID_AND_UP),
        # The community's committees and the cadres above them plan and run meetings, and decide (两委).
        "meetings.manage": {
            **_GRID_AND_UP,
            "grid_leader": _NOBODY,
            "grid_worker": _NOBODY,
        },
    }
)
RULE_OBJECTS.update(
    {
        "meetings.view_staff": lambda w, inside: _meeting_objects(w, inside)[0],
        "meetings.record_attendance": lambda w, inside: _meeting_objects(w, inside)[0],
        "meetings.manage": lambda w, inside: _meeting_objects(w, inside)[0],
    }
)
