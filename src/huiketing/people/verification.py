"""Resident accounts: sign-up with a phone number, verification against the registry, and assisted mode.

Verification never shows registry data: whatever does not match gives one and the same message, and an
account may try a few times a day. Assisted mode lets a staff member act for a resident without a phone;
while it is on, every audit entry names the resident too (core.context.on_behalf_of), and the resident can
read those entries on their own activity page.
"""

import hmac
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core import context
from huiketing.core.audit import audit_record
from huiketing.core.models import AuditEntry
from huiketing.people import selectors, validators
from huiketing.people.models import Resident, ResidentStatus, Role, User
from huiketing.people.services import id_number_hash, phone_hash, role_assign

# Sign-up -------------------------------------------------------------------------------------------------

SIGNUP_LIMIT = 10  # sign-up attempts per client address …
SIGNUP_WINDOW = 3600  # … per this many seconds

TOO_MANY_SIGNUPS = gettext_lazy("Too many attempts from this connection. Wait an hour and try again.")


def _invalid(field: str, message, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _count_attempt(key: str, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first attempt, and return it."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def signup_attempt_allowed(*, ip: str | None) -> bool:
    """Count one sign-up attempt from this address; False once it has made more than SIGNUP_LIMIT."""
    limit = getattr(settings, "HUIKETING_SIGNUP_LIMIT", SIGNUP_LIMIT)
    return _count_attempt(f"huiketing:signup:{ip or 'unknown'}", SIGNUP_WINDOW) <= limit


def account_phone(account: User) -> str:
    """The mobile number an account signed up with (its username), or "" for accounts named otherwise."""
    try:
        return validators.phone_normalise(account.get_username()).number
    except ValidationError:
        return ""


@transaction.atomic
def account_signup(
    *, phone: str, display_name: str, password: str, preferred_language: str = "", ip: str | None = None
) -> User:
    """Create a resident's account named by their normalised mobile number. It holds no role until it is
    verified against the registry (resident_verify or resident_verify_in_person)."""
    if not signup_attempt_allowed(ip=ip):
        raise _invalid(NON_FIELD_ERRORS, TOO_MANY_SIGNUPS, "rate_limited")
    errors: dict[str, list] = {}
    number = ""
    try:
        parsed = validators.phone_normalise(phone, field_name="phone")
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if parsed.kind != "mobile":
            errors["phone"] = [_("Sign up with a mobile number: it becomes your user name.")]
        elif User.objects.filter(username__iexact=parsed.number).exists():
            errors["phone"] = [_("An account with this phone number already exists. Sign in instead.")]
        else:
            number = parsed.number
    display_name = " ".join((display_name or "").split())
    if not display_name:
        errors["display_name"] = [_("Enter the name others should see.")]
    elif len(display_name) > User._meta.get_field("display_name").max_length:
        errors["display_name"] = [_("A display name has at most 100 characters.")]
    if preferred_language and preferred_language not in {code for code, _name in settings.LANGUAGES}:
        errors["preferred_language"] = [_("Choose a language from the list.")]
    user = User(username=number, display_name=display_name, preferred_language=preferred_language or "")
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same number signed up a moment ago
        raise _invalid(
            "phone", _("An account with this phone number already exists. Sign in instead.")
        ) from error
    audit_record(actor=user, action="people.account.signup", obj=user)
    return user


# Verification against the registry ----------------------------------------------------------------------

VERIFY_LIMIT = 5  # failed verifications per account …
VERIFY_WINDOW = timedelta(days=1)  # … in this time

VERIFY_FAILED = "people.account.verify_failed"
VERIFIED = "people.resident.verified"

NOT_VERIFIED = gettext_lazy(
    "We could not verify these details. Check them, or ask your community staff to verify you in person."
)
TOO_MANY_VERIFICATIONS = gettext_lazy(
    "You have tried too many times today. Try again tomorrow, or ask your community staff to verify you "
    "in person."
)
ALREADY_VERIFIED = gettext_lazy("Your account is already verified.")

# A name compared when no resident has the ID number, so that the unknown-ID path does the same work.
_NOBODY = "\u3007" * 8


def verify_attempts_left(*, account: User) -> int:
    since = timezone.now() - VERIFY_WINDOW
    failed = AuditEntry.objects.filter(actor=account, action=VERIFY_FAILED, at__gte=since).count()
    return max(0, VERIFY_LIMIT - failed)


def _same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def _link(*, by: User | None, resident: Resident, account: User, method: str) -> Resident:
    resident.account = account
    resident.verified_at = timezone.now()
    resident.save(update_fields=["account", "verified_at", "updated_at"])
    role_assign(by=by, user=account, role=Role.RESIDENT, place_code=resident.place_code)
    audit_record(
        actor=by,
        action=VERIFIED,
        obj=resident,
        changes={"account_id": [None, account.pk], "method": [None, method]},
    )
    return resident


@transaction.atomic
def _verify_attempt(
    *, account: User, full_name: str, id_number: str, phone: str
) -> tuple[Resident | None, str]:
    # One attempt at a time per account: the row lock makes the attempt count exact under parallel requests.
    account = User.objects.select_for_update().get(pk=account.pk)
    if Resident.objects.filter(account=account).exists():
        return None, "already_verified"
    if verify_attempts_left(account=account) <= 0:
        return None, "rate_limited"
    wanted_hash = id_number_hash(id_number)
    own_phone_hash = phone_hash(account_phone(account) or "-")
    given_phone_hash = phone_hash(phone) if phone else ""
    resident = Resident.objects.select_for_update().filter(id_number_hash=wanted_hash).first()
    # Every check runs whether or not a resident was found, so that no path returns noticeably sooner.
    name_ok = _same(full_name, resident.full_name if resident else _NOBODY)
    registry_phone = resident.phone_hash if resident else ""
    phone_ok = True
    if registry_phone:
        phone_ok = _same(registry_phone, own_phone_hash)
    if given_phone_hash:
        phone_ok = _same(given_phone_hash, own_phone_hash) and phone_ok
    reason = ""
    if resident is None:
        reason = "unknown_id"
    elif resident.anonymised_at is not None or resident.status != ResidentStatus.ACTIVE:
        reason = "not_active"
    elif resident.account_id is not None:
        reason = "linked_elsewhere"
    elif not name_ok:
        reason = "name"
    elif not phone_ok:
        reason = "phone"
    if reason:
        # Recorded for administrators (no place: staff of a place never see it); never shown to the account.
        audit_record(actor=account, action=VERIFY_FAILED, obj=account, changes={"reason": [None, reason]})
        return None, reason
    return _link(by=account, resident=resident, account=account, method="self"), ""


def resident_verify(*, account: User, full_name: str, id_number: str, phone: str = "") -> Resident:
    """Link the account to the resident with this ID number, name (and phone), and make it a resident of
    their grid. Whatever does not match raises the same error (NOT_VERIFIED), so that the registry cannot be
    probed; only typing mistakes that the format itself shows (an impossible ID number) are named."""
    errors: dict[str, list] = {}
    cleaned: dict[str, str] = {}
    for field, clean in (
        ("full_name", lambda: validators.name_clean(full_name, field_name="full_name")),
        ("id_number", lambda: validators.id_number_normalise(id_number, field_name="id_number").number),
        ("phone", lambda: validators.phone_normalise(phone, field_name="phone").number if phone else ""),
    ):
        try:
            cleaned[field] = clean()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    resident, failure = _verify_attempt(account=account, **cleaned)
    if failure == "already_verified":
        raise _invalid(NON_FIELD_ERRORS, ALREADY_VERIFIED, "already_verified")
    if failure == "rate_limited":
        raise _invalid(NON_FIELD_ERRORS, TOO_MANY_VERIFICATIONS, "rate_limited")
    if failure:
        raise _invalid(NON_FIELD_ERRORS, NOT_VERIFIED, "not_verified")
    return resident


@transaction.atomic
def resident_verify_in_person(*, by: User, resident: Resident, account: User) -> Resident:
    """Staff who have seen the resident (and their ID card) link the resident to an account."""
    if not by.has_perm("people.change_registry", resident):
        raise PermissionDenied
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.anonymised_at is not None or resident.status != ResidentStatus.ACTIVE:
        raise _invalid("resident", _("Only residents who live here can be verified."))
    if resident.account_id is not None:
        raise _invalid("resident", _("This resident is already linked to an account."))
    if Resident.objects.filter(account=account).exists():
        raise _invalid("account", _("This account is already linked to a resident."))
    if not account.is_active:
        raise _invalid("account", _("This account is deactivated."))
    return _link(by=by, resident=resident, account=account, method="in_person")


def account_find(*, username_or_phone: str) -> User | None:
    """The account whose user name is this (a phone number is normalised first), or None."""
    text = (username_or_phone or "").strip()
    if not text:
        return None
    candidates = [text]
    with suppress(ValidationError):
        candidates.insert(0, validators.phone_normalise(text).number)
    for username in candidates:
        if account := User.objects.filter(username=username).first():
            return account
    return None


# Assisted mode -------------------------------------------------------------------------------------------

ACTING_FOR = "huiketing_acting_for"
ASSISTED_START = "people.assisted_mode.start"
ASSISTED_STOP = "people.assisted_mode.stop"


def masked_name(name: str) -> str:
    """王小明 → 王**: enough for the staff member to know whom they act for, not enough to identify."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else "*"


def resident_reference(resident_id: int) -> str:
    return f"people.resident:{resident_id}"


@contextmanager
def acting_for(resident: Resident):
    """Audit entries written inside name this resident as the one acted for (the request's address kept)."""
    token = context.activate(
        replace(
            context.current(),
            on_behalf_of=resident_reference(resident.pk),
            on_behalf_of_label=masked_name(resident.full_name),
        )
    )
    try:
        yield
    finally:
        context.reset(token)


def _resident_in_scope(*, by: User, resident_id) -> Resident:
    """The resident if `by` may still act for them (in scope, living here), else Http404."""
    resident = selectors.resident_get_for_user(user=by, resident_id=resident_id)
    if (
        not by.has_perm("people.change_registry", resident)
        or resident.status != ResidentStatus.ACTIVE
        or resident.anonymised_at is not None
    ):
        raise Http404
    return resident


@transaction.atomic
def assisted_mode_start(*, by: User, resident: Resident | int, session) -> Resident:
    """From now on, this staff member's requests act for the resident, until assisted_mode_stop."""
    resident_id = resident.pk if isinstance(resident, Resident) else resident
    resident = _resident_in_scope(by=by, resident_id=resident_id)
    previous = session.get(ACTING_FOR)
    if previous and previous.get("resident") != resident.pk:
        assisted_mode_stop(by=by, session=session)
    session[ACTING_FOR] = {"resident": resident.pk, "by": by.pk, "since": timezone.now().isoformat()}
    with acting_for(resident):
        audit_record(actor=by, action=ASSISTED_START, obj=resident)
    return resident


@transaction.atomic
def assisted_mode_stop(*, by: User, session, reason: str = "") -> bool:
    """End assisted mode in this session; False if it was not on."""
    state = session.pop(ACTING_FOR, None)
    if not state:
        return False
    resident = Resident.objects.filter(pk=state.get("resident")).only("id", "full_name", "place_code").first()
    if resident is not None:
        with acting_for(resident):
            audit_record(actor=by, action=ASSISTED_STOP, obj=resident, reason=reason)
    return True


def assisted_mode_resident(*, request) -> Resident | None:
    """The resident this request acts for, re-checked against the staff member's scope; a mode that no
    longer holds (scope lost, resident moved out, another account in the session) is stopped."""
    session = getattr(request, "session", None)
    state = session.get(ACTING_FOR) if session is not None else None
    if not state:
        return None
    user = request.user
    if not user.is_authenticated or state.get("by") != user.pk:
        session.pop(ACTING_FOR, None)
        return None
    try:
        return _resident_in_scope(by=user, resident_id=state.get("resident"))
    except Http404:
        assisted_mode_stop(by=user, session=session, reason="out of scope")
        return None


# What a resident sees of what was done for them -----------------------------------------------------------

ACTION_DESCRIPTIONS = {
    ASSISTED_START: gettext_lazy("Started acting for you"),
    ASSISTED_STOP: gettext_lazy("Stopped acting for you"),
    VERIFIED: gettext_lazy("Verified your account in person"),
    "people.account.signup": gettext_lazy("Created an account"),
    "people.resident.create": gettext_lazy("Registered a resident"),
    "people.resident.update": gettext_lazy("Changed registry details"),
    "people.resident.tags": gettext_lazy("Changed registry tags"),
    "people.resident.move": gettext_lazy("Registered a move to another household"),
    "people.resident.status": gettext_lazy("Recorded a move out or a death"),
    "people.resident.reveal.id_number": gettext_lazy("Looked at a full ID number"),
    "people.resident.reveal.phone": gettext_lazy("Looked at a full phone number"),
    "people.consent.record": gettext_lazy("Recorded a consent"),
    "people.visit.record": gettext_lazy("Recorded a household visit"),
    "people.household.create": gettext_lazy("Registered a household"),
    "people.household.move": gettext_lazy("Moved a household to another grid"),
    "people.user.display_changed": gettext_lazy("Changed display preferences"),
    "people.role.assigned": gettext_lazy("Granted a role"),
}


def action_description(action: str) -> str:
    return str(ACTION_DESCRIPTIONS.get(action, action))


def activity_for_resident(*, resident: Resident):
    """Audit entries written while staff acted for this resident, newest first (and nobody else's)."""
    return (
        AuditEntry.objects.filter(on_behalf_of=resident_reference(resident.pk))
        .select_related("actor")
        .only("id", "at", "action", "actor_label", "actor__display_name", "actor__username")
        .order_by("-at", "-id")
    )
