from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "huiketing.meetings"
    label = "meetings"
    verbose_name = _("Deliberation and meetings")

    def ready(self) -> None:
        from huiketing.places.services import place_code_reference_register

        from . import rules  # noqa: F401  (registers the permissions)

        for model_label in ("meetings.Topic", "meetings.Meeting"):
            place_code_reference_register(model_label=model_label, field_name="place_code")
