"""Validation of statistical division codes and grid codes (DESIGN.md §3), without touching the database.

Every function raises django's ValidationError keyed by the field it was given, so a form, the API and the
import reports can all say which field is wrong.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huiketing.places.models import LEVEL_BY_LENGTH, Level, UrbanRural

FULL_WIDTH_DIGITS = "０１２３４５６７８９"


class Kind(models.TextChoices):
    CITY = "city", gettext_lazy("County-level city")
    SUBDISTRICT = "subdistrict", gettext_lazy("Subdistrict")  # 街道
    TOWN = "town", gettext_lazy("Town")  # 镇
    TOWNSHIP = "township", gettext_lazy("Township")  # 乡
    RESIDENTS_COMMITTEE = "residents_committee", gettext_lazy("Residents' committee")  # 居委会
    VILLAGE_COMMITTEE = "village_committee", gettext_lazy("Village committee")  # 村委会
    GRID = "grid", gettext_lazy("Grid")


@dataclass(frozen=True)
class CodeInfo:
    code: str
    level: str
    kind: str

    @property
    def parent_code(self) -> str:
        return self.code[:-3] if self.level != Level.CITY else ""


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]}, code="invalid_code")


def _kind_of_subdistrict(segment: int) -> str | None:
    if 1 <= segment <= 99:
        return Kind.SUBDISTRICT
    if 100 <= segment <= 199:
        return Kind.TOWN
    if 200 <= segment <= 399:
        return Kind.TOWNSHIP
    return None


def _kind_of_community(segment: int) -> str | None:
    if 1 <= segment <= 199:
        return Kind.RESIDENTS_COMMITTEE
    if 200 <= segment <= 399:
        return Kind.VILLAGE_COMMITTEE
    return None


def code_parse(code: str, *, field: str = "code") -> CodeInfo:
    """The level and kind of a 6/9/12/15-digit code, or a ValidationError naming `field`."""
    if not isinstance(code, str) or code == "":
        raise _invalid(field, _("Enter a code."))
    if any(ch in FULL_WIDTH_DIGITS for ch in code):
        raise _invalid(
            field,
            _("The code %(code)s contains full-width digits; type it with the digits 0-9.") % {"code": code},
        )
    if not (code.isascii() and code.isdigit()):
        raise _invalid(field, _("The code %(code)s may contain only the digits 0-9.") % {"code": code})
    level = LEVEL_BY_LENGTH.get(len(code))
    if level is None:
        raise _invalid(
            field,
            _("The code %(code)s has %(length)d digits; a place code has 6, 9, 12 or 15 digits.")
            % {"code": code, "length": len(code)},
        )
    if code[4:6] == "00":
        raise _invalid(
            field,
            _("%(code)s starts with a province or prefecture code; places start with a county-level code.")
            % {"code": code},
        )
    kind = Kind.CITY
    if level != Level.CITY:
        segment = int(code[6:9])
        kind = _kind_of_subdistrict(segment)
        if kind is None:
            raise _invalid(
                field,
                _(
                    "Digits 7-9 of %(code)s must be 001-099 (subdistrict), 100-199 (town) "
                    "or 200-399 (township)."
                )
                % {"code": code},
            )
    if level in (Level.COMMUNITY, Level.GRID):
        kind = _kind_of_community(int(code[9:12]))
        if kind is None:
            raise _invalid(
                field,
                _(
                    "Digits 10-12 of %(code)s must be 001-199 (residents' committee) "
                    "or 200-399 (village committee)."
                )
                % {"code": code},
            )
    if level == Level.GRID:
        if code[12:15] == "000":
            raise _invalid(
                field, _("Digits 13-15 of %(code)s must be a grid number from 001 to 999.") % {"code": code}
            )
        kind = Kind.GRID
    return CodeInfo(code=code, level=level, kind=kind)


def code_check_parent(code: str, parent_code: str, *, field: str = "parent") -> None:
    """Refuse a parent whose code is not the code's own prefix one level up."""
    info = code_parse(code)
    if info.level == Level.CITY:
        if parent_code:
            raise _invalid(field, _("A county-level city has no parent place here."))
        return
    if parent_code != info.parent_code:
        raise _invalid(
            field,
            _("The code %(code)s belongs under %(expected)s, not under %(parent)s.")
            % {"code": code, "expected": info.parent_code, "parent": parent_code or "—"},
        )


def code_normalise_statistical(code: str) -> str:
    """Turn a 12-digit national statistical code into the code of its own level.

    The national list pads every code to 12 digits: 654301001000 is the subdistrict 654301001 and
    654301000000 the city 654301. Only 12-digit codes are padded that way, so only they are shortened.
    """
    if len(code) == 12 and code.isascii() and code.isdigit():
        while len(code) > 6 and code.endswith("000"):
            code = code[:-3]
    return code


def is_above_county(code: str) -> bool:
    """Whether a normalised 6-digit code names a province or prefecture, not a county-level city."""
    return len(code) == 6 and code.isascii() and code.isdigit() and code[4:6] == "00"


def codes_duplicates(codes: Iterable[str]) -> set[str]:
    """The codes that occur more than once."""
    seen: set[str] = set()
    duplicates: set[str] = set()
    for code in codes:
        if code in seen:
            duplicates.add(code)
        seen.add(code)
    return duplicates


def codes_check_unique(codes: Iterable[str], *, field: str = "code") -> None:
    if duplicates := codes_duplicates(codes):
        raise _invalid(
            field,
            _("These codes occur more than once: %(codes)s.") % {"codes": ", ".join(sorted(duplicates))},
        )


def urban_rural_check(value: str, *, field: str = "urban_rural_code") -> str:
    """An urban-rural classification code (城乡分类代码), empty allowed."""
    if value and value not in UrbanRural.values:
        raise _invalid(
            field,
            _("%(value)s is not an urban-rural classification code (one of %(codes)s).")
            % {"value": value, "codes": ", ".join(UrbanRural.values)},
        )
    return value
