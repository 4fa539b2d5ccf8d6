"""Every write on the points ledger: award by rule, spend, adjust, and the rules staff change.

The account row is locked (`select_for_update`) while an entry is written and the balance changed, so
concurrent spends cannot take the balance below zero; the check constraint on `Account.balance` stands
behind that. An entry's `key` is unique per account: awarding twice for the same source, or resending the
same spend, changes nothing and returns the entry already written. A rule's daily cap is checked under the
same lock, so two awards at once cannot pass it either."""

import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, models, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core.audit import audit_record
from huiketing.core.notifications import notification_kind_register, notify
from huiketing.matters.models import HandlingUnit
from huiketing.people.models import Resident, User

from .models import Account, Audience, Entry, Rule

logger = logging.getLogger(__name__)

# Bounds of what staff may type: a rule's points, a daily cap, a correction.
MAX_RULE_AMOUNT = 1000
MAX_ADJUST_AMOUNT = 100_000
REASON_LENGTH = 200
KEY_LENGTH = 120
SQLITE_LOCK_ATTEMPTS = 100


class PointsError(ValidationError):
    """A spend or adjustment the balance does not allow, or a number or reason that is not valid."""


Holder = Resident | User | HandlingUnit | Account


notification_kind_register(
    "points.adjusted",
    title=gettext_lazy("Your points were corrected"),
    body=lambda params: (
        _("Staff corrected your points by %(amount)s: %(reason)s. Your balance is %(balance)s.") % params
    ),
)


@dataclass(frozen=True)
class Source:
    """What an entry came from: a model instance, named for the link on the ledger."""

    type: str
    id: str

    @classmethod
    def of(cls, obj: models.Model | None) -> "Source":
        if obj is None:
            return cls("", "")
        return cls(obj._meta.label_lower, str(obj.pk))


def _waits_for_sqlite_locks(function):
    """Run a ledger write again when SQLite says a table is locked.

    SQLite serialises writers: a file database waits for the lock (the busy timeout, settings.py), but
    connections that share a cache (an in-memory database, as the test suite's) are told "database table is
    locked" at once. Only a write that is a transaction of its own is run again; inside a caller's
    transaction the caller holds the lock already."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for attempt in range(SQLITE_LOCK_ATTEMPTS):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                last = attempt == SQLITE_LOCK_ATTEMPTS - 1
                if (
                    connection.vendor != "sqlite"
                    or connection.in_atomic_block
                    or "locked" not in str(error)
                    or last
                ):
                    raise
                time.sleep(min(0.002 * 2**attempt, 0.1))
        raise AssertionError("unreachable")

    return wrapper


def _holder_filter(holder: Holder) -> dict:
    if isinstance(holder, Account):
        return {"pk": holder.pk}
    if isinstance(holder, Resident):
        return {"resident": holder}
    if isinstance(holder, HandlingUnit):
        return {"unit": holder}
    if isinstance(holder, User):
        # A user who is in the registry earns on the resident's account.
        resident = Resident.objects.filter(account=holder).first()
        return {"resident": resident} if resident is not None else {"user": holder}
    raise TypeError(f"points cannot be held by {holder!r}")


def _place_code(lookup: dict) -> str:
    holder = lookup.get("resident") or lookup.get("unit")
    if holder is not None:
        return holder.place_code
    user = lookup["user"]
    role = user.roles.exclude(place_code="").order_by("-place_code").first()
    return role.place_code if role else ""


def account_for(holder: Holder) -> Account:
    """The holder's account, created on first use (safe under concurrent first uses)."""
    if isinstance(holder, Account):
        return holder
    lookup = _holder_filter(holder)
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(**lookup, place_code=_place_code(lookup))
    except IntegrityError:
        return Account.objects.get(**lookup)


def _key(key: str) -> str:
    """An entry key that fits its column: a long one keeps its start and gets a digest of the whole."""
    if len(key) <= KEY_LENGTH:
        return key
    return f"{key[:55]}#{hashlib.sha256(key.encode()).hexdigest()}"


