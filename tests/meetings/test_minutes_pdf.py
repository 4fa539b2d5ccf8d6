"""The minutes PDF: Uyghur and Kazakh come out right-to-left with joined letters, Chinese comes out whole.

The PDF is read back with pypdf: its text (in logical order), the glyphs each font draws for each letter (from
the font's ToUnicode map), and where the first line of text stands on the page (from the content stream, the
fonts' glyph widths and the transformation matrices).
"""

import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import ContentStream

from huiketing.meetings import minutes_services

pytestmark = pytest.mark.django_db

# The print layout's page margins (print.css): 16 mm at the sides, in points.
SIDE_MARGIN = 16 / 25.4 * 72
A4_WIDTH = 595.28

UYGHUR = {
    "title": "ماشىنا توختىتىش ئورنى",
    "item1": "ماشىنا توختىتىش سىزىقى سىزىش",
    "item2": "ماشىنا ئامبىرى سېلىش",
    "summary1": "ئاھالىلەر شەرق يولى بويىدا ئورۇن سورىدى",
    "summary2": "نۇرغۇن كىشى بۇ پىلاننى قىممەت دەپ قارىدى",
    "reasons1": "ئەرزان ۋە تېز، ئوت ئۆچۈرۈش يولى ئوچۇق قالىدۇ",
    "reasons2": "خىراجىتى رېمونت فوندىدىن كۆپ",
    "follow_up1": "مۈلۈك شىركىتى بىر ئاي ئىچىدە سىزىق سىزىدۇ",
}
KAZAKH = {
    "title": "كولىك توقتاتۋ ورنى",
    "item1": "كولىك توقتاتۋ سىزىعىن سىزۋ",
    "item2": "كولىك قويماسىن سالۋ",
    "summary1": "تۇرعىندار شىعىس جولدىڭ بويىنان ورىن سۇرادى",
    "summary2": "كوپ ادام بۇل جوسپاردى قىمبات دەپ سانادى",
    "reasons1": "ارزان ءارى تەز، ءورت سوندىرۋ جولى اشىق قالادى",
    "reasons2": "شىعىنى جوندەۋ قورىنان كوپ، بۇل دۇرىس ەمەس",
    "follow_up1": "مۇلىك كومپانياسى ءبىر اي ىشىندە سىزىق سىزادى",
}
CHINESE = {
    "title": "停车位议事会",
    "item1": "施划停车位",
    "item2": "修建立体车库",
    "summary1": "居民希望沿东路施划车位。",
    "summary2": "多位发言人认为立体车库造价太高。",
    "reasons1": "花钱少、见效快，消防通道保持畅通。",
    "reasons2": "造价超过维修基金余额。",
    "follow_up1": "物业公司一个月内完成施划。",
}
SENTENCES = ("title", "item1", "summary1", "summary2", "reasons1", "reasons2", "follow_up1")


@pytest.fixture(autouse=True, scope="module")
def arabic_script_fonts():
    """The PDF needs the Noto fonts: without them, fail and say how to install them (never skip)."""
    listed = (
        subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    )
    if "Noto Naskh Arabic" not in listed and "Noto Sans Arabic" not in listed:
        pytest.fail(
            "No Noto Naskh Arabic or Noto Sans Arabic font was found (fc-list): the minutes PDF cannot draw "
            "Uyghur and Kazakh. Run `make system-deps` (as root) to install fonts-noto-core and "
            "fonts-noto-cjk."
        )
    if "Noto Sans CJK SC" not in listed:
        pytest.fail("No Noto Sans CJK SC font was found (fc-list). Run `make system-deps` to install it.")


def normal(text: str) -> str:
    """NFKC (presentation forms to letters) with white space collapsed, line breaks included."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# Reading the PDF back -----------------------------------------------------------------------------


def _cmap(font) -> dict[int, str]:
    """Glyph id → the text it stands for, from the font's ToUnicode CMap (bfchar and bfrange entries)."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")

    def text(hexa: str) -> str:
        return "".join(chr(int(hexa[i : i + 4], 16)) for i in range(0, len(hexa), 4))

    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, flags=re.S):
        for source, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(source, 16)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, flags=re.S):
        for first, last, target in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            for offset, glyph in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[glyph] = chr(int(target, 16) + offset)
    return mapping


def _widths(font) -> tuple[dict[int, float], float]:
    """Glyph id → advance width (thousandths of the font size), from the CID font's /W array."""
    cid_font = font["/DescendantFonts"][0].get_object()
    default = float(cid_font.get("/DW", 1000))
    widths: dict[int, float] = {}
    entries = list(cid_font.get("/W", []))
    i = 0
    while i < len(entries):
        first = int(entries[i])
        following = entries[i + 1]
        if isinstance(following, list) or hasattr(following, "__iter__"):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            i += 2
        else:
            for glyph in range(first, int(following) + 1):
                widths[glyph] = float(entries[i + 2])
            i += 3
    return widths, default


