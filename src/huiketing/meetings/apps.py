from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _meeting_kinds_ensure(sender, using: str = "default", **kwargs) -> None:
    from .models import MeetingKind

    if MeetingKind._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards, past the table
    from .meeting_services import meeting_kinds_ensure

    meeting_kinds_ensure(using=using)


class MeetingsConfig(AppConfig):
    name = "huiketing.meetings"
    label = "meetings"
    verbose_name = _("Deliberation and meetings")

    def ready(self) -> None:
        from huiketing.places.services import place_code_reference_register

        from . import rules  # noqa: F401  (registers the permissions)

        for model_label in ("meetings.Topic", "meetings.Meeting"):
            place_code_reference_register(model_label=model_label, field_name="place_code")

        # A fresh database gets the standard kinds of meeting as soon as this app's tables exist.
        post_migrate.connect(_meeting_kinds_ensure, sender=self, dispatch_uid="meetings.meeting_kinds_ensure")
