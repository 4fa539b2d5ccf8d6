"""Keyboard only: from the home page to signing in and opening the registry, and a resident raising a matter,
with Tab, Enter, arrow keys and typing.

Every element the Tab key stops on must show a focus ring."""

import re

import pytest

from tests.e2e.checks import DEMO_PASSWORD, VIEWPORTS

MAX_TABS = 60

_FOCUSED_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href') || '',
          text: (el.innerText || el.value || '').trim().slice(0, 40),
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          inView: box.bottom > 0 && box.right > 0 && box.left < innerWidth && box.top < innerHeight};
}"""


def tab_until(page, wanted, stops: list) -> dict:
    """Press Tab until `wanted(focused)` holds; every stop on the way is recorded in `stops`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_JS)
        stops.append(focused)
        if wanted(focused):
            return focused
    pytest.fail(f"not reached with {MAX_TABS} Tab presses; stops: {[s['tag'] + s['href'] for s in stops]}")


@pytest.mark.parametrize(("lang", "viewport"), [("zh-hans", "desktop"), ("ug", "phone")])
def test_sign_in_and_open_the_registry_with_the_keyboard_only(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    stops: list[dict] = []

    first = tab_until(page, lambda focused: True, stops)
    assert first["href"] == "#main" and first["inView"], "the first Tab shows the skip link"

    tab_until(page, lambda focused: focused["href"].startswith("/accounts/login/"), stops)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" in page.url

    tab_until(page, lambda focused: focused["id"] == "id_username", stops)
    page.keyboard.type("gridleader")
    page.keyboard.press("Tab")
    assert page.evaluate(_FOCUSED_JS)["id"] == "id_password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url, page.url

    tab_until(page, lambda focused: focused["href"] == "/staff/registry/residents/", stops)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff/registry/residents/")
    assert page.locator("main table tbody th a").count() > 0

    without_ring = [stop for stop in stops if not stop["ring"]]
    assert not without_ring, f"focused without a visible focus ring: {without_ring}"


def sign_in_with_the_keyboard(page, username: str, stops: list) -> None:
    first = tab_until(page, lambda focused: True, stops)
    assert first["href"] == "#main" and first["inView"], "the first Tab shows the skip link"
    tab_until(page, lambda focused: focused["href"].startswith("/accounts/login/"), stops)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, lambda focused: focused["id"] == "id_username", stops)
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert page.evaluate(_FOCUSED_JS)["id"] == "id_password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url, page.url


@pytest.mark.parametrize(("lang", "viewport"), [("zh-hans", "desktop"), ("ug", "phone")])
def test_a_resident_raises_a_matter_with_the_keyboard_only(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    stops: list[dict] = []
    sign_in_with_the_keyboard(page, "resident", stops)

    tab_until(page, lambda focused: focused["href"] == "/matters/new/", stops)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/matters/new/")
    if page.locator("#id_category option").count() < 2:
        pytest.skip("The demo has no categories of matters yet: nothing can be raised.")

    tab_until(page, lambda focused: focused["id"] == "id_title", stops)
    page.keyboard.type("楼道灯不亮")
    tab_until(page, lambda focused: focused["id"] == "id_description", stops)
    page.keyboard.type("三单元楼道的灯坏了一周。")
    tab_until(page, lambda focused: focused["id"] == "id_category", stops)
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_category").input_value(), "the arrow key chose a category"
    tab_until(page, lambda focused: focused["id"] == "id_grid", stops)
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_grid").input_value(), "the arrow key chose a grid"
    tab_until(page, lambda focused: focused["tag"] == "button" and focused["id"] == "", stops)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator("section.similar").count():
        # The duplicate step: Tab past the suggestions to the form's button, which raises it anyway.
        submit = page.locator("form.raise-form button[type=submit]").inner_text().strip()
        page.locator("main").focus()
        tab_until(page, lambda focused: focused["tag"] == "button" and focused["text"] == submit, stops)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert re.search(r"/matters/\d+/$", page.url), page.url
    assert "楼道灯不亮" in page.locator("main h1").inner_text()

    without_ring = [stop for stop in stops if not stop["ring"]]
    assert not without_ring, f"focused without a visible focus ring: {without_ring}"
