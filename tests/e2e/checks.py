"""What every page visited by the browser suite must satisfy, and the shared settings of the suite.

`check_page` is called on each page a path reaches: it saves a full-page screenshot, then checks that nothing
overflows sideways on a phone, that Uyghur and Kazakh pages are right to left and mirrored, that no English
is left untranslated, and (for the pages listed in the brief) that axe-core finds nothing serious or critical.
Paths added by later issues (matters, bookings, meals, votes, wishes) call the same function.
"""

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

LANGUAGES = ["zh-hans", "ug", "kk"]
RTL_LANGUAGES = {"ug", "kk"}
VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 800)}
DEMO_PASSWORD = os.environ.get("HUIKETING_DEMO_PASSWORD", "altay-demo-2026")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Latin words that are right in every language: product and format names, and the demo's usernames.
ALLOWED_LATIN = {
    "api",
    "excel",
    "xlsx",
    "csv",
    "jpeg",
    "png",
    "webp",
    "gif",
    "huiketing",
    "totp",
    "admin",
    "city",
    "subdistrict",
    "community",
    "gridleader",
    "resident",
    "canteen",
}
# Language choosers offer each language under its own name, whatever the page's language.
LANGUAGE_NAMES = {"简体中文", "ئۇيغۇرچە", "قازاقشا", "English"}
LATIN_RUN = re.compile(r"[A-Za-z]{3,}")
HAN = re.compile(r"[\u3400-\u9fff]")
BLOCKING_IMPACTS = {"serious", "critical"}

# Visible text of the page, with the element it sits in. Text inside an element that declares another
# language (the language switcher's names, each in its own script) and codes (.code) are left out; the
# options of selects, and the labels given in aria-label, title and placeholder, are included.
_VISIBLE_TEXT_JS = """() => {
  const lang = document.documentElement.lang;
  const foreign = (el) => { const owner = el.closest('[lang]'); return owner && owner.lang !== lang; };
  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // The title may hold a name (a resident's page): checked for Latin only, like text in <bdi>.
  const out = [{where: 'title', text: document.title, isolated: true}];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, template, .code') || foreign(el)) continue;
    if (el.tagName === 'OPTION' ? !shown(el.closest('select')) : !shown(el)) continue;
    out.push({where: el.tagName.toLowerCase(), text, isolated: !!el.closest('bdi')});
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (foreign(el) || !shown(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder']) {
      if (el.hasAttribute(name)) {
        const where = el.tagName.toLowerCase() + '@' + name;
        out.push({where, text: el.getAttribute(name), isolated: false});
      }
    }
  }
  return out;
}"""

_axe = Axe()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def untranslated(page, lang: str) -> list[str]:
    """Visible strings holding a run of three or more Latin letters that is not an allowed word; on Uyghur and
    Kazakh pages also Chinese characters outside <bdi> (names and addresses typed by people sit in <bdi>)."""
    found = []
    for item in page.evaluate(_VISIBLE_TEXT_JS):
        if item["text"] in LANGUAGE_NAMES:
            continue
        words = [word for word in LATIN_RUN.findall(item["text"]) if word.lower() not in ALLOWED_LATIN]
        chinese = lang in RTL_LANGUAGES and not item["isolated"] and HAN.search(item["text"])
        if words or chinese:
            found.append(f"<{item['where']}> {item['text'][:120]!r}")
    return found


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line per element."""
    results = _axe.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]} — {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return lines


def check_page(page, *, lang: str, viewport: str, name: str, axe: bool = False) -> None:
    """Screenshot the page as `<lang>-<viewport>-<name>.png`, then check layout, direction and translation
    (and accessibility when `axe`). Fails with every problem found on the page listed."""
    page.wait_for_load_state("load")
    screenshot(page, f"{lang}-{viewport}-{name}")
    where = f"{name} ({lang}, {viewport}, {page.url})"
    width = page.viewport_size["width"]
    problems = []

    html_lang, html_dir = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    if html_lang != lang:
        problems.append(f'<html lang="{html_lang}">, expected "{lang}"')
    expected_dir = "rtl" if lang in RTL_LANGUAGES else "ltr"
    if html_dir != expected_dir:
        problems.append(f'<html dir="{html_dir}">, expected "{expected_dir}"')

    brand = page.locator("header.site-header a.brand").bounding_box()
    if brand is None:
        problems.append("no brand link in the header")
    else:
        # Mirrored: the brand link sits at the start of the header, the right side in right-to-left.
        left, right = brand["x"], brand["x"] + brand["width"]
        if expected_dir == "rtl" and not (right > width * 0.75 and (left + right) / 2 > width / 2):
            problems.append(f"right to left, but the brand link spans x={left:.0f}–{right:.0f} of {width}")
        if expected_dir == "ltr" and not (left < width * 0.25 and (left + right) / 2 < width / 2):
            problems.append(f"left to right, but the brand link spans x={left:.0f}–{right:.0f} of {width}")

    if viewport == "phone":
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if scroll_width > inner_width + 1:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                  .filter(el => { const b = el.getBoundingClientRect();
                                  return b.right > innerWidth + 1 || b.left < -1; })
                  .slice(0, 5)
                  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""
            )
            problems.append(f"scrolls sideways: {scroll_width} px wide in {inner_width} px; too wide: {wide}")

    leftovers = untranslated(page, lang)
    if leftovers:
        problems.append("untranslated text:\n    " + "\n    ".join(leftovers[:15]))

    if axe:
        violations = axe_problems(page)
        if violations:
            problems.append("axe-core, serious or critical:\n  " + "\n  ".join(violations))

    assert not problems, f"{where}:\n- " + "\n- ".join(problems)


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form on the current language's cookie; ends on the page it leads to."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"signing in as {username} failed: {page.url}"
