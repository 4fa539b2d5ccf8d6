"""Login security: lockout answers, session lifetime, the second factor for roles that reveal personal data,
and ending every session of a deactivated account.

django-axes counts failed sign-ins (settings "Login security"); django-otp keeps the TOTP devices and marks a
session verified. What is ours: which roles need the second factor (SECOND_FACTOR_ROLES), how long a session
lives, the index of sessions per account (core.models.UserSession) and the translated answers.
"""

import time
from base64 import b32encode
from datetime import timedelta
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token

from huiketing.core import scope
from huiketing.core.api import error_body
from huiketing.core.audit import audit_record
from huiketing.core.middleware import client_ip
from huiketing.core.models import UserSession
from huiketing.people.models import STAFF_ROLES

# Roles that work with the residents registry (every staff role: even masked, it is personal data) sign in
# with a password and a code from an authenticator app.
SECOND_FACTOR_ROLES = STAFF_ROLES

# Session keys of our own.
LOGIN_AT = "huiketing_login_at"
SEEN_AT = "huiketing_seen_at"
SETUP_KEY = "huiketing_otp_setup_key"
# The last-seen time is written at most this often, so that a busy session is not saved on every request.
TOUCH_SECONDS = 60

# Views an account that still owes its second factor may reach.
SECOND_FACTOR_EXEMPT = {
    "logout",
    "otp-verify",
    "otp-setup",
    "healthz",
    "set_language",
    "large-text",
    "api-auth-token",
    "admin:logout",
}


# --- Lockout (django-axes) ----------------------------------------------------------------------------------


