"""The place tree city → subdistrict → community → grid, keyed by statistical division codes (DESIGN.md §3).

The code is the materialised path: every descendant's code starts with its ancestor's code, so scope and
roll-ups are prefix queries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huiketing.core.i18n import pick


class Level(models.TextChoices):
    CITY = "city", _("City")
    SUBDISTRICT = "subdistrict", _("Subdistrict or town")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


CODE_LENGTH = {Level.CITY: 6, Level.SUBDISTRICT: 9, Level.COMMUNITY: 12, Level.GRID: 15}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}
PARENT_LEVEL = {
    Level.SUBDISTRICT: Level.CITY,
    Level.COMMUNITY: Level.SUBDISTRICT,
    Level.GRID: Level.COMMUNITY,
}


class GridType(models.TextChoices):
    # One integrated grid replaces the separate party-building, comprehensive-governance and
    # city-management grids.
    INTEGRATED = "integrated", _("Integrated grid")
    RESIDENTIAL = "residential", _("Residential grid")
    COMMERCIAL = "commercial", _("Business district grid")
    SPECIAL = "special", _("Special grid (schools, hospitals, institutions)")


class UrbanRural(models.TextChoices):
    """城乡分类代码 of the national statistical code list."""

    MAIN_URBAN = "111", _("Main urban area")  # 主城区
    URBAN_FRINGE = "112", _("Urban-rural fringe")  # 城乡结合区
    TOWN_CENTRE = "121", _("Town centre")  # 镇中心区
    TOWN_FRINGE = "122", _("Town-rural fringe")  # 镇乡结合区
    SPECIAL = "123", _("Special area")  # 特殊区域
    TOWNSHIP_CENTRE = "210", _("Township centre")  # 乡中心区
    VILLAGE = "220", _("Village")  # 村庄


class Place(models.Model):
    code = models.CharField(_("code"), max_length=15, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    names = models.JSONField(_("names"), default=dict)
    boundary = models.JSONField(_("boundary (GeoJSON, WGS-84)"), null=True, blank=True)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lng = models.FloatField(_("centroid longitude"), null=True, blank=True)
    # Grid attributes (empty for other levels).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_grids",
        verbose_name=_("grid leader"),
    )
    grid_type = models.CharField(_("grid type"), max_length=20, choices=GridType.choices, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    urban_rural_code = models.CharField(
        _("urban-rural classification"), max_length=3, choices=UrbanRural.choices, blank=True
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level=Level.CITY, code__regex=r"^[0-9]{6}$")
                    | Q(level=Level.SUBDISTRICT, code__regex=r"^[0-9]{9}$")
                    | Q(level=Level.COMMUNITY, code__regex=r"^[0-9]{12}$")
                    | Q(level=Level.GRID, code__regex=r"^[0-9]{15}$")
                ),
                name="places_place_code_matches_level",
            ),
        ]
        # The point-to-grid index checks max(updated_at) of the grids on every lookup (places.geo).
        indexes = [models.Index(fields=["level", "updated_at"], name="places_level_updated_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return pick(self.names)

    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors, city first."""
        return [self.code[:n] for n in (6, 9, 12) if n < len(self.code)]


class PlaceCodeHistory(models.Model):
    """A code a place held before it was renumbered; old references keep resolving."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="code_history")
    old_code = models.CharField(_("old code"), max_length=15, db_index=True)
    new_code = models.CharField(_("new code"), max_length=15)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former code")
        verbose_name_plural = _("former codes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"


class ServicePointKind(models.TextChoices):
    RED_POST = "red_post", _("Grid red post")  # 网格红色驿站
    TALK_POINT = "talk_point", _("Residents' talk point")  # 居民说事点
    OPINION_WORKSHOP = "opinion_workshop", _("Public opinion workshop")  # 民意坊
    LIVING_ROOM = "living_room", _("Community living room")  # 社区会客厅
    BUSINESS_LIVING_ROOM = "business_living_room", _("Business district living room")  # 商圈党群会客厅
    CANTEEN = "canteen", _("Community canteen")  # 社区食堂
    DAY_CARE = "day_care", _("Day-care center")  # 日间照料中心
    OTHER = "other", _("Other service point")


class ServicePoint(models.Model):
    kind = models.CharField(_("kind"), max_length=30, choices=ServicePointKind.choices)
    names = models.JSONField(_("names"), default=dict)
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="service_points", verbose_name=_("grid")
    )
    # Copied from the place so that scoped queries are prefix queries without a join.
    place_code = models.CharField(_("place code"), max_length=15, db_index=True)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    address = models.JSONField(_("address"), default=dict, blank=True)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        help_text=_('A list of {"days": [1..7], "opens": "HH:MM", "closes": "HH:MM"} (1 = Monday).'),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["place_code", "kind", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.names)
