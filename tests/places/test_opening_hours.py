from django.utils import translation

from huiketing.places.models import ServicePoint, ServicePointKind
from huiketing.places.templatetags.places import opening_hours


def test_days_are_grouped_into_ranges():
    lines = opening_hours(
        [
            {"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "18:00"},
            {"days": [6, 7], "opens": "10:00", "closes": "16:00"},
            {"days": [1, 3, 4], "opens": "19:00", "closes": "21:00"},
        ]
    )
    assert lines == [
        {"days": "Monday–Friday", "hours": "09:00–18:00"},
        {"days": "Saturday–Sunday", "hours": "10:00–16:00"},
        {"days": "Monday, Wednesday–Thursday", "hours": "19:00–21:00"},
    ]


def test_every_day_and_broken_periods():
    assert opening_hours([{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "08:00", "closes": "20:00"}]) == [
        {"days": "Every day", "hours": "08:00–20:00"}
    ]
    assert opening_hours([{"days": [9], "opens": "08:00", "closes": "20:00"}, {"days": [1]}]) == []
    assert opening_hours(None) == []


def test_place_page_shows_address_hours_and_phone_in_the_readers_language(client, tree):
    grid = tree.grids[0]
    ServicePoint.objects.create(
        kind=ServicePointKind.TALK_POINT,
        names={"zh-hans": "说事点", "en": "Talk point"},
        place=grid,
        place_code=grid.code,
        lat=47.845,
        lng=88.105,
        address={"zh-hans": "金山路1号", "en": "No. 1, Jinshan Road"},
        opening_hours=[{"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "18:00"}],
        phone="0906-2123456",
    )
    with translation.override("zh-hans"):
        page = client.get(f"/places/{grid.code}/?lang=zh-hans").content.decode()
    assert "金山路1号" in page
    assert "星期一–星期五 <bdi>09:00–18:00</bdi>" in page
    assert 'href="tel:0906-2123456"' in page
    page = client.get(f"/places/{grid.code}/?lang=en").content.decode()
    assert "No. 1, Jinshan Road" in page
    assert "Monday–Friday <bdi>09:00–18:00</bdi>" in page
