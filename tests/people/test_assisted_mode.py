"""Assisted mode: staff act for a resident without a phone; every entry records both; the resident sees it."""

import copy
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry
from huiketing.people import verification
from huiketing.people.models import Resident, ResidentStatus, Role, RoleAssignment
from huiketing.people.services import household_create, resident_create, resident_set_status
from huiketing.people.validators import id_check_character
from huiketing.people.verification import ACTING_FOR, account_signup, acting_for, resident_verify_in_person

MIDDLEWARE = "huiketing.people.middleware.AssistedModeMiddleware"
CONTEXT_PROCESSOR = "huiketing.people.context_processors.assisted_mode"


@pytest.fixture(autouse=True)
def wired(settings):
    """The middleware and context processor as settings.py registers them (added here if it does not yet)."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.messages.middleware.MessageMiddleware") + 1, MIDDLEWARE
        )
        settings.MIDDLEWARE = middleware
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if CONTEXT_PROCESSOR not in processors:
        processors.append(CONTEXT_PROCESSOR)
        settings.TEMPLATES = templates


def id_number(sequence: int) -> str:
    first_17 = f"65430119400101{sequence:03d}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
def people(tree, staff):
    """Grandma Wang (no phone) and Mr Li in the first grid, each with an account verified in person, and
    Mr Zhao in the second subdistrict, outside the `staff` fixture's places."""
    home = household_create(by=None, grid=tree.grids[0], building="3", room="301")
    away = household_create(by=None, grid=tree.grids[4], building="8", room="801")
    wang = resident_create(by=None, household=home, full_name="王秀英", id_number=id_number(21))
    li = resident_create(by=None, household=home, full_name="李建国", id_number=id_number(22))
    zhao = resident_create(by=None, household=away, full_name="赵文", id_number=id_number(23))
    admin = staff[Role.ADMIN]
    for resident, phone in ((wang, "13800138001"), (li, "13800138002")):
        account = account_signup(phone=phone, display_name=resident.full_name, password="walnut-river-42")
        resident_verify_in_person(by=admin, resident=resident, account=account)
    worker = staff[Role.GRID_WORKER]
    worker.display_name = "网格员小马"
    worker.save()
    return {"wang": wang, "li": li, "zhao": zhao, "worker": worker}


def start(client, resident) -> None:
    response = client.post(f"/staff/registry/residents/{resident.pk}/assist/")
    assert response.status_code == 302, response.status_code


def test_starting_puts_the_resident_in_the_session_and_every_page_says_so(client, people):
    client.force_login(people["worker"])
    start(client, people["wang"])
    assert client.session[ACTING_FOR]["resident"] == people["wang"].pk
    page = client.get("/account/")
    assert page.context["ACTING_FOR"] == {"id": people["wang"].pk, "label": "王**"}
    entry = AuditEntry.objects.get(action=verification.ASSISTED_START)
    assert entry.actor == people["worker"]
    assert entry.on_behalf_of == f"people.resident:{people['wang'].pk}"


def test_actions_record_both_the_staff_member_and_the_resident(client, people):
    client.force_login(people["worker"])
    start(client, people["wang"])
    # A real view writing through a service: the display preferences of the account page.
    assert client.post("/account/", {"preferred_language": "ug"}).status_code == 302
    entry = AuditEntry.objects.get(action="people.user.display_changed")
    assert entry.actor == people["worker"]
    assert entry.actor_label == people["worker"].username
    assert entry.on_behalf_of == f"people.resident:{people['wang'].pk}"
    assert entry.on_behalf_of_label == "王**"


def test_registry_writes_while_acting_record_the_resident(client, people):
    client.force_login(people["worker"])
    start(client, people["wang"])
    response = client.post(f"/staff/registry/residents/{people['wang'].pk}/tags/", {"tags": ["living_alone"]})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="people.resident.tags")
    assert (entry.actor, entry.on_behalf_of) == (people["worker"], f"people.resident:{people['wang'].pk}")


def test_stopping_ends_the_mode(client, people):
    client.force_login(people["worker"])
    start(client, people["wang"])
    assert client.post("/staff/assist/stop/").status_code == 302
    assert ACTING_FOR not in client.session
    stop = AuditEntry.objects.get(action=verification.ASSISTED_STOP)
    assert stop.on_behalf_of == f"people.resident:{people['wang'].pk}"
    client.post("/account/", {"preferred_language": "kk"})
    assert AuditEntry.objects.get(action="people.user.display_changed").on_behalf_of == ""
    assert client.get("/account/").context["ACTING_FOR"] is None


