from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "huiketing.hall"
    label = "hall"
    verbose_name = _("Living rooms")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permissions)
