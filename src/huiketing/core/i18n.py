"""Language helpers: Arabic-script Kazakh, and content stored in several languages.

Django ships a Kazakh catalogue in the Cyrillic script; Kazakh in Xinjiang is written in the Arabic script.
`kk` here must therefore never show Django's own Kazakh strings: for `kk` the translation object is built
only from this project's catalogues, and falls back to the default language (Chinese) where a string is
missing, never to Cyrillic.
"""

import gettext as gettext_module
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ARABIC_SCRIPT_ONLY = {"kk"}


class ProjectOnlyTranslation(trans_real.DjangoTranslation):
    """A DjangoTranslation that, for Arabic-script Kazakh, reads only the project's own catalogues.

    Every catalogue a DjangoTranslation merges (Django's own, each installed app's, LOCALE_PATHS, and the
    explicit `localedirs` of the JavaScript catalogue view) is opened through `_new_gnu_trans`, so refusing
    foreign directories there covers them all: Django's, the admin's and DRF's Cyrillic `kk` files are never
    read, and a string missing from our catalogues falls back to the default language.
    """

    def _own_locale(self) -> str:
        return self._DjangoTranslation__locale  # set by DjangoTranslation.__init__

    def _new_gnu_trans(self, localedir, use_null_fallback=True):
        if self._own_locale() in ARABIC_SCRIPT_ONLY and not _is_project_dir(localedir):
            return gettext_module.NullTranslations()  # merge() ignores it
        return super()._new_gnu_trans(localedir, use_null_fallback)


def _is_project_dir(localedir) -> bool:
    path = Path(localedir).resolve()
    if path.is_relative_to(PACKAGE_DIR):
        return True
    return any(path == Path(extra).resolve() for extra in settings.LOCALE_PATHS)


def install_arabic_script_kazakh() -> None:
    """Called from CoreConfig.ready(): swap the translation class in, everywhere Django holds a reference."""
    from django.conf.locale import LANG_INFO
    from django.views import i18n as i18n_views

    trans_real.DjangoTranslation = ProjectOnlyTranslation
    # The JavaScript catalogue view (the admin's jsi18n) imported the class before ready() ran.
    i18n_views.DjangoTranslation = ProjectOnlyTranslation
    trans_real._translations.clear()
    # Django describes `kk` as Cyrillic and left-to-right ({% get_language_info %}, the admin).
    LANG_INFO["kk"] = {
        **LANG_INFO.get("kk", {}),
        "bidi": True,
        "code": "kk",
        "name": "Kazakh",
        "name_local": "قازاقشا",
    }


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def pick(values: dict | None, language: str | None = None) -> str:
    """The value of a {language: text} mapping for the active language, falling back to Chinese."""
    if not values:
        return ""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    for code in (language, language.split("-")[0], settings.LANGUAGE_CODE, "en"):
        if values.get(code):
            return values[code]
    return next((v for v in values.values() if v), "")
