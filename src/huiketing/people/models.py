"""Accounts, organisations and role assignments with a territorial (or organisational) scope."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiketing.core.i18n import pick


class User(AbstractUser):
    """An account. Residents' registry records (issue: residents) link to accounts, not the other way."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    large_text = models.BooleanField(_("large-text mode"), default=False)
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    SUBDISTRICT_OFFICER = "subdistrict_officer", _("Subdistrict officer")
    CITY_OFFICER = "city_officer", _("City officer")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    INSTITUTION_OPERATOR = "institution_operator", _("Institution operator")
    MERCHANT = "merchant", _("Merchant")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")
    ADMIN = "admin", _("Administrator")


PLACE_CODE = re.compile(r"[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15}")

# Roles whose scope is an organisation rather than a place.
ORGANISATION_ROLES = {Role.DEPARTMENT_STAFF, Role.INSTITUTION_OPERATOR, Role.MERCHANT}
# Roles that administer the places they cover (they see staff pages for those places).
STAFF_ROLES = {
    Role.GRID_LEADER,
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.SUBDISTRICT_OFFICER,
    Role.CITY_OFFICER,
    Role.ADMIN,
}


class Organisation(models.Model):
    """A government department, a care institution, a merchant, a property company or a co-building unit."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        INSTITUTION = "institution", _("Care institution")
        MERCHANT = "merchant", _("Merchant")
        PROPERTY_COMPANY = "property_company", _("Property company")
        CO_BUILDING_UNIT = "co_building_unit", _("Co-building unit")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    names = models.JSONField(_("names"), default=dict, help_text=_("The name in each language."))
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return pick(self.names)


class RoleAssignment(models.Model):
    """A role held by an account, scoped to a place code prefix or to an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("account"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    place_code = models.CharField(_("place code"), max_length=15, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # Two partial constraints rather than one with nulls_distinct=False, which SQLite would skip.
            models.UniqueConstraint(
                fields=["user", "role", "place_code"],
                condition=Q(organisation__isnull=True),
                name="people_roleassignment_unique_place",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="people_roleassignment_unique_organisation",
            ),
            models.CheckConstraint(
                condition=Q(place_code__regex=r"^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})?$"),
                name="people_roleassignment_place_code_digits",
            ),
            # Department staff, institution operators and merchants act for an organisation; every other
            # role covers a place, except administrators, who cover everything.
            models.CheckConstraint(
                condition=(
                    Q(role__in=ORGANISATION_ROLES, organisation__isnull=False)
                    | (
                        ~Q(role__in=ORGANISATION_ROLES)
                        & Q(organisation__isnull=True)
                        & (~Q(place_code="") | Q(role="admin"))
                    )
                ),
                name="people_roleassignment_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place_code or self.organisation}"

    def clean(self) -> None:
        if self.place_code and not PLACE_CODE.fullmatch(self.place_code):
            raise ValidationError({"place_code": _("A place code has 6, 9, 12 or 15 digits.")})
        if self.role in ORGANISATION_ROLES:
            if self.organisation_id is None:
                raise ValidationError({"organisation": _("This role acts for an organisation: choose one.")})
        elif self.organisation_id is not None:
            raise ValidationError({"organisation": _("This role covers a place, not an organisation.")})
        elif not self.place_code and self.role != Role.ADMIN:
            raise ValidationError({"place_code": _("This role covers a place: give its code.")})
