"""What every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError, renamed: dict | None = None) -> None:
    """Show a service's ValidationError next to the field it names (or above the form if no field fits).

    `renamed` maps a name the service uses to the form's field for it (`{"titles": "title_zh"}`); a name
    mapped to None goes above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renamed = renamed or {}
    for name, messages in error.message_dict.items():
        field = renamed.get(name, name)
        form.add_error(field if field in form.fields else None, messages)
