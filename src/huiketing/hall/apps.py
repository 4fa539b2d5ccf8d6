from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "huiketing.hall"
    label = "hall"
    verbose_name = _("Living rooms")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import rules  # noqa: F401  (registers the permissions)
        from .festivals import festivals_ensure_after_migrate

        post_migrate.connect(
            festivals_ensure_after_migrate, sender=self, dispatch_uid="hall_festivals_ensure"
        )
