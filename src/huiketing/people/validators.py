"""Validation of what the residents registry is told: ID numbers (GB 11643), phone numbers and names.

Pure functions, no database: each returns the normalised value or raises django's ValidationError keyed by the
field it was given, with a translated message that says what is wrong (DESIGN.md §3, §6). Messages about ID
numbers and phone numbers never repeat the value, so that an error report or a log line never carries
personal data.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FULL_WIDTH_DIGITS = "０１２３４５６７８９"
_TO_ASCII = str.maketrans(
    {
        **{full: str(n) for n, full in enumerate(FULL_WIDTH_DIGITS)},
        "Ｘ": "X",
        "ｘ": "X",
        "x": "X",
    }
)


def _invalid(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: [ValidationError(message, code=code)]})


# --- ID numbers (GB 11643-1999) --------------------------------------------------------------------------

CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum modulo 11 (ISO 7064 MOD 11-2)
EARLIEST_BIRTH_YEAR = 1880

# The first two digits of GB/T 2260: provinces, autonomous regions, municipalities, Taiwan (71),
# Hong Kong (81), Macao (82), and 83 used by residence permits for Taiwan residents. Only these are checked:
# counties are renamed, merged and re-coded, and a number keeps the code of the county that issued it, so
# people born before their county code existed (or after it was abolished) hold valid numbers.
PROVINCE_CODES = frozenset(
    {
        *(str(n) for n in range(11, 16)),
        *(str(n) for n in range(21, 24)),
        *(str(n) for n in range(31, 38)),
        *(str(n) for n in range(41, 47)),
        *(str(n) for n in range(50, 55)),
        *(str(n) for n in range(61, 66)),
        "71",
        "81",
        "82",
        "83",
    }
)

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_FLOAT_WITH_ZERO_FRACTION = re.compile(r"^\d+\.0+$")


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character resident ID number and what it says about its holder."""

    number: str = field(repr=False)  # never in a repr, and so never in a traceback or log line by accident
    birth_date: date
    sex: Literal["M", "F"]
    region_code: str

    @property
    def masked(self) -> str:
        """The form shown by default (DESIGN.md §6): 6543**********123X."""
        return f"{self.number[:4]}{'*' * 10}{self.number[-4:]}"


