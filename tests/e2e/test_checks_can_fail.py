"""The page checks themselves: each must fail on a page breaking its rule, or a green suite proves nothing."""

import pytest

from tests.e2e.checks import VIEWPORTS, axe_problems, check_page, untranslated


def test_english_page_fails_the_chinese_and_uyghur_checks(open_page):
    page = open_page(*VIEWPORTS["phone"])
    page.goto("/?lang=en")
    assert untranslated(page, "zh-hans"), "English text on a page checked as Chinese"
    with pytest.raises(AssertionError) as failure:
        check_page(page, lang="ug", viewport="phone", name="selfcheck-en-as-ug")
    message = str(failure.value)
    assert '<html lang="en">' in message
    assert '<html dir="ltr">, expected "rtl"' in message
    assert "right to left, but the brand link" in message
    assert "untranslated text" in message


def test_overflow_and_axe_violations_are_caught(open_page):
    page = open_page(*VIEWPORTS["phone"])
    page.goto("/?lang=zh-hans")
    page.evaluate(
        """() => { const wide = document.createElement('div'); wide.style.width = '900px';
                   wide.textContent = '宽'; document.querySelector('main').append(wide);
                   const image = document.createElement('img'); image.src = '/static/huiketing/icon.svg';
                   const link = document.createElement('a'); link.href = '/'; link.append(image);
                   document.querySelector('main').append(link); }"""
    )
    problems = axe_problems(page)
    assert any("image-alt" in line or "link-name" in line for line in problems), problems
    with pytest.raises(AssertionError, match="scrolls sideways"):
        check_page(page, lang="zh-hans", viewport="phone", name="selfcheck-overflow")
