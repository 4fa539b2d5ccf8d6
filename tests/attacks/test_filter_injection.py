"""ORM filter injection: no page or API list turns query parameters into ORM lookups. Every URL of the project
(with the permission matrix's samples) is requested once plainly and once with lookups that reach secrets
(passwords, ID numbers, their hashes) or reorder by them; the answer must be the same, or a 400, never a
filtered or reordered result that would let a caller guess a secret one character at a time.

Each lookup is given a value that matches nothing, so that if it were applied the result would change."""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huiketing.core.permissions import declared_permission
from huiketing.people.models import Role
from huiketing.places.services import service_point_create
from tests.test_permission_matrix import REGISTRY, ROUTES, Sample, _registry_objects

# Lookups an attacker would try, each with a value no row has (ID numbers start with 1-9, hashes are hex,
# place codes start with 6 here, passwords with the hasher's name).
INJECTIONS = {
    "created_by__password__startswith": "a",
    "account__password__startswith": "p",
    "id_number__startswith": "0",
    "id_number": "000000000000000000",
    "id_number_hash__startswith": "g",
    "phone__startswith": "0",
    "phone_hash__startswith": "g",
    "place_code__regex": "^9",
    "place_code__startswith": "9",
    "code__regex": "^9",
    "password__startswith": "x",
    "actor__password__startswith": "x",
    "visited_by__password__startswith": "x",
    "user__password__startswith": "x",
    "household__residents__id_number__startswith": "0",
    "full_name__regex": "^~",
    "names__icontains": "~~~",
    "pk__in": "0",
    "id__gt": "999999999",
    "ordering": "-id_number_hash",
    "order_by": "-id_number_hash",
    "o": "-id_number_hash",
    "sort": "-password",
}
# The issue's own probes, with values that do match: applied, they would still reorder or keep rows.
PROBES = {
    "created_by__password__startswith": "a",
    "account__password__startswith": "p",
    "id_number__startswith": "6",
    "place_code__regex": ".*",
}

HREF = re.compile(r'href="([^"]*)"')


def digest(response):
    """What a reader learns from an answer: the JSON, the links of a page, the rows of a file."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "json" in content_type:
        data = response.json()
        if isinstance(data, dict):
            # The links to the next and previous pages echo the query string.
            data = {key: value for key, value in data.items() if key not in ("next", "previous")}
        return data
    if "html" in content_type:
        # Links without their query strings (pagination and filter links echo the query).
        return [urlsplit(href).path for href in HREF.findall(body.decode())]
    if "csv" in content_type:
        # An export is itself audited: leave out the rows about exports.
        return [row for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) if "export" not in str(row)]
    if "spreadsheet" in content_type:
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        return list(sheet.iter_rows(values_only=True))[1:]
    return body


def compare(client, url: str, query: dict, extra: dict) -> str | None:
    plain = client.get(url, query)
    attacked = client.get(url, {**query, **extra})
    if attacked.status_code >= 500:
        return f"server error {attacked.status_code}"
    if attacked.status_code == 400 and plain.status_code != 400:
        return None  # refusing the unknown parameter is fine
    if attacked.status_code != plain.status_code:
        return f"answered {attacked.status_code}, plainly {plain.status_code}"
    if plain.status_code == 200 and digest(plain) != digest(attacked):
        return "a different result: the parameters were applied"
    return None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.GRID_LEADER, Role.COMMUNITY_STAFF])
def test_no_url_turns_query_parameters_into_lookups(client, world, role):
    client.force_login(world.users[role])
    for inside in (True, False):
        _registry_objects(world, inside)
    problems, compared = [], 0
    for route in ROUTES:
        if route.namespace.startswith("admin") or not route.is_ours:
            continue
        if route.name in ("logout",) or declared_permission(route.callback) is None:
            continue
        sampler = REGISTRY.get(route.name or "")
        if route.params and sampler is None:
            continue  # the permission matrix fails for such a URL
        sample = sampler(world, True) if sampler else Sample({})
        url = reverse(route.name, kwargs=sample.kwargs) if route.name else "/" + route.route
        for extra in (INJECTIONS, PROBES):
            if problem := compare(client, url, sample.query or {}, extra):
                problems.append(f"{url}: {problem}")
        compared += 1
    assert compared > 20
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/residents/",
        "/api/v1/households/",
        "/api/v1/audit/",
        "/api/v1/regions/",
        "/api/v1/service-points/",
    ],
)
def test_each_lookup_alone_leaves_api_lists_unchanged(client, world, url):
    """One lookup at a time, so that one refused parameter cannot hide another that is applied."""
    client.force_login(world.users[Role.ADMIN])
    _registry_objects(world, True)
    grid = world.place(True)
    service_point_create(
        by=None, kind="red_post", names={"zh-hans": "驿站"}, lat=grid.centroid_lat, lng=grid.centroid_lng
    )
    plain = client.get(url)
    assert plain.status_code == 200
    assert plain.json()["results"], "the list must hold rows, or a lookup that empties it goes unnoticed"
    wrong = []
    for lookup, value in INJECTIONS.items():
        attacked = client.get(url, {lookup: value})
        if attacked.status_code not in (200, 400) or (
            attacked.status_code == 200 and digest(attacked) != digest(plain)
        ):
            wrong.append(f"{lookup}={value}: {attacked.status_code}")
    assert not wrong, "\n".join(wrong)
