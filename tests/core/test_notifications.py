"""Notifications: rows made in the caller's transaction, text rendered in the reader's language, SMS sent
through the adapter once and only once, retried then failed; the inbox page, the header count, the API."""

import datetime
import logging
import threading
import time

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from rest_framework.test import APIClient

from huiketing.core import notifications
from huiketing.core.checks import message_adapter_importable
from huiketing.core.models import AuditEntry, Notification, NotificationDelivery
from huiketing.core.notifications import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    deliveries_retry,
    delivery_send,
    notification_kind_register,
    notification_render,
    notify,
)
from huiketing.core.tasks import notification_deliver_task
from huiketing.people.models import Resident

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ADAPTER = "tests.core.test_notifications.RecordingAdapter"
FAILING = "tests.core.test_notifications.FailingAdapter"
Status = NotificationDelivery.Status

# A string Django's own catalogue translates: its text differs between zh-hans and en whatever state our
# catalogues are in.
REQUIRED = "This field is required."
notification_kind_register(
    "tests.greeting",
    title=gettext_lazy(REQUIRED),
    body=gettext_lazy("Matter %(number)s was updated."),
)
notification_kind_register(
    "tests.language",
    title=lambda params: f"title:{translation.get_language()}",
    body=lambda params: f"body:{translation.get_language()}:{params.get('n')}",
)

notification_kind_register(
    "tests.composed",
    title=gettext_lazy(REQUIRED),
    body=lambda params: ("Sign %(title)s." if params.get("what") == "sign" else "Solve %(title)s.") % params,
)


class RecordingAdapter:
    sent: list = []

    def send(self, *, to: str, text: str) -> None:
        RecordingAdapter.sent.append({"to": to, "text": text, "language": translation.get_language()})


class FailingAdapter:
    calls = 0

    def send(self, *, to: str, text: str) -> None:
        FailingAdapter.calls += 1
        raise ConnectionError(f"gateway refused {to}")


class SlowAdapter(RecordingAdapter):
    def send(self, *, to: str, text: str) -> None:
        time.sleep(0.3)
        super().send(to=to, text=text)


@pytest.fixture(autouse=True)
def _adapters(settings):
    settings.HUIKETING_MESSAGE_ADAPTER = ADAPTER
    RecordingAdapter.sent = []
    FailingAdapter.calls = 0


@pytest.fixture
def people(tree, make_user):
    """Two residents with accounts and phones (one reads English, one Chinese), and an account without one."""
    grid = tree.grids[0].code
    english = make_user("t_n_english", preferred_language="en")
    chinese = make_user("t_n_chinese", preferred_language="zh-hans")
    nophone = make_user("t_n_nophone")
    Resident.objects.create(place_code=grid, full_name="甲", phone=PHONE, account=english)
    Resident.objects.create(place_code=grid, full_name="乙", phone="13987654321", account=chinese)
    return {"en": english, "zh": chinese, "nophone": nophone}


def sms(user, kind="tests.greeting", **params) -> NotificationDelivery:
    """Notify `user` by SMS without running the job (its transaction's on_commit is never reached)."""
    with transaction.atomic():
        notification = notify(
            recipients=[user], kind=kind, params=params or {"number": "M-1"}, channels=("inapp", "sms")
        )[0]
    return notification.deliveries.get()


# --- Creating -----------------------------------------------------------------------------------------------


def test_notify_creates_one_row_per_active_recipient_with_its_object(people, make_user, tree):
    gone = make_user("t_n_gone", is_active=False)
    rows = notify(
        recipients=[people["en"], people["en"], None, gone, people["zh"]],
        kind="tests.greeting",
        params={"number": "M-7", "when": datetime.date(2024, 10, 8)},
        link="/places/",
        obj=tree.grids[0],
    )
    assert [n.recipient for n in rows] == [people["en"], people["zh"]]
    stored = Notification.objects.get(recipient=people["en"])
    assert stored.params == {"number": "M-7", "when": "2024-10-08"}
    assert (stored.object_type, stored.object_id) == ("places.place", str(tree.grids[0].pk))
    assert stored.link == "/places/"
    assert stored.read_at is None
    assert not NotificationDelivery.objects.exists()  # in-app only


def test_notify_refuses_what_it_cannot_deliver(people):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(recipients=[people["en"]], kind="tests.nobody-registered-this", params={})
    with pytest.raises(ValueError, match="channels"):
        notify(recipients=[people["en"]], kind="tests.greeting", params={}, channels=("pigeon",))
    with pytest.raises(ValueError, match="path on this site"):
        notify(recipients=[people["en"]], kind="tests.greeting", params={}, link="https://evil.example/")
    assert not Notification.objects.exists()


