"""The living rooms (会客厅): venues, their zones and rooms, closures, and the catalogue of service items.

A venue is a service point of kind "living room" or "business district living room" (places.ServicePoint:
name, place, coordinates, address, weekly opening hours) with what only a living room has: zones with their
capacity, whether it closes on public holidays, closures, accessibility notes, photos, and whether it is one
of the demonstration sites (示范点). Bookings, visits and events live in their own modules of this app
(`booking_models`, `visit_models`, `event_models`), imported at the end of this file so Django finds them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huiketing.core.i18n import pick


def check_in_token_new() -> str:
    return secrets.token_urlsafe(16)


class Venue(models.Model):
    """A community living room or a business district party-and-people living room (商圈党群会客厅)."""

    service_point = models.OneToOneField(
        "places.ServicePoint", on_delete=models.PROTECT, related_name="venue", verbose_name=_("service point")
    )
    # Copied from the service point, so that scoped queries are prefix queries without a join.
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    accessibility = models.JSONField(
        _("accessibility"), default=dict, blank=True, help_text=_("Step-free entrance, lift, toilets, ...")
    )
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=False)
    is_demonstration_site = models.BooleanField(_("demonstration site"), default=False)
    demonstrates = models.JSONField(
        _("what it demonstrates"), default=dict, blank=True, help_text=_("For a demonstration site (示范点).")
    )
    is_active = models.BooleanField(_("open to the public"), default=True)
    # The secret in the door's QR code (/living-rooms/check-in/<token>/): printed at the door, replaced if
    # it leaks.
    check_in_token = models.CharField(
        _("check-in code"), max_length=32, unique=True, default=check_in_token_new, editable=False
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("living room")
        verbose_name_plural = _("living rooms")
        ordering = ["place_code", "id"]

    def __str__(self) -> str:
        return self.service_point.name

    @property
    def name(self) -> str:
        return self.service_point.name


class ZoneKind(models.TextChoices):
    SERVICES = "services", _("Everyday services")  # 便民服务
    LEISURE = "leisure", _("Leisure and recreation")  # 休闲娱乐
    DELIBERATION = "deliberation", _("Residents' deliberation")  # 群众议事
    READING = "reading", _("Reading room")
    CINEMA = "cinema", _("Cinema")  # 红色影院
    CLASSROOM = "classroom", _("Classroom")
    ACTIVITY = "activity", _("Activity hall")
    MEETING_ROOM = "meeting_room", _("Meeting room")
    OTHER = "other", _("Other")


class Zone(models.Model):
    """A function zone or room of a venue, with how many people it holds; a bookable one is a room people
    book."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="zones")
    kind = models.CharField(_("kind"), max_length=14, choices=ZoneKind.choices)
    names = models.JSONField(_("names"), default=dict)
    capacity = models.PositiveIntegerField(_("capacity"))
    is_bookable = models.BooleanField(_("can be booked"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("zone or room")
        verbose_name_plural = _("zones and rooms")
        ordering = ["venue", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="hall_zone_capacity")]

    def __str__(self) -> str:
        return pick(self.names) or self.get_kind_display()


class Closure(models.Model):
    """A time a venue (or one of its zones) is closed: repairs, an election, a holiday of its own."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="closures")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="closures")
    starts_at = models.DateTimeField(pgettext_lazy("time span", "from"))
    ends_at = models.DateTimeField(pgettext_lazy("time span", "until"))
    reasons = models.JSONField(_("reason"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="hall_closure_order")
        ]
        indexes = [models.Index(fields=["venue", "starts_at", "ends_at"], name="hall_closure_when")]

    def __str__(self) -> str:
        return pick(self.reasons)


class VenuePhoto(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="hall/%Y/%m/")
    captions = models.JSONField(_("caption"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["venue", "position", "id"]

    def __str__(self) -> str:
        return pick(self.captions) or str(self.pk)


class ItemCategory(models.TextChoices):
    EVERYDAY = "everyday", _("Everyday services")  # 便民服务
    GOVERNMENT = "government", _("Government services")  # 政务服务
    CULTURE = "culture", _("Culture and entertainment")  # 文化娱乐
    LEARNING = "learning", _("Learning and classes")  # 老年兴趣班 ...
    PARTY = "party", _("Party-building")  # 主题党日套餐
    HEALTH = "health", _("Health and care")
    LEGAL = "legal", _("Legal advice and mediation")
    EMPLOYMENT = "employment", _("Jobs and business")
    CHILDREN = "children", _("Children and families")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    ELDERLY = "elderly", _("The elderly")
    CHILDREN = "children", _("Children")
    PARTY_MEMBERS = "party_members", _("Party members")
    MERCHANTS = "merchants", _("Merchants")
    TOURISTS = "tourists", _("Tourists")


class ProviderKind(models.TextChoices):
    COMMUNITY = "community", _("The community")
    INSTITUTION = "institution", _("An institution")
    VOLUNTEERS = "volunteers", _("A volunteer team")
    MERCHANT = "merchant", _("A merchant")
    DEPARTMENT = "department", _("A government department's window")


class ServiceItem(models.Model):
    """One of a venue's service items (服务项目), such as the red cinema, a theme party-day package or an
    interest
    class for the elderly. A package bundles other items and a zone (a screening, a room and a guide)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=60)
    names = models.JSONField(_("names"), default=dict)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=ItemCategory.choices)
    zone = models.ForeignKey(Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    provider_kind = models.CharField(_("provided by"), max_length=12, choices=ProviderKind.choices)
    provider = models.ForeignKey(
        "people.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="service_items"
    )
    provider_names = models.JSONField(_("provider's name"), default=dict, blank=True)
    audiences = models.JSONField(_("for"), default=list, help_text=_("Audience codes."))
    needs_booking = models.BooleanField(_("needs booking"), default=False)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    price = models.DecimalField(_("price (yuan)"), max_digits=8, decimal_places=2, default=0)
    required_documents = models.JSONField(_("documents to bring"), default=dict, blank=True)
    is_package = models.BooleanField(_("package"), default=False)
    components = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="packages",
        verbose_name=_("what the package holds"),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["venue", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "code"], name="hall_item_code"),
            models.CheckConstraint(condition=Q(price__gte=0), name="hall_item_price"),
        ]
        indexes = [models.Index(fields=["category", "is_active"], name="hall_item_category")]

    def __str__(self) -> str:
        return pick(self.names) or self.code


from .booking_models import *  # noqa: E402, F403
from .event_models import *  # noqa: E402, F403
from .visit_models import *  # noqa: E402, F403
