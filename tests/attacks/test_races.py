"""Double actions by parallel requests, on PostgreSQL (SQLite serialises writers, so nothing runs at the same
time there). Two requests with one Idempotency-Key write once: tests/core/test_api_base.py
(test_parallel_requests_with_the_same_key_write_once). Here: two staff pages registering the same ID number
at the same moment: one resident is registered, the other page names the ID number; never a 500, never two
rows."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from huiketing.people import services as people_services
from huiketing.people.models import Resident, Role
from huiketing.people.services import id_number_hash
from huiketing.people.validators import id_check_character

ALREADY = "A resident with this ID number is already registered."


def run_together(functions) -> list:
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(n, f)) for n, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_pages_registering_one_id_number_at_once_make_one_resident(audit_log_flushable, tree, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot write at the same time")
    first_17 = "65430119800101001"
    id_number = first_17 + id_check_character(first_17)
    clients, urls = [], []
    for n in range(2):
        user = make_user(f"t_race_{n}", Role.GRID_LEADER, tree.grids[0].code)
        household = people_services.household_create(by=user, grid=tree.grids[0], building="1", room=f"10{n}")
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        clients.append(client)
        urls.append(reverse("people:registry-resident-new", kwargs={"pk": household.pk}) + "?lang=en")

    def post(n):
        return lambda: clients[n].post(urls[n], {"full_name": f"测试居民{'甲乙'[n]}", "id_number": id_number})

    for _round in range(3):  # a few rounds, so that both orders of arrival are likely to be met
        Resident.objects.all().delete()
        responses = run_together([post(0), post(1)])
        assert not [r for r in responses if isinstance(r, Exception)], responses
        statuses = sorted(r.status_code for r in responses)
        assert statuses in ([200, 302], [302, 400]), statuses
        refused = next(r for r in responses if r.status_code != 302)
        assert ALREADY in refused.content.decode()
        assert Resident.objects.filter(id_number_hash=id_number_hash(id_number)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_services_registering_one_id_number_at_once_raise_a_field_error(audit_log_flushable, tree):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: two requests cannot write at the same time")
    from django.core.exceptions import ValidationError

    first_17 = "65430119800101002"
    id_number = first_17 + id_check_character(first_17)
    households = [
        people_services.household_create(by=None, grid=tree.grids[0], building="2", room=f"20{n}")
        for n in range(2)
    ]

    def create(n):
        return lambda: people_services.resident_create(
            by=None, household=households[n], full_name="测试居民", id_number=id_number
        )

    results = run_together([create(0), create(1)])
    created = [r for r in results if isinstance(r, Resident)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert set(refused[0].message_dict) == {"id_number"}  # in the default language: threads start afresh
    assert Resident.objects.filter(id_number_hash=id_number_hash(id_number)).count() == 1
