"""Minutes: generated from the records, edited as plain text, published (frozen) and unpublished with a
reason. The figures are always those of the records, whatever the texts say."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from huiketing.core.models import AuditEntry, Notification
from huiketing.meetings import meeting_services, minutes_selectors, minutes_services
from huiketing.meetings.minutes_pdf import minutes_print_html
from huiketing.meetings.models import MeetingEvent, MeetingStatus, Minutes, MinutesStatus, Participant
from huiketing.people.models import Role

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The visible text of an HTML page: inline tags dropped, other tags a space, white space collapsed."""
    html = re.sub(r"<(style|script|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(bdi|strong|em|b|span|a)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rendered(meeting) -> str:
    meeting = minutes_selectors.minutes_get_for_reader(user=meeting.chair, meeting_id=meeting.pk)
    return text_of(minutes_print_html(document=minutes_selectors.minutes_document(meeting=meeting)))


def test_generation_covers_every_part(make_held_meeting):
    held = make_held_meeting(language="en")
    meeting = held.meeting
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=meeting)
    assert minutes.language == "en" and minutes.status == MinutesStatus.DRAFT
    sections = minutes.sections
    day = f"{timezone.localtime(meeting.opened_at):%Y-%m-%d}"
    opening = sections["opening"]
    for part in ("Neighbourhood council", "Parking spaces", day, "Happiness living room, Room 2"):
        assert part in opening
    assert "It was chaired by Chair Zhao." in opening
    assert "The minutes were taken by Clerk Qian." in opening
    first, second = held.items
    assert sections[f"item:{first.pk}:summary"] == "Residents asked for bays along the east road."
    assert sections[f"item:{first.pk}:decision"] == (
        "The meeting approved this item.\nCheap and quick; the fire lane stays clear."
    )
    assert sections[f"item:{first.pk}:follow_up"] == "The property company paints the bays within a month."
    assert sections[f"item:{second.pk}:decision"].startswith("The meeting rejected this item.")
    assert sections["closing"].startswith("The meeting closed at ")
    assert list(sections) == minutes_selectors.section_keys([first.pk, second.pk])

    with translation.override("en"):
        page = rendered(meeting)
    # Date, place, chair and recorder, from the meeting's record.
    assert f"Date {day}" in page
    assert "Place Happiness living room, Room 2" in page
    assert "Chair Chair Zhao" in page and "Recorder Clerk Qian" in page
    # Attendance and quorum: 7 invited, 4 of them present, and one resident who walked in.
    assert "Invited: 7. Present: 5." in page
    assert "1 of those present came without an invitation." in page
    assert "Resident 4 4" in page
    assert "Residents' representative 1 0" in page
    assert "Property company 1 1" in page
    assert "Golden Hill Property" in page
    assert "4 of the 7 invited attended; 4 needed. The quorum was met." in page
    # The agenda, the speakers, the vote, the decisions, the follow-up.
    assert "Agenda Paint parking bays Build a car park 1. Paint parking bays" in page
    assert "Residents asked for bays along the east road." in page
    assert "Several speakers found a car park too costly." in page
    assert "For 2 50.0% Against 1 25.0% Abstain 1 25.0%" in page
    # In the same words as the vote's own page.
    assert (
        "Passed: 2 for, 1 against, 1 abstaining; more for than against needed. "
        "Turnout 4 of 4 (100%); quorum 50% met."
    ) in page
    assert "Approved" in page and "Rejected" in page
    assert f"Public notice from {first.notice_starts_on:%Y-%m-%d} to {first.notice_ends_on:%Y-%m-%d}." in page
    assert "The property company paints the bays within a month." in page
    # Residents are counted, never named; nor is the outside guest.
    for name in ("王小明", "李秀英", "张伟", "刘芳", "代表赵六", "路人甲", "Guest Sun"):
        assert name not in page


