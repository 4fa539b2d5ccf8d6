from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "huiketing.points"
    label = "points"
    verbose_name = _("Points")

    def ready(self) -> None:
        from huiketing.places.services import place_code_reference_register

        from . import rules  # noqa: F401  (registers the permissions)

        place_code_reference_register(model_label="points.Account", field_name="place_code")
