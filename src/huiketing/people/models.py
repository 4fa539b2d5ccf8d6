"""Accounts, organisations and role assignments with a territorial (or organisational) scope."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiketing.core import crypto
from huiketing.core.fields import EncryptedTextField
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
STAFF_ROLES = frozenset(
    {
        Role.GRID_LEADER,
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.SUBDISTRICT_OFFICER,
        Role.CITY_OFFICER,
        Role.ADMIN,
    }
)
# Community staff and the officers above them: they import, export and run the community's business.
COMMUNITY_AND_ABOVE = frozenset({Role.COMMUNITY_STAFF, Role.SUBDISTRICT_OFFICER, Role.CITY_OFFICER})
# Roles that read the residents registry (masked) in the places they cover; administrators cover everything.
REGISTRY_ROLES = STAFF_ROLES - {Role.ADMIN}
# Roles that may reveal a full ID number or phone, with a reason. Grid workers see masked values only;
# institution operators, volunteers and merchants hold no registry role at all.
REVEAL_ROLES = frozenset({Role.GRID_LEADER}) | COMMUNITY_AND_ABOVE


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
                    Q(role__in=sorted(ORGANISATION_ROLES), organisation__isnull=False)
                    | (
                        ~Q(role__in=sorted(ORGANISATION_ROLES))
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


# The residents registry ---------------------------------------------------------------------------------


class Household(models.Model):
    """A dwelling and the people registered in it, in one grid (its `place_code` is the grid's code)."""

    class Type(models.TextChoices):
        OWNER = "owner", _("Owner-occupied")
        TENANT = "tenant", _("Rented")
        COLLECTIVE = "collective", _("Collective household")

    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="households_registered", verbose_name=_("grid")
    )
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    building = models.CharField(_("building"), max_length=30)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=10)
    address_note = models.CharField(_("address note"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.OWNER)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["place_code", "building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "building", "unit", "room"], name="people_household_address"
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        parts = [self.building, self.unit, self.room]
        return "-".join(part for part in parts if part)


class Relation(models.TextChoices):
    HOUSEHOLDER = "householder", _("Householder")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER = "other", _("Other")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Resident(models.Model):
    """A person in the registry. ID number and phone are encrypted; their keyed hashes allow exact search.

    Sex and birth date are derived from the ID number; the age tags (60+, 70+, 80+, under 14) are computed
    from the birth date whenever they are needed, never stored.
    """

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("household"),
    )
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    full_name = models.CharField(_("full name"), max_length=50)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))], blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)
    ethnic_group = models.CharField(_("ethnic group"), max_length=2, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    relation = models.CharField(
        _("relation to the householder"), max_length=20, choices=Relation.choices, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ResidentStatus.choices,
        default=ResidentStatus.ACTIVE,
        db_index=True,
    )
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    deceased_on = models.DateField(_("deceased on"), null=True, blank=True)
    account = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("verified account"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["place_code", "household_id", "id"]
        indexes = [models.Index(fields=["place_code", "status"], name="people_resident_scope_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def id_number_masked(self) -> str:
        return crypto.mask_id_number(self.id_number) if self.id_number else ""

    @property
    def phone_masked(self) -> str:
        return crypto.mask_phone(self.phone) if self.phone else ""

    @property
    def needs_guardian_consent(self) -> bool:
        """Children under 14 need a guardian's consent before their data is used (PIPL art. 31)."""
        from huiketing.people.selectors import computed_tags

        return "child_under_14" in computed_tags(self)


class Tag(models.TextChoices):
    """Tags staff set. The age tags are computed from the birth date (see people.selectors.AGE_TAGS)."""

    LIVING_ALONE = "living_alone", _("Living alone")
    DISABLED = "disabled", _("Disabled")
    LOW_INCOME = "low_income", _("Low-income (minimum living allowance)")
    SPECIAL_CARE = "special_care", _("Special care group")
    VETERAN = "veteran", _("Veteran")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")


class ResidentTag(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=20, choices=Tag.choices, db_index=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="people_residenttag_unique")]

    def __str__(self) -> str:
        return self.get_tag_display()


class Move(models.Model):
    """A household moved to another grid, or a resident to another household: history is never rewritten."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="moves"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, null=True, blank=True, related_name="moves"
    )
    from_household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_place_code = models.CharField(_("from"), max_length=15, blank=True)
    to_place_code = models.CharField(_("to"), max_length=15, blank=True)
    moved_on = models.DateField(_("moved on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["-moved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(resident__isnull=False),
                name="people_move_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_place_code} → {self.to_place_code} ({self.moved_on})"


class Consent(models.Model):
    """Consent to keep health or care data, or a guardian's consent for a child under 14."""

    class Kind(models.TextChoices):
        HEALTH = "health", _("Health data")
        CARE = "care", _("Care records")
        GUARDIAN = "guardian", _("Guardian's consent for a child under 14")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    given_by = models.CharField(
        _("given by"), max_length=50, help_text=_("The resident, or the guardian's name.")
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.given_on}"


class Visit(models.Model):
    """A household visit by a grid worker or a cadre (包社联户): what was found and what must follow."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    visited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="visits_made")
    visited_on = models.DateField(_("visited on"))
    findings = models.TextField(_("what was found"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.household} · {self.visited_on}"


class RegistryImport(models.Model):
    """A spreadsheet of households and residents being checked, then imported, by a background job.

    The uploaded file lives under MEDIA_ROOT/imports/ and is never served by URL. The error report holds
    row numbers, column names and messages only: the messages never repeat an ID number or a phone.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    file_path = models.CharField(_("file"), max_length=300, help_text=_("Relative to MEDIA_ROOT/imports/."))
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    place_code = models.CharField(_("place code"), max_length=15, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The report is written in the uploader's language."),
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveIntegerField(_("rows done"), default=0)
    households_new = models.PositiveIntegerField(_("new households"), default=0)
    households_existing = models.PositiveIntegerField(_("existing households"), default=0)
    residents_new = models.PositiveIntegerField(_("new residents"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_ids = models.JSONField(_("created resident ids"), default=list, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    committed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"
