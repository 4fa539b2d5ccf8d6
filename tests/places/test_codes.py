import pytest
from django.core.exceptions import ValidationError

from huiketing.places import codes
from huiketing.places.models import Level


@pytest.mark.parametrize(
    ("code", "level", "kind"),
    [
        ("654301", Level.CITY, codes.Kind.CITY),
        ("654301001", Level.SUBDISTRICT, codes.Kind.SUBDISTRICT),
        ("654301099", Level.SUBDISTRICT, codes.Kind.SUBDISTRICT),
        ("654301100", Level.SUBDISTRICT, codes.Kind.TOWN),
        ("654301199", Level.SUBDISTRICT, codes.Kind.TOWN),
        ("654301200", Level.SUBDISTRICT, codes.Kind.TOWNSHIP),
        ("654301399", Level.SUBDISTRICT, codes.Kind.TOWNSHIP),
        ("654301001001", Level.COMMUNITY, codes.Kind.RESIDENTS_COMMITTEE),
        ("654301001199", Level.COMMUNITY, codes.Kind.RESIDENTS_COMMITTEE),
        ("654301200200", Level.COMMUNITY, codes.Kind.VILLAGE_COMMITTEE),
        ("654301200399", Level.COMMUNITY, codes.Kind.VILLAGE_COMMITTEE),
        ("654301001001001", Level.GRID, codes.Kind.GRID),
        ("654301001001999", Level.GRID, codes.Kind.GRID),
    ],
)
def test_valid_codes_give_level_and_kind(code, level, kind):
    info = codes.code_parse(code)
    assert (info.level, info.kind) == (level, kind)
    assert info.parent_code == code[:-3] if level != Level.CITY else info.parent_code == ""


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "Enter a code"),
        ("６５４３０１", "full-width"),
        ("654301００1", "full-width"),
        ("65430A", "only the digits"),
        ("654 301", "only the digits"),
        ("٦٥٤٣٠١", "only the digits"),  # Arabic-Indic digits are digits to Python, not to us
        ("65430", "has 5 digits"),
        ("6543010011", "has 10 digits"),
        ("654300", "province or prefecture"),
        ("654301000", "Digits 7-9"),
        ("654301400", "Digits 7-9"),
        ("654301999", "Digits 7-9"),
        ("654301001000", "Digits 10-12"),
        ("654301001400", "Digits 10-12"),
        ("654301001001000", "Digits 13-15"),
    ],
)
def test_bad_codes_are_refused_naming_the_field(code, fragment):
    with pytest.raises(ValidationError) as caught:
        codes.code_parse(code, field="code")
    assert list(caught.value.message_dict) == ["code"]
    assert fragment in caught.value.message_dict["code"][0]


def test_the_field_name_is_the_callers():
    with pytest.raises(ValidationError) as caught:
        codes.code_parse("12", field="place")
    assert "place" in caught.value.message_dict


def test_child_code_must_start_with_the_parent_code():
    codes.code_check_parent("654301001001", "654301001")
    with pytest.raises(ValidationError) as caught:
        codes.code_check_parent("654301001001", "654301002")
    assert "654301001" in caught.value.message_dict["parent"][0]
    with pytest.raises(ValidationError):
        codes.code_check_parent("654301", "654300")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("654301000000", "654301"),
        ("654301001000", "654301001"),
        ("654301001001", "654301001001"),
        ("650000000000", "650000"),
        ("654301001", "654301001"),
        ("654301001001000", "654301001001000"),  # only 12-digit statistical codes are padded
    ],
)
def test_statistical_codes_are_normalised(raw, normalised):
    assert codes.code_normalise_statistical(raw) == normalised


def test_duplicates_are_refused():
    assert codes.codes_duplicates(["654301", "654301001", "654301"]) == {"654301"}
    codes.codes_check_unique(["654301", "654301001"])
    with pytest.raises(ValidationError) as caught:
        codes.codes_check_unique(["654301001", "654301001"])
    assert "654301001" in caught.value.message_dict["code"][0]


def test_urban_rural_codes():
    assert codes.urban_rural_check("111") == "111"
    assert codes.urban_rural_check("") == ""
    with pytest.raises(ValidationError) as caught:
        codes.urban_rural_check("999")
    assert "urban_rural_code" in caught.value.message_dict
