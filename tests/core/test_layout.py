"""The base layout (DESIGN.md §5, STYLE.md 8–9): language switcher, large-text mode, right-to-left safe CSS,
accessible colours and touch targets, no hard-coded text, and a page light enough for a cheap phone."""

import html as html_module
import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

import huiketing

PACKAGE_DIR = Path(huiketing.__file__).parent
STATIC_DIR = PACKAGE_DIR / "static" / "huiketing"
CSS_FILES = sorted(STATIC_DIR.glob("*.css"))
SITE_CSS = (STATIC_DIR / "site.css").read_text()
TEMPLATES = sorted(PACKAGE_DIR.glob("templates/**/*.html")) + sorted(
    PACKAGE_DIR.glob("*/templates/**/*.html")
)
LARGE_TEXT_COOKIE = "huiketing_large_text"


def switcher_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return {
        lang: html_module.unescape(href)
        for href, lang in re.findall(r'<a href="([^"]*)" lang="([^"]*)"', nav)
    }


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


# Language switcher


def test_switcher_links_keep_the_path_and_other_query_parameters(client, tree):
    html = client.get("/places/?q=%E7%A4%BE%E5%8C%BA&page=2&lang=en").content.decode()
    links = switcher_links(html)
    assert set(links) == {"zh-hans", "ug", "kk", "en"}
    for code, href in links.items():
        parts = urlsplit(href)
        assert parts.path == "/places/"
        assert parse_qs(parts.query) == {"q": ["社区"], "page": ["2"], "lang": [code]}


def test_lang_url_tag_replaces_lang_and_escapes():
    request = RequestFactory().get("/places/654301/", {"lang": "ug", "a": "1&2", "b": "<x>"})
    rendered = Template("{% load huiketing %}{% lang_url 'kk' %}").render(Context({"request": request}))
    href = html_module.unescape(rendered)
    assert "<" not in rendered
    parts = urlsplit(href)
    assert parts.path == "/places/654301/"
    assert parse_qs(parts.query) == {"lang": ["kk"], "a": ["1&2"], "b": ["<x>"]}


def test_switcher_names_each_language_in_its_own_script(client, tree):
    html = client.get("/?lang=ug").content.decode()
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    assert 'lang="zh-hans" hreflang="zh-hans" dir="ltr">简体中文</a>' in nav
    assert 'lang="ug" hreflang="ug" dir="rtl" aria-current="true">ئۇيغۇرچە</a>' in nav
    assert 'lang="kk" hreflang="kk" dir="rtl">قازاقشا</a>' in nav
    assert 'lang="en" hreflang="en" dir="ltr">English</a>' in nav


def test_every_page_has_the_switcher_skip_link_and_main(client, tree):
    for url in ["/", "/places/", f"/places/{tree.grids[0].code}/", "/accounts/login/"]:
        html = client.get(url).content.decode()
        assert '<nav class="languages"' in html, url
        assert '<a class="skip" href="#main">' in html, url
        assert '<main id="main"' in html, url


def test_account_link_when_signed_in(client, tree, make_user):
    assert 'href="/account/"' not in client.get("/").content.decode()
    client.force_login(make_user("amina", display_name="阿米娜"))
    html = client.get("/").content.decode()
    assert '<a href="/account/" title="我的账号"><bdi>阿米娜</bdi></a>' in html


def test_demo_banner_only_in_demo(client, tree, settings):
    assert "demo-banner" not in client.get("/").content.decode()
    settings.DEMO = True
    assert 'class="demo-banner" role="note"' in client.get("/").content.decode()


# Large-text elderly mode


