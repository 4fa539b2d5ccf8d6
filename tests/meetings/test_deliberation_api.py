"""The REST API of the residents' deliberation: topics, comments, supports and reports; who may write; no
personal data; idempotent writes; queries that do not grow with the data."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from huiketing.meetings import deliberation_services as services
from huiketing.meetings.models import Comment, CommentReport, Stance, Support

pytestmark = pytest.mark.django_db

NAMES = "甲乙丙丁戊己庚辛壬癸"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def wang(make_resident):
    resident = make_resident("王小明", username="13912345678")
    resident.phone = "13912345678"
    resident.save(update_fields=["phone"])
    return resident


def test_the_list_and_a_topic_with_options_counts_and_timeline(api, tree, make_topic, wang, community_staff):
    topic = make_topic(support_threshold=1)
    make_topic("草稿", open=False)
    services.topic_support(by=wang.account, topic=topic)
    services.comment_post(by=wang.account, topic=topic, stance=Stance.AGAINST, body="反对")
    response = api.get("/api/v1/topics/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [topic.pk]
    row = response.json()["results"][0]
    assert row["place_name"] == "社区1-1" and row["comments_count"] == 1 and row["supports_count"] == 1
    assert api.get(f"/api/v1/topics/?community={tree.communities[2].code}").json()["count"] == 0
    assert api.get("/api/v1/topics/?community=abc").status_code == 400
    body = api.get(f"/api/v1/topics/{topic.pk}/").json()
    assert [option["title"] for option in body["options"]] == ["划线停车", "建立体车库"]
    assert body["stance_counts"] == {"for": 0, "against": 1, "neutral": 0}
    assert body["threshold_reached_at"] is not None
    assert [entry["kind"] for entry in body["timeline"]] == ["opened", "threshold_reached"]
    assert (
        body["timeline"][1]["sentence"]
        == "The topic reached 1 supports: it is proposed for a meeting's agenda."
    )
    assert body["may_take_part"] is None and body["supported"] is None
    api.force_authenticate(wang.account)
    body = api.get(f"/api/v1/topics/{topic.pk}/").json()
    assert body["may_take_part"] is True and body["supported"] is True


def test_a_draft_is_missing(api, make_topic):
    draft = make_topic(open=False)
    assert api.get(f"/api/v1/topics/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/topics/{draft.pk}/comments/").status_code == 404


def test_comments_with_replies_and_no_personal_data(api, make_topic, wang, make_resident, community_staff):
    topic = make_topic()
    first = services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="同意")
    other = make_resident("李华", username="lihua")
    services.comment_post(by=other.account, topic=topic, stance=Stance.AGAINST, body="不同意", parent=first)
    hidden = services.comment_post(by=other.account, topic=topic, stance=Stance.AGAINST, body="骂人")
    services.comment_hide(by=community_staff, comment=hidden, reason="侮辱")
    response = api.get(f"/api/v1/topics/{topic.pk}/comments/")
    assert response.status_code == 200
    text = response.content.decode()
    for secret in ("王小明", "13912345678", "李华", "lihua", wang.id_number, "骂人", "侮辱"):
        assert secret not in text, secret
    results = response.json()["results"]
    assert [(c["author"], c["body"], c["hidden"]) for c in results] == [
        ("王*", "同意", False),
        ("李*", "", True),
    ]
    assert [(r["author"], r["body"], r["parent"]) for r in results[0]["replies"]] == [
        ("李*", "不同意", first.pk)
    ]
    # Staff covering the topic read a hidden comment and the reason.
    api.force_authenticate(community_staff)
    results = api.get(f"/api/v1/topics/{topic.pk}/comments/").json()["results"]
    assert (results[1]["body"], results[1]["hidden_reason"]) == ("骂人", "侮辱")


def test_a_resident_comments_and_replies(api, make_topic, wang):
    topic = make_topic()
    api.force_authenticate(wang.account)
    response = api.post(
        f"/api/v1/topics/{topic.pk}/comments/", {"stance": "for", "body": "同意"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"] == "王*" and response.json()["replies"] == []
    first = Comment.objects.get()
    response = api.post(
        f"/api/v1/topics/{topic.pk}/comments/",
        {"stance": "neutral", "body": "补充", "parent": first.pk},
        format="json",
    )
    assert response.status_code == 201 and response.json()["parent"] == first.pk


def test_bad_comments_name_the_field(api, make_topic, wang):
    topic = make_topic()
    api.force_authenticate(wang.account)
    url = f"/api/v1/topics/{topic.pk}/comments/"
    response = api.post(url, {"stance": "maybe", "body": "x"}, format="json")
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"stance"}
    response = api.post(url, {"stance": "for", "body": "x", "parent": 999999}, format="json")
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"parent"}
    services.topic_withdraw(by=None, topic=topic)
    response = api.post(url, {"stance": "for", "body": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "This topic no longer takes comments."
    assert not Comment.objects.exists()


def test_others_may_read_but_not_write(api, tree, make_topic, make_resident, make_user):
    topic = make_topic()
    elsewhere = make_resident("赵六", grid=tree.grids[4], username="zhao")
    for account in (elsewhere.account, make_user("visitor")):
        api.force_authenticate(account)
        assert api.get(f"/api/v1/topics/{topic.pk}/comments/").status_code == 200
        for method, url in (
            ("post", f"/api/v1/topics/{topic.pk}/comments/"),
            ("post", f"/api/v1/topics/{topic.pk}/support/"),
            ("delete", f"/api/v1/topics/{topic.pk}/support/"),
        ):
            response = getattr(api, method)(url, {"stance": "for", "body": "x"}, format="json")
            assert response.status_code == 403, (account, url)
            assert (
                response.json()["error"]["message"]
                == "Only residents of 社区1-1 may take part in this topic."
            )
    api.force_authenticate(None)
    assert api.post(f"/api/v1/topics/{topic.pk}/comments/", {}, format="json").status_code == 401
    assert api.post(f"/api/v1/topics/{topic.pk}/support/").status_code == 401
    assert not Comment.objects.exists() and not Support.objects.exists()


def test_support_once_and_take_it_back(api, make_topic, wang):
    topic = make_topic(support_threshold=1)
    api.force_authenticate(wang.account)
    url = f"/api/v1/topics/{topic.pk}/support/"
    response = api.post(url)
    assert response.status_code == 201
    assert response.json()["supported"] is True and response.json()["supports_count"] == 1
    assert response.json()["threshold_reached_at"] is not None
    response = api.post(url)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"support": ["You already support this topic."]}
    response = api.delete(url)
    assert response.status_code == 200 and response.json() == {
        "supported": False,
        "supports_count": 0,
        "support_threshold": 1,
        "threshold_reached_at": response.json()["threshold_reached_at"],
    }
    assert api.delete(url).status_code == 400
    assert api.get(url).status_code == 405


def test_a_resend_with_the_same_key_supports_and_comments_once(api, make_topic, wang):
    topic = make_topic(support_threshold=5)
    api.force_authenticate(wang.account)
    for _try in range(2):
        response = api.post(f"/api/v1/topics/{topic.pk}/support/", HTTP_IDEMPOTENCY_KEY="support-1")
        assert response.status_code == 201
        response = api.post(
            f"/api/v1/topics/{topic.pk}/comments/",
            {"stance": "for", "body": "同意"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="comment-1",
        )
        assert response.status_code == 201
    assert response["Idempotent-Replayed"] == "true"
    assert Support.objects.count() == 1 and Comment.objects.count() == 1


def test_a_comment_is_reported_once(api, make_topic, wang, make_user):
    topic = make_topic()
    comment = services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="广告")
    url = f"/api/v1/comments/{comment.pk}/report/"
    assert api.post(url, {"reason": "广告"}, format="json").status_code == 401
    api.force_authenticate(make_user("reader"))
    response = api.post(url, {"reason": "广告"}, format="json")
    assert response.status_code == 201 and response.json() == {"comment": comment.pk, "reported": True}
    response = api.post(url, {"reason": "广告"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reason": ["You have already reported this comment."]}
    assert api.post(url, {}, format="json").status_code == 400
    assert api.post("/api/v1/comments/999999/report/", {"reason": "x"}, format="json").status_code == 404
    assert CommentReport.objects.count() == 1


def _queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_api_asks_the_same_number_of_queries_at_5_and_50(api, tree, make_topic, make_resident):
    accounts = [make_resident(f"居民{c}", username=f"r{n}").account for n, c in enumerate(NAMES[:3])]
    topic = make_topic("主议题")

    def grow(n: int) -> None:
        for i in range(n):
            make_topic(f"议题{i}", place_code=tree.grids[i % 2].code)
            comment = services.comment_post(
                by=accounts[i % 3], topic=topic, stance=Stance.FOR, body=f"评论{i}"
            )
            services.comment_post(
                by=accounts[(i + 1) % 3], topic=topic, stance=Stance.AGAINST, body="回复", parent=comment
            )

    grow(4)
    api.force_login(accounts[0])  # a fresh account per request, as in real use (no roles cached across)
    urls = ["/api/v1/topics/", f"/api/v1/topics/{topic.pk}/", f"/api/v1/topics/{topic.pk}/comments/"]
    before = {url: _queries(api, url) for url in urls}
    grow(45)
    assert {url: _queries(api, url) for url in urls} == before
    assert json.loads(api.get("/api/v1/topics/").content)["count"] == 50
