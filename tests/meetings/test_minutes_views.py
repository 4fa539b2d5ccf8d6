"""Minutes pages: public minutes (drafts look missing), the print layout, the staff page, the API, and the
number of queries, which does not grow with participants and items."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from huiketing.meetings import meeting_services, minutes_services
from huiketing.meetings.models import AgendaItem, Minutes, MinutesStatus, Participant, ParticipantKind
from huiketing.people.models import Organisation, Role

pytestmark = pytest.mark.django_db

RESIDENT_NAMES = ("王小明", "李秀英", "张伟", "刘芳", "代表赵六", "路人甲")


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are read in English, as the assertions are written."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def text_of(html: str) -> str:
    """The visible text of an HTML page: inline tags dropped, other tags a space, white space collapsed."""
    html = re.sub(r"<(style|script|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(bdi|strong|em|b|span|a)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def published(make_held_meeting):
    held = make_held_meeting(language="en")
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    return held


@pytest.fixture
def drafted(make_held_meeting):
    held = make_held_meeting(language="en")
    minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    return held


def urls(meeting) -> list[str]:
    return [
        reverse("meetings:minutes", kwargs={"pk": meeting.pk}),
        reverse("meetings:minutes-print", kwargs={"pk": meeting.pk}),
        reverse("meetings:minutes-pdf", kwargs={"pk": meeting.pk}),
        reverse("api-meeting-minutes", kwargs={"pk": meeting.pk}),
    ]


def test_published_minutes_are_public_without_residents_names(client, published, english):
    page = client.get(f"/meetings/{published.meeting.pk}/minutes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<article class="minutes" lang="en" dir="ltr">' in html
    assert "Minutes of the meeting “Parking spaces”" in text_of(html)
    assert "Edit the minutes" not in html
    for url in urls(published.meeting)[1:]:
        assert client.get(url).status_code == 200
    for url in urls(published.meeting)[:2]:
        content = client.get(url).content.decode()
        for name in RESIDENT_NAMES:
            assert name not in content


def test_drafts_are_missing_to_the_public_and_a_preview_to_their_editors(
    client, drafted, make_user, make_resident, tree, english
):
    meeting = drafted.meeting
    missing = 999_999
    outsider = make_user("t_minutes_outsider", Role.COMMUNITY_STAFF, tree.communities[2].code)
    gridleader = make_user("t_minutes_gridleader", Role.GRID_LEADER, tree.grids[0].code)
    resident = make_resident("读者", username="t_minutes_resident")
    for user in (None, resident.account, gridleader, outsider):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls(meeting):
            assert client.get(url).status_code == 404, (user, url)
        # Exactly as for a meeting that does not exist.
        assert client.get(f"/meetings/{missing}/minutes/").status_code == 404
    client.force_login(drafted.chair)
    page = client.get(urls(meeting)[0])
    assert page.status_code == 200
    assert "A preview of draft minutes" in page.content.decode()
    assert "no-cache" in page["Cache-Control"]
    assert client.get(urls(meeting)[3]).json()["status"] == "draft"


def test_the_print_layout_has_no_navigation(client, published, tree, english):
    response = client.get(reverse("meetings:minutes-print", kwargs={"pk": published.meeting.pk}))
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert '<html lang="en" dir="ltr">' in html
    assert "<nav" not in html and "site-header" not in html and "<form" not in html
    assert "<a " not in html and "<link" not in html and "<script" not in html
    assert "@page" in html and "size: A4" in html
    text = text_of(html.split("</head>", 1)[1])
    first = published.items[0]
    assert text.startswith(f"{tree.communities[0].names['en']} Minutes of the meeting “Parking spaces”")
    assert (
        f"1. Paint parking bays: from {first.notice_starts_on:%Y-%m-%d} to {first.notice_ends_on:%Y-%m-%d}"
    ) in text
    assert "Chair (signature):" in text


def test_the_print_layout_is_in_the_minutes_language_whatever_the_readers(client, make_held_meeting):
    held = make_held_meeting(language="ug", texts={"title": "ماشىنا توختىتىش ئورنى"})
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    html = client.get(f"/meetings/{held.meeting.pk}/minutes/print/?lang=en").content.decode()
    assert '<html lang="ug" dir="rtl">' in html
    page = client.get(f"/meetings/{held.meeting.pk}/minutes/?lang=en").content.decode()
    assert '<html lang="en" dir="ltr"' in page  # the reader's page…
    assert '<article class="minutes" lang="ug" dir="rtl">' in page  # …around minutes in Uyghur


def test_staff_generate_edit_publish_and_unpublish(client, make_held_meeting, english):
    held = make_held_meeting(language="en")
    meeting = held.meeting
    page_url = reverse("meetings:staff-minutes", kwargs={"pk": meeting.pk})
    client.force_login(held.chair)
    page = client.get(page_url, {"lang": "en"})  # remembered for the requests that follow
    assert page.status_code == 200
    assert "Write the minutes from the records" in page.content.decode()

    response = client.post(reverse("meetings:staff-minutes-generate", kwargs={"pk": meeting.pk}))
    assert response.status_code == 302 and response["Location"] == page_url
    page = client.get(page_url).content.decode()
    summary = f"item-{held.items[0].pk}-summary"
    assert f'name="{summary}"' in page and 'lang="en" dir="ltr"' in page
    # The figures beside the texts.
    assert "4 of the 7 invited attended; 4 needed." in text_of(page)

    save = reverse("meetings:staff-minutes-save", kwargs={"pk": meeting.pk})
    response = client.post(save, {"opening": "Opened.", summary: "<b>Loud</b> voices."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write plain text: HTML tags such as &lt;b&gt; or &lt;a&gt; are not allowed." in html
    assert Minutes.objects.get(meeting=meeting).sections["opening"] != "Opened."
    response = client.post(save, {"opening": "Opened.", summary: "Loud voices."})
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.sections["opening"] == "Opened." and minutes.sections[summary.replace("-", ":")] == (
        "Loud voices."
    )

    assert (
        client.post(reverse("meetings:staff-minutes-publish", kwargs={"pk": meeting.pk})).status_code == 302
    )
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.PUBLISHED
    response = client.post(save, {"opening": "Changed after publishing."})
    assert response.status_code == 400
    assert "published and cannot be changed" in response.content.decode()

    unpublish = reverse("meetings:staff-minutes-unpublish", kwargs={"pk": meeting.pk})
    response = client.post(unpublish, {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert client.post(unpublish, {"reason": "A name was misspelt."}).status_code == 302
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT


def test_staff_pages_are_missing_outside_the_staffs_scope(client, drafted, make_user, tree):
    outsider = make_user("t_minutes_outside", Role.COMMUNITY_STAFF, tree.communities[2].code)
    client.force_login(outsider)
    meeting = drafted.meeting
    assert client.get(reverse("meetings:staff-minutes", kwargs={"pk": meeting.pk})).status_code == 404
    for name in ("generate", "save", "publish", "unpublish"):
        url = reverse(f"meetings:staff-minutes-{name}", kwargs={"pk": meeting.pk})
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT


def test_the_api_gives_the_texts_and_the_figures(client, published):
    response = client.get(f"/api/v1/meetings/{published.meeting.pk}/minutes/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "published" and data["language"] == "en"
    assert data["attendance"]["invited"] == 7 and data["attendance"]["present"] == 5
    assert data["attendance"]["quorum"] == {
        "rule": "half",
        "label": "More than half of those invited attend",
        "invited": 7,
        "attending": 4,
        "required": 4,
        "met": True,
    }
    assert data["attendance"]["organisations"] == ["Golden Hill Property"]
    [vote] = data["items"][0]["votes"]
    assert [(o["meaning"], o["count"]) for o in vote["options"]] == [("yes", 2), ("no", 1), ("abstain", 1)]
    assert vote["passed"] is True and vote["cast"] == 4
    assert data["items"][0]["decision"] == "approved"
    assert data["pdf"].endswith(f"/meetings/{published.meeting.pk}/minutes.pdf")
    body = response.content.decode()
    for name in RESIDENT_NAMES:
        assert name not in body
    assert client.get("/api/v1/meetings/999999/minutes/").status_code == 404


def _grow(held, n: int) -> None:
    """n more participants of several kinds (half present) and n more decided agenda items."""
    meeting = held.meeting
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.MERCHANT, names={"en": f"Shop {i}"}, place_code=meeting.place_code
        )
        for i in range(n)
    )
    Participant.objects.bulk_create(
        Participant(
            meeting=meeting,
            kind=ParticipantKind.MERCHANT,
            organisation=organisation,
            attended_at=meeting.opened_at if i % 2 else None,
        )
        for i, organisation in enumerate(organisations)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=100 + i, title=f"Item {i}", decision="deferred")
        for i in range(n)
    )


def _count(client, url: str) -> int:
    cache.clear()  # as tests/test_query_counts.py: no page may lean on what an earlier one cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_queries_do_not_grow_with_participants_and_items(client, make_held_meeting, english):
    held = make_held_meeting(language="en")
    meeting = held.meeting
    _grow(held, 5)
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=meeting)
    client.force_login(held.chair)
    pages = [
        reverse("meetings:minutes", kwargs={"pk": meeting.pk}),
        reverse("meetings:minutes-print", kwargs={"pk": meeting.pk}),
        reverse("meetings:staff-minutes", kwargs={"pk": meeting.pk}),
        reverse("api-meeting-minutes", kwargs={"pk": meeting.pk}),
    ]
    before = {url: _count(client, url) for url in pages}
    _grow(held, 45)
    minutes_services.minutes_generate(by=held.chair, meeting=meeting)
    assert {url: _count(client, url) for url in pages} == before
    minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    client.logout()
    assert _count(client, pages[0]) <= before[pages[0]]


def test_the_meeting_in_session_gets_a_draft_from_the_staff_page(client, make_held_meeting, tree, english):
    held = make_held_meeting(language="en")
    meeting = meeting_services.meeting_create(
        by=held.chair,
        kind=held.meeting.kind,
        title="Open now",
        place_code=tree.communities[0].code,
        starts_at=held.meeting.starts_at.replace(year=held.meeting.starts_at.year + 1),
        location="Room 4",
        language="en",
    )
    client.force_login(held.chair)
    page_url = reverse("meetings:staff-minutes", kwargs={"pk": meeting.pk})
    assert "Minutes can be written once the meeting has opened." in client.get(page_url).content.decode()
    response = client.post(reverse("meetings:staff-minutes-generate", kwargs={"pk": meeting.pk}))
    assert response.status_code == 400
    assert "Minutes can be generated once the meeting has opened." in response.content.decode()
    meeting_services.meeting_open(by=held.chair, meeting=meeting)
    assert (
        client.post(reverse("meetings:staff-minutes-generate", kwargs={"pk": meeting.pk})).status_code == 302
    )
    with translation.override("en"):
        page = client.get(page_url).content.decode()
    assert "The minutes can be published once the meeting has closed." in page


def test_the_admin_shows_minutes_read_only(client, published):
    from huiketing.people.models import User

    root = User.objects.create_superuser("t_minutes_root", "root@example.org", "pass-for-tests-1")
    client.force_login(root)
    minutes = Minutes.objects.get(meeting=published.meeting)
    assert client.get("/admin/meetings/minutes/").status_code == 200
    page = client.get(f"/admin/meetings/minutes/{minutes.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # nothing to save: changes go through the staff page
