"""Assisted mode on every request: while a staff member acts for a resident, the audit context names the
resident (core.context.on_behalf_of), so that every entry written records both people.

Goes after MessageMiddleware (and so after AuthenticationMiddleware and RequestContextMiddleware, whose
context it extends with the resident for the rest of the request).
"""

from django.contrib import messages
from django.utils.translation import gettext as _

from huiketing.people.verification import ACTING_FOR, acting_for, assisted_mode_resident


class AssistedModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.huiketing_acting_for = None
        session = getattr(request, "session", None)
        if session is None or ACTING_FOR not in session:
            return self.get_response(request)
        resident = assisted_mode_resident(request=request)
        if resident is None:
            messages.warning(request, _("Assisted mode has ended."), fail_silently=True)
            return self.get_response(request)
        request.huiketing_acting_for = resident
        with acting_for(resident):
            return self.get_response(request)
