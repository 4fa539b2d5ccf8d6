"""The pages of the residents' deliberation: the public list and topic page, taking part, staff pages and
moderation; no personal data in public; queries that do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huiketing.matters import services as matter_services
from huiketing.meetings import deliberation_services as services
from huiketing.meetings.models import Comment, MeetingEvent, Stance, Support, Topic, TopicStatus
from huiketing.people.models import Role

pytestmark = pytest.mark.django_db

NAMES = "甲乙丙丁戊己庚辛壬癸"


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _detail(topic) -> str:
    return reverse("meetings:topic-detail", args=[topic.pk])


@pytest.fixture
def wang(make_resident):
    """A resident of the first grid with an account, and a phone in the registry."""
    resident = make_resident("王小明", username="13912345678")
    resident.phone = "13912345678"
    resident.save(update_fields=["phone"])
    return resident


# The public list ------------------------------------------------------------------------------------------


def test_the_list_shows_public_topics_by_community_and_order(client, tree, make_topic, english):
    first = make_topic("第一个议题")
    second = make_topic("第二个议题", place_code=tree.communities[2].code)
    draft = make_topic("草稿议题", open=False)
    Topic.objects.filter(pk=second.pk).update(supports_count=2)
    page = _page(client, reverse("meetings:topic-list") + "?lang=en")
    assert "第一个议题" in page and "第二个议题" in page and draft.title not in page
    assert "<bdi>0</bdi> of <bdi>3</bdi> supports" in page
    page = _page(client, reverse("meetings:topic-list") + f"?community={tree.communities[0].code}")
    assert "第一个议题" in page and "第二个议题" not in page
    page = _page(client, reverse("meetings:topic-list") + "?order=supported")
    assert page.index("第二个议题") < page.index("第一个议题")
    page = _page(client, reverse("meetings:topic-list") + "?community=nowhere")
    assert "Correct the filters" in page and first.title not in page


def test_a_draft_is_missing_to_the_public_and_shown_to_its_staff(client, make_topic, community_staff):
    draft = make_topic(open=False)
    _page(client, _detail(draft), 404)
    client.force_login(community_staff)
    assert draft.title in _page(client, _detail(draft))


# A topic's page -------------------------------------------------------------------------------------------


def test_the_page_shows_background_options_counts_and_progress(client, make_topic, make_resident, english):
    topic = make_topic(support_threshold=20)
    accounts = [make_resident(f"居民{c}", username=f"r{n}").account for n, c in enumerate(NAMES[:3])]
    services.topic_support(by=accounts[0], topic=topic)
    services.comment_post(by=accounts[0], topic=topic, stance=Stance.FOR, body="同意划线")
    services.comment_post(by=accounts[1], topic=topic, stance=Stance.FOR, body="同意")
    services.comment_post(by=accounts[2], topic=topic, stance=Stance.AGAINST, body="反对")
    page = _page(client, _detail(topic) + "?lang=en")
    assert topic.background in page
    assert "划线停车" in page and "建立体车库" in page
    assert "<bdi>1</bdi> of <bdi>20</bdi> supports" in page
    assert '<progress max="20" value="1"' in page
    assert 'stance-for">For</span> <bdi>2</bdi>' in page
    assert 'stance-against">Against</span> <bdi>1</bdi>' in page
    assert "Sign in to take part" in page


def test_no_personal_data_on_the_public_page(client, tree, make_topic, wang, make_resident, make_user):
    topic = make_topic()
    services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="我同意")
    named = make_resident("李华", username="lihua")
    named.account.display_name = "老李"
    named.account.save(update_fields=["display_name"])
    services.comment_post(by=named.account, topic=topic, stance=Stance.AGAINST, body="我反对")
    for viewer in (None, make_user("someone"), wang.account):
        if viewer is not None:
            client.force_login(viewer)
        page = _page(client, _detail(topic))
        assert "王*" in page and "老李" in page
        for secret in (
            "王小明",
            "13912345678",
            "139****5678",
            "李华",
            "lihua",
            wang.id_number,
            wang.id_number[-4:],
        ):
            if viewer is wang.account and secret == "13912345678":
                continue  # the header names the signed-in account itself, whose user name this is
            assert secret not in page, secret


def test_a_resident_of_the_place_comments_replies_and_supports(client, make_topic, wang, english):
    topic = make_topic(support_threshold=1)
    client.force_login(wang.account)
    page = _page(client, _detail(topic) + "?lang=en")
    assert "Say what you think" in page and "Support this topic" in page
    response = client.post(
        reverse("meetings:topic-comment", args=[topic.pk]), {"stance": "for", "body": "同意"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    response = client.post(
        reverse("meetings:topic-comment", args=[topic.pk]),
        {"stance": "neutral", "body": "补充一点", "parent": comment.pk},
    )
    assert response.status_code == 302 and Comment.objects.get(parent=comment).body == "补充一点"
    response = client.post(reverse("meetings:topic-support", args=[topic.pk]))
    assert response.status_code == 302 and Support.objects.filter(topic=topic, resident=wang).exists()
    page = _page(client, _detail(topic) + "?lang=en")
    assert "You support this topic." in page and "enough for a meeting's agenda" in page
    response = client.post(reverse("meetings:topic-support", args=[topic.pk]))
    assert response.status_code == 400 and "You already support this topic." in response.content.decode()
    response = client.post(reverse("meetings:topic-unsupport", args=[topic.pk]))
    assert response.status_code == 302 and not Support.objects.exists()


def test_a_comment_with_errors_comes_back_with_the_field_named(client, make_topic, wang, english):
    topic = make_topic()
    client.force_login(wang.account)
    response = client.post(reverse("meetings:topic-comment", args=[topic.pk]) + "?lang=en", {"stance": "for"})
    assert response.status_code == 400 and "Write your comment." in response.content.decode()
    assert not Comment.objects.exists()


def test_others_are_refused_with_the_place_named_and_nothing_is_written(
    client, tree, make_topic, make_resident, community_staff, english
):
    topic = make_topic()
    elsewhere = make_resident("赵六", grid=tree.grids[4], username="zhao")
    for account in (elsewhere.account, community_staff):
        client.force_login(account)
        page = _page(client, _detail(topic) + "?lang=en")
        assert "Only residents of 社区1-1 may take part in this topic." in page
        assert "Publish my comment" not in page
        for name in ("topic-comment", "topic-support"):
            response = client.post(
                reverse(f"meetings:{name}", args=[topic.pk]), {"stance": "for", "body": "x"}
            )
            assert response.status_code == 403
            assert "Only residents of 社区1-1 may take part" in response.content.decode()
    client.logout()
    response = client.post(reverse("meetings:topic-comment", args=[topic.pk]), {"stance": "for", "body": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Comment.objects.exists() and not Support.objects.exists()


def test_a_hidden_comment_shows_its_reason_to_staff_only(
    client, make_topic, wang, make_user, community_staff, english
):
    topic = make_topic()
    comment = services.comment_post(by=wang.account, topic=topic, stance=Stance.AGAINST, body="难听的话")
    services.comment_hide(by=community_staff, comment=comment, reason="人身攻击")
    for viewer in (None, make_user("someone"), wang.account):
        if viewer is not None:
            client.force_login(viewer)
        page = _page(client, _detail(topic) + "?lang=en")
        assert "Hidden by the moderators" in page
        assert "难听的话" not in page and "人身攻击" not in page
    client.force_login(community_staff)
    page = _page(client, _detail(topic) + "?lang=en")
    assert "Hidden by the moderators: <bdi>人身攻击</bdi>" in page and "难听的话" in page


def test_a_comment_is_reported_once_from_the_page(client, make_topic, wang, make_user, english):
    topic = make_topic()
    comment = services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="广告")
    client.force_login(make_user("reader"))
    url = reverse("meetings:comment-report", args=[comment.pk])
    assert client.post(url, {"reason": "广告"}).status_code == 302
    assert "You reported this comment." in _page(client, _detail(topic) + "?lang=en")
    response = client.post(url + "?lang=en", {"reason": "广告"})
    assert (
        response.status_code == 400 and "You have already reported this comment." in response.content.decode()
    )
    assert comment.reports.count() == 1


# Staff pages --------------------------------------------------------------------------------------------


def _options(*titles) -> dict:
    data = {"options-TOTAL_FORMS": "6", "options-INITIAL_FORMS": "0"}
    for n, title in enumerate(titles):
        data[f"options-{n}-title"] = title
    return data


def test_staff_create_a_draft_edit_and_open_it(client, tree, community_staff, english):
    client.force_login(community_staff)
    page = _page(client, reverse("meetings:staff-topic-new") + "?lang=en")
    assert "Save as a draft" in page and tree.grids[4].code not in page  # places out of scope not offered
    data = {
        "title": "加装电梯",
        "background": "老楼没有电梯",
        "place_code": tree.communities[0].code,
        "origin": "proposal",
        "support_threshold": "15",
        **_options("一楼不出钱", "按楼层分摊"),
    }
    response = client.post(reverse("meetings:staff-topic-new"), {**data, "draft": "1"})
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:staff-topic-edit", args=[topic.pk]
    )
    assert topic.status == TopicStatus.DRAFT and topic.origin == "proposal"
    assert [o.title for o in topic.options.all()] == ["一楼不出钱", "按楼层分摊"]
    edit = reverse("meetings:staff-topic-edit", args=[topic.pk])
    assert "按楼层分摊" in _page(client, edit)
    data = {key: value for key, value in data.items() if not key.startswith("options-") and key != "origin"}
    response = client.post(
        edit, {**data, "title": "加装电梯方案", **_options("按楼层分摊"), "options-INITIAL_FORMS": "2"}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "加装电梯方案" and [o.title for o in topic.options.all()] == ["按楼层分摊"]
    assert client.post(reverse("meetings:staff-topic-open", args=[topic.pk])).status_code == 302
    assert Topic.objects.get().status == TopicStatus.OPEN
    # An illegal transition through the page: the service's message, nothing changed.
    response = client.post(reverse("meetings:staff-topic-open", args=[topic.pk]), follow=True)
    assert "This cannot be done to a topic that is" in response.content.decode()
    assert MeetingEvent.objects.filter(topic=topic, kind="opened").count() == 1


def test_staff_form_errors_are_shown_next_to_the_fields(client, tree, community_staff, english):
    client.force_login(community_staff)
    data = {"title": "", "background": "x", "place_code": tree.communities[2].code, "support_threshold": "0"}
    data.update(_options())
    data["options-0-description"] = "没有标题"
    response = client.post(reverse("meetings:staff-topic-new") + "?lang=en", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Select a valid choice." in page  # a place outside the staff member's scope
    assert "An option with a description needs a title." in page
    assert not Topic.objects.exists()


def test_staff_out_of_scope_do_not_see_a_topic(client, tree, make_topic, make_user):
    topic = make_topic()
    outsider = make_user("t_outsider", Role.COMMUNITY_STAFF, tree.communities[2].code)
    client.force_login(outsider)
    _page(client, reverse("meetings:staff-topic-edit", args=[topic.pk]), 404)
    assert client.post(reverse("meetings:staff-topic-withdraw", args=[topic.pk])).status_code == 404
    assert topic.title not in _page(client, reverse("meetings:staff-topic-list"))


def test_staff_open_the_deliberation_of_a_tabled_matter_from_its_page(client, tree, community_staff, english):
    category = matter_services.category_save(by=None, code="parking", names={"en": "Parking"})
    matter = matter_services.matter_raise(
        by=None,
        title="车位不够",
        description="消防通道被占",
        category=category,
        place_code=tree.grids[0].code,
    )
    matter_services.matter_table(by=community_staff, matter=matter)
    client.force_login(community_staff)
    url = reverse("meetings:staff-topic-from-matter", args=[matter.pk])
    assert url in _page(client, reverse("matters:staff-detail", args=[matter.pk]))
    page = _page(client, url + "?lang=en")
    assert "车位不够" in page and "消防通道被占" in page
    data = {"title": "车位不够", "background": "消防通道被占", "support_threshold": "10", **_options("划线")}
    response = client.post(url, data)
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(topic)
    assert (topic.matter, topic.status, topic.place_code) == (
        matter,
        TopicStatus.OPEN,
        tree.communities[0].code,
    )
    page = _page(client, url + "?lang=en")
    assert "This matter is already being deliberated" in page
    assert client.post(url, data).status_code == 400 and Topic.objects.count() == 1


def test_the_moderation_queue_hides_keeps_and_shows_again(
    client, tree, make_topic, wang, make_resident, make_user, community_staff, english
):
    topic = make_topic()
    rude = services.comment_post(by=wang.account, topic=topic, stance=Stance.AGAINST, body="难听的话")
    fine = services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="普通的话")
    far_topic = make_topic("远处的议题", place_code=tree.communities[2].code)
    far_resident = make_resident("远方居民", grid=tree.grids[4], username="far")
    far = services.comment_post(
        by=far_resident.account, topic=far_topic, stance=Stance.FOR, body="远处的评论"
    )
    for n, comment in enumerate((rude, rude, fine, far)):
        services.comment_report(by=make_user(f"reporter{n}"), comment=comment, reason=f"理由{NAMES[n]}")
    client.force_login(community_staff)
    page = _page(client, reverse("meetings:staff-reports") + "?lang=en")
    assert "难听的话" in page and "普通的话" in page and "远处的评论" not in page
    assert page.index("难听的话") < page.index("普通的话")  # most reported first
    assert "理由甲" in page and "13912345678" not in page and "王小明" not in page
    response = client.post(
        reverse("meetings:staff-comment-hide", args=[rude.pk]) + "?lang=en", {"reason": ""}
    )
    assert response.status_code == 400 and "Say why the comment is hidden." in response.content.decode()
    assert (
        client.post(reverse("meetings:staff-comment-hide", args=[rude.pk]), {"reason": "侮辱"}).status_code
        == 302
    )
    assert client.post(reverse("meetings:staff-comment-keep", args=[fine.pk])).status_code == 302
    page = _page(client, reverse("meetings:staff-reports") + "?lang=en")
    assert "No reported comments wait." in page and "Hidden by the moderators: <bdi>侮辱</bdi>" in page
    assert client.post(reverse("meetings:staff-comment-unhide", args=[rude.pk])).status_code == 302
    assert Comment.objects.get(pk=rude.pk).hidden_at is None
    assert (
        client.post(reverse("meetings:staff-comment-hide", args=[far.pk]), {"reason": "x"}).status_code == 404
    )


# Queries that do not grow with the data -------------------------------------------------------------------


def _queries(client, url: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow_topics(tree, make_topic, make_resident, n: int) -> None:
    for i in range(n):
        make_topic(f"议题{NAMES[i % 10]}{i}", place_code=tree.grids[i % 2].code)


def _grow_comments(topic, accounts, n: int) -> None:
    for i in range(n):
        comment = services.comment_post(
            by=accounts[i % len(accounts)], topic=topic, stance=Stance.FOR, body=f"评论{i}"
        )
        services.comment_post(
            by=accounts[(i + 1) % len(accounts)],
            topic=topic,
            stance=Stance.AGAINST,
            body="回复",
            parent=comment,
        )


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_and_page_ask_the_same_number_of_queries_at_5_and_50(
    client, tree, make_topic, make_resident, community_staff, signed_in
):
    accounts = [make_resident(f"居民{c}", username=f"r{n}").account for n, c in enumerate(NAMES[:3])]
    if signed_in:
        client.force_login(accounts[0])
    topic = make_topic("主议题")
    _grow_topics(tree, make_topic, make_resident, 4)
    _grow_comments(topic, accounts, 5)
    services.comment_hide(by=community_staff, comment=Comment.objects.first(), reason="理由")
    urls = [
        reverse("meetings:topic-list"),
        reverse("meetings:topic-list") + "?order=supported",
        _detail(topic),
    ]
    before = {url: _queries(client, url) for url in urls}
    _grow_topics(tree, make_topic, make_resident, 45)
    _grow_comments(topic, accounts, 45)
    assert {url: _queries(client, url) for url in urls} == before


def test_staff_pages_ask_the_same_number_of_queries_at_5_and_50(
    client, tree, make_topic, make_resident, make_user, community_staff
):
    accounts = [make_resident(f"居民{c}", username=f"r{n}").account for n, c in enumerate(NAMES[:3])]
    topic = make_topic("主议题")

    def grow(n: int, start: int) -> None:
        _grow_topics(tree, make_topic, make_resident, n)
        _grow_comments(topic, accounts, n)
        for i, comment in enumerate(Comment.objects.filter(parent__isnull=True).order_by("-id")[:n]):
            services.comment_report(by=make_user(f"reporter{start + i}"), comment=comment, reason="理由")
        for comment in Comment.objects.filter(parent__isnull=False, hidden_at__isnull=True)[:2]:
            services.comment_hide(by=community_staff, comment=comment, reason="理由")

    client.force_login(community_staff)
    grow(5, 0)
    urls = [reverse("meetings:staff-topic-list"), reverse("meetings:staff-reports"), _detail(topic)]
    before = {url: _queries(client, url) for url in urls}
    grow(45, 100)
    assert {url: _queries(client, url) for url in urls} == before


def test_the_admin_lists_deliberation_read_only(client, make_topic, wang, make_user, community_staff):
    from huiketing.people.models import User

    topic = make_topic()
    comment = services.comment_post(by=wang.account, topic=topic, stance=Stance.FOR, body="同意")
    services.comment_report(by=make_user("reader"), comment=comment, reason="广告")
    services.topic_support(by=wang.account, topic=topic)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pass-for-tests-1"))
    for name in ("topic", "comment", "commentreport", "support"):
        page = _page(client, reverse(f"admin:meetings_{name}_changelist"))
        assert "王小明" not in page and "13912345678" not in page
    page = _page(client, reverse("admin:meetings_topic_change", args=[topic.pk]))
    assert "划线停车" in page
    page = _page(client, reverse("admin:meetings_comment_change", args=[comment.pk]))
    assert "同意" in page and "王小明" not in page
    assert client.get(reverse("admin:meetings_topic_add")).status_code == 403
