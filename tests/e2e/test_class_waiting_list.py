"""Two residents on phones, in Uyghur, and the last place of a class: the first takes it, the second joins the
waiting list, and when the first cancels the second is moved up and told.

The demo's dombra class for seniors has 12 places, 11 of them taken by residents the community's staff
enrolled at the desk. The residents find it as a visitor would: the events of the coming weeks, one of its
sessions, then the course's page, where people enrol for the whole term."""

import re

from django.utils import translation

from huiketing.demo.data.hall import DOMBRA_CLASS, DOMBRA_PLACES
from tests.e2e.checks import VIEWPORTS, check_page, sign_in

LANG = "ug"
VIEWPORT = "phone"
COURSE_URL = re.compile(r"/courses/(\d+)/$")


def _ug(message: str) -> str:
    with translation.override(LANG):
        return translation.gettext(message)


def _phone_in_uyghur(open_page, username: str):
    page = open_page(*VIEWPORTS[VIEWPORT])
    page.goto(f"/?lang={LANG}")
    sign_in(page, username)
    return page


def _places_left(page) -> int:
    """The places left, as the enrolment's "N of M places left" line states them (in either word order)."""
    line = page.locator("main section p.places")
    left, capacity = line.get_attribute("data-left"), line.get_attribute("data-capacity")
    assert int(capacity) == DOMBRA_PLACES
    assert sorted(line.locator("bdi").all_inner_texts()) == sorted([left, capacity])
    return int(left)


def _find_the_course(page) -> str:
    """From the coming classes to a session of the dombra class, then to its course's page; its path."""
    page.goto("/events/?when=coming&kind=class")
    title = DOMBRA_CLASS[LANG]
    session = page.locator("main ul.event-list h2 a", has_text=title).first
    with page.expect_navigation():
        session.click()
    check_page(page, lang=LANG, viewport=VIEWPORT, name="class-session", axe=True)
    with page.expect_navigation():
        page.locator("main a[href^='/courses/']").click()
    assert COURSE_URL.search(page.url), page.url
    assert page.locator("main h1").inner_text().strip() == title
    return page.url


def _booking_card(page, title: str):
    page.goto("/bookings/")
    card = page.locator("main .card", has_text=title)
    assert card.count() == 1, page.locator("main").inner_text()
    return card


def test_the_last_place_of_a_class_then_the_waiting_list_on_a_phone_in_uyghur(open_page):
    title = DOMBRA_CLASS[LANG]

    # The first resident takes the last place.
    first = _phone_in_uyghur(open_page, "resident")
    course = _find_the_course(first)
    assert _places_left(first) == 1
    check_page(first, lang=LANG, viewport=VIEWPORT, name="class-course", axe=True)
    enrol = first.locator("main form[action$='/register/'] button")
    assert enrol.inner_text().strip() == _ug("Enrol")
    with first.expect_navigation():
        enrol.click()
    assert first.url == course
    assert _ug("You are enrolled.") in first.locator("main").inner_text()
    assert _places_left(first) == 0
    assert first.locator("main form[action$='/unregister/']").count() == 1
    check_page(first, lang=LANG, viewport=VIEWPORT, name="class-enrolled", axe=True)

    # The second finds the class full: the button offers the waiting list, and the waiting list it is.
    second = _phone_in_uyghur(open_page, "partymember")
    second.goto(course)
    assert _places_left(second) == 0
    join = second.locator("main form[action$='/register/'] button")
    assert join.inner_text().strip() == _ug("Join the waiting list")
    with second.expect_navigation():
        join.click()
    assert _ug("You are on the waiting list.") in second.locator("main").inner_text()
    check_page(second, lang=LANG, viewport=VIEWPORT, name="class-waiting", axe=True)
    card = _booking_card(second, title)
    with translation.override(LANG):
        waiting = translation.gettext("place %(n)s on the waiting list") % {"n": 1}
    assert waiting in " ".join(card.inner_text().split())
    assert card.locator("button").inner_text().strip() == _ug("Leave the waiting list")
    check_page(second, lang=LANG, viewport=VIEWPORT, name="bookings-waiting", axe=True)

    # The first cancels from "my bookings"; the place goes to the second.
    card = _booking_card(first, title)
    with first.expect_navigation():
        card.locator("button").click()
    card = first.locator("main .card", has_text=title)
    assert card.locator("button").count() == 0
    assert _ug("Cancelled") in card.inner_text()
    first.goto(course)
    assert first.locator("main form[action$='/register/']").count() == 1
    assert _places_left(first) == 0

    second.goto(course)
    assert _ug("You are enrolled.") in second.locator("main").inner_text()
    assert _places_left(second) == 0
    card = _booking_card(second, title)
    assert card.locator("button").inner_text().strip() == _ug("Cancel")
    check_page(second, lang=LANG, viewport=VIEWPORT, name="bookings-promoted", axe=True)

    # And the second is told: the notice of the promotion is in their notifications, in Uyghur.
    second.goto("/notifications/")
    assert _ug("A place became free for you") in second.locator("main").inner_text()
    check_page(second, lang=LANG, viewport=VIEWPORT, name="notifications-promoted")