def lockout_cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: how long a lock lasts (a function, so that tests may change the setting)."""
    return timedelta(minutes=settings.HUIKETING_LOGIN_LOCKOUT_MINUTES)


def lockout_message() -> str:
    minutes = settings.HUIKETING_LOGIN_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed sign-in attempts. Signing in to this account, or from this address, is locked for "
        "%(minutes)d minute.",
        "Too many failed sign-in attempts. Signing in to this account, or from this address, is locked for "
        "%(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class LockedOut(exceptions.APIException):
    """The API's answer to a sign-in refused because of the lockout (error code `locked_out`)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(lockout_message(), self.default_code)
        # DRF's handler turns `wait` into a Retry-After header.
        self.wait = settings.HUIKETING_LOGIN_LOCKOUT_MINUTES * 60


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the API gets the project's error shape, people get a page, both 429."""
    seconds = settings.HUIKETING_LOGIN_LOCKOUT_MINUTES * 60
    if request.path.startswith("/api/"):
        response = JsonResponse(
            error_body(status.HTTP_429_TOO_MANY_REQUESTS, LockedOut.default_code, lockout_message()),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    else:
        response = render(
            request,
            "core/lockout.html",
            {"minutes": settings.HUIKETING_LOGIN_LOCKOUT_MINUTES, "message": lockout_message()},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    response["Retry-After"] = str(seconds)
    return response


# --- Sessions -----------------------------------------------------------------------------------------------


def _session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


@receiver(user_logged_in, dispatch_uid="huiketing.core.security.session_started")
def _session_started(sender, request, user, **kwargs):
    """Stamp the new session (Django has just given it a new key) and index it under its account."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session.pop(SETUP_KEY, None)
    if session.session_key is None:
        session.save()
    # Sessions that ended without a sign-out (expired, cookie thrown away) leave rows behind: drop this
    # account's rows that no session can still be using.
    cutoff = timezone.now() - timedelta(hours=settings.HUIKETING_SESSION_MAX_HOURS)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()
    UserSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "ip": client_ip(request)}
    )


@receiver(user_logged_out, dispatch_uid="huiketing.core.security.session_ended")
def _session_ended(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def user_sessions_end(*, user) -> int:
    """Delete every session the account is signed in with from the session store; the number ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        _session_store(key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, by, user, reason: str = ""):
    """Deactivate an account: it can no longer sign in, its sessions end now and its API token is deleted."""
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = user_sessions_end(user=user)
    tokens, _deleted = Token.objects.filter(user=user).delete()
    audit_record(
        actor=by,
        action="people.user.deactivated",
        obj=user,
        changes={
            "is_active": [was_active, False],
            "sessions_ended": [None, sessions],
            "api_token": [tokens, 0],
        },
        reason=reason,
    )
    return user


class SessionLifetimeMiddleware:
    """Ends a signed-in session idle for HUIKETING_SESSION_IDLE_MINUTES or older than
    HUIKETING_SESSION_MAX_HOURS: the session is deleted from the store and the request goes on anonymous."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None:  # a session from before this check existed: its lifetime starts now
            session[LOGIN_AT] = login_at = now
        idle = settings.HUIKETING_SESSION_IDLE_MINUTES * 60
        lifetime = settings.HUIKETING_SESSION_MAX_HOURS * 3600
        if (seen_at is not None and now - seen_at > idle) or now - login_at > lifetime:
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
            return
        if seen_at is None or now - seen_at >= TOUCH_SECONDS:
            session[SEEN_AT] = now


# --- The second factor (django-otp TOTP) --------------------------------------------------------------------


def second_factor_required(user) -> bool:
    """Whether this account must prove a second factor: it holds a role that can reveal personal data, or it
    can reach the Django admin."""
    if not settings.HUIKETING_REQUIRE_OTP or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or scope.role_set(user) & SECOND_FACTOR_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def is_verified(request) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


class SecondFactorMiddleware:
    """Until an account of SECOND_FACTOR_ROLES has entered a code in this session, it reaches only the code
    pages and sign-out: pages send it to the code (or set-up) page, the API answers 403
    `second_factor_required`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not second_factor_required(user) or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        if request.path.startswith("/api/"):
            message = _("Enter a code from your authenticator app on the website before using the API.")
            return JsonResponse(error_body(403, "second_factor_required", message), status=403)
        target = "otp-verify" if confirmed_device(user) else "otp-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def otp_setup_key(session) -> str:
    """The secret offered on the set-up page: kept in the session until a code confirms it."""
    from django_otp.util import random_hex

    key = session.get(SETUP_KEY)
    if not key:
        key = session[SETUP_KEY] = random_hex(20)
    return key


def otp_setup_details(*, user, key: str) -> dict:
    """The otpauth:// address as an inline SVG QR code (made here, no outside service), and the secret as
    text for typing in."""
    import segno

    device = TOTPDevice(user=user, key=key, name="default")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m")
    return {
        "qr_svg": qr.svg_inline(scale=5, border=2, title=_("QR code for your authenticator app")),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@transaction.atomic
def second_factor_enrol(*, user, key: str, code: str) -> TOTPDevice:
    """Confirm the secret offered on the set-up page with one code from the app, and keep it as the account's
    device. The code cannot be used again."""
    if confirmed_device(user) is not None:
        raise ValidationError({"otp_token": [_("This account already has an authenticator app.")]})
    device = TOTPDevice(user=user, key=key, name="default", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not code.isdigit() or not totp.verify(int(code), tolerance=device.tolerance):
        raise ValidationError({"otp_token": [_("The code is not correct or has expired.")]})
    device.last_t = totp.t()
    device.drift = totp.drift
    device.save()
    audit_record(actor=user, action="core.second_factor.enrolled", obj=user)
    return device


def second_factor_check(*, user, code: str, field: str = "otp_token") -> TOTPDevice:
    """The account's device if `code` is its current code; otherwise a ValidationError naming `field`.

    Wrong codes slow further tries down (django-otp's throttling) and a code is accepted only once.
    """
    device = confirmed_device(user)
    if device is None:
        raise ValidationError({field: [_("Set up an authenticator app by signing in on the website first.")]})
    code = (code or "").strip().replace(" ", "")
    if not code:
        raise ValidationError({field: [_("Enter the code your authenticator app shows.")]})
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({field: [_("Too many wrong codes. Wait a minute, then try again.")]})
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        raise ValidationError({field: [_("The code is not correct or has expired.")]})
    return verified
