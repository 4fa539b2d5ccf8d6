from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "huiketing.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from huiketing.core import i18n

        i18n.install_arabic_script_kazakh()
        from django.utils.module_loading import autodiscover_modules

        from huiketing.core import (
            checks,  # noqa: F401  (registers system checks)
            security,  # noqa: F401  (connects the sign-in and sign-out handlers)
        )

        # Every app's tasks.py registers its background and periodic jobs.
        autodiscover_modules("tasks")