def glyphs_by_letter(pdf: bytes) -> dict[str, set[int]]:
    """For each character, the glyph ids the Arabic-script fonts of the first page draw it with (regular
    weight only, so that bold headings do not count as other forms)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    result: dict[str, set[int]] = {}
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        name = str(font["/BaseFont"])
        if "Arabic" not in name or "Bold" in name:
            continue
        for glyph, text in _cmap(font).items():
            result.setdefault(text, set()).add(glyph)
    return result


@dataclass
class Run:
    top: float  # the baseline's distance from the top of the page, in points
    left: float
    right: float
    text: str  # in drawing order (left to right)


def _multiply(m, n):
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def text_runs(pdf: bytes) -> list[Run]:
    """Every run of text on the first page with where it starts and ends, top of the page first."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    height = float(page.mediabox.height)
    fonts = {}
    for name, font in page["/Resources"]["/Font"].items():
        font = font.get_object()
        fonts[name] = (_cmap(font), *_widths(font))
    ctm, stack, tm, font, size = (1, 0, 0, 1, 0, 0), [], (1, 0, 0, 1, 0, 0), None, 0.0
    runs = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(x) for x in operands), ctm)
        elif operator == b"BT":
            tm = (1, 0, 0, 1, 0, 0)
        elif operator == b"Tm":
            tm = tuple(float(x) for x in operands)
        elif operator == b"Tf":
            font, size = operands[0], float(operands[1])
        elif operator in (b"TJ", b"Tj"):
            cmap, widths, default = fonts[font]
            parts = operands[0] if operator == b"TJ" else [operands[0]]
            advance, text = 0.0, []
            for part in parts:
                if isinstance(part, int | float) or part.__class__.__name__ in (
                    "FloatObject",
                    "NumberObject",
                ):
                    advance -= float(part) / 1000 * size
                    continue
                raw = getattr(part, "original_bytes", None) or bytes(part)
                for k in range(0, len(raw) - 1, 2):
                    glyph = int.from_bytes(raw[k : k + 2], "big")
                    advance += widths.get(glyph, default) / 1000 * size
                    text.append(cmap.get(glyph, ""))
            matrix = _multiply(tm, ctm)
            start = _multiply((1, 0, 0, 1, 0, 0), matrix)
            end = _multiply((1, 0, 0, 1, advance, 0), matrix)
            xs = sorted((start[4], end[4]))
            runs.append(Run(top=height - start[5], left=xs[0], right=xs[1], text="".join(text)))
            tm = _multiply((1, 0, 0, 1, advance, 0), tm)  # showing text moves the text matrix on
    return sorted(runs, key=lambda run: (round(run.top, 1), run.left))


def first_line(pdf: bytes) -> tuple[float, float]:
    """Where the first line of the first page starts and ends (left and right, in points)."""
    runs = text_runs(pdf)
    top = runs[0].top
    line = [run for run in runs if abs(run.top - top) < 1 and run.text.strip()]
    return min(run.left for run in line), max(run.right for run in line)


def reference_glyphs(language: str, letters: str) -> dict[str, set[int]]:
    """The glyph ids of `letters` drawn apart (each on its own, so in its isolated form), with the print
    layout's own style sheet and fonts."""
    from weasyprint import HTML

    css = render_to_string("meetings/minutes/print.css")
    html = (
        f'<html lang="{language}" dir="rtl"><head><meta charset="utf-8"><style>{css}</style></head>'
        f"<body><p>{' '.join(letters)}</p></body></html>"
    )
    return glyphs_by_letter(HTML(string=html).write_pdf())


# The tests ----------------------------------------------------------------------------------------


def _pdf(client, held) -> bytes:
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    response = client.get(reverse("meetings:minutes-pdf", kwargs={"pk": held.meeting.pk}), {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


@pytest.mark.parametrize(("language", "texts"), [("ug", UYGHUR), ("kk", KAZAKH)], ids=["uyghur", "kazakh"])
def test_arabic_script_minutes_read_right_to_left_with_joined_letters(
    client, make_held_meeting, language, texts
):
    held = make_held_meeting(language=language, texts=texts)
    pdf = _pdf(client, held)

    # The text comes back in logical order: each sentence as it was written, word by word.
    text = normal("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for key in SENTENCES:
        assert normal(texts[key]) in text, (key, texts[key])

    # Letter shaping: inside words the same letter is drawn with several glyphs (initial, medial, final
    # forms), and with other glyphs than the letters standing alone.
    drawn = glyphs_by_letter(pdf)
    isolated = reference_glyphs(language, "ىكۇ")
    for letter in "ىكۇ":
        assert len(drawn.get(letter, set())) >= 2, (letter, drawn.get(letter))
        assert len(isolated[letter]) == 1, (letter, isolated[letter])
        assert drawn[letter] - isolated[letter], (letter, drawn[letter], isolated[letter])

    # Right to left: the first line (the community's name) ends at the right margin, far from the left one.
    left, right = first_line(pdf)
    assert abs(right - (A4_WIDTH - SIDE_MARGIN)) < 2, (left, right)
    assert left > A4_WIDTH / 2


def test_chinese_minutes_read_left_to_right(client, make_held_meeting):
    held = make_held_meeting(language="zh-hans", texts=CHINESE)
    pdf = _pdf(client, held)
    reader = PdfReader(io.BytesIO(pdf))
    text = normal("\n".join(page.extract_text() for page in reader.pages)).replace(" ", "")
    for key in SENTENCES:
        assert normal(CHINESE[key]).replace(" ", "") in text, (key, CHINESE[key])
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts
    left, _right = first_line(pdf)
    assert abs(left - SIDE_MARGIN) < 2, left


def test_the_pdf_is_named_in_ascii_and_in_utf8(client, make_held_meeting):
    held = make_held_meeting(language="zh-hans", texts={**CHINESE, "title": '停车/位 "议事会"'})
    minutes = minutes_services.minutes_generate(by=held.chair, meeting=held.meeting)
    minutes_services.minutes_publish(by=held.chair, minutes=minutes)
    response = client.get(reverse("meetings:minutes-pdf", kwargs={"pk": held.meeting.pk}))
    day = f"{timezone.localtime(held.meeting.opened_at):%Y-%m-%d}"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'inline; filename="minutes-{held.meeting.pk}-')
    assert disposition.isascii()
    # The readable name keeps the title, without the characters no file name may hold.
    assert disposition.endswith(f"filename*=UTF-8''{quote(f'停车 位 议事会 {day}.pdf', safe='')}")
    assert f'filename="minutes-{held.meeting.pk}-{day}.pdf"' in disposition
