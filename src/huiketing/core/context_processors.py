"""Values every page's template needs: site name, demo flag, display preferences, the language switcher,
the number of unread notifications."""

from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from huiketing.core import selectors as core_selectors
from huiketing.core.middleware import large_text_requested
from huiketing.places import selectors as place_selectors


def site(request):
    language = translation.get_language() or settings.LANGUAGE_CODE
    bidi = set(settings.LANGUAGES_BIDI)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Demo data is marked as such however it was loaded, not only under `huiketing demo`.
        "DEMO": settings.DEMO or place_selectors.demo_places_present(),
        "LARGE_TEXT": large_text_requested(request),
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        # Each language named in its own script, with the direction that script is written in.
        "LANGUAGE_SWITCHER": [
            {"code": code, "name": name, "dir": "rtl" if code.split("-")[0] in bidi else "ltr"}
            for code, name in settings.LANGUAGES
        ],
        "CURRENT_LANGUAGE": language,
        # Counted (one query) only when a template shows it, and only for a signed-in account.
        "UNREAD_NOTIFICATIONS": SimpleLazyObject(lambda: _unread(request)),
    }


def _unread(request) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return core_selectors.notifications_unread_count(user=user)
