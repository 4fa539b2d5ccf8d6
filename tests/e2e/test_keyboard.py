"""Keyboard only: from the home page to signing in and opening the registry with Tab, Enter and typing.

Every element the Tab key stops on must show a focus ring. Raising a matter joins this path with the matters
issue (it does not exist yet)."""

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
