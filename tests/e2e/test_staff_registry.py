"""A grid leader's path through the registry: sign in, list and filter residents, open one, reveal the ID
number with a reason (a POST, shown once), sign out. In Chinese, Uyghur and Kazakh, on phone and desktop."""

import re

import pytest

from tests.e2e.checks import LANGUAGES, VIEWPORTS, check_page, sign_in

REGISTRY = "/staff/registry/residents/"
FULL_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def full_id_numbers(page) -> list[str]:
    return FULL_ID_NUMBER.findall(page.locator("body").inner_text())


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_grid_leader_finds_a_resident_and_reveals_the_id_number(open_page, lang, viewport):
    page = open_page(*VIEWPORTS[viewport])
    page.goto(f"/?lang={lang}")
    sign_in(page, "gridleader")

    with page.expect_navigation():
        page.locator(f'header nav.main-nav a[href="{REGISTRY}"]').click()
    assert page.url.endswith(REGISTRY)
    check_page(page, lang=lang, viewport=viewport, name="registry-residents", axe=True)
    assert full_id_numbers(page) == [], "the list shows ID numbers masked"

    # A resident with an ID number on file; the list shows it masked. Filter the list by their name.
    rows = page.evaluate(
        """() => [...document.querySelectorAll('main table tbody tr')].map(row => ({
             name: row.querySelector('th a')?.innerText.trim(),
             masked: row.querySelector('td.code')?.innerText.trim() }))"""
    )
    name, masked = next((row["name"], row["masked"]) for row in rows if row["name"] and row["masked"])
    assert "*" in masked, masked
    page.fill("#id_name", name)
    with page.expect_navigation():
        page.locator("main form.filters").first.locator("button[type=submit]").click()
    assert "name=" in page.url
    names = page.locator("main table tbody th a").all_inner_texts()
    assert names and all(name in found for found in names), names
    check_page(page, lang=lang, viewport=viewport, name="registry-filtered")

    with page.expect_navigation():
        page.locator("main table tbody th a", has_text=name).first.click()
    resident_url = page.url
    assert re.search(r"/staff/registry/residents/\d+/$", resident_url), resident_url
    assert page.locator("main h1").inner_text().strip() == name
    id_value = page.locator("dl.registry-facts dd").first
    assert id_value.locator(".code").first.inner_text().strip() == masked
    assert full_id_numbers(page) == []
    check_page(page, lang=lang, viewport=viewport, name="resident", axe=True)

    reveal = id_value.locator("details.reveal")
    reveal.locator("summary").click()
    reveal.locator("[name=reason]").fill("入户核实身份信息")
    with page.expect_response(lambda response: "/reveal/" in response.url) as answer:
        reveal.locator("button[type=submit]").click()
    response = answer.value
    assert response.request.method == "POST"
    assert response.status == 200
    page.wait_for_load_state("load")

    revealed = id_value.locator("strong.code").inner_text().strip()
    assert FULL_ID_NUMBER.fullmatch(revealed), revealed
    assert len(masked) == len(revealed)
    assert all(shown in ("*", full) for shown, full in zip(masked, revealed, strict=True)), (masked, revealed)
    assert full_id_numbers(page) == [revealed]
    assert page.locator("main p.notice[role=status]").is_visible()
    check_page(page, lang=lang, viewport=viewport, name="resident-revealed", axe=True)

    # Shown once: the same page fetched again has it masked.
    page.goto(resident_url)
    assert full_id_numbers(page) == []

    with page.expect_navigation():
        page.locator("header form[action='/accounts/logout/'] button").click()
    assert page.locator('header a[href^="/accounts/login/"]').is_visible()
    page.goto(REGISTRY)
    assert "/accounts/login/" in page.url, page.url
