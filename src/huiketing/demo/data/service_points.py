"""The 41 grid service points of the demo (DESIGN.md §1), each placed in one grid of one community.

Breakdown: 12 grid red posts, 8 residents' talk points, 4 public opinion workshops (one per subdistrict),
6 community living rooms, 4 business-district living rooms, 4 community canteens and 3 day-care centers.
"""

from dataclasses import dataclass, field

# Names of the kinds that carry their community's name: {language: template}. `{community}` is the community's
# full name, `{n}` the grid number; Uyghur and Kazakh put the community in the genitive.
NAME_TEMPLATES = {
    "red_post": {
        "zh-hans": "{community}第{n}网格红色驿站",
        "ug": "{community}نىڭ {n}-تور قىزىل ئۆتىڭى",
        "kk": "{community}نىڭ {n}-تور قىزىل بەكەتى",
        "en": "{community} Grid {n} Red Post",
    },
    "talk_point": {
        "zh-hans": "{community}第{n}网格居民说事点",
        "ug": "{community}نىڭ {n}-تور ئاھالىلەر ئىش سۆزلىشىش نۇقتىسى",
        "kk": "{community}نىڭ {n}-تور تۇرعىنداردىڭ ماسەلە ايتۋ ورنى",
        "en": "{community} Grid {n} Residents' Talk Point",
    },
    "opinion_workshop": {
        "zh-hans": "{community}民意坊",
        "ug": "{community}نىڭ خەلق پىكرى ئۆيى",
        "kk": "{community}نىڭ حالىق پىكىرى ٴۇيى",
        "en": "{community} Public Opinion Workshop",
    },
    "living_room": {
        "zh-hans": "{community}会客厅",
        "ug": "{community}نىڭ مېھمانخانىسى",
        "kk": "{community}نىڭ قوناق ٴۇيى",
        "en": "{community} Living Room",
    },
    "canteen": {
        "zh-hans": "{community}食堂",
        "ug": "{community}نىڭ ئاشخانىسى",
        "kk": "{community}نىڭ اسحاناسى",
        "en": "{community} Canteen",
    },
    "day_care": {
        "zh-hans": "{community}日间照料中心",
        "ug": "{community}نىڭ كۈندۈزلۈك قاراش مەركىزى",
        "kk": "{community}نىڭ كۇندىزگى كۇتىم ورتالىعى",
        "en": "{community} Day-Care Center",
    },
}

# Opening hours per kind, on Beijing time as posted in Xinjiang (the working day starts and ends late).
WEEKDAYS = [1, 2, 3, 4, 5]
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
OPENING_HOURS = {
    "red_post": [{"days": EVERY_DAY, "opens": "10:00", "closes": "20:00"}],
    "talk_point": [
        {"days": WEEKDAYS, "opens": "10:00", "closes": "14:00"},
        {"days": WEEKDAYS, "opens": "16:00", "closes": "19:30"},
    ],
    "opinion_workshop": [{"days": [2, 4], "opens": "16:00", "closes": "19:30"}],
    "living_room": [{"days": EVERY_DAY, "opens": "09:30", "closes": "20:30"}],
    "business_living_room": [{"days": EVERY_DAY, "opens": "10:00", "closes": "21:00"}],
    "canteen": [
        {"days": EVERY_DAY, "opens": "11:30", "closes": "14:30"},
        {"days": EVERY_DAY, "opens": "18:00", "closes": "20:00"},
    ],
    "day_care": [{"days": [1, 2, 3, 4, 5, 6], "opens": "09:30", "closes": "19:30"}],
}


@dataclass(frozen=True)
class ServicePointSpec:
    kind: str
    community: str  # 12-digit community code
    grid: int  # grid number inside the community
    names: dict[str, str] = field(default_factory=dict)  # empty: built from NAME_TEMPLATES
    street: tuple[str, str] = ("", "")  # (Chinese, English) street of the address; empty: the community's


def _spread(kind: str, places: list[tuple[str, int]]) -> list[ServicePointSpec]:
    return [ServicePointSpec(kind, community, grid) for community, grid in places]


def _business(zh: str, ug: str, kk: str, en: str, community: str, grid: int, street) -> ServicePointSpec:
    names = {
        "zh-hans": f"{zh}商圈党群会客厅",
        "ug": f"{ug} سودا رايونى پارتىيە-ئاممىۋى مېھمانخانىسى",
        "kk": f"{kk} ساۋدا اۋماعى پارتيا-بۇقارا قوناق ٴۇيى",
        "en": f"{en} Business District Party-Masses Living Room",
    }
    return ServicePointSpec("business_living_room", community, grid, names, street)


SERVICE_POINTS = [
    *_spread(
        "red_post",
        [
            ("654301001001", 1),
            ("654301001002", 2),
            ("654301001003", 3),
            ("654301001004", 1),
            ("654301001005", 2),
            ("654301002001", 1),
            ("654301002002", 3),
            ("654301002005", 2),
            ("654301003001", 2),
            ("654301003002", 1),
            ("654301004001", 1),
            ("654301004002", 2),
        ],
    ),
    *_spread(
        "talk_point",
        [
            ("654301001001", 4),
            ("654301001006", 2),
            ("654301002004", 1),
            ("654301002006", 2),
            ("654301003003", 4),
            ("654301003004", 1),
            ("654301004003", 2),
            ("654301004004", 3),
        ],
    ),
    *_spread(
        "opinion_workshop",
        [("654301001002", 1), ("654301002001", 2), ("654301003002", 4), ("654301004001", 3)],
    ),
    *_spread(
        "living_room",
        [
            ("654301001001", 1),
            ("654301002002", 1),
            ("654301002006", 4),
            ("654301003001", 3),
            ("654301003005", 1),
            ("654301004003", 1),
        ],
    ),
    _business(
        "五公里", "بەش كىلومېتىر", "بەس شاقىرىم", "Wugongli", "654301004004", 1, ("五公里路", "Wugongli Road")
    ),
    _business(
        "万驰广场",
        "ۋەنچى مەيدانى",
        "ۋانچي الاڭى",
        "Wanchi Plaza",
        "654301002003",
        4,
        ("公园路", "Gongyuan Road"),
    ),
    _business(
        "金山路步行街",
        "جىنشەن يولى پىيادىلەر كوچىسى",
        "جينشان جولى جاياۋ جۇرگىنشىلەر كوشەسى",
        "Jinshan Road Pedestrian Street",
        "654301001001",
        3,
        ("金山路步行街", "Jinshan Road Pedestrian Street"),
    ),
    _business(
        "恰秀路", "چياشيۇ يولى", "چياشيۋ جولى", "Qiaxiu Road", "654301004001", 2, ("恰秀路", "Qiaxiu Road")
    ),
    *_spread("canteen", [("654301001001", 2), ("654301002001", 3), ("654301003001", 4), ("654301004001", 4)]),
    *_spread("day_care", [("654301001002", 3), ("654301002004", 3), ("654301003003", 1)]),
]

BREAKDOWN = {
    "red_post": 12,
    "talk_point": 8,
    "opinion_workshop": 4,
    "living_room": 6,
    "business_living_room": 4,
    "canteen": 4,
    "day_care": 3,
}
assert sum(BREAKDOWN.values()) == len(SERVICE_POINTS) == 41
assert all(sum(1 for p in SERVICE_POINTS if p.kind == kind) == n for kind, n in BREAKDOWN.items())