def test_nothing_is_sent_when_the_action_rolls_back(people, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": "1"}, channels=("sms",))
        raise RuntimeError("the action failed")
    assert RecordingAdapter.sent == []
    assert not Notification.objects.exists()


# --- Rendering in the reader's language ---------------------------------------------------------------------


def test_text_is_rendered_in_the_language_asked_for_not_stored(people):
    notification = notify(recipients=[people["en"]], kind="tests.greeting", params={"number": "M-3"})[0]
    english = notification_render(notification, language="en")
    chinese = notification_render(notification, language="zh-hans")
    assert english.title == REQUIRED
    assert chinese.title != english.title
    with translation.override("zh-hans"):
        assert chinese.title == str(gettext_lazy(REQUIRED))
    assert "M-3" in english.body
    with translation.override("en"):
        assert notification_render(notification).title == REQUIRED  # the active language by default
    assert REQUIRED not in str(Notification.objects.values().get(pk=notification.pk))


def test_missing_parameters_and_unknown_kinds_do_not_break_rendering(people):
    notification = notify(recipients=[people["en"]], kind="tests.greeting", params={})[0]
    assert notification_render(notification, language="en").body == "Matter %(number)s was updated."
    Notification.objects.filter(pk=notification.pk).update(kind="tests.removed-app")
    notification.refresh_from_db()
    assert notification_render(notification, language="en").title == "tests.removed-app"


def test_sms_is_written_in_each_recipients_language(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[people["en"], people["zh"]],
            kind="tests.language",
            params={"n": 5},
            channels=("inapp", "sms"),
        )
    by_phone = {message["to"]: message for message in RecordingAdapter.sent}
    assert by_phone[PHONE]["language"] == "en"
    assert by_phone[PHONE]["text"] == "title:en: body:en:5"
    assert by_phone["13987654321"]["language"] == "zh-hans"
    assert "body:zh-hans:5" in by_phone["13987654321"]["text"]
    assert set(NotificationDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_an_account_without_a_preference_gets_its_residents_language(make_user, tree):
    user = make_user("t_n_ug")
    Resident.objects.create(
        place_code=tree.grids[0].code, full_name="丙", phone=PHONE, account=user, preferred_language="ug"
    )
    delivery = sms(user, kind="tests.language", n=1)
    assert delivery_send(delivery_id=delivery.pk) == Status.SENT
    assert RecordingAdapter.sent[0]["language"] == "ug"


# --- Delivery: once, retried, failed ------------------------------------------------------------------------


def test_a_delivery_is_sent_once_however_often_its_job_runs(people):
    delivery = sms(people["en"])
    notification_deliver_task.enqueue([delivery.pk, delivery.pk])
    notification_deliver_task.enqueue([delivery.pk])
    assert delivery_send(delivery_id=delivery.pk) == Status.SENT
    assert len(RecordingAdapter.sent) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 1)
    assert delivery.sent_at is not None


def test_deliveries_are_queued_fifty_to_a_job(settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from huiketing.people.models import User

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    users = User.objects.bulk_create([User(username=f"t_n_many_{n}") for n in range(120)])
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=users, kind="tests.greeting", params={"number": "1"}, channels=("sms",))
    jobs = DBTaskResult.objects.filter(task_path=notification_deliver_task.module_path)
    assert sorted(len(job.args_kwargs["args"][0]) for job in jobs) == [20, 50, 50]
    assert NotificationDelivery.objects.filter(status=Status.PENDING).count() == 120


def test_the_phone_is_masked_in_the_audit_log(people):
    delivery = sms(people["en"])
    delivery_send(delivery_id=delivery.pk)
    entry = AuditEntry.objects.get(action="core.notification_delivery.sent")
    assert entry.changes["to"] == [None, "139****5678"]
    assert PHONE not in str(list(AuditEntry.objects.values()))


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(audit_log_flushable, people, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two workers cannot claim at the same time")
    settings.HUIKETING_MESSAGE_ADAPTER = "tests.core.test_notifications.SlowAdapter"
    delivery = sms(people["en"])
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(delivery_send(delivery_id=delivery.pk))
        except Exception as error:
            results.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(RecordingAdapter.sent) == 1
    assert sorted(map(str, results)) == sorted([Status.SENT, Status.SENDING]) or results == [Status.SENT] * 2


def test_a_failing_gateway_is_retried_with_backoff_then_the_delivery_fails(people, settings, caplog):
    settings.HUIKETING_MESSAGE_ADAPTER = FAILING
    delivery = sms(people["en"])
    now = delivery.next_attempt_at
    assert delivery_send(delivery_id=delivery.pk, now=now) == Status.PENDING
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert delivery.next_attempt_at == now + RETRY_DELAYS[0]
    assert "139****5678" in delivery.last_error
    assert PHONE not in delivery.last_error
    assert PHONE not in caplog.text

    # Not due yet: neither the job nor the periodic retry sends it.
    assert delivery_send(delivery_id=delivery.pk, now=now + RETRY_DELAYS[0] / 2) == Status.PENDING
    assert deliveries_retry(now=now + RETRY_DELAYS[0] / 2) == 0
    assert FailingAdapter.calls == 1

    for delay in RETRY_DELAYS:
        now += delay
        assert deliveries_retry(now=now) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == MAX_ATTEMPTS == FailingAdapter.calls
    assert deliveries_retry(now=now + datetime.timedelta(days=1)) == 0
    assert FailingAdapter.calls == MAX_ATTEMPTS
    assert AuditEntry.objects.filter(action="core.notification_delivery.failed").count() == 1


def test_a_retried_delivery_can_succeed(people, settings):
    settings.HUIKETING_MESSAGE_ADAPTER = FAILING
    delivery = sms(people["en"])
    now = delivery.next_attempt_at
    delivery_send(delivery_id=delivery.pk, now=now)
    settings.HUIKETING_MESSAGE_ADAPTER = ADAPTER
    assert deliveries_retry(now=now + RETRY_DELAYS[0]) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Status.SENT, 2, "")
    assert len(RecordingAdapter.sent) == 1


def test_no_phone_fails_at_once_without_retries(people):
    delivery = sms(people["nophone"])
    with translation.override("en"):
        assert delivery_send(delivery_id=delivery.pk) == Status.FAILED
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.last_error  # in the installation's language: "The recipient has no phone number …"
    assert deliveries_retry(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert RecordingAdapter.sent == []


def test_a_delivery_whose_job_was_lost_is_sent_by_the_periodic_job(people):
    delivery = sms(people["en"])  # its job never ran: the transaction's on_commit was not executed
    assert deliveries_retry(now=delivery.created_at + datetime.timedelta(minutes=1)) == 0
    assert deliveries_retry(now=delivery.created_at + notifications.LOST_AFTER) == 1
    assert len(RecordingAdapter.sent) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_failed_not_resent(people):
    delivery = sms(people["en"])
    claimed = timezone.now() - notifications.STALE_SENDING - datetime.timedelta(minutes=1)
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=claimed
    )
    deliveries_retry()
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert RecordingAdapter.sent == []
    assert AuditEntry.objects.filter(
        action="core.notification_delivery.failed", object_id=str(delivery.pk)
    ).exists()


def test_the_logging_adapter_never_logs_the_whole_phone(people, settings, caplog):
    settings.HUIKETING_MESSAGE_ADAPTER = "huiketing.core.notifications.LoggingAdapter"
    delivery = sms(people["en"])
    with caplog.at_level(logging.INFO, logger="huiketing.messages"):
        assert delivery_send(delivery_id=delivery.pk) == Status.SENT
    assert "139****5678" in caplog.text
    assert PHONE not in caplog.text


def test_the_adapter_setting_is_checked(settings):
    assert message_adapter_importable(None) == []
    settings.HUIKETING_MESSAGE_ADAPTER = "huiketing.core.notifications.NoSuchAdapter"
    assert [error.id for error in message_adapter_importable(None)] == ["huiketing.E002"]


# --- The inbox page and the header --------------------------------------------------------------------------


def test_the_inbox_shows_only_ones_own_newest_first_in_the_page_language(client, people):
    start = timezone.now()
    for n in range(3):
        notify(
            recipients=[people["en"]],
            kind="tests.greeting",
            params={"number": f"E-{n}"},
            now=start + datetime.timedelta(minutes=n),
        )
    notify(recipients=[people["zh"]], kind="tests.greeting", params={"number": "Z-0"})
    client.force_login(people["en"])
    page = client.get("/notifications/?lang=en").content.decode()
    assert page.index("E-2") < page.index("E-1") < page.index("E-0")
    assert "Z-0" not in page
    assert REQUIRED in page
    chinese = client.get("/notifications/?lang=zh-hans").content.decode()
    assert REQUIRED not in chinese
    assert "E-2" in chinese


def test_the_inbox_isolates_each_value_and_escapes_it(client, people):
    """A name in another script keeps its direction inside the sentence (<bdi>), and a value is never HTML."""
    notify(recipients=[people["en"]], kind="tests.greeting", params={"number": "金山<script>x</script>"})
    client.force_login(people["en"])
    page = client.get("/notifications/?lang=en").content.decode()
    assert "Matter <bdi>金山&lt;script&gt;x&lt;/script&gt;</bdi> was updated." in page
    assert "<script>x" not in page
    plain = notification_render(Notification.objects.get(recipient=people["en"]), language="en")
    assert plain.body == "Matter 金山<script>x</script> was updated."  # an SMS is plain text


def test_a_composed_text_tests_the_values_and_isolates_them(people):
    """A callable body still sees the values it tests; what it writes of them is isolated and escaped."""
    notification = notify(
        recipients=[people["en"]], kind="tests.composed", params={"what": "sign", "title": "金山<b>"}
    )[0]
    rendered = notification_render(notification, language="en", isolate=True)
    assert str(rendered.body) == "Sign <bdi>金山&lt;b&gt;</bdi>."
    assert notification_render(notification, language="en").body == "Sign 金山<b>."


def _count(client, path) -> int:
    cache.clear()  # every measured request starts from the same cache state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_inbox_asks_as_many_queries_for_50_notifications_as_for_5(client, people):
    client.force_login(people["en"])
    notify(recipients=[people["en"]], kind="tests.greeting", params={"number": "0"})
    for n in range(4):
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": str(n)})
    five = _count(client, "/notifications/")
    for n in range(45):
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": str(n)})
    assert _count(client, "/notifications/") == five
    assert _count(client, "/notifications/?page=3") == five


def test_the_header_shows_the_unread_count_in_one_query(client, people):
    client.force_login(people["en"])
    home_without = _count(client, "/")
    for n in range(3):
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": str(n)})
    response = client.get("/?lang=en")
    assert '<span class="badge"><bdi>3</bdi></span>' in response.content.decode()
    assert _count(client, "/") == home_without
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries if "core_notification" in q["sql"]]