def id_check_character(first_17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def looks_like_spreadsheet_number(value: object) -> bool:
    """Whether a value is an ID number that a spreadsheet stored as a number, losing its last digits.

    True for ints, floats and Decimals, and for the text a spreadsheet shows for them: scientific notation
    ("6.54301E+17") or a number ending in ".0" ("654301198001010011.0").
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip().translate(_TO_ASCII)
    return bool(_SCIENTIFIC.match(text) or _FLOAT_WITH_ZERO_FRACTION.match(text))


def id_number_normalise(value: str, *, field_name: str = "id_number", today: date | None = None) -> IdNumber:
    """An ID number as typed or imported, checked and normalised to 18 characters with an upper-case X.

    Accepted and normalised: whitespace at either end, full-width digits and Ｘ/ｘ, a lower-case x, and
    15-digit numbers issued before 1999 (converted by inserting "19" before the year and appending the check
    character). Refused: anything inside the number that is not a digit, including spaces and hyphens, since a
    number split into groups is usually one copied with a digit missing or doubled and guessing is worse than
    asking. `today` (default: today in the project's time zone) bounds the birth date.
    """
    if looks_like_spreadsheet_number(value):
        raise _invalid(
            field_name,
            _(
                "This ID number was stored as a number, which loses digits: format the column as text "
                "and type it again."
            ),
            "id_spreadsheet_number",
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _invalid(field_name, _("Enter an ID number."), "required")
    if not isinstance(value, str):
        raise _invalid(field_name, _("Enter the ID number as text."), "id_not_text")
    text = value.strip().translate(_TO_ASCII)
    if any(ch.isspace() or ch in "-‐‑–—－" for ch in text):
        raise _invalid(field_name, _("Type the ID number without spaces or hyphens."), "id_separators")
    if not re.fullmatch(r"[0-9X]+", text):
        raise _invalid(
            field_name,
            _("An ID number may contain only the digits 0-9 and, as its last character, X."),
            "id_characters",
        )
    if len(text) not in (15, 18):
        raise _invalid(
            field_name,
            _("An ID number has 18 characters (15 for an old one); this one has %(length)d.")
            % {"length": len(text)},
            "id_length",
        )
    if "X" in text[:-1] or (len(text) == 15 and text.endswith("X")):
        raise _invalid(
            field_name,
            _("An ID number may contain only the digits 0-9 and, as its last character, X."),
            "id_characters",
        )
    if text[:2] not in PROVINCE_CODES:
        raise _invalid(
            field_name,
            _("The first two digits of the ID number are not the code of a province or region of China."),
            "id_region",
        )
    legacy = len(text) == 15
    date_digits = "19" + text[6:12] if legacy else text[6:14]
    try:
        birth_date = date(int(date_digits[:4]), int(date_digits[4:6]), int(date_digits[6:8]))
    except ValueError:
        if legacy:
            message = _("Digits 7-12 of the 15-digit ID number are not a real birth date.")
        else:
            message = _("Digits 7-14 of the ID number are not a real birth date.")
        raise _invalid(field_name, message, "id_birth_date") from None
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise _invalid(
            field_name,
            _("The birth year in the ID number is before %(year)d.") % {"year": EARLIEST_BIRTH_YEAR},
            "id_birth_year",
        )
    if birth_date > (today or timezone.localdate()):
        raise _invalid(field_name, _("The birth date in the ID number is in the future."), "id_future")
    if legacy:
        first_17 = text[:6] + "19" + text[6:]
        number = first_17 + id_check_character(first_17)
    else:
        number = text
        if id_check_character(number[:17]) != number[17]:
            # Never say which character would fit: that turns any mistyped number into a valid-looking one.
            raise _invalid(
                field_name,
                _(
                    "The last character of the ID number does not match the others; "
                    "check it for a typing mistake."
                ),
                "id_check_character",
            )
    return IdNumber(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
    )


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on `day` (周岁). Someone born on 29 February turns a year older on 1 March."""
    if day < birth_date:
        raise ValueError("day is before birth_date")
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- Phone numbers -----------------------------------------------------------------------------------------

_PHONE_TO_ASCII = str.maketrans(
    {
        **{full: str(n) for n, full in enumerate(FULL_WIDTH_DIGITS)},
        "＋": "+",
        "（": "(",
        "）": ")",
        "－": "-",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "＃": "#",
        "\u3000": " ",
        "\u00a0": " ",
    }
)
_EXTENSION = re.compile(r"^(?P<main>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<extension>\d{1,6})$", re.IGNORECASE)
_PHONE_CHARACTERS = re.compile(r"^\(?\+?[\d\s()\-]+$")


@dataclass(frozen=True)
class Phone:
    """A valid Chinese phone number: mobile "13800138000", landline "0906-2123456" or "0906-2123456-801"."""

    number: str = field(repr=False)
    kind: Literal["mobile", "landline"]
    extension: str = ""

    @property
    def masked(self) -> str:
        """The form shown by default (DESIGN.md §6): 139****5678, 0906-***3456."""
        if self.kind == "mobile":
            return f"{self.number[:3]}****{self.number[-4:]}"
        area, local = self.number.split("-")[:2]
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"


def _area_code_length(digits: str) -> int:
    """010 and 020-029 are the 3-digit area codes (Beijing, big cities); all others have 4 (0906 Altay)."""
    return 3 if digits[1] in "12" else 4


def phone_normalise(value: str, *, field_name: str = "phone") -> Phone:
    """A Chinese mobile or landline number as typed, checked and normalised.

    Mobile: 11 digits starting 13-19, with an optional +86, 86 or 0086 in front; normalised to the 11 digits.
    Landline: an area code (0 and 2 or 3 digits) and a local number of 7 or 8 digits, optionally followed by
    an extension (转, ext, x or #); normalised to "0906-2123456" or "0906-2123456-801". Spaces, hyphens,
    brackets and full-width digits are accepted and removed. A spreadsheet cell holding a mobile number as
    a number is accepted (nothing is lost); any other number is refused, since a landline loses its leading 0.
    """
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            as_text = str(int(value)) if value == int(value) else ""
        except (ValueError, OverflowError):  # NaN, infinity
            as_text = ""
        if not re.fullmatch(r"1[3-9]\d{9}", as_text):
            raise _invalid(
                field_name,
                _(
                    "This phone number was stored as a number, which loses its leading 0: format the column "
                    "as text and type it again."
                ),
                "phone_spreadsheet_number",
            )
        value = as_text
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _invalid(field_name, _("Enter a phone number."), "required")
    if not isinstance(value, str):
        raise _invalid(field_name, _("Enter the phone number as text."), "phone_not_text")
    text = value.translate(_PHONE_TO_ASCII).strip()
    extension = ""
    if match := _EXTENSION.match(text):
        text, extension = match["main"].strip(), match["extension"]
    if not _PHONE_CHARACTERS.match(text):
        raise _invalid(
            field_name,
            _("A phone number may contain only digits, spaces, hyphens, brackets and a leading +."),
            "phone_characters",
        )
    international = text.lstrip("(").startswith("+")
    digits = re.sub(r"\D", "", text)
    if international:
        if not digits.startswith("86"):
            raise _invalid(field_name, _("Only Chinese phone numbers (+86) can be entered."), "phone_foreign")
        digits = digits[2:]
    elif digits.startswith("0086"):
        international, digits = True, digits[4:]
    elif digits.startswith("00"):
        raise _invalid(field_name, _("Only Chinese phone numbers (+86) can be entered."), "phone_foreign")
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    if international and digits[:1] not in ("", "0", "1"):
        digits = "0" + digits  # +86 906 2123456: the area code is written without its 0 after +86

    if digits.startswith("1"):
        if extension:
            raise _invalid(field_name, _("A mobile number has no extension."), "phone_mobile_extension")
        if len(digits) != 11:
            raise _invalid(
                field_name,
                _("A mobile number has 11 digits; this one has %(length)d.") % {"length": len(digits)},
                "phone_mobile_length",
            )
        if digits[1] not in "3456789":
            raise _invalid(field_name, _("A mobile number starts with 13 to 19."), "phone_mobile_prefix")
        return Phone(number=digits, kind="mobile")

    if digits.startswith("0") and len(digits) > 1:
        area_length = _area_code_length(digits)
        area, local = digits[:area_length], digits[area_length:]
        groups = re.split(r"[\s()\-]+", text.strip("() "))
        if not extension and len(local) > 8 and len(groups) > 2 and 7 <= len(local) - len(groups[-1]) <= 8:
            # 0906-2123456-801: the last group is an extension (the form this function returns)
            extension = groups[-1]
            local = local[: -len(extension)]
        if area[1] == "1" and area != "010":
            raise _invalid(field_name, _("This is not a Chinese area code."), "phone_area_code")
        if not (7 <= len(local) <= 8) or local[0] == "0":
            raise _invalid(
                field_name,
                _(
                    "A landline number is an area code (0 and 2 or 3 digits, such as 0906) followed by "
                    "a local number of 7 or 8 digits."
                ),
                "phone_landline_length",
            )
        number = f"{area}-{local}" + (f"-{extension}" if extension else "")
        return Phone(number=number, kind="landline", extension=extension)

    if 7 <= len(digits) <= 8 and not international:
        raise _invalid(
            field_name,
            _("Add the area code in front of the landline number, such as 0906 for Altay."),
            "phone_area_code_missing",
        )
    raise _invalid(
        field_name,
        _("This is not a Chinese mobile number (11 digits starting 1) or landline number (starting 0)."),
        "phone_invalid",
    )


# --- Names -----------------------------------------------------------------------------------------------

NAME_MAX_LENGTH = 50
MIDDLE_DOT = "\u00b7"
# Dots people type between the parts of a transliterated minority name (阿依古丽·买买提): katakana middle dot,
# its half-width form, bullet, hyphenation point and operator dots. ASCII and full-width full stops are
# only read as this dot between two Chinese characters, where they cannot be anything else.
_DOT_VARIANTS = {"・", "･", "•", "‧", "∙", "⋅"}
_DOT_BETWEEN_HAN = {".", "．", "。"}
_APOSTROPHES = {"’", "ʼ", "‘", "`", "´"}
_INVISIBLE_AT_ENDS = "\ufeff\u200b\u200c\u200d\u200e\u200f"

_HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2EBEF),
    (0x2F800, 0x2FA1F),
    (0x30000, 0x323AF),
)
_ARABIC_RANGES = ((0x0600, 0x06FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_ARABIC_JOINS = {"-", "\u200c"}  # hyphen, zero-width non-joiner; the tatweel ـ is a letter (category Lm)
_LATIN_JOINS = {"-", "'"}


def _in_ranges(ch: str, ranges) -> bool:
    point = ord(ch)
    return any(low <= point <= high for low, high in ranges)


def _is_han(ch: str) -> bool:
    return ch == "〇" or _in_ranges(ch, _HAN_RANGES)


def _is_arabic_letter(ch: str) -> bool:
    return _in_ranges(ch, _ARABIC_RANGES) and unicodedata.category(ch)[0] in "LM"


def _is_latin_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L" and unicodedata.name(ch, "").startswith("LATIN ")


def _script(ch: str) -> str | None:
    if _is_han(ch):
        return "han"
    if _is_arabic_letter(ch):
        return "arabic"
    if _is_latin_letter(ch):
        return "latin"
    return None


def _base_arabic_letters(text: str) -> str:
    """Arabic presentation forms (from text copied out of PDFs) replaced by the letters they show."""
    out = []
    for ch in text:
        if _in_ranges(ch, ((0xFB50, 0xFDFF), (0xFE70, 0xFEFE))) and unicodedata.category(ch) == "Lo":
            base = unicodedata.normalize("NFKC", ch)
            out.append(base if base.strip() == base else ch)
        else:
            out.append(ch)
    return "".join(out)


def _unify_dots(text: str) -> str:
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _DOT_VARIANTS or (
            ch in _DOT_BETWEEN_HAN
            and 0 < i < len(chars) - 1
            and _is_han(chars[i - 1])
            and _is_han(chars[i + 1])
        ):
            chars[i] = MIDDLE_DOT
        elif ch in _APOSTROPHES:
            chars[i] = "'"
    return "".join(chars)


def name_clean(value: str, *, field_name: str = "full_name") -> str:
    """A person's name, trimmed, with its whitespace collapsed, checked to be a name.

    Accepted: Chinese characters, with the middle dot · between the parts of a transliterated name (the dots
    ・ • ･ ‧ and, between Chinese characters, . ．。 are turned into ·); the Arabic script in which Uyghur and
    Kazakh are written (presentation forms are turned into the plain letters, so that searches find them),
    with spaces and hyphens or tatweels inside; Latin letters for foreigners, with spaces, hyphens and
    apostrophes (’ is turned into '). Refused: digits, other symbols, a word mixing scripts, Chinese words
    separated by a space, and names longer than 50 characters.
    """
    if value is None or (isinstance(value, str) and not value.strip(_INVISIBLE_AT_ENDS + " \t\r\n\u3000")):
        raise _invalid(field_name, _("Enter a name."), "required")
    if not isinstance(value, str):
        raise _invalid(field_name, _("Enter the name as text."), "name_not_text")
    text = unicodedata.normalize("NFC", value)
    text = " ".join(text.split()).strip(_INVISIBLE_AT_ENDS).strip()
    text = _unify_dots(_base_arabic_letters(text))
    if not text:
        raise _invalid(field_name, _("Enter a name."), "required")
    if any(unicodedata.category(ch) == "Nd" or ch in FULL_WIDTH_DIGITS for ch in text):
        raise _invalid(field_name, _("A name may not contain digits."), "name_digits")
    for ch in text:
        if ch in (" ", MIDDLE_DOT) or ch in _ARABIC_JOINS or ch in _LATIN_JOINS:
            continue
        if _script(ch) is None and unicodedata.category(ch)[0] != "M":
            raise _invalid(
                field_name,
                _(
                    "The character %(character)s cannot be part of a name: write the name in Chinese "
                    "characters, in the Uyghur or Kazakh alphabet, or in Latin letters."
                )
                % {"character": ch},
                "name_character",
            )
    scripts = [_word_script(word, field_name) for word in text.split(" ")]
    for left, right in itertools.pairwise(scripts):
        if left == right == "han":
            raise _invalid(
                field_name,
                _(
                    "A name in Chinese characters has no spaces; join the parts of a transliterated name "
                    "with the middle dot ·."
                ),
                "name_han_space",
            )
    if len(text) > NAME_MAX_LENGTH:
        raise _invalid(
            field_name,
            _("A name has at most %(max)d characters; this one has %(length)d.")
            % {"max": NAME_MAX_LENGTH, "length": len(text)},
            "name_length",
        )
    return text


def _word_script(word: str, field_name: str) -> str:
    """The one script a word is written in; a word joining or ending badly, or mixing scripts, is refused."""
    scripts = {_script(ch) for ch in word} - {None}
    if len(scripts) > 1:
        raise _invalid(
            field_name,
            _("Each word of a name must be written in one script: Chinese, Uyghur/Kazakh or Latin."),
            "name_mixed_scripts",
        )
    script = scripts.pop() if scripts else None
    if script is None:
        raise _invalid(field_name, _("Enter a name."), "required")
    joins = {"han": {MIDDLE_DOT}, "arabic": _ARABIC_JOINS, "latin": _LATIN_JOINS}.get(script, set())
    # a join mark belongs to its script, stands between two letters and is never doubled
    for i, ch in enumerate(word):
        if ch != MIDDLE_DOT and ch not in _ARABIC_JOINS and ch not in _LATIN_JOINS:
            continue
        if ch not in joins:
            if ch == MIDDLE_DOT:
                message = _("The middle dot · joins the parts of a name in Chinese characters only.")
            elif script == "han":
                message = _(
                    "Join the parts of a transliterated name in Chinese characters with the middle dot ·."
                )
            else:
                message = _("The mark %(character)s cannot be used in this name.") % {"character": ch}
            raise _invalid(field_name, message, "name_join")
        before = word[i - 1] if i > 0 else ""
        after = word[i + 1] if i + 1 < len(word) else ""
        if not (_is_letter_or_mark(before) and _is_letter_or_mark(after)):
            raise _invalid(
                field_name,
                _("A joining mark (· - ') must stand between two letters of a name."),
                "name_join",
            )
    return script


def _is_letter_or_mark(ch: str) -> bool:
    return bool(ch) and (_script(ch) is not None or unicodedata.category(ch)[0] == "M")
