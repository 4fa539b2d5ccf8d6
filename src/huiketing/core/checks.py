"""System checks for settings that must hold in every deployment."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def field_keys_apart(app_configs, **kwargs):
    errors = []
    keys = settings.FIELD_KEYS
    if keys and settings.SECRET_KEY in keys:
        errors.append(
            Error(
                "HUIKETING_FIELD_KEYS must not contain the secret key.",
                id="huiketing.E001",
            )
        )
    return errors
