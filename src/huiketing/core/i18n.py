"""Language helpers: Arabic-script Kazakh, and content stored in several languages.

Django ships a Kazakh catalogue in the Cyrillic script; Kazakh in Xinjiang is written in the Arabic script.
`kk` here must therefore never show Django's own Kazakh strings: for `kk` the translation object is built
only from this project's catalogues, and falls back to the default language (Chinese) where a string is
missing, never to Cyrillic.
"""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ARABIC_SCRIPT_ONLY = {"kk"}


class ProjectOnlyTranslation(trans_real.DjangoTranslation):
    """A DjangoTranslation that, for Arabic-script Kazakh, merges only the project's own catalogues."""

    def _own_locale(self) -> str:
        return self._DjangoTranslation__locale  # set by DjangoTranslation.__init__

    def _init_translation_catalog(self) -> None:
        if self._own_locale() in ARABIC_SCRIPT_ONLY:
            return
        super()._init_translation_catalog()

    def _add_installed_apps_translations(self) -> None:
        if self._own_locale() not in ARABIC_SCRIPT_ONLY:
            super()._add_installed_apps_translations()
            return
        from django.apps import apps

        for app_config in reversed(apps.get_app_configs()):
            if Path(app_config.path).resolve().is_relative_to(PACKAGE_DIR):
                localedir = Path(app_config.path) / "locale"
                if localedir.exists():
                    self.merge(self._new_gnu_trans(str(localedir)))


def install_arabic_script_kazakh() -> None:
    trans_real.DjangoTranslation = ProjectOnlyTranslation
    trans_real._translations.clear()


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
