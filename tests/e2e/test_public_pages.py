"""The public pages and a new resident's sign-up, in Chinese, Uyghur and Kazakh, on a phone and a desktop."""

import random

import pytest

from tests.e2e.checks import LANGUAGES, VIEWPORTS, check_page


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_places_grid_login_and_signup_pages(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    check_page(page, lang=lang, viewport=viewport, name="home", axe=True)

    with page.expect_navigation():
        page.locator('header nav.main-nav a[href="/places/"]').click()
    check_page(page, lang=lang, viewport=viewport, name="places", axe=True)

    # The index lists the communities of each subdistrict; a community's page lists its grids.
    with page.expect_navigation():
        page.locator("main section ul.plain a").first.click()
    assert len(page.url.rstrip("/").rsplit("/", 1)[-1]) == 12, page.url
    grid_link = page.locator("main ul.plain a").first
    grid_code = grid_link.get_attribute("href").strip("/").rsplit("/", 1)[-1]
    assert len(grid_code) == 15, grid_code
    with page.expect_navigation():
        grid_link.click()
    assert page.url.endswith(f"/places/{grid_code}/")
    assert page.locator("main svg.map").count() == 1
    check_page(page, lang=lang, viewport=viewport, name="grid", axe=True)

    page.goto("/accounts/login/")
    check_page(page, lang=lang, viewport=viewport, name="login", axe=True)

    page.goto("/signup/")
    check_page(page, lang=lang, viewport=viewport, name="signup", axe=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_new_resident_signs_up_and_lands_on_verification(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/signup/?lang={lang}")
    phone = f"1{random.choice('3456789')}{random.randrange(10**9):09d}"
    page.fill("#id_phone", phone)
    page.fill("#id_display_name", "阿依古丽")
    page.fill("#id_password", "snow-apple-9431")
    page.fill("#id_password_again", "snow-apple-9431")
    assert page.locator("#id_preferred_language").input_value() == lang
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.url.endswith("/account/verify/"), page.url
    assert page.locator(".messages li.success").count() == 1
    assert page.locator("main form #id_full_name").is_visible()
    assert page.locator("main form #id_id_number").is_visible()
    check_page(page, lang=lang, viewport=viewport, name="signup-verify", axe=True)
