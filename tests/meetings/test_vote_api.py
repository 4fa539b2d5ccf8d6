"""The votes API: a vote's representation (no counts while open), voting online, recording in person, opening
and closing; the refusals in the API's error shape; and resends with an Idempotency-Key, whose stored
answer and fingerprint say nothing about the choice in a secret vote."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from huiketing.core.models import IdempotentResponse
from huiketing.meetings import vote_services as services
from huiketing.meetings.models import Ballot, Electorate, VoteOption, VoteStatus
from huiketing.people.models import Role

pytestmark = pytest.mark.usefixtures("english")

YES, NO, ABSTAIN = VoteOption.Meaning.YES, VoteOption.Meaning.NO, VoteOption.Meaning.ABSTAIN


def _api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def _open_vote(item, by, **kwargs):
    kwargs.setdefault("electorate", Electorate.RESIDENTS)
    kwargs.setdefault("turnout_quorum", 0)
    vote = services.vote_create(by=by, item=item, question="Replace the street lights?", **kwargs)
    return services.vote_open(by=by, vote=vote)


def _option(vote, meaning):
    return vote.options.get(meaning=meaning)


def test_a_vote_is_read_without_counts_while_open(make_vote_item, community_staff, make_resident):
    vote = _open_vote(make_vote_item(), community_staff)
    resident = make_resident("王芳", username="t_api_reader")
    body = _api(resident.account).get(reverse("api-vote", args=[vote.pk])).json()
    assert body["status"] == "open" and body["result"] is None and body["turnout"] is None
    assert [(o["label"], o["meaning"], o["count"]) for o in body["options"]] == [
        ("For", YES, None),
        ("Against", NO, None),
        ("Abstain", ABSTAIN, None),
    ]
    assert body["me"] == {
        "entitled": True,
        "voted": False,
        "channel": None,
        "cast_minute": None,
        "can_vote": True,
    }
    assert _api().get(reverse("api-vote", args=[vote.pk])).json()["me"] is None
    assert _api(community_staff).get(reverse("api-vote", args=[vote.pk])).json()["turnout"] == 0
    draft = services.vote_create(by=community_staff, item=vote.item, question="Draft?")
    assert _api().get(reverse("api-vote", args=[draft.pk])).status_code == 404


def test_voting_online_through_the_api(make_vote_item, community_staff, make_resident, staff):
    vote = _open_vote(make_vote_item(), community_staff)
    resident = make_resident("李强", username="t_api_voter")
    client = _api(resident.account)
    url = reverse("api-vote-ballot", args=[vote.pk])
    response = client.post(url, {"option": _option(vote, NO).pk}, format="json")
    assert response.status_code == 201 and response.json() == {"status": "recorded"}
    again = client.post(url, {"option": _option(vote, YES).pk}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "You have already voted online; a second vote is refused."
    me = client.get(reverse("api-vote", args=[vote.pk])).json()["me"]
    assert me["voted"] and me["channel"] == "online" and not me["can_vote"]
    wrong = client.post(url, {"option": 999999}, format="json")
    assert wrong.status_code == 400 and "option" in wrong.json()["error"]["fields"]
    missing = _api(make_resident("张三", username="t_api_missing").account).post(url, {}, format="json")
    assert missing.status_code == 400 and "option" in missing.json()["error"]["fields"]


def test_a_wrong_option_names_the_field(make_vote_item, community_staff, make_resident):
    vote = _open_vote(make_vote_item(), community_staff)
    other = _open_vote(vote.item, community_staff)
    resident = make_resident("赵敏", username="t_api_wrong")
    response = _api(resident.account).post(
        reverse("api-vote-ballot", args=[vote.pk]), {"option": _option(other, YES).pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"option": ["Choose one of this vote's options."]}


def test_only_residents_vote_and_the_unentitled_are_told_why(
    make_vote_item, community_staff, make_resident, tree
):
    vote = _open_vote(make_vote_item(), community_staff)
    url = reverse("api-vote-ballot", args=[vote.pk])
    assert _api().post(url, {"option": _option(vote, YES).pk}, format="json").status_code in (401, 403)
    assert (
        _api(community_staff).post(url, {"option": _option(vote, YES).pk}, format="json").status_code == 403
    )
    outsider = make_resident("外人", grid=tree.grids[4], username="t_api_outsider")
    response = _api(outsider.account).post(url, {"option": _option(vote, YES).pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("You are not entitled to vote on this question:")
    assert not Ballot.objects.exists()


def test_recording_in_person_through_the_api(make_vote_item, community_staff, make_resident, make_user, tree):
    vote = _open_vote(make_vote_item(), community_staff)
    resident = make_resident("马丽", username="t_api_in_person")
    url = reverse("api-vote-in-person", args=[vote.pk])
    client = _api(community_staff)
    response = client.post(url, {"resident": resident.pk, "option": _option(vote, YES).pk}, format="json")
    assert response.status_code == 201 and response.json() == {"status": "recorded"}
    assert Ballot.objects.get(vote=vote).recorded_by == community_staff
    online = _api(resident.account).post(
        reverse("api-vote-ballot", args=[vote.pk]), {"option": _option(vote, NO).pk}, format="json"
    )
    assert online.json()["error"]["message"] == (
        "You have already voted in person at the meeting; a second vote is refused."
    )
    outsider = make_resident("外人", grid=tree.grids[4])
    refused = client.post(url, {"resident": outsider.pk, "option": _option(vote, YES).pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"resident": ["There is no such resident in your area."]}
    # Staff of another community find no such vote.
    other = make_user("t_api_other_community", Role.COMMUNITY_STAFF, tree.communities[2].code)
    assert _api(other).post(url, {"resident": resident.pk, "option": 1}, format="json").status_code == 404


def test_opening_and_closing_through_the_api(make_vote_item, community_staff, make_resident):
    vote = services.vote_create(
        by=community_staff, item=make_vote_item(), question="Q?", electorate=Electorate.RESIDENTS
    )
    client = _api(community_staff)
    opened = client.post(reverse("api-vote-open", args=[vote.pk]))
    assert opened.status_code == 200 and opened.json()["status"] == VoteStatus.OPEN
    resident = make_resident("周芷若", username="t_api_close")
    _api(resident.account).post(
        reverse("api-vote-ballot", args=[vote.pk]), {"option": _option(vote, YES).pk}, format="json"
    )
    closed = client.post(reverse("api-vote-close", args=[vote.pk])).json()
    assert closed["status"] == VoteStatus.CLOSED
    assert closed["result"]["cast_count"] == 1 and closed["result"]["entitled_count"] == 1
    assert closed["result"]["quorum_met"] is True and closed["result"]["passed"] is True
    assert [o["count"] for o in closed["options"]] == [1, 0, 0]
    again = client.post(reverse("api-vote-close", args=[vote.pk]))
    assert (
        again.status_code == 400
        and "This cannot be done to a vote that is" in again.json()["error"]["message"]
    )


# Idempotency-Key ------------------------------------------------------------------------------------------


def test_a_resent_ballot_is_replayed_and_creates_nothing(make_vote_item, community_staff, make_resident):
    vote = _open_vote(make_vote_item(), community_staff)
    resident = make_resident("韩梅", username="t_api_resend")
    client = _api(resident.account)
    url = reverse("api-vote-ballot", args=[vote.pk])
    first = client.post(url, {"option": _option(vote, YES).pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    resent = client.post(url, {"option": _option(vote, YES).pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == resent.status_code == 201
    assert resent["Idempotent-Replayed"] == "true" and resent.json() == {"status": "recorded"}
    # An open vote's fingerprint covers the option: the same key with another option is a conflict.
    other = client.post(url, {"option": _option(vote, NO).pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_the_stored_answer_and_fingerprint_of_a_secret_ballot_hold_no_choice(
    make_vote_item, community_staff, make_resident
):
    vote = _open_vote(make_vote_item(), community_staff, is_secret=True)
    url = reverse("api-vote-ballot", args=[vote.pk])
    hashes = []
    for n, meaning in enumerate([YES, NO, ABSTAIN]):
        resident = make_resident(f"投票人{'甲乙丙'[n]}", username=f"t_api_secret{n}")
        client = _api(resident.account)
        response = client.post(
            url, {"option": _option(vote, meaning).pk}, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
        )
        assert response.status_code == 201
        record = IdempotentResponse.objects.get(user=resident.account, key="s-1")
        assert record.body == {"status": "recorded"}
        hashes.append(record.request_hash)
        # A resend with another option replays the first answer: the first vote counts, nothing changes.
        resent = client.post(
            url, {"option": _option(vote, YES).pk}, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
        )
        assert resent.status_code == 201 and resent["Idempotent-Replayed"] == "true"
    assert len(set(hashes)) == 1  # the same whatever was chosen
    assert {t.option.meaning: t.count for t in vote.tallies.select_related("option")} == {
        YES: 1,
        NO: 1,
        ABSTAIN: 1,
    }


def test_the_fingerprint_of_a_secret_in_person_ballot_keeps_the_resident_not_the_choice(
    make_vote_item, community_staff, make_resident
):
    vote = _open_vote(make_vote_item(), community_staff, is_secret=True)
    first, second = make_resident("甲"), make_resident("乙")
    client = _api(community_staff)
    url = reverse("api-vote-in-person", args=[vote.pk])
    ok = client.post(
        url,
        {"resident": first.pk, "option": _option(vote, YES).pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert ok.status_code == 201
    # The same key for another resident is another request: refused as a conflict, never replayed as done.
    conflict = client.post(
        url,
        {"resident": second.pk, "option": _option(vote, YES).pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert conflict.status_code == 409
    assert not Ballot.objects.filter(resident=second).exists()
