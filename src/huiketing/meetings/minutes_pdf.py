"""The minutes' print layout as HTML, and the same HTML drawn as a PDF by WeasyPrint.

Both are in the minutes' language, whatever the reader's: `<html lang dir>` is set from it (right-to-left for
Uyghur and Kazakh), and the style sheet's font stacks pick Noto Naskh Arabic for the Arabic script and Noto
Sans CJK SC for Chinese (Debian's fonts-noto-core and fonts-noto-cjk, `make system-deps`). WeasyPrint lays the
text out with Pango and HarfBuzz, which join the Arabic letters and order right-to-left runs themselves.

The style sheet is inlined into the page, so the PDF needs nothing over HTTP: the fetcher may read local files
only. The PDF is drawn on each request; a page of minutes takes a fraction of a second.
"""

import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .minutes_selectors import MinutesDocument

PRINT_TEMPLATE = "meetings/minutes_print.html"
STATIC_DIR = Path(settings.STATICFILES_DIRS[0]) if settings.STATICFILES_DIRS else Path(settings.STATIC_ROOT)
# Characters no file name may hold on common systems, and control characters.
UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
FILENAME_LENGTH = 80


def minutes_print_html(*, document: MinutesDocument, for_pdf: bool = False) -> str:
    """The print layout of the minutes, rendered in their language."""
    with translation.override(document.language):
        return render_to_string(
            PRINT_TEMPLATE,
            {"doc": document, "for_pdf": for_pdf, "printed_at": timezone.localtime()},
        )


def _url_fetcher():
    """A fetcher that reads local files (and data: URLs) only: nothing in the minutes is fetched over HTTP."""
    from weasyprint import urls

    fetcher_class = getattr(urls, "URLFetcher", None)
    if fetcher_class is None:  # an older WeasyPrint, whose fetcher is a function: keep its default
        return None
    return fetcher_class(allowed_protocols={"file", "data"}, timeout=2)


def minutes_pdf(*, document: MinutesDocument) -> bytes:
    """The minutes as a PDF (A4), drawn from the print layout."""
    from weasyprint import HTML

    html = minutes_print_html(document=document, for_pdf=True)
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_url_fetcher()).write_pdf()


def pdf_filenames(document: MinutesDocument) -> tuple[str, str]:
    """An ASCII file name any client accepts, and the readable one (the meeting's title and date)."""
    meeting = document.meeting
    day = f"{document.opened_at:%Y-%m-%d}"
    ascii_name = f"minutes-{meeting.pk}-{day}.pdf"
    title = " ".join(UNSAFE_IN_FILENAME.sub(" ", meeting.title).split())[:FILENAME_LENGTH].strip(" .")
    return ascii_name, f"{title} {day}.pdf" if title else ascii_name


def content_disposition(document: MinutesDocument, *, attachment: bool = False) -> str:
    """`inline` (or `attachment`) with the ASCII file name and, for clients that read it, the UTF-8 one."""
    ascii_name, readable = pdf_filenames(document)
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable, safe='')}"
