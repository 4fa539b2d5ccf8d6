"""Every write on the points ledger: award by rule, spend, adjust.

The account row is locked (`select_for_update`) while an entry is written and the balance changed, so
concurrent spends cannot take the balance below zero; the check constraint on `Account.balance` stands
behind that. An entry's `key` is unique per account: awarding twice for the same source, or resending the
same spend, changes nothing and returns the entry already written."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huiketing.core.audit import audit_record
from huiketing.matters.models import HandlingUnit
from huiketing.people.models import Resident, User

from .models import Account, Audience, Entry, Rule


class PointsError(ValidationError):
    """A spend or adjustment the balance does not allow."""


Holder = Resident | User | HandlingUnit


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


def _holder_filter(holder: Holder) -> dict:
    if isinstance(holder, Resident):
        return {"resident": holder}
    if isinstance(holder, HandlingUnit):
        return {"unit": holder}
    if isinstance(holder, User):
        # A user who is in the registry earns on the resident's account.
        resident = Resident.objects.filter(account=holder).first()
        return {"resident": resident} if resident is not None else {"user": holder}
    raise TypeError(f"points cannot be held by {holder!r}")


def _place_code(holder: Holder) -> str:
    if isinstance(holder, Resident | HandlingUnit):
        return holder.place_code
    resident = Resident.objects.filter(account=holder).only("place_code").first()
    if resident is not None:
        return resident.place_code
    role = holder.roles.exclude(place_code="").order_by("-place_code").first()
    return role.place_code if role else ""


def account_for(holder: Holder) -> Account:
    """The holder's account, created on first use (safe under concurrent first uses)."""
    lookup = _holder_filter(holder)
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(**lookup, place_code=_place_code(holder))
    except IntegrityError:
        return Account.objects.get(**lookup)


def _write(
    *,
    account: Account,
    amount: int,
    reason: str,
    key: str,
    rule: Rule | None = None,
    source: Source = Source("", ""),
    actor=None,
) -> Entry:
    """Lock the account, refuse a negative balance, write the entry and the new balance. Idempotent on
    `key`."""
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        existing = Entry.objects.filter(account=locked, key=key).first()
        if existing is not None:
            return existing
        if locked.balance + amount < 0:
            raise PointsError(
                _("Not enough points: the balance is %(balance)d, %(needed)d are needed.")
                % {"balance": locked.balance, "needed": -amount},
                code="insufficient",
            )
        entry = Entry.objects.create(
            account=locked,
            amount=amount,
            balance_after=locked.balance + amount,
            rule=rule,
            reason=reason[:200],
            source_type=source.type,
            source_id=source.id,
            key=key[:120],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Account.objects.filter(pk=locked.pk).update(
            balance=F("balance") + amount, earned=F("earned") + max(amount, 0)
        )
        audit_record(
            actor=actor,
            action="points.entry",
            obj=entry,
            place_code=locked.place_code,
            changes={"amount": [None, amount], "balance": [locked.balance, locked.balance + amount]},
            reason=reason,
        )
    return entry


def points_award(
    *, holder: Holder, rule_code: str, source: models.Model | None, reason: str = "", actor=None
) -> Entry | None:
    """Award the rule's points for `source` (once per holder, rule and source).

    Returns None when the rule is switched off or missing, or when its daily cap is reached: a missing
    reward is never an error for the action that earned it."""
    rule = Rule.objects.filter(code=rule_code, is_active=True).first()
    if rule is None or rule.amount == 0:
        return None
    account = account_for(holder)
    src = Source.of(source)
    key = f"{rule.code}:{src.type}:{src.id}"
    if rule.daily_cap is not None:
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        today = (
            Entry.objects.filter(account=account, rule=rule, created_at__gte=start).aggregate(
                s=Sum("amount")
            )["s"]
            or 0
        )
        if (
            today + rule.amount > rule.daily_cap
            and not Entry.objects.filter(account=account, key=key).exists()
        ):
            return None
    return _write(
        account=account,
        amount=rule.amount,
        reason=reason or str(rule),
        key=key,
        rule=rule,
        source=src,
        actor=actor,
    )


def points_spend(
    *, holder: Holder, amount: int, reason: str, key: str, source: models.Model | None = None, actor=None
) -> Entry:
    """Take `amount` points (a shop redemption, say). Refused with PointsError if the balance is short; the
    same
    `key` twice spends once."""
    if amount <= 0:
        raise PointsError(_("The number of points must be positive."), code="invalid")
    return _write(
        account=account_for(holder),
        amount=-amount,
        reason=reason,
        key=f"spend:{key}",
        source=Source.of(source),
        actor=actor,
    )


def points_adjust(*, holder: Holder, amount: int, reason: str, key: str, actor) -> Entry:
    """A correction by staff, with a reason; it may not take the balance below zero either."""
    if amount == 0:
        raise PointsError(_("The number of points must not be zero."), code="invalid")
    if not reason.strip():
        raise PointsError(_("Say why the points are corrected."), code="reason")
    return _write(account=account_for(holder), amount=amount, reason=reason, key=f"adjust:{key}", actor=actor)


# The standard rules, created by migration and by `points_rules_ensure`; staff change amounts afterwards.
STANDARD_RULES: list[tuple[str, str, int, dict[str, str]]] = [
    (
        "matter_accepted",
        Audience.RESIDENT,
        5,
        {"zh-hans": "提出的事项被社区受理", "en": "A matter you raised was taken on by the community"},
    ),
    ("meeting_attended", Audience.RESIDENT, 3, {"zh-hans": "参加议事会议", "en": "Attended a meeting"}),
    ("vote_cast", Audience.RESIDENT, 1, {"zh-hans": "参与表决", "en": "Voted"}),
    ("topic_supported", Audience.RESIDENT, 1, {"zh-hans": "支持议题", "en": "Supported a topic"}),
    (
        "project_participation",
        Audience.RESIDENT,
        5,
        {"zh-hans": "参与项目实施", "en": "Took part in a project"},
    ),
    ("unit_signed_on_time", Audience.UNIT, 2, {"zh-hans": "按时签收", "en": "Signed for a dispatch on time"}),
    ("unit_resolved_on_time", Audience.UNIT, 3, {"zh-hans": "按时办结", "en": "Resolved a matter on time"}),
    ("unit_satisfied", Audience.UNIT, 5, {"zh-hans": "群众满意", "en": "The resident was satisfied"}),
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
