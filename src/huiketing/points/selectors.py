"""Reads of the points ledger that depend on who asks: my account and its entries, leaderboards, the staff's
accounts of the places they cover, the rules.

A resident's place is the registry's (residents move; the account row keeps the place it was opened in), so
scope and leaderboards read `resident.place_code` for residents' accounts and `Account.place_code` for the
others. An entry links the record it came from through a small registry of link makers per source type
(`source_link_register`), resolved for a whole page at once."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.core import scope
from huiketing.core.i18n import pick
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES, Resident, ResidentStatus, Role, User
from huiketing.places.models import Level as PlaceLevel
from huiketing.places.models import Place

from .models import Account, Audience, Entry, Rule

ENTRIES_PER_PAGE = 20
BOARD_SIZE = 20
PERIODS = {
    "month": gettext_lazy("This month"),
    "year": gettext_lazy("This year"),
    "all": gettext_lazy("All time"),
}
HOLDER_KINDS = {
    "resident": gettext_lazy("Resident"),
    "user": gettext_lazy("Account holder outside the registry"),
    "unit": gettext_lazy("Handling unit"),
}
# Leaderboards are per community and per grid.
BOARD_LEVELS = (PlaceLevel.COMMUNITY, PlaceLevel.GRID)


# Source links -----------------------------------------------------------------------------------------------

# source type ("app_label.model") → (link maker, whether it takes a list of ids)
_SOURCE_LINKS: dict[str, tuple[Callable, bool]] = {}


def source_link_register(source_type: str, fn: Callable, *, many: bool = False) -> None:
    """Say how an entry's source is linked. `fn(source_id) -> url or None` must not query the database (a
    `reverse` with the id); for sources whose page needs another record's id, register `many=True` and
    `fn(source_ids) -> {source_id: url}`, run once per page of entries."""
    _SOURCE_LINKS[source_type] = (fn, many)


def _reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _matter_links_via(model_label: str) -> Callable[[list[str]], dict[str, str]]:
    """Dispatches and evaluations link to their matter's staff page (units' ledgers are read by staff)."""

    def links(ids: list[str]) -> dict[str, str]:
        from django.apps import apps

        model = apps.get_model(model_label)
        numbers = [int(value) for value in ids if value.isdigit()]
        rows = model.objects.filter(pk__in=numbers).values_list("pk", "matter_id")
        return {
            str(pk): url for pk, matter_id in rows if (url := _reverse("matters:staff-detail", matter_id))
        }

    return links


source_link_register("matters.matter", lambda source_id: _reverse("matters:detail", int(source_id)))
source_link_register("matters.dispatch", _matter_links_via("matters.Dispatch"), many=True)
source_link_register("matters.evaluation", _matter_links_via("matters.Evaluation"), many=True)


def _links(entries: list[Entry]) -> None:
    """Put `link` on each entry: one pass per source type on the page, never a query per entry."""
    by_type: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        entry.link = None
        if entry.source_type and entry.source_id:
            by_type[entry.source_type].append(entry)
    for source_type, items in by_type.items():
        maker = _SOURCE_LINKS.get(source_type)
        if maker is None:
            continue
        fn, many = maker
        if many:
            found = fn(sorted({entry.source_id for entry in items}))
            for entry in items:
                entry.link = found.get(entry.source_id)
        else:
            for entry in items:
                try:
                    entry.link = fn(entry.source_id)
                except (ValueError, NoReverseMatch):
                    entry.link = None


def entry_why(entry: Entry) -> tuple[str, str]:
    """What an entry was for, in the reader's language, and the reason written with it when it says more
    (a correction's or a spend's reason as typed)."""
    if entry.rule_id is not None:
        rule = entry.rule
        title = pick(rule.names) or rule.code
        same = {*rule.names.values(), rule.code, title}
        return title, "" if entry.reason in same else entry.reason
    if entry.key.startswith("adjust:"):
        return _("Correction by staff"), entry.reason
    if entry.key.startswith("spend:"):
        return _("Points spent"), entry.reason
    return entry.reason, ""


def entries_described(entries: Iterable[Entry]) -> list[Entry]:
    """Entries with `why`, `detail` and `link` set, for a page or an API answer."""
    rows = list(entries)
    for entry in rows:
        entry.why, entry.detail = entry_why(entry)
    _links(rows)
    return rows


# My account -------------------------------------------------------------------------------------------------


def my_account(user) -> Account | None:
    """The account the user reads as theirs: their resident's, if they are in the registry, else their own.
    None until the first entry is written (nothing is created by reading)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Account.objects.filter(Q(resident__account=user) | Q(user=user))
        .select_related("resident")
        .order_by(F("resident_id").asc(nulls_last=True), "id")
        .first()
    )


