"""One points ledger for the whole platform (推进积分化).

An account belongs to a resident, to an account holder who is not in the registry (a party member or
volunteer from outside the community), or to a handling unit (its score). Every entry says why (its rule and
reason) and links its source. The balance is kept on the account row, changed only under a row lock together
with the entry, and a check constraint forbids it to go below zero."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiketing.core.i18n import pick


class Audience(models.TextChoices):
    RESIDENT = "resident", _("Residents")
    PARTY_MEMBER = "party_member", _("Party members")
    VOLUNTEER = "volunteer", _("Volunteers")
    UNIT = "unit", _("Handling units")


class Rule(models.Model):
    """Why points are given, and how many; staff change the amounts and switch rules off."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    names = models.JSONField(_("names"), default=dict, help_text=_("The name in each language."))
    audience = models.CharField(_("for"), max_length=14, choices=Audience.choices, default=Audience.RESIDENT)
    amount = models.PositiveIntegerField(_("points"))
    daily_cap = models.PositiveIntegerField(
        _("most points a day"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["audience", "position", "id"]

    def __str__(self) -> str:
        return pick(self.names) or self.code


class Account(models.Model):
    """Whose points: a resident, a user outside the registry, or a handling unit; exactly one of the three."""

    resident = models.OneToOneField(
        "people.Resident", on_delete=models.CASCADE, null=True, blank=True, related_name="points_account"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="points_account",
    )
    unit = models.OneToOneField(
        "matters.HandlingUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="points_account"
    )
    place_code = models.CharField(_("place"), max_length=15, db_index=True)
    balance = models.IntegerField(_("balance"), default=0)
    earned = models.PositiveIntegerField(_("earned in all"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative"),
            models.CheckConstraint(
                condition=(
                    Q(resident__isnull=False, user__isnull=True, unit__isnull=True)
                    | Q(resident__isnull=True, user__isnull=False, unit__isnull=True)
                    | Q(resident__isnull=True, user__isnull=True, unit__isnull=False)
                ),
                name="points_account_one_holder",
            ),
        ]
        indexes = [models.Index(fields=["place_code", "-earned"], name="points_account_board")]

    def __str__(self) -> str:
        return f"{self.holder_name}: {self.balance}"

    @property
    def holder_kind(self) -> str:
        if self.resident_id is not None:
            return "resident"
        return "unit" if self.unit_id is not None else "user"

    @property
    def holder_name(self) -> str:
        """The holder's full name (a resident's, an account's display name, a unit's name): for staff only."""
        if self.resident_id is not None:
            return self.resident.full_name
        if self.unit_id is not None:
            return str(self.unit)
        return str(self.user) if self.user_id is not None else ""

    @property
    def holder_place_code(self) -> str:
        """Where the holder belongs now: a resident's current grid (residents move), else the account's place.
        Scope checks on an account read this."""
        if self.resident_id is not None:
            return self.resident.place_code
        return self.place_code


class Entry(models.Model):
    """One line of the ledger: points in (positive) or out (negative), why, and from what."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="entries")
    amount = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    reason = models.CharField(_("reason"), max_length=200)
    # The record it came from, as "app_label.model" and its primary key, for the link on the ledger.
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    # Unique per account: awarding twice for the same thing, or resending a spend, changes nothing.
    key = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="points_entry_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="points_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["account", "-created_at"], name="points_entry_account_created")]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.reason}"