def test_large_text_toggle_sets_a_cookie_and_the_class(client, tree):
    assert "large-text" not in html_tag(client.get("/").content.decode())
    response = client.post("/display/large-text/", {"large_text": "1", "next": "/places/?lang=ug"})
    assert response.status_code == 302
    assert response["Location"] == "/places/?lang=ug"
    assert response.cookies[LARGE_TEXT_COOKIE].value == "1"
    html = client.get("/places/").content.decode()
    assert 'class="large-text"' in html_tag(html)
    assert 'aria-pressed="true"' in html
    client.post("/display/large-text/", {"large_text": "0", "next": "/"})
    assert "large-text" not in html_tag(client.get("/").content.decode())


def test_large_text_toggle_refuses_foreign_redirects(client, db):
    response = client.post("/display/large-text/", {"large_text": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_large_text_toggle_needs_csrf(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/display/large-text/", {"large_text": "1"}).status_code == 403


def test_large_text_is_stored_on_the_account_and_survives_a_new_session(client, tree, make_user):
    user = make_user("elder")
    client.force_login(user)
    client.post("/display/large-text/", {"large_text": "1", "next": "/"})
    user.refresh_from_db()
    assert user.large_text is True
    new_session = Client()  # another phone: no cookie
    new_session.force_login(user)
    assert 'class="large-text"' in html_tag(new_session.get("/").content.decode())


# CSS: logical properties only, large text, colours, touch targets, fonts, nothing from outside

PHYSICAL = [
    re.compile(r"(?<![\w-])(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)\b"),
    re.compile(r"(?<![\w-])border-(?:top|bottom)-(?:left|right)-radius\b"),
    re.compile(r"(?<![\w-])(?:left|right)\s*:\s*[-\w.]"),
    re.compile(r"(?<![\w-])(?:text-align|float|clear)\s*:\s*(?:left|right)\b"),
]


@pytest.mark.parametrize("path", CSS_FILES + TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_physical_css_properties(path):
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    for pattern in PHYSICAL:
        assert not pattern.search(text), (
            f"{path.name}: {pattern.search(text).group(0)} (use a logical property)"
        )


def css_rule(selector: str, css: str = SITE_CSS) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def css_length_in_px(value: str, root_px: float = 16) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(%|px|rem|em)", value.strip()).groups()
    return {"%": root_px / 100, "px": 1, "rem": root_px, "em": root_px}[unit] * float(number)


def test_large_text_root_font_size_gives_at_least_18px_body_text():
    rule = css_rule("html.large-text")
    size = re.search(r"font-size:\s*([^;]+);", rule).group(1)
    assert css_length_in_px(size) >= 18  # ≥ 112.5 %
    body = re.search(r"\bbody\s*\{[^}]*font-size:\s*([^;]+);", SITE_CSS).group(1)
    assert body.strip() == "1rem"  # body text is the root size
    touch = re.search(r"--touch:\s*([^;]+);", rule).group(1)
    assert css_length_in_px(touch, root_px=css_length_in_px(size)) >= 44


def test_no_text_shrinks_below_18px_in_large_text_mode():
    root_px = css_length_in_px(re.search(r"font-size:\s*([^;]+);", css_rule("html.large-text")).group(1))
    screen_css = SITE_CSS[: SITE_CSS.index("@media print")]
    sizes = re.findall(r"font-size:\s*([\d.]+(?:rem|em))", screen_css)
    assert sizes
    for size in sizes:
        assert css_length_in_px(size, root_px=root_px) >= 18, size


def test_touch_targets_are_44px_in_normal_mode_too():
    touch = re.search(r"--touch:\s*([^;]+);", css_rule(":root")).group(1)
    assert css_length_in_px(touch) >= 44
    assert "min-block-size: var(--touch)" in css_rule("button, .button")


def test_focus_is_visible():
    assert "outline: 3px solid" in css_rule(":focus-visible")


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_vars(rule: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", rule))


@pytest.mark.parametrize("mode", ["normal", "large-text"])
def test_colour_contrast_reaches_aa(mode):
    colours = css_vars(css_rule(":root"))
    if mode == "large-text":
        colours |= css_vars(css_rule("html.large-text"))
    pairs = [
        ("--accent-fg", "--accent"),
        ("--fg", "--bg"),
        ("--fg", "--soft"),
        ("--link", "--bg"),
        ("--link", "--soft"),
        ("--muted", "--bg"),
        ("--muted", "--soft"),
        ("--bad", "--bg"),
    ]
    for fg, bg in pairs:
        assert contrast(colours[fg], colours[bg]) >= 4.5, (mode, fg, bg)
    assert contrast(colours["--line"], colours["--bg"]) >= 3  # borders of inputs (WCAG 1.4.11)
    assert contrast(colours["--focus"], colours["--bg"]) >= 3


def test_system_fonts_cover_chinese_and_arabic_script_and_nothing_is_downloaded():
    root = css_rule(":root")
    for family in [
        '"Noto Sans CJK SC"',
        '"Microsoft YaHei"',
        '"UKIJ Tuz"',
        '"Noto Naskh Arabic"',
        '"Microsoft Uighur"',
    ]:
        assert family in root
    assert "var(--font-arabic)" in css_rule("[lang|=ug], [lang|=kk]")
    for path in CSS_FILES:
        css = path.read_text()
        assert "@font-face" not in css
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


def test_templates_load_nothing_from_another_site():
    for path in TEMPLATES:
        text = path.read_text()
        for tag in re.findall(r"<(?:link|script|img|iframe)\b[^>]*>", text):
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), f"{path.name}: {tag}"


def test_print_stylesheet_hides_navigation():
    print_css = SITE_CSS[SITE_CSS.index("@media print") :]
    assert ".site-header" in print_css
    assert "display: none" in print_css


# Templates: no hard-coded user-visible text


# Text that may stay untranslated, with the reason.
ALLOWED_TEXT: dict[str, str] = {}
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:title|alt|placeholder|aria-label|value)="([^"]*)"')


def _leftover_text(source: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S)
    text = re.sub(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", "", text, flags=re.S)
    # A button's, an option's and a hidden input's value are sent with the form, never shown.
    unseen_values = re.sub(
        r"<(?:button\b|option\b|input\b(?=[^>]*\btype=\"hidden\"))[^>]*>",
        lambda tag: re.sub(r'\bvalue="[^"]*"', "", tag.group(0)),
        text,
    )
    attributes = " ".join(VISIBLE_ATTRIBUTES.findall(unseen_values))
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"<!doctype[^>]*>", "", text, flags=re.I)
    text = re.sub(r"<[^>]*>", " ", text + " " + attributes)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"&[#\w]+;", " ", text)
    return "".join(ch for ch in text if not ch.isspace())


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] in {"P", "S", "N"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_templates_have_no_hard_coded_text(path):
    source = path.read_text()
    if path.name != "base.html" and '{% extends "base.html" %}' not in source:
        pytest.skip("not a page template")
    leftover = "".join(ch for ch in _leftover_text(source) if not _is_symbol(ch))
    for text, _reason in ALLOWED_TEXT.items():
        leftover = leftover.replace(text, "")
    assert not leftover, f"{path.name}: untranslated text {leftover[:60]!r}"


def test_hard_coded_text_check_notices_text():
    assert _leftover_text('{% translate "Hi" %} <p title="Oops">x · {{ y }}</p>') == "x·Oops"


# Page weight


def test_home_page_html_and_css_weigh_under_30_kb(client, tree):
    html = client.get("/").content
    css = b"".join(path.read_bytes() for path in CSS_FILES)
    assert len(html) + len(css) < 30 * 1024, (len(html), len(css))


def test_demo_banner_shows_whenever_demo_places_are_loaded(client, tree, settings):
    from django.core.cache import cache

    from huiketing.places.models import Place

    settings.DEMO = False
    Place.objects.filter(pk=tree.grids[0].pk).update(is_demo=True)
    cache.clear()
    assert 'class="demo-banner" role="note"' in client.get("/").content.decode()
