"""The account page opened with `?lang=` shows that language selected, and what the person then saves is kept:
the choice is stored on the account before the page renders, and nothing is remembered from the POST."""

from tests.e2e.checks import VIEWPORTS, sign_in


def test_account_page_opened_with_lang_selects_that_language(open_page):
    page = open_page(*VIEWPORTS["desktop"])
    page.goto("/?lang=kk")
    sign_in(page, "resident")
    page.goto("/?lang=kk")  # the account's language is now kk
    page.goto("/account/?lang=ug")
    assert page.evaluate("document.documentElement.lang") == "ug"
    assert page.locator("input[name=preferred_language]:checked").get_attribute("value") == "ug"