def test_the_mode_stops_when_the_staff_member_loses_scope(client, people):
    worker = people["worker"]
    client.force_login(worker)
    start(client, people["wang"])
    RoleAssignment.objects.filter(user=worker).delete()
    page = client.get("/account/?lang=en")
    assert page.context["ACTING_FOR"] is None
    assert ACTING_FOR not in client.session
    assert "Assisted mode has ended." in page.content.decode()
    stop = AuditEntry.objects.get(action=verification.ASSISTED_STOP)
    assert stop.reason == "out of scope"
    client.post("/account/", {"preferred_language": "kk"})
    latest = AuditEntry.objects.filter(action="people.user.display_changed").latest("id")
    assert latest.changes["preferred_language"][1] == "kk"
    assert latest.on_behalf_of == ""


def test_the_mode_stops_when_the_resident_moves_out(client, people):
    client.force_login(people["worker"])
    start(client, people["wang"])
    resident_set_status(
        by=None, resident=people["wang"], status=ResidentStatus.MOVED_OUT, on=date(2025, 1, 1)
    )
    assert client.get("/account/").context["ACTING_FOR"] is None


def test_another_account_in_the_same_session_does_not_inherit_the_mode(client, people, staff):
    client.force_login(people["worker"])
    start(client, people["wang"])
    session = client.session
    session[ACTING_FOR] = {**session[ACTING_FOR], "by": staff[Role.GRID_LEADER].pk}
    session.save()
    assert client.get("/account/").context["ACTING_FOR"] is None


def test_staff_cannot_act_for_residents_outside_their_places(client, people):
    client.force_login(people["worker"])
    assert client.post(f"/staff/registry/residents/{people['zhao'].pk}/assist/").status_code == 404
    assert client.post("/staff/registry/residents/999999/assist/").status_code == 404
    assert ACTING_FOR not in client.session
    assert client.get(f"/staff/registry/residents/{people['wang'].pk}/assist/").status_code == 405


def test_residents_cannot_start_the_mode(client, people):
    client.force_login(Resident.objects.get(pk=people["li"].pk).account)
    assert client.post(f"/staff/registry/residents/{people['wang'].pk}/assist/").status_code in (403, 404)
    assert ACTING_FOR not in client.session


# --- The resident's activity page ---------------------------------------------------------------------------


def test_the_resident_sees_what_was_done_for_them_and_by_whom(client, people):
    worker_client = client
    worker_client.force_login(people["worker"])
    start(worker_client, people["wang"])
    worker_client.post(f"/staff/registry/residents/{people['wang'].pk}/tags/", {"tags": ["living_alone"]})
    worker_client.post("/staff/assist/stop/")

    wang = Client()
    wang.force_login(Resident.objects.get(pk=people["wang"].pk).account)
    html = wang.get("/account/activity/?lang=en").content.decode()
    assert "Started acting for you" in html
    assert "Changed registry tags" in html
    assert "Stopped acting for you" in html
    assert "<bdi>网格员小马</bdi>" in html

    li = Client()
    li.force_login(Resident.objects.get(pk=people["li"].pk).account)
    other = li.get("/account/activity/?lang=en").content.decode()
    assert "Nobody has acted for you yet." in other
    assert "网格员小马" not in other
    assert "Changed registry tags" not in other


def test_unknown_actions_are_shown_by_their_code(client, people):
    with acting_for(people["wang"]):
        audit_record(actor=people["worker"], action="hall.booking.create")
    client.force_login(Resident.objects.get(pk=people["wang"].pk).account)
    assert "hall.booking.create" in client.get("/account/activity/").content.decode()


def test_an_account_without_a_resident_is_told_to_verify(client, make_user, db):
    client.force_login(make_user("not-yet"))
    response = client.get("/account/activity/?lang=en")
    assert response.status_code == 200
    assert "not linked to a registered resident" in response.content.decode()


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/account/activity/")
    assert response.status_code == 200
    return len(queries)


def test_the_activity_page_asks_the_same_number_of_questions_however_long_the_history(client, people, staff):
    actors = [people["worker"], staff[Role.COMMUNITY_STAFF], staff[Role.GRID_LEADER]]
    client.force_login(Resident.objects.get(pk=people["wang"].pk).account)

    def grow(n):
        with acting_for(people["wang"]):
            for i in range(n):
                audit_record(actor=actors[i % len(actors)], action="people.resident.tags")

    client.get("/account/activity/")  # the first request after signing in records the session
    grow(3)
    small = _count(client)
    grow(40)
    assert _count(client) == small
    page_two = client.get("/account/activity/?page=2&lang=en")
    assert len(page_two.context["entries"]) == 43 - 25
    assert "Page <bdi>2</bdi> of <bdi>2</bdi>" in page_two.content.decode()
