"""The ethnic groups of China as coded by GB/T 3304-1991, named in the platform's four languages.

The two-digit code is what is stored; names are for display (`ethnic_group_name`) and for reading what people
type or import (`ethnic_group_clean`), in any of the four languages, with or without 族.
"""

import unicodedata

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from huiketing.core.i18n import pick

# code, 简体中文 (without 族), Uyghur, Kazakh (Arabic script, as written in Xinjiang), English,
# GB/T 3304 letter code, and other spellings people use (GB/T 3304 romanisation, older English names).
_TABLE = (
    ("01", "汉", "خەنزۇ", "حانزۋ", "Han", "HA", ("Han Chinese",)),
    ("02", "蒙古", "موڭغۇل", "موڭعۇل", "Mongol", "MG", ("Mongolian",)),
    ("03", "回", "خۇيزۇ", "حۋيزۋ", "Hui", "HU", ()),
    ("04", "藏", "زاڭزۇ", "زاڭزۋ", "Tibetan", "ZA", ("Zang",)),
    ("05", "维吾尔", "ئۇيغۇر", "ۇيعۇر", "Uyghur", "UG", ("Uygur", "Uighur")),
    ("06", "苗", "مياۋزۇ", "مياۋزۋ", "Miao", "MH", ("Hmong",)),
    ("07", "彝", "يىزۇ", "يزۋ", "Yi", "YI", ()),
    ("08", "壮", "جۇاڭزۇ", "جۋاڭزۋ", "Zhuang", "ZH", ()),
    ("09", "布依", "بۇيىزۇ", "بۋييزۋ", "Bouyei", "BY", ("Buyei", "Buyi")),
    ("10", "朝鲜", "چاۋشيەنزۇ", "چاۋشيانزۋ", "Korean", "CS", ("Chosen", "Chaoxian")),
    ("11", "满", "مانجۇ", "مانجۋ", "Manchu", "MA", ("Man",)),
    ("12", "侗", "دۇڭزۇ", "دۇڭزۋ", "Dong", "DO", ("Kam",)),
    ("13", "瑶", "ياۋزۇ", "ياۋزۋ", "Yao", "YA", ()),
    ("14", "白", "بەيزۇ", "بايزۋ", "Bai", "BA", ()),
    ("15", "土家", "تۇجيازۇ", "تۋجيازۋ", "Tujia", "TJ", ()),
    ("16", "哈尼", "خانىزۇ", "حانيزۋ", "Hani", "HN", ()),
    ("17", "哈萨克", "قازاق", "قازاق", "Kazakh", "KZ", ("Kazak",)),
    ("18", "傣", "دەيزۇ", "دايزۋ", "Dai", "DA", ()),
    ("19", "黎", "لىزۇ", "ليزۋ", "Li", "LI", ("Hlai",)),
    ("20", "傈僳", "لىسۇزۇ", "ليسۋزۋ", "Lisu", "LS", ()),
    ("21", "佤", "ۋازۇ", "ۋازۋ", "Va", "VA", ("Wa",)),
    ("22", "畲", "شېزۇ", "شەزۋ", "She", "SH", ()),
    ("23", "高山", "گاۋشەنزۇ", "گاۋشانزۋ", "Gaoshan", "GS", ()),
    ("24", "拉祜", "لاخۇزۇ", "لاحۋزۋ", "Lahu", "LH", ()),
    ("25", "水", "شۈيزۇ", "شۋيزۋ", "Shui", "SU", ("Sui",)),
    ("26", "东乡", "دۇڭشياڭزۇ", "دۇڭشياڭزۋ", "Dongxiang", "DX", ("Santa",)),
    ("27", "纳西", "ناشىزۇ", "ناشيزۋ", "Naxi", "NX", ("Nakhi",)),
    ("28", "景颇", "جىڭپوزۇ", "جيڭپوزۋ", "Jingpo", "JP", ()),
    ("29", "柯尔克孜", "قىرغىز", "قىرعىز", "Kirgiz", "KG", ("Kyrgyz", "Kirghiz")),
    ("30", "土", "تۇزۇ", "تۋزۋ", "Tu", "TU", ("Monguor",)),
    ("31", "达斡尔", "داغۇر", "داعۇر", "Daur", "DU", ()),
    ("32", "仫佬", "مۇلاۋزۇ", "مۋلاۋزۋ", "Mulao", "ML", ("Mulam",)),
    ("33", "羌", "چياڭزۇ", "چياڭزۋ", "Qiang", "QI", ()),
    ("34", "布朗", "بۇلاڭزۇ", "بۋلاڭزۋ", "Blang", "BL", ("Bulang",)),
    ("35", "撒拉", "سالار", "سالار", "Salar", "SL", ()),
    ("36", "毛南", "ماۋنەنزۇ", "ماۋنانزۋ", "Maonan", "MN", ()),
    ("37", "仡佬", "گېلاۋزۇ", "گەلاۋزۋ", "Gelao", "GL", ()),
    ("38", "锡伯", "شىبە", "ٴسىبە", "Xibe", "XB", ("Sibe", "Xibo")),
    ("39", "阿昌", "ئاچاڭزۇ", "اچاڭزۋ", "Achang", "AC", ()),
    ("40", "普米", "پۇمىزۇ", "پۋميزۋ", "Pumi", "PM", ()),
    ("41", "塔吉克", "تاجىك", "تاجىك", "Tajik", "TA", ()),
    ("42", "怒", "نۇزۇ", "نۋزۋ", "Nu", "NU", ()),
    ("43", "乌孜别克", "ئۆزبېك", "ٶزبەك", "Uzbek", "UZ", ()),
    ("44", "俄罗斯", "رۇس", "ورىس", "Russian", "RS", ("Russ",)),
    ("45", "鄂温克", "ئېۋېنكى", "ەۆەنكى", "Ewenki", "EW", ("Evenk", "Evenki")),
    ("46", "德昂", "دېئاڭزۇ", "دەاڭزۋ", "De'ang", "DE", ("Deang",)),
    ("47", "保安", "باۋئەنزۇ", "باۋانزۋ", "Bonan", "BN", ("Bao'an",)),
    ("48", "裕固", "يۇغۇر", "يۇعۇر", "Yugur", "YG", ("سېرىق ئۇيغۇر", "سارى ۇيعۇر")),
    ("49", "京", "جىڭزۇ", "جيڭزۋ", "Jing", "GI", ("Gin", "Kinh")),
    ("50", "塔塔尔", "تاتار", "تاتار", "Tatar", "TT", ()),
    ("51", "独龙", "دۇلۇڭزۇ", "دۋلۇڭزۋ", "Derung", "DR", ("Drung",)),
    ("52", "鄂伦春", "ئورۇنچون", "ورونچون", "Oroqen", "OR", ("Orochon",)),
    ("53", "赫哲", "خېجېزۇ", "حەجەزۋ", "Hezhen", "HZ", ("Nanai",)),
    ("54", "门巴", "مېنبازۇ", "مەنبازۋ", "Monba", "MB", ("Monpa",)),
    ("55", "珞巴", "لوبازۇ", "لوبازۋ", "Lhoba", "LB", ()),
    ("56", "基诺", "جىنوزۇ", "جينوزۋ", "Jino", "JN", ()),
)

