from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "huiketing.matters"
    label = "matters"
    verbose_name = _("Matters")

    def ready(self) -> None:
        from huiketing.places.services import place_code_reference_register

        from . import rules  # noqa: F401  (registers the permissions)

        # Renumbering a grid rewrites the codes that matters and their handling units carry.
        for model_label in ("matters.Matter", "matters.HandlingUnit"):
            place_code_reference_register(model_label=model_label, field_name="place_code")
