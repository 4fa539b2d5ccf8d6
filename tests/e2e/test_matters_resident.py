"""A resident on a phone raises a matter (through the duplicate step when similar matters show), lands on its
public page, follows it, and reads the public list and "my matters": in Chinese, Uyghur and Kazakh."""

import random
import re

import pytest

from tests.e2e.checks import LANGUAGES, VIEWPORTS, check_page, sign_in

NEW = "/matters/new/"
MATTER_URL = re.compile(r"/matters/(\d+)/$")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_resident_raises_a_matter_and_follows_it_on_a_phone(open_page, lang):
    viewport = "phone"
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    sign_in(page, "resident")

    with page.expect_navigation():
        page.locator(f'header nav.main-nav a[href="{NEW}"]').click()
    assert page.url.endswith(NEW)
    if page.locator("#id_category option").count() < 2:
        pytest.skip("The demo has no categories of matters yet: nothing can be raised.")
    check_page(page, lang=lang, viewport=viewport, name="matter-raise", axe=True)

    title = f"小区东门路灯不亮 {random.randrange(10**6)}"
    page.fill("#id_title", title)
    page.fill("#id_description", "东门的路灯坏了三天，晚上老人出门看不清路。")
    page.select_option("#id_category", index=1)
    page.select_option("#id_grid", index=1)
    page.fill("#id_address", "东门")
    with page.expect_navigation():
        page.locator("form.raise-form button[type=submit]").click()

    if page.locator("section.similar").count():
        # Similar open matters were found: the step shows them, with the form kept to raise ours anyway.
        assert page.locator("#id_title").input_value() == title
        assert page.locator("section.similar form[action$='/follow/']").count() > 0
        check_page(page, lang=lang, viewport=viewport, name="matter-similar", axe=True)
        with page.expect_navigation():
            page.locator("form.raise-form button[type=submit]").click()

    match = MATTER_URL.search(page.url)
    assert match, page.url
    assert title in page.locator("main h1").inner_text()
    check_page(page, lang=lang, viewport=viewport, name="matter", axe=True)

    # Raising follows the matter; stop following, then follow it again.
    unfollow = page.locator(f"form[action='/matters/{match.group(1)}/unfollow/'] button")
    assert unfollow.count() == 1
    with page.expect_navigation():
        unfollow.click()
    follow = page.locator(f"form[action='/matters/{match.group(1)}/follow/'] button")
    with page.expect_navigation():
        follow.click()
    assert page.locator(f"form[action='/matters/{match.group(1)}/unfollow/']").count() == 1
    check_page(page, lang=lang, viewport=viewport, name="matter-followed", axe=True)

    page.goto("/matters/mine/")
    assert page.locator(f"main a[href='/matters/{match.group(1)}/']").count() == 1
    check_page(page, lang=lang, viewport=viewport, name="matters-mine", axe=True)

    with page.expect_navigation():
        page.locator('header nav.main-nav a[href="/matters/"]').click()
    assert page.locator("main .matter-item").count() > 0
    check_page(page, lang=lang, viewport=viewport, name="matters", axe=True)