_OTHERS = (
    (
        "97",
        "其他未识别民族",
        "ئېنىقلانمىغان باشقا مىللەتلەر",
        "انىقتالماعان باسقا ۇلتتار",
        "Other unrecognised ethnic group",
        ("未识别民族",),
    ),
    (
        "98",
        "外国血统中国籍人士",
        "چەتئەل نەسەبلىك جۇڭگو پۇقرالىرى",
        "شەتەل تەكتى جۇڭگو ازاماتتارى",
        "Chinese citizen of foreign origin",
        ("外国血统",),
    ),
)

ETHNIC_GROUPS: dict[str, dict[str, str]] = {
    **{
        code: {"zh-hans": f"{zh}族", "ug": ug, "kk": kk, "en": en}
        for code, zh, ug, kk, en, _letters, _aliases in _TABLE
    },
    **{code: {"zh-hans": zh, "ug": ug, "kk": kk, "en": en} for code, zh, ug, kk, en, _aliases in _OTHERS},
}

# GB/T 3304's two-letter codes, accepted on import (some older systems store these).
LETTER_CODES: dict[str, str] = {letters: code for code, _zh, _ug, _kk, _en, letters, _aliases in _TABLE}

ETHNIC_GROUP_CHOICES: list[tuple[str, str]] = [
    (code, names["zh-hans"]) for code, names in ETHNIC_GROUPS.items()
]

# Words for "ethnic group" people add after the name: 族, مىللىتى (ug), ۇلتى (kk), people/ethnic group (en).
_SUFFIXES = ("族", " مىللىتى", "مىللىتى", " ۇلتى", "ۇلتى", " people", " ethnic group", " nationality")


def _key(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return text.replace("’", "'")


def _strip_suffix(key: str) -> str:
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)].strip()
    return key


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        key = _key(name)
        if index.setdefault(key, code) != code:
            raise ImproperlyConfigured(f"{name!r} names both {index[key]} and {code}")

    for code, names in ETHNIC_GROUPS.items():
        for name in names.values():
            add(name, code)
            add(_strip_suffix(_key(name)), code)
    for code, _zh, _ug, _kk, _en, letters, aliases in _TABLE:
        add(letters, code)
        for alias in aliases:
            add(alias, code)
    for code, *_names, aliases in _OTHERS:
        for alias in aliases:
            add(alias, code)
    # Short forms common on forms in Xinjiang.
    add("维族", "05")
    add("蒙族", "02")
    return index


_INDEX = _build_index()  # raises at import if two groups share a name


def ethnic_group_name(code: str, language: str | None = None) -> str:
    """The group's name in `language` (default: the active language); "" for an unknown code."""
    return pick(ETHNIC_GROUPS.get(code), language)


def ethnic_group_clean(value: str | int, *, field_name: str = "ethnic_group") -> str:
    """The two-digit code for what was typed or imported: a code ("05", or 5 from a spreadsheet), a GB/T 3304
    letter code ("UG"), or a name in any of the four languages, with or without 族 (维吾尔族, 维吾尔, ئۇيغۇر,
    ۇيعۇر, Uyghur)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field_name: [ValidationError(_("Enter an ethnic group."), code="required")]})
    if isinstance(value, str):
        key = _key(value)
        if key.isascii() and key.isdigit() and len(key) <= 2:
            code = key.zfill(2)
            if code in ETHNIC_GROUPS:
                return code
        elif code := _INDEX.get(key) or _INDEX.get(_strip_suffix(key)):
            return code
    raise ValidationError(
        {
            field_name: [
                ValidationError(
                    _(
                        "%(value)s is not an ethnic group of China: enter its name or its code "
                        "(01-56, 97 or 98, GB/T 3304)."
                    )
                    % {"value": value},
                    code="ethnic_group_unknown",
                )
            ]
        }
    )