def _day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def _write(
    *,
    account: Account,
    amount: int,
    reason: str,
    key: str,
    rule: Rule | None = None,
    source: Source = Source("", ""),
    actor=None,
) -> Entry | None:
    """Lock the account, refuse a negative balance, write the entry and the new balance. Idempotent on
    `key`. Returns None when the rule's daily cap would be passed."""
    key = _key(key)
    with transaction.atomic():
        # Only the account row is locked; the resident is read for the place the entry is audited under.
        locked = Account.objects.select_for_update(of=("self",)).select_related("resident").get(pk=account.pk)
        existing = Entry.objects.filter(account=locked, key=key).first()
        if existing is not None:
            return existing
        if rule is not None and rule.daily_cap is not None:
            today = (
                Entry.objects.filter(
                    account=locked, rule=rule, created_at__gte=_day_start(timezone.now())
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            if today + amount > rule.daily_cap:
                return None
        if locked.balance + amount < 0:
            raise PointsError(
                {
                    "amount": [
                        _("Not enough points: the balance is %(balance)d, %(needed)d are needed.")
                        % {"balance": locked.balance, "needed": -amount}
                    ]
                },
                code="insufficient",
            )
        entry = Entry.objects.create(
            account=locked,
            amount=amount,
            balance_after=locked.balance + amount,
            rule=rule,
            reason=reason[:REASON_LENGTH],
            source_type=source.type,
            source_id=source.id,
            key=key,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Account.objects.filter(pk=locked.pk).update(
            balance=F("balance") + amount, earned=F("earned") + max(amount, 0)
        )
        account.balance = locked.balance + amount
        account.earned = locked.earned + max(amount, 0)
        audit_record(
            actor=actor,
            action="points.entry",
            obj=entry,
            place_code=locked.holder_place_code,
            changes={"amount": [None, amount], "balance": [locked.balance, locked.balance + amount]},
            reason=reason,
        )
    return entry


@_waits_for_sqlite_locks
def points_award(
    *, holder: Holder, rule_code: str, source: models.Model | None, reason: str = "", actor=None
) -> Entry | None:
    """Award the rule's points for `source` (once per holder, rule and source).

    Returns None when the rule is switched off or missing, or when its daily cap is reached: a missing
    reward is never an error for the action that earned it."""
    rule = Rule.objects.filter(code=rule_code, is_active=True).first()
    if rule is None or rule.amount == 0:
        return None
    src = Source.of(source)
    return _write(
        account=account_for(holder),
        amount=rule.amount,
        reason=reason or str(rule),
        key=f"{rule.code}:{src.type}:{src.id}",
        rule=rule,
        source=src,
        actor=actor,
    )


def points_award_quietly(
    *, holder: Holder | None, rule_code: str, source: models.Model | None, reason: str = "", actor=None
) -> Entry | None:
    """`points_award` for the actions of other apps: the award runs in a savepoint of the action's transaction
    (so it stands or falls with the action), and a failure of the ledger is logged, never the action's."""
    if holder is None:
        return None
    try:
        with transaction.atomic():
            return points_award(holder=holder, rule_code=rule_code, source=source, reason=reason, actor=actor)
    except (DatabaseError, ValidationError):
        logger.exception("points: the %s award for %s was not written", rule_code, Source.of(source))
        return None


@_waits_for_sqlite_locks
def points_spend(
    *, holder: Holder, amount: int, reason: str, key: str, source: models.Model | None = None, actor=None
) -> Entry:
    """Take `amount` points (a shop redemption, say). Refused with PointsError if the balance is short; the
    same `key` twice spends once."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PointsError({"amount": [_("The number of points must be positive.")]}, code="invalid")
    if not key:
        raise PointsError({"key": [_("A spend needs a key that identifies it.")]}, code="invalid")
    return _write(
        account=account_for(holder),
        amount=-amount,
        reason=reason,
        key=f"spend:{key}",
        source=Source.of(source),
        actor=actor,
    )


def _person_accounts(account: Account) -> list[User]:
    """The sign-in accounts that read a points account: the resident's linked account, or the user."""
    if account.resident_id is not None:
        return list(User.objects.filter(resident__pk=account.resident_id, is_active=True))
    if account.user_id is not None:
        return list(User.objects.filter(pk=account.user_id, is_active=True))
    return []


@_waits_for_sqlite_locks
def points_adjust(*, holder: Holder, amount: int, reason: str, key: str, actor) -> Entry:
    """A correction by staff, with a reason; it may not take the balance below zero either. The holder (a
    person) is told of it."""
    errors = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        errors["amount"] = [_("The number of points must not be zero.")]
    elif abs(amount) > MAX_ADJUST_AMOUNT:
        errors["amount"] = [
            _("A correction may be at most %(limit)s points either way.") % {"limit": MAX_ADJUST_AMOUNT}
        ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the points are corrected.")]
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = [_("The reason may be at most %(limit)s characters.") % {"limit": REASON_LENGTH}]
    if errors:
        raise PointsError(errors, code="invalid")
    account = account_for(holder)
    with transaction.atomic():
        already = Entry.objects.filter(account=account, key=_key(f"adjust:{key}")).exists()
        entry = _write(account=account, amount=amount, reason=reason, key=f"adjust:{key}", actor=actor)
        if not already:
            recipients = _person_accounts(account)
            params = {"amount": f"{amount:+d}", "reason": reason[:100], "balance": entry.balance_after}
            if recipients:
                notify(
                    recipients=recipients, kind="points.adjusted", params=params, link="/points/", obj=entry
                )
    return entry


def rule_values_check(*, amount, daily_cap, names: dict | None = None) -> None:
    """A rule's points, daily cap and names as staff typed them: a ValidationError naming each bad field."""
    errors = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= MAX_RULE_AMOUNT:
        errors["amount"] = [
            _("Give between 1 and %(limit)s points; switch the rule off to give none.")
            % {"limit": MAX_RULE_AMOUNT}
        ]
    if daily_cap is not None:
        if not isinstance(daily_cap, int) or isinstance(daily_cap, bool) or daily_cap < 1:
            errors["daily_cap"] = [_("The daily limit must be a positive number, or empty for none.")]
        elif not errors and daily_cap < amount:
            errors["daily_cap"] = [_("The daily limit must be at least the rule's points.")]
    if names is not None and not any((value or "").strip() for value in names.values()):
        errors["names"] = [_("Give the rule a name in at least one language.")]
    if errors:
        raise ValidationError(errors)


def rule_update(
    *, by: User, rule: Rule, amount: int, daily_cap: int | None, is_active: bool, names: dict | None = None
) -> Rule:
    """Staff change how many points a rule gives, its daily cap, whether it is on, and its names."""
    rule_values_check(amount=amount, daily_cap=daily_cap, names=names)
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        before = {"amount": locked.amount, "daily_cap": locked.daily_cap, "is_active": locked.is_active}
        locked.amount, locked.daily_cap, locked.is_active = amount, daily_cap, is_active
        if names is not None:
            before["names"] = locked.names
            locked.names = {code: value.strip() for code, value in names.items() if (value or "").strip()}
        after = {name: getattr(locked, name) for name in before}
        changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
        if changes:
            locked.save()
            audit_record(actor=by, action="points.rule_update", obj=locked, changes=changes)
    return locked


# The standard rules, created by migration and by `points_rules_ensure`; staff change amounts afterwards.
# Migration 0002_standard_rules holds a copy of this list (migrations never import app code).
STANDARD_RULES: list[tuple[str, str, int, dict[str, str]]] = [
    (
        "matter_accepted",
        Audience.RESIDENT,
        5,
        {
            "zh-hans": "提出的事项被社区受理",
            "en": "A matter you raised was taken on by the community",
            "ug": "سىز ئىنكاس قىلغان مەسىلە مەھەللە تەرىپىدىن قوبۇل قىلىندى",
            "kk": "ٴسىز كوتەرگەن ماسەلەنى قاۋىم قابىلدادى",
        },
    ),
    (
        "meeting_attended",
        Audience.RESIDENT,
        3,
        {
            "zh-hans": "参加议事会议",
            "en": "Attended a meeting",
            "ug": "كېڭەش يىغىنىغا قاتناشتى",
            "kk": "تالقىلاۋ جينالىسىنا قاتىستى",
        },
    ),
    (
        "vote_cast",
        Audience.RESIDENT,
        1,
        {"zh-hans": "参与表决", "en": "Voted", "ug": "ئاۋاز بەردى", "kk": "داۋىس بەردى"},
    ),
    (
        "topic_supported",
        Audience.RESIDENT,
        1,
        {"zh-hans": "支持议题", "en": "Supported a topic", "ug": "تېمىنى قوللىدى", "kk": "تاقىرىپتى قولدادى"},
    ),
    (
        "project_participation",
        Audience.RESIDENT,
        5,
        {
            "zh-hans": "参与项目实施",
            "en": "Took part in a project",
            "ug": "پروجېكتنى ئەمەلگە ئاشۇرۇشقا قاتناشتى",
            "kk": "جوبانى ىسكە اسىرۋعا قاتىستى",
        },
    ),
    (
        "unit_signed_on_time",
        Audience.UNIT,
        2,
        {
            "zh-hans": "按时签收",
            "en": "Signed for a dispatch on time",
            "ug": "ۋاقتىدا تاپشۇرۇۋالدى",
            "kk": "ۋاقىتىندا قول قويىپ الدى",
        },
    ),
    (
        "unit_resolved_on_time",
        Audience.UNIT,
        3,
        {
            "zh-hans": "按时办结",
            "en": "Resolved a matter on time",
            "ug": "ۋاقتىدا بىر تەرەپ قىلدى",
            "kk": "ۋاقىتىندا شەشتى",
        },
    ),
    (
        "unit_satisfied",
        Audience.UNIT,
        5,
        {
            "zh-hans": "群众满意",
            "en": "The resident was satisfied",
            "ug": "ئاھالە رازى بولدى",
            "kk": "تۇرعىن رازى بولدى",
        },
    ),
]


def points_rules_ensure() -> int:
    """Create the standard rules that are missing; returns how many were created."""
    created = 0
    for position, (code, audience, amount, names) in enumerate(STANDARD_RULES):
        _rule, made = Rule.objects.get_or_create(
            code=code, defaults={"audience": audience, "amount": amount, "names": names, "position": position}
        )
        created += made
    return created