def test_figures_come_from_the_records_and_no_text_overrides_them(make_held_meeting):
    held = make_held_meeting(language="en")
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    with translation.override("en"):
        assert "Resident 4 4" in rendered(held.meeting)
        # A resident's attendance is corrected in the records: the minutes follow, without regenerating.
        Participant.objects.filter(meeting=held.meeting, resident=held.residents[2]).update(attended_at=None)
        page = rendered(held.meeting)
    assert "Resident 4 3" in page and "Invited: 7. Present: 4." in page
    assert "3 of the 7 invited attended; 4 needed. The quorum was not met." in page

    # No part of the texts holds a figure: a count cannot be sent as a part…
    with pytest.raises(ValidationError) as refused:
        minutes_services.minutes_update(by=held.chair, minutes=minutes, sections={"attendance": "99 present"})
    assert "attendance" in refused.value.message_dict
    # …and a text claiming another count leaves the figures as the records say.
    minutes_services.minutes_update(
        by=held.chair, minutes=minutes, sections={"opening": "Present: 99. Invited: 99."}
    )
    with translation.override("en"):
        page = rendered(held.meeting)
    assert "Invited: 7. Present: 4." in page and "Resident 4 3" in page


def test_generating_again_keeps_edits_unless_reset(make_held_meeting):
    held = make_held_meeting(language="en")
    first = held.items[0]
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    minutes = minutes_services.minutes_update(
        by=held.recorder,
        minutes=minutes,
        sections={"opening": "Opened by the chair with a minute of silence."},
    )
    assert minutes.edited_by == held.recorder and minutes.edited_at is not None
    # The record of what the speakers said is completed after the meeting.
    type(first).objects.filter(pk=first.pk).update(speakers_summary="Residents asked for bays on both roads.")

    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    assert minutes.sections["opening"] == "Opened by the chair with a minute of silence."
    assert minutes.sections[f"item:{first.pk}:summary"] == "Residents asked for bays on both roads."
    assert minutes_selectors.edited_keys(minutes) == {"opening"}

    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting, reset=True)
    assert minutes.sections["opening"].startswith("The Neighbourhood council “Parking spaces” was held on ")
    assert minutes_selectors.edited_keys(minutes) == set()
    actions = list(
        AuditEntry.objects.filter(object_type="meetings.minutes", object_id=str(minutes.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "meetings.minutes.generated",
        "meetings.minutes.edited",
        "meetings.minutes.regenerated",
        "meetings.minutes.reset",
    ]


def test_texts_are_plain_text_within_their_limits(make_held_meeting, english):
    held = make_held_meeting(language="en")
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    summary = f"item:{held.items[0].pk}:summary"
    with pytest.raises(ValidationError) as refused:
        minutes_services.minutes_update(
            by=held.chair,
            minutes=minutes,
            sections={
                "opening": 'The <a href="https://example.org">meeting</a> opened.',
                summary: "x" * 8001,
                "closing": "Closed.\x07",
            },
        )
    errors = refused.value.message_dict
    assert errors["opening"] == ["Write plain text: HTML tags such as <b> or <a> are not allowed."]
    assert errors[summary] == ["At most 8000 characters; this text has 8001."]
    assert "control characters" in errors["closing"][0]
    minutes.refresh_from_db()
    assert minutes.edited_at is None  # nothing was saved
    # A comparison sign is not a tag; Windows line ends are stored as plain ones.
    minutes = minutes_services.minutes_update(
        by=held.chair, minutes=minutes, sections={"closing": "Turnout < 50% next time?\r\nSee you."}
    )
    assert minutes.sections["closing"] == "Turnout < 50% next time?\nSee you."


def test_minutes_are_generated_once_the_meeting_opened(make_held_meeting, english, community_staff, tree):
    held = make_held_meeting(language="en")
    planned = meeting_services.meeting_create(
        by=held.chair,
        kind=held.meeting.kind,
        title="Next month",
        place_code=tree.communities[0].code,
        starts_at=timezone.now() + timedelta(days=30),
        location="Room 3",
        language="en",
    )
    with pytest.raises(minutes_services.MinutesStateError, match="once the meeting has opened"):
        minutes_services.minutes_generate(by=held.chair, meeting=planned)
    assert not Minutes.objects.filter(meeting=planned).exists()
    # In session: a draft to fill in, which cannot be published before the meeting closes.
    meeting_services.meeting_open(by=held.chair, meeting=planned)
    draft = minutes_services.minutes_generate(by=held.chair, meeting=planned)
    assert draft.sections["closing"] == ""
    with pytest.raises(minutes_services.MinutesStateError, match="once the meeting has closed"):
        minutes_services.minutes_publish(by=held.chair, minutes=draft)
    meeting_services.meeting_close(by=held.chair, meeting=planned)
    draft = minutes_services.minutes_generate(by=held.chair, meeting=planned)
    assert draft.sections["closing"].startswith("The meeting closed at ")


def test_publishing_freezes_the_minutes_and_tells_the_participants(make_held_meeting, make_user, english):
    held = make_held_meeting(language="en")
    resident = held.residents[0]
    resident.account = make_user("t_minutes_reader", Role.RESIDENT, resident.place_code)
    resident.save(update_fields=["account"])
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    minutes = minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    assert minutes.status == MinutesStatus.PUBLISHED
    assert minutes.published_by == held.chair and minutes.published_at is not None
    assert MeetingEvent.objects.filter(meeting=held.meeting, kind="minutes_published").count() == 1
    assert AuditEntry.objects.filter(action="meetings.minutes.published", object_id=str(minutes.pk)).exists()
    [notification] = Notification.objects.filter(kind="meetings.minutes_published")
    assert notification.recipient == resident.account
    assert notification.link == f"/meetings/{held.meeting.pk}/minutes/"

    frozen = "published and cannot be changed"
    with pytest.raises(minutes_services.MinutesStateError, match=frozen):
        minutes_services.minutes_update(by=held.chair, minutes=minutes, sections={"opening": "Changed."})
    with pytest.raises(minutes_services.MinutesStateError, match=frozen):
        minutes_services.minutes_generate(by=held.chair, meeting=held.meeting, reset=True)
    with pytest.raises(minutes_services.MinutesStateError):
        minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    minutes.refresh_from_db()
    assert minutes.sections["opening"].startswith("The Neighbourhood council")


def test_unpublishing_needs_a_reason_and_is_audited(make_held_meeting, english):
    held = make_held_meeting(language="en")
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    with pytest.raises(minutes_services.MinutesStateError):
        minutes_services.minutes_unpublish(by=held.chair, minutes=minutes, reason="Not published yet.")
    minutes = minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    with pytest.raises(ValidationError) as refused:
        minutes_services.minutes_unpublish(by=held.chair, minutes=minutes, reason="  ")
    assert refused.value.message_dict == {"reason": ["Say why the minutes are taken back."]}
    with pytest.raises(ValidationError, match="At most 300 characters"):
        minutes_services.minutes_unpublish(by=held.chair, minutes=minutes, reason="x" * 301)

    minutes = minutes_services.minutes_unpublish(
        by=held.chair, minutes=minutes, reason="The vote count of item 1 was misread."
    )
    assert minutes.status == MinutesStatus.DRAFT and minutes.published_at is None
    entry = AuditEntry.objects.get(action="meetings.minutes.unpublished")
    assert entry.reason == "The vote count of item 1 was misread."
    assert entry.actor == held.chair and entry.place_code == held.meeting.place_code
    event = MeetingEvent.objects.get(meeting=held.meeting, kind="minutes_unpublished")
    assert event.params == {"reason": "The vote count of item 1 was misread."}
    # A draft again: corrected and published again.
    minutes_services.minutes_update(by=held.chair, minutes=minutes, sections={"closing": "Corrected."})
    minutes = minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    assert minutes.status == MinutesStatus.PUBLISHED
    assert MeetingEvent.objects.filter(meeting=held.meeting, kind="minutes_published").count() == 2


def test_minutes_are_written_in_the_meetings_language(make_held_meeting):
    held = make_held_meeting(language="zh-hans")
    assert held.meeting.status == MeetingStatus.CLOSED
    with translation.override("en"):  # whatever language the member of staff reads in
        minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    assert minutes.language == "zh-hans"
    assert "睦邻议事会" in minutes.sections["opening"]
    assert "幸福会客厅" in minutes.sections["opening"]
