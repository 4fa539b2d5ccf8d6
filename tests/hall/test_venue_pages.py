"""The living rooms' pages and API: they answer, filter, keep queries flat, and hide venues out of scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huiketing.hall import venue_services as services
from huiketing.people.services import role_assign
from huiketing.places.models import ServicePoint


def _venue(grid, name="会客厅", **extra):
    point = ServicePoint.objects.create(
        kind="living_room",
        names={"zh-hans": name},
        place=grid,
        place_code=grid.code,
        lat=47.845,
        lng=88.105,
        opening_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "09:30", "closes": "20:30"}],
    )
    return services.venue_create(by=None, service_point=point, **extra)


def _items(venue, count, start=0):
    zone = services.zone_save(by=None, venue=venue, kind="activity", names=f"活动室{start}", capacity=30)
    for n in range(start, start + count):
        services.item_save(
            by=None,
            venue=venue,
            code=f"item-{n}",
            names={"zh-hans": f"服务{n}"},
            category="culture",
            provider_kind="community",
            audiences=["everyone"],
            zone=zone,
            needs_booking=n % 2 == 0,
            capacity=10,
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_pages_answer_and_query_counts_do_not_grow(client, tree):
    venue = _venue(tree.grids[0], is_demonstration_site=True, demonstrates="便民服务")
    _items(venue, 5)
    urls = [
        reverse("hall:venue-list"),
        reverse("hall:venue-detail", args=[venue.pk]),
        reverse("hall:item-list"),
        reverse("hall:item-list") + "?audience=elderly&category=culture",
        reverse("hall:portal"),
        reverse("hall:portal-community", args=[tree.communities[0].code]),
        reverse("api-venues"),
        reverse("api-venue", args=[venue.pk]),
        reverse("api-service-items") + "?category=culture",
    ]
    [_count(client, url) for url in urls]  # the first request of a process loads caches
    small = [_count(client, url) for url in urls]
    for n in range(3):
        _items(_venue(tree.grids[n % 4], name=f"会客厅{n}"), 15, start=100 * (n + 1))
    _items(venue, 45, start=1000)
    large = [_count(client, url) for url in urls]
    assert small == large


@pytest.mark.django_db
def test_filters_and_marks(client, tree):
    demo = _venue(tree.grids[0], name="示范会客厅", is_demonstration_site=True, demonstrates="便民服务")
    _venue(tree.grids[4], name="其他会客厅")
    response = client.get(reverse("hall:venue-list"), {"community": tree.communities[0].code})
    body = response.content.decode()
    assert "示范会客厅" in body and "其他会客厅" not in body
    _items(demo, 2)
    data = client.get(reverse("api-service-items"), {"venue": demo.pk}).json()
    assert len(data["results"] if isinstance(data, dict) else data) == 2
    assert client.get(reverse("api-service-items"), {"audience": "martians"}).status_code == 400
    assert client.get(reverse("hall:portal-community", args=["999999999999"])).status_code == 404


@pytest.mark.django_db
def test_staff_pages_are_scoped(client, tree, make_user):
    inside = _venue(tree.grids[0], name="甲")
    outside = _venue(tree.grids[4], name="乙")
    user = make_user("staff_hall")
    role_assign(by=None, user=user, role="community_staff", place_code=tree.communities[0].code)
    client.force_login(user)
    assert client.get(reverse("hall:staff-venue-detail", args=[inside.pk])).status_code == 200
    assert client.get(reverse("hall:staff-venue-detail", args=[outside.pk])).status_code == 404
    response = client.post(
        reverse("hall:staff-closure-add", args=[inside.pk]),
        {"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-01T10:00", "reason": "维修"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("hall:staff-zone-add", args=[inside.pk]),
        {"kind": "reading", "name": "阅览室", "capacity": 12},
    )
    assert response.status_code == 302 and inside.zones.count() == 1
    response = client.post(
        reverse("hall:staff-item-add", args=[inside.pk]),
        {
            "code": "law",
            "name": "法律咨询",
            "category": "legal",
            "provider_kind": "department",
            "audiences": ["everyone"],
            "needs_booking": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 400 and "capacity" in response.context["form"].errors
