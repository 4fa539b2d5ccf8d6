"""The API, fuzzed from its own OpenAPI schema (schemathesis): every operation gets generated requests, valid
and invalid, as an anonymous client and with the token of an administrator. No answer may be a 5xx, and every
4xx answer must carry the project's error shape {"error": {"status", "code", "message", "fields"}}.

Runs in-process through the WSGI application. Examples are derandomized, so a failure reproduces.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode

from huiketing.people import services as people_services
from huiketing.people.models import Role
from huiketing.people.validators import id_check_character

MAX_EXAMPLES = 25
FIX = {"max_examples": MAX_EXAMPLES, "deadline": None, "derandomize": True, "database": None}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler in the test's own transaction: the per-request connection clean-up (which would
    close the connection the test's transaction lives on) is switched off, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def known(tree, make_user):
    """Real objects for path parameters, so that part of the examples reach past the 404."""
    household = people_services.household_create(by=None, grid=tree.grids[0], building="1", room="101")
    first_17 = "65430119800101001"
    resident = people_services.resident_create(
        by=None,
        household=household,
        full_name="测试居民",
        id_number=first_17 + id_check_character(first_17),
        phone="13900001111",
    )
    admin = make_user("t_fuzz_admin", Role.ADMIN, "")
    return {
        "admin": admin,
        "id": [resident.pk, household.pk, 1],
        "code": [tree.grids[0].code, tree.communities[0].code, tree.city.code],
    }


def error_shape_problem(response) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status < 400:
        return None
    try:
        body = response.json()
    except Exception:  # not JSON at all
        return f"{status} without a JSON body: {response.text[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if (
        set(body) != {"error"}
        or not isinstance(error, dict)
        or set(error) != {"status", "code", "message", "fields"}
        or error["status"] != status
        or not isinstance(error["fields"], dict)
        or not (isinstance(error["message"], str) and error["message"])
    ):
        return f"{status} not in the error shape: {response.text[:200]!r}"
    return None


def _runner(operation, mode, headers: dict, known: dict, failures: list[str], counter: list[int], seen: set):
    label = f"{operation.method.upper()} {operation.path}"

    @settings(**FIX, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 5))
    def run(case, pick):
        # Now and then aim at an object that exists (a resident, a household, a place).
        for name, values in known.items():
            if case.path_parameters and name in case.path_parameters and pick < len(values):
                case.path_parameters[name] = values[pick]
        cache.clear()  # rate-limit counters: fuzz the views, not the throttle
        response = case.call(headers=headers)
        counter[0] += 1
        seen.add((operation.method.upper(), operation.path, response.status_code))
        if (problem := error_shape_problem(response)) and len(failures) < 3:
            failures.append(f"{label} [{mode.value}] {problem}\n    {case.as_curl_command()}")

    return run


def fuzz(schema, headers: dict, known: dict) -> tuple[list[str], int, set]:
    problems: list[str] = []
    counter = [0]
    seen: set = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures: list[str] = []
            try:
                _runner(operation, mode, headers, known, failures, counter, seen)()
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, no body): only the valid requests apply.
                assert mode == GenerationMode.NEGATIVE, f"{operation.path}: no valid request generated"
            problems.extend(failures)
    return problems, counter[0], seen


@pytest.mark.slow
@pytest.mark.parametrize("principal", ["anonymous", "admin"])
def test_every_api_operation_survives_generated_requests(db, wsgi_app, known, principal):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # The schema must describe the API that exists (later issues add their paths).
    paths = {operation.path for operation in operations}
    assert {"/api/v1/auth/token/", "/api/v1/residents/", "/api/v1/regions/locate/"} <= paths, paths
    headers = {"Accept-Language": "en"}
    if principal == "admin":
        token = Token.objects.create(user=known["admin"])
        headers["Authorization"] = f"Token {token.key}"
    problems, sent, seen = fuzz(schema, headers, {"id": known["id"], "code": known["code"]})
    assert not problems, "\n".join(problems)
    assert sent >= len(operations) * MAX_EXAMPLES, sent
    # The requests went past authentication to real objects (or were refused, anonymously).
    expected = 200 if principal == "admin" else 401
    for path in ("/api/v1/residents/{id}/", "/api/v1/households/{id}/", "/api/v1/audit/"):
        assert ("GET", path, expected) in seen, (path, sorted(s for s in seen if s[1] == path))
    assert ("GET", "/api/v1/regions/{code}/", 200) in seen