def test_marking_one_and_all_as_read(client, people):
    first, second = (
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": str(n)}, link="/places/")[
            0
        ]
        for n in range(2)
    )
    client.force_login(people["en"])
    response = client.post("/notifications/read/", {"id": first.pk, "next": first.link})
    assert response.status_code == 302 and response["Location"] == "/places/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    response = client.post("/notifications/read/", {"all": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=people["en"], read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(client, people):
    theirs = notify(recipients=[people["zh"]], kind="tests.greeting", params={"number": "1"})[0]
    client.force_login(people["en"])
    assert client.post("/notifications/read/", {"id": theirs.pk}).status_code == 404
    assert client.post("/notifications/read/", {"id": 10**9}).status_code == 404
    assert client.post("/notifications/read/", {}).status_code == 400
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_is_for_signed_in_accounts(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- API ----------------------------------------------------------------------------------------------------


@pytest.fixture
def api(people):
    client = APIClient()
    client.force_authenticate(people["en"])
    return client


def test_api_lists_own_notifications_in_the_request_language(api, people):
    mine = [
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": str(n)})[0]
        for n in range(3)
    ]
    notify(recipients=[people["zh"]], kind="tests.greeting", params={"number": "Z"})
    mine[0].read_at = timezone.now()
    mine[0].save()

    body = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == [n.pk for n in reversed(mine)]
    assert body["results"][0]["title"] == REQUIRED
    assert body["results"][0]["body"] == "Matter 2 was updated."
    assert body["results"][0]["params"] == {"number": "2"}

    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2
    chinese = api.get("/api/v1/notifications/", {"lang": "zh-hans"}).json()
    assert chinese["results"][0]["title"] != REQUIRED


def test_api_marks_ids_or_all_as_read(api, people):
    mine = [
        notify(recipients=[people["en"]], kind="tests.greeting", params={"number": str(n)})[0]
        for n in range(3)
    ]
    response = api.post("/api/v1/notifications/read/", {"ids": [mine[0].pk, mine[1].pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 1}
    again = api.post("/api/v1/notifications/read/", {"ids": [mine[0].pk]}, format="json")
    assert again.json() == {"marked": 0, "unread": 1}
    assert api.post("/api/v1/notifications/read/", {"all": True}, format="json").json() == {
        "marked": 1,
        "unread": 0,
    }


def test_api_refuses_someone_elses_ids_and_unclear_requests(api, people):
    mine = notify(recipients=[people["en"]], kind="tests.greeting", params={"number": "1"})[0]
    theirs = notify(recipients=[people["zh"]], kind="tests.greeting", params={"number": "2"})[0]
    response = api.post("/api/v1/notifications/read/", {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert not Notification.objects.filter(read_at__isnull=False).exists()  # nothing was marked

    for bad in ({}, {"ids": [mine.pk], "all": True}, {"ids": []}, {"ids": ["x"]}):
        response = api.post("/api/v1/notifications/read/", bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "invalid"


def test_api_is_for_signed_in_accounts():
    client = APIClient()
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    assert client.post("/api/v1/notifications/read/", {"all": True}, format="json").status_code in (401, 403)
