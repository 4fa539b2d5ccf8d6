"""Elderly mode: a resident switches large text on from the account page; body text is then at least 18 px
and every button at least 44 px high, on the account page and on the public pages, without sideways scroll."""

import pytest

from tests.e2e.checks import LANGUAGES, VIEWPORTS, check_page, sign_in

MIN_TEXT_PX = 18
MIN_BUTTON_PX = 44

# Font sizes of the elements holding visible text, and heights of visible buttons.
_SIZES_JS = """() => {
  const shown = (el) => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  const text = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('script, style, option') || !shown(el)) continue;
    text.push({what: el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
               text: node.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize)});
  }
  const buttons = [...document.querySelectorAll('button, .button, input[type=submit]')].filter(shown);
  return {body: parseFloat(getComputedStyle(document.body).fontSize), text, buttons: buttons.map(el => ({
    what: el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
    text: el.innerText.trim().slice(0, 40), px: el.getBoundingClientRect().height}))};
}"""


def assert_large(page, where: str) -> None:
    assert page.evaluate("document.documentElement.classList.contains('large-text')"), where
    sizes = page.evaluate(_SIZES_JS)
    assert sizes["body"] >= MIN_TEXT_PX, (where, sizes["body"])
    small_text = [item for item in sizes["text"] if item["px"] < MIN_TEXT_PX]
    assert not small_text, (where, small_text[:10])
    assert sizes["buttons"], where
    low_buttons = [item for item in sizes["buttons"] if item["px"] < MIN_BUTTON_PX]
    assert not low_buttons, (where, low_buttons)


def save_large_text(page, on: bool) -> None:
    form = page.locator("main form", has=page.locator("#id_large_text"))
    form.locator("#id_large_text").set_checked(on)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith("/account/"), page.url


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_large_text_from_the_account_page(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    sign_in(page, "resident")
    # `?lang=` on a signed-in page makes it the account's language too, which the account form saves back.
    # (Not `/account/?lang=`: see test_account_language.py.)
    page.goto(f"/?lang={lang}")
    page.goto("/account/")
    try:
        if page.locator("#id_large_text").is_checked():
            save_large_text(page, on=False)
        assert not page.evaluate("document.documentElement.classList.contains('large-text')")
        normal_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        check_page(page, lang=lang, viewport=viewport, name="account", axe=True)

        save_large_text(page, on=True)
        assert page.locator("#id_large_text").is_checked()
        assert page.locator("header button.toggle").get_attribute("aria-pressed") == "true"
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > normal_px
        assert_large(page, "account")
        check_page(page, lang=lang, viewport=viewport, name="account-large-text", axe=True)

        for path, name in [("/", "home-large-text"), ("/places/", "places-large-text")]:
            page.goto(path)
            assert_large(page, name)
            check_page(page, lang=lang, viewport=viewport, name=name)
    finally:
        page.goto("/account/")
        save_large_text(page, on=False)
