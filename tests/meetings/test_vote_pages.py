"""The pages of votes: the vote's page where a resident votes, the box on the meeting's page, and the staff
pages (preparing, opening, closing, the turnout and who voted, recording in person); results shown with their
counts; the same number of queries at 5 and at 50 ballots."""

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huiketing.core import scope
from huiketing.meetings import vote_selectors as selectors
from huiketing.meetings import vote_services as services
from huiketing.meetings.models import Ballot, Electorate, Majority, Vote, VoteOption, VoteStatus
from huiketing.people.models import Relation, Role

pytestmark = pytest.mark.usefixtures("english")

YES, NO, ABSTAIN = VoteOption.Meaning.YES, VoteOption.Meaning.NO, VoteOption.Meaning.ABSTAIN
NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _name(n: int) -> str:
    """A registry name without digits, different for every n."""
    return (
        "居民" + NAMES[n % len(NAMES)] + NAMES[(n // len(NAMES)) % len(NAMES)] + NAMES[n // len(NAMES) ** 2]
    )


def _open_vote(item, by, **kwargs):
    kwargs.setdefault("electorate", Electorate.RESIDENTS)
    kwargs.setdefault("turnout_quorum", 0)
    vote = services.vote_create(by=by, item=item, question="Replace the street lights?", **kwargs)
    return services.vote_open(by=by, vote=vote)


def _option(vote, meaning):
    return vote.options.get(meaning=meaning)


def _page(client, vote, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("meetings:vote-detail", args=[vote.pk]))


# The vote's page -------------------------------------------------------------------------------------------


def test_a_prepared_vote_is_seen_only_by_those_who_manage_the_meeting(
    client, make_vote_item, community_staff, staff
):
    vote = services.vote_create(by=community_staff, item=make_vote_item(), question="Q?")
    assert _page(client, vote).status_code == 404
    assert _page(client, vote, staff[Role.GRID_LEADER]).status_code == 404
    response = _page(client, vote, community_staff)
    assert response.status_code == 200 and "not open yet" in response.content.decode()


def test_an_entitled_resident_votes_on_the_page(client, make_vote_item, community_staff, make_resident):
    vote = _open_vote(make_vote_item(), community_staff)
    resident = make_resident("王芳", username="t_page_voter")
    page = _page(client, vote, resident.account).content.decode()
    assert "Cast my vote" in page and 'name="option"' in page
    assert "No result is shown while voting is open." in page
    response = client.post(reverse("meetings:vote-cast", args=[vote.pk]), {"option": _option(vote, YES).pk})
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:vote-detail", args=[vote.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "Your vote was recorded" in page
        and "You voted online" in page
        and "Your choice: <bdi>For</bdi>" in page
    )
    assert "Cast my vote" not in page
    again = client.post(reverse("meetings:vote-cast", args=[vote.pk]), {"option": _option(vote, NO).pk})
    assert again.status_code == 400
    assert "You have already voted online; a second vote is refused." in again.content.decode()
    assert Ballot.objects.get(vote=vote).option == _option(vote, YES)


def test_the_ballot_form_goes_back_to_the_page_it_came_from(
    client, make_vote_item, community_staff, make_resident
):
    vote = _open_vote(make_vote_item(), community_staff)
    resident = make_resident("李雷", username="t_page_next")
    client.force_login(resident.account)
    meeting_page = reverse("meetings:meeting-detail", args=[vote.item.meeting_id])
    url = reverse("meetings:vote-cast", args=[vote.pk])
    response = client.post(url, {"option": _option(vote, NO).pk, "next": meeting_page})
    assert response.status_code == 302 and response["Location"] == meeting_page
    other = _open_vote(vote.item, community_staff)
    response = client.post(
        reverse("meetings:vote-cast", args=[other.pk]),
        {"option": _option(other, NO).pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("meetings:vote-detail", args=[other.pk])


def test_no_choice_and_a_wrong_choice_are_refused_on_the_page(
    client, make_vote_item, community_staff, make_resident
):
    vote = _open_vote(make_vote_item(), community_staff)
    other = _open_vote(vote.item, community_staff)
    resident = make_resident("韩梅", username="t_page_bad")
    client.force_login(resident.account)
    url = reverse("meetings:vote-cast", args=[vote.pk])
    assert "Choose one of the options." in client.post(url, {}).content.decode()
    response = client.post(url, {"option": _option(other, YES).pk})
    assert (
        response.status_code == 400 and "Choose one of this vote&#x27;s options." in response.content.decode()
    )
    assert not Ballot.objects.exists()


def test_a_resident_not_entitled_is_told_why(client, make_vote_item, community_staff, make_resident, tree):
    vote = _open_vote(make_vote_item(), community_staff, electorate=Electorate.HOUSEHOLDS)
    head = make_resident("户主")
    spouse = make_resident(
        "配偶", household=head.household, relation=Relation.SPOUSE, username="t_page_spouse"
    )
    page = _page(client, vote, spouse.account).content.decode()
    assert "You are not entitled to vote on this question:" in page
    assert "only household heads living in the meeting&#x27;s area may vote" in page
    assert "Cast my vote" not in page
    response = client.post(reverse("meetings:vote-cast", args=[vote.pk]), {"option": _option(vote, YES).pk})
    assert response.status_code == 400 and "You are not entitled to vote" in response.content.decode()


def test_a_closed_vote_shows_its_result_with_counts(
    client, make_vote_item, community_staff, make_resident, staff
):
    vote = _open_vote(make_vote_item(), community_staff, majority=Majority.TWO_THIRDS, turnout_quorum=50)
    residents = [make_resident(_name(n)) for n in range(6)]
    for resident, meaning in zip(residents, [YES, YES, NO, YES], strict=False):
        services.ballot_record_in_person(
            by=staff[Role.GRID_LEADER], vote=vote, resident=resident, option=_option(vote, meaning)
        )
    services.vote_close(by=community_staff, vote=vote)
    page = _page(client, vote).content.decode()
    assert (
        "Passed: 3 of 4 votes for (75%), two thirds needed. Turnout 4 of 6 (66.7%); quorum 50% met." in page
    )
    assert '<meter min="0" max="100" value="75">75%</meter>' in page
    assert '<meter min="0" max="100" value="25">25%</meter>' in page
    for resident in residents:  # the public page names nobody
        assert resident.full_name not in page


def test_the_statement_for_each_majority_and_quorum(make_vote_item, community_staff, make_resident, staff):
    residents = [make_resident(_name(n)) for n in range(5)]
    cases = [
        (
            Majority.SIMPLE,
            0,
            [YES, NO, ABSTAIN],
            "Not passed: 1 for, 1 against, 1 abstaining; more for than against needed. "
            + "Turnout 3 of 5 (60%); no quorum required.",
        ),
        (
            Majority.ABSOLUTE,
            0,
            [YES, YES, YES],
            "Passed: 3 for, out of 5 entitled (60%); more than half of those entitled needed.",
        ),
        (
            Majority.FOUR_FIFTHS,
            0,
            [YES, YES, YES, YES, NO],
            "Passed: 4 of 5 votes for (80%), four fifths needed.",
        ),
        (Majority.SIMPLE, 60, [YES, YES, YES], "quorum 60% not met, so the vote does not carry."),
    ]
    for majority, quorum, meanings, expected in cases:
        vote = _open_vote(make_vote_item(), community_staff, majority=majority, turnout_quorum=quorum)
        for resident, meaning in zip(residents, meanings, strict=False):
            services.ballot_record_in_person(
                by=staff[Role.GRID_LEADER], vote=vote, resident=resident, option=_option(vote, meaning)
            )
        vote = services.vote_close(by=community_staff, vote=vote)
        statement = selectors.result_statement(vote)
        assert expected in statement, statement


# The box on the meeting's page ----------------------------------------------------------------------------


def _boxes_html(items, user, path="/meetings/1/"):
    request = RequestFactory().get(path)
    request.user = user
    selectors.votes_for_items(items=items, user=user)
    return "".join(
        render_to_string("meetings/vote_box.html", {"vote": vote, "request": request, "user": user})
        for item in items
        for vote in item.vote_list
    )


def test_the_box_on_the_meeting_page(make_vote_item, community_staff, make_resident, staff):
    item = make_vote_item()
    open_vote = _open_vote(item, community_staff)
    closed = _open_vote(item, community_staff)
    draft = services.vote_create(by=community_staff, item=item, question="Still being prepared?")
    resident = make_resident("赵敏", username="t_box_voter")
    services.ballot_cast_online(by=resident.account, vote=closed, option=_option(closed, YES))
    services.vote_close(by=community_staff, vote=closed)
    html = _boxes_html([item], resident.account)
    assert "Still being prepared?" not in html  # only those who manage see prepared votes
    assert f'action="{reverse("meetings:vote-cast", args=[open_vote.pk])}"' in html
    assert 'name="next" value="/meetings/1/"' in html
    assert "Passed: 1 for, 0 against, 0 abstaining" in html
    staff_html = _boxes_html([item], community_staff)
    assert "Still being prepared?" in staff_html and "Manage this vote" in staff_html
    assert "0 have voted so far." in staff_html
    assert draft.pk


def test_the_boxes_of_a_meeting_ask_the_same_number_of_queries_however_many_votes(
    make_vote_item, community_staff, make_resident
):
    resident = make_resident("周芷若", username="t_box_queries")

    def count(items, user):
        items = list(type(items[0]).objects.filter(pk__in=[i.pk for i in items]).select_related("meeting"))
        scope.forget(user)  # the roles are read once per request
        with CaptureQueriesContext(connection) as queries:
            _boxes_html(items, user)
        return len(queries)

    small = [make_vote_item()]
    _open_vote(small[0], community_staff)
    big = [make_vote_item(), make_vote_item()]
    for item in big:
        for _ in range(3):
            vote = _open_vote(item, community_staff)
            services.ballot_cast_online(by=resident.account, vote=vote, option=_option(vote, NO))
        services.vote_close(by=community_staff, vote=vote)
    for user in (resident.account, community_staff):
        assert count(small, user) == count(big, user)


# Staff pages ------------------------------------------------------------------------------------------------


def test_staff_prepare_change_open_and_close_a_vote(client, make_vote_item, community_staff, make_resident):
    item = make_vote_item()
    client.force_login(community_staff)
    new = reverse("meetings:vote-new", args=[item.pk])
    assert client.get(new).status_code == 200
    refused = client.post(
        new, {"question": "", "electorate": "residents", "majority": "simple", "turnout_quorum": 50}
    )
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    response = client.post(
        new,
        {
            "question": "Paint the parking bays?",
            "electorate": "residents",
            "majority": "two_thirds",
            "turnout_quorum": 30,
            "is_secret": "on",
            "allows_online": "on",
            "option_1_label": "Paint them",
            "option_1_meaning": "yes",
            "option_2_label": "Leave them",
            "option_2_meaning": "no",
        },
    )
    vote = Vote.objects.get(item=item)
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:vote-staff", args=[vote.pk]
    )
    assert vote.is_secret and vote.majority == Majority.TWO_THIRDS and vote.turnout_quorum == 30
    assert [o.label for o in vote.options.all()] == ["Paint them", "Leave them"]
    edit = reverse("meetings:vote-edit", args=[vote.pk])
    form = client.get(edit).content.decode()
    assert 'value="Paint them"' in form
    bad = client.post(
        edit,
        {
            "question": "Q",
            "electorate": "residents",
            "majority": "simple",
            "turnout_quorum": 0,
            "option_1_label": "Only one",
            "option_1_meaning": "yes",
        },
    )
    assert bad.status_code == 400 and "A vote has 2 to 10 options." in bad.content.decode()
    missing = client.post(
        edit,
        {
            "question": "Q",
            "electorate": "residents",
            "majority": "simple",
            "turnout_quorum": 0,
            "option_1_label": "No meaning",
        },
    )
    assert "Say whether this option counts as for, against or abstaining." in missing.content.decode()
    client.post(
        edit,
        {
            "question": "Paint them all?",
            "electorate": "residents",
            "majority": "simple",
            "turnout_quorum": 0,
            "allows_online": "on",
        },
    )
    vote.refresh_from_db()
    assert vote.question == "Paint them all?" and not vote.is_secret
    assert [o.meaning for o in vote.options.all()] == [YES, NO, ABSTAIN]
    assert client.post(reverse("meetings:vote-open", args=[vote.pk])).status_code == 302
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN
    assert client.get(edit).status_code == 302  # no changes once open
    again = client.post(reverse("meetings:vote-open", args=[vote.pk]))
    assert (
        again.status_code == 400 and "This cannot be done to a vote that is “Open”." in again.content.decode()
    )
    assert client.post(reverse("meetings:vote-close", args=[vote.pk])).status_code == 302
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and vote.cast_count == 0


def test_attendees_vote_cannot_open_before_the_meeting(client, make_vote_item, community_staff):
    vote = services.vote_create(
        by=community_staff, item=make_vote_item(), question="Q?", electorate=Electorate.ATTENDEES
    )
    client.force_login(community_staff)
    response = client.post(reverse("meetings:vote-open", args=[vote.pk]))
    assert response.status_code == 400
    assert "only while the meeting is in session" in response.content.decode()


def test_the_staff_page_shows_turnout_only_while_open_and_who_voted(
    client, make_vote_item, community_staff, make_resident, staff, tree
):
    item = make_vote_item(place_code=tree.grids[0].code)  # a grid's meeting: its grid leader sees it
    open_vote = _open_vote(item, community_staff)
    secret = _open_vote(item, community_staff, is_secret=True)
    voters = [make_resident(_name(n), username=f"t_staff_page{n}") for n in range(3)]
    make_resident("没投票")
    for vote in (open_vote, secret):
        for voter, meaning in zip(voters, [YES, NO, YES], strict=True):
            services.ballot_cast_online(by=voter.account, vote=vote, option=_option(vote, meaning))
    client.force_login(staff[Role.GRID_LEADER])
    page = client.get(reverse("meetings:vote-staff", args=[open_vote.pk])).content.decode()
    assert (
        "Turnout so far" in page
        and "<bdi>3</bdi></span> have voted" in page
        and "<bdi>4</bdi></span> entitled" in page
    )
    assert "<meter" not in page  # no partial result
    assert all(voter.full_name in page for voter in voters)
    assert ">Choice<" not in page and "shown once the vote is closed" in page
    services.vote_close(by=community_staff, vote=open_vote)
    closed_page = client.get(reverse("meetings:vote-staff", args=[open_vote.pk])).content.decode()
    voters_section = closed_page[closed_page.index('id="voters"') :]
    assert ">Choice<" in voters_section and "<bdi>Against</bdi>" in voters_section
    secret_page = client.get(reverse("meetings:vote-staff", args=[secret.pk])).content.decode()
    voters_section = secret_page[secret_page.index('id="voters"') :]
    assert all(voter.full_name in voters_section for voter in voters)
    assert ">Choice<" not in voters_section
    assert not any(f"<bdi>{label}</bdi>" in voters_section for label in ("For", "Against", "Abstain"))
    # A grid leader records ballots; closing is for community staff.
    assert "Record votes in person" in secret_page and "Close voting" not in secret_page
    client.force_login(community_staff)
    assert (
        "Close voting and count"
        in client.get(reverse("meetings:vote-staff", args=[secret.pk])).content.decode()
    )


def test_the_officer_records_a_vote_in_person(
    client, make_vote_item, community_staff, make_resident, staff, tree
):
    item = make_vote_item(place_code=tree.grids[0].code)  # a grid's meeting, run by its grid leader
    vote = _open_vote(item, community_staff, is_secret=True, allows_online=False)
    resident = make_resident("马丽", username="t_in_person")
    make_resident("马丽娜", grid=tree.grids[1])  # another grid: not entitled, and outside the leader's area
    child = make_resident("马小", birth=date(timezone.localdate().year - 8, 1, 1))  # not entitled: a child
    officer = staff[Role.GRID_LEADER]
    client.force_login(officer)
    url = reverse("meetings:vote-in-person", args=[vote.pk])
    found = client.get(url, {"q": "马"}).content.decode()
    assert "马丽" in found and "马丽娜" not in found and "马小" not in found
    chosen = client.get(url, {"q": "马", "resident": resident.pk}).content.decode()
    assert "Record this vote" in chosen and "let the resident choose on this screen" in chosen
    response = client.post(url, {"resident": resident.pk, "option": _option(vote, NO).pk})
    assert response.status_code == 302
    ballot = Ballot.objects.get(vote=vote, resident=resident)
    assert (
        ballot.channel == Ballot.Channel.IN_PERSON and ballot.recorded_by == officer and ballot.option is None
    )
    page = client.get(response["Location"]).content.decode()
    assert "The vote of 马丽 was recorded (in person)." in page
    again = client.post(url, {"resident": resident.pk, "option": _option(vote, YES).pk})
    assert again.status_code == 400
    assert (
        "This resident has already voted in person at the meeting; a second vote is refused."
        in again.content.decode()
    )
    not_entitled = client.post(url, {"resident": child.pk, "option": _option(vote, YES).pk})
    assert not_entitled.status_code == 400
    assert "This resident is not entitled to vote on this question" in not_entitled.content.decode()
    outsider = make_resident("外人", grid=tree.grids[4])
    refused = client.post(url, {"resident": outsider.pk, "option": _option(vote, YES).pk})
    assert (
        refused.status_code == 400 and "There is no such resident in your area." in refused.content.decode()
    )
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_staff_outside_the_meeting_area_get_404(client, make_vote_item, community_staff, make_user, tree):
    vote = _open_vote(make_vote_item(), community_staff)
    other = make_user("t_other_community", Role.COMMUNITY_STAFF, tree.communities[2].code)
    client.force_login(other)
    for name in ("vote-staff", "vote-in-person", "vote-edit"):
        assert client.get(reverse(f"meetings:{name}", args=[vote.pk])).status_code == 404
    assert client.post(reverse("meetings:vote-close", args=[vote.pk])).status_code == 404
    assert client.get(reverse("meetings:vote-new", args=[vote.item_id])).status_code == 404


# Queries ----------------------------------------------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)  # warm the process's caches (the demo banner's question, asked once)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("is_secret", [False, True])
def test_the_vote_pages_ask_the_same_number_of_queries_at_5_and_50_ballots(
    client, make_vote_item, community_staff, make_resident, staff, tree, is_secret
):
    officer = staff[Role.GRID_LEADER]
    residents = [make_resident(_name(n)) for n in range(50)]
    viewer = make_resident("看结果", username="t_query_viewer")
    counts = {}
    for size in (5, 50):
        item = make_vote_item(place_code=tree.grids[0].code)
        vote = _open_vote(item, community_staff, is_secret=is_secret)
        closed = _open_vote(item, community_staff, is_secret=is_secret)
        for n, resident in enumerate(residents[:size]):
            for target in (vote, closed):
                services.ballot_record_in_person(
                    by=officer,
                    vote=target,
                    resident=resident,
                    option=_option(target, [YES, NO, ABSTAIN][n % 3]),
                )
        services.vote_close(by=community_staff, vote=closed)
        urls = {
            "open page": reverse("meetings:vote-detail", args=[vote.pk]),
            "closed page": reverse("meetings:vote-detail", args=[closed.pk]),
            "staff page": reverse("meetings:vote-staff", args=[vote.pk]),
            "closed staff page": reverse("meetings:vote-staff", args=[closed.pk]),
            "in person": reverse("meetings:vote-in-person", args=[vote.pk]) + f"?q={_name(1)[:3]}",
            "api": reverse("api-vote", args=[closed.pk]),
        }
        for who, user in (("resident", viewer.account), ("staff", community_staff), ("officer", officer)):
            client.force_login(user)
            for name, url in urls.items():
                if name in ("staff page", "closed staff page", "in person") and who == "resident":
                    continue
                counts.setdefault((who, name), []).append(_count(client, url))
    grown = {key: pair for key, pair in counts.items() if pair[0] != pair[1]}
    assert not grown, grown


def test_odd_input_on_the_officer_page_is_never_a_server_error(client, make_vote_item, community_staff):
    vote = _open_vote(make_vote_item(), community_staff)
    client.force_login(community_staff)
    url = reverse("meetings:vote-in-person", args=[vote.pk])
    huge = "9" * 30
    assert client.get(url, {"q": "x" * 80, "resident": huge}).status_code == 200
    assert client.post(url, {"resident": huge, "option": huge}).status_code == 400
    assert client.post(url, {"resident": "abc"}).status_code == 400
    cast = reverse("meetings:vote-cast", args=[vote.pk])
    assert client.post(cast, {"option": huge}).status_code in (400, 403)