def entries_for(account: Account | None) -> QuerySet:
    if account is None:
        return Entry.objects.none()
    return Entry.objects.filter(account=account).select_related("rule").order_by("-created_at", "-id")


def entries_page(*, account: Account | None, page: str | int | None = None) -> Page:
    """A page of the account's entries, newest first, each with why and its source's link."""
    result = Paginator(entries_for(account), ENTRIES_PER_PAGE).get_page(page)
    result.object_list = entries_described(result.object_list)
    return result


def rules_earning() -> list[Rule]:
    """The active rules by which people earn (not the units' scores), for "how to earn points"."""
    return list(Rule.objects.filter(is_active=True).exclude(audience=Audience.UNIT))


def rules_all() -> list[Rule]:
    return list(Rule.objects.all())


def rule_get(*, code: str) -> Rule:
    rule = Rule.objects.filter(code=code).first()
    if rule is None:
        raise Http404
    return rule


# Leaderboards -----------------------------------------------------------------------------------------------


def _holder_in(code: str, prefix: str = "") -> Q:
    """Accounts whose holder belongs in the place `code` (a code prefix)."""
    return Q(**{f"{prefix}resident__isnull": False, f"{prefix}resident__place_code__startswith": code}) | Q(
        **{f"{prefix}resident__isnull": True, f"{prefix}place_code__startswith": code}
    )


def _holder_scope_q(user, roles, prefix: str = "") -> Q:
    prefixes = scope.role_codes(user, roles)
    if scope.EVERYTHING in prefixes:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    query = Q()
    for code in prefixes:
        query |= _holder_in(code, prefix)
    return query


def mask_name(name: str) -> str:
    """王小明 → 王*: the first character only; the length of the name is not shown either."""
    name = (name or "").strip()
    return f"{name[:1]}*" if name else "*"


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    """The beginning of the current month or year (Beijing time), or None for all time."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "month":
        return start.replace(day=1)
    if period == "year":
        return start.replace(month=1, day=1)
    return None


@dataclass
class BoardRow:
    rank: int
    name: str
    points: int
    is_me: bool = False


@dataclass
class Board:
    place_code: str
    audience: str
    period: str
    since: datetime | None
    masked: bool
    rows: list[BoardRow]
    me: BoardRow | None  # the viewer's own standing, when they earned on this board in the period


def board_places() -> list[tuple[str, dict, str]]:
    """(code, names, level) of every community and grid, in code order: the leaderboard's choice of place."""
    return list(
        Place.objects.filter(level__in=BOARD_LEVELS).order_by("code").values_list("code", "names", "level")
    )


def board_default_place(user, codes: list[str]) -> str:
    """The viewer's own community: their resident's, else the first one their roles cover, else the first."""
    home = ""
    if getattr(user, "is_authenticated", False):
        resident = Resident.objects.filter(account=user).only("place_code").first()
        if resident is not None:
            home = resident.place_code
        else:
            roles = {*REGISTRY_ROLES, Role.PARTY_MEMBER, Role.VOLUNTEER, Role.RESIDENT}
            home = next(iter(scope.role_codes(user, roles)), "")
    for code in codes:
        if len(code) == 12 and (code.startswith(home) or home.startswith(code)):
            return code
    return next((code for code in codes if len(code) == 12), codes[0] if codes else "")


def _board_entries(place_code: str, audience: str, since: datetime | None) -> QuerySet:
    """Points earned by the rules of the audience, in the place: spending and corrections do not move a
    board. Residents who moved away or died are left out."""
    entries = Entry.objects.filter(rule__audience=audience, amount__gt=0).filter(
        _holder_in(place_code, "account__"),
        Q(account__resident__isnull=True) | Q(account__resident__status=ResidentStatus.ACTIVE),
    )
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    return entries


