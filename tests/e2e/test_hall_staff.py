"""The community's staff running the living room, by the links a person follows from the header: the living
rooms, the centre's venue, its door and photos, the events, the gala's programme and gallery, and the dombra
class's attendance sheet with masked names; then a party member's page to book the theme party-day package.
In Uyghur and Kazakh on a phone, in Chinese on a desktop."""

import re

import pytest

from huiketing.demo.data.hall import DOMBRA_CLASS, DOMBRA_PLACES, GALA
from tests.e2e.checks import VIEWPORTS, check_page, sign_in

CASES = [("ug", "phone"), ("kk", "phone"), ("zh-hans", "desktop")]
STAFF_VENUES = "/staff/living-rooms/"


def _follow(page, selector: str, **filters) -> None:
    with page.expect_navigation():
        page.locator(selector, **filters).first.click()


@pytest.mark.parametrize(("lang", "viewport"), CASES)
def test_staff_run_the_living_room_from_the_header(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    sign_in(page, "community")

    _follow(page, f'header nav.main-nav a[href="{STAFF_VENUES}"]')
    assert page.url.endswith(STAFF_VENUES)
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-venues", axe=True)

    # A venue of the community: its page, its door (with the QR code), its photos.
    _follow(page, "main table a[href^='/staff/living-rooms/']")
    venue = re.search(r"/staff/living-rooms/(\d+)/$", page.url)
    assert venue, page.url
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-venue", axe=True)
    _follow(page, f"main a[href='/staff/living-rooms/{venue.group(1)}/door/']")
    assert page.locator("main svg").count() >= 1, "the door's QR code"
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-door", axe=True)
    page.go_back()
    _follow(page, f"main a[href='/staff/living-rooms/{venue.group(1)}/photos/']")
    assert page.locator("main input[type=file]").count() == 1
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-photos", axe=True)

    # The events: the gala's programme and gallery.
    page.goto(STAFF_VENUES)
    _follow(page, "main a[href='/staff/events/']")
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-events", axe=True)
    _follow(page, "main table a[href^='/staff/events/']", has_text=GALA[lang])
    event_page = page.url
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-event", axe=True)
    _follow(page, "main a[href$='/programme/']")
    assert page.locator("main input[type=number]").count() == 3, "the three accepted acts to order"
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-programme", axe=True)
    page.goto(event_page)
    _follow(page, "main a[href$='/gallery/']")
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-gallery", axe=True)

    # The dombra class's first session: the sheet lists those enrolled, masked.
    page.goto("/staff/events/")
    _follow(page, "main table a[href^='/staff/events/']", has_text=DOMBRA_CLASS[lang])
    _follow(page, "main a[href$='/attendance/']")
    names = page.locator("main table.sheet tbody td label").all_inner_texts()
    # The eleven enrolled at the desk, and the one who took the last place if the class test ran before.
    assert DOMBRA_PLACES - 1 <= len(names) <= DOMBRA_PLACES, names
    assert all("*" in name for name in names), names
    check_page(page, lang=lang, viewport=viewport, name="hall-staff-attendance", axe=True)


@pytest.mark.parametrize(("lang", "viewport"), CASES)
def test_a_party_member_finds_the_package_and_its_times(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    sign_in(page, "partymember")
    page.goto("/services/?category=party")
    _follow(page, "main a[href^='/services/']")
    if page.locator("main a[href$='/package/']").count() == 0:
        # The first party service listed is not the package: take the next.
        page.go_back()
        links = page.locator("main a[href^='/services/']")
        for index in range(links.count()):
            with page.expect_navigation():
                links.nth(index).click()
            if page.locator("main a[href$='/package/']").count():
                break
            page.go_back()
    _follow(page, "main a[href$='/package/']")
    assert page.locator("main input[name=starts_at]").count() > 0, "start times with room in every part"
    assert page.locator("main select[name=organisation] option").count() > 0
    check_page(page, lang=lang, viewport=viewport, name="hall-package", axe=True)