def _board_name(row: dict, masked: bool) -> str:
    if row["account__unit_id"] is not None:
        return pick(row["account__unit__names"]) or _("Handling unit")
    name = row["account__resident__full_name"] or (
        row["account__user__display_name"] or row["account__user__username"] or ""
    )
    return mask_name(name) if masked else name


def leaderboard(
    *,
    user,
    place_code: str,
    audience: str = Audience.RESIDENT,
    period: str = "month",
    limit: int = BOARD_SIZE,
    now: datetime | None = None,
) -> Board:
    """The top of a place's board for an audience and period, from the sums of entries (one aggregate query).

    People's names are masked (王*) except for staff who cover the place; units are named. Equal points share
    a rank. The viewer's own row is marked, and their own standing given even when they are not in the top."""
    since = period_start(period, now)
    entries = _board_entries(place_code, audience, since)
    masked = audience != Audience.UNIT and not scope.covers(user, place_code, REGISTRY_ROLES)
    top = list(
        entries.values(
            "account_id",
            "account__unit_id",
            "account__unit__names",
            "account__resident__full_name",
            "account__user__display_name",
            "account__user__username",
        )
        .annotate(total=Sum("amount"))
        .order_by("-total", "account_id")[:limit]
    )
    mine = my_account(user)
    rows, rank, previous = [], 0, None
    for position, row in enumerate(top, start=1):
        if row["total"] != previous:
            rank, previous = position, row["total"]
        rows.append(
            BoardRow(
                rank=rank,
                name=_board_name(row, masked),
                points=row["total"],
                is_me=mine is not None and row["account_id"] == mine.pk,
            )
        )
    me = None
    if mine is not None:
        total = entries.filter(account=mine).aggregate(total=Sum("amount"))["total"] or 0
        above = entries.values("account_id").annotate(total=Sum("amount")).filter(total__gt=total).count()
        if total:
            me = BoardRow(rank=above + 1, name="", points=total, is_me=True)
    return Board(
        place_code=place_code,
        audience=audience,
        period=period,
        since=since,
        masked=masked,
        rows=rows,
        me=me,
    )


# Staff: accounts of the places they cover -------------------------------------------------------------------


def accounts_for_staff(
    *, user: User, place_code: str = "", kind: str = "", q: str = "", roles=REGISTRY_ROLES
) -> QuerySet:
    """Accounts whose holders lie in the user's scope, optionally in one place, of one kind, or by name;
    highest balance first."""
    accounts = Account.objects.filter(_holder_scope_q(user, roles)).select_related("resident", "user", "unit")
    if place_code:
        accounts = accounts.filter(_holder_in(place_code))
    if kind == "resident":
        accounts = accounts.filter(resident__isnull=False)
    elif kind == "unit":
        accounts = accounts.filter(unit__isnull=False)
    elif kind == "user":
        accounts = accounts.filter(user__isnull=False)
    if q:
        accounts = accounts.filter(
            Q(resident__full_name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(user__display_name__icontains=q)
        )
    return accounts.order_by("-balance", "id")


def accounts_for_export(*, user: User, place_code: str = "", kind: str = "", q: str = "") -> QuerySet:
    return accounts_for_staff(user=user, place_code=place_code, kind=kind, q=q, roles=COMMUNITY_AND_ABOVE)


def account_get_for_staff(*, user: User, account_id: int) -> Account:
    """One account in the user's staff scope; missing and out of scope are the same 404."""
    account = (
        Account.objects.filter(_holder_scope_q(user, REGISTRY_ROLES), pk=account_id)
        .select_related("resident", "user", "unit")
        .first()
    )
    if account is None:
        raise Http404
    return account


def staff_places(*, user: User) -> list[tuple[str, dict, str]]:
    """(code, names, level) of the subdistricts, communities and grids the user's registry roles cover."""
    if not scope.role_codes(user, REGISTRY_ROLES):
        return []
    return list(
        Place.objects.filter(scope.scope_q(user, field="code", roles=REGISTRY_ROLES))
        .exclude(level=PlaceLevel.CITY)
        .order_by("code")
        .values_list("code", "names", "level")
    )
