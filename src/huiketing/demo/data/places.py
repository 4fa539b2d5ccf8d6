"""Altay City, its four urban subdistricts, 23 communities and 89 grids, with names in four languages.

Subdistrict codes are the real statistical codes; community names are plausible inventions. Each subdistrict
is a band of latitudes (north first) and each community a span of longitudes inside its band;
geometry.py turns these into boundaries.
"""

from dataclasses import dataclass

CITY_CODE = "654301"
CITY_NAMES = {"zh-hans": "阿勒泰市", "ug": "ئالتاي شەھىرى", "kk": "التاي قالاسى", "en": "Altay City"}

# The city centre (WGS-84): the demo's community, grid leader and resident live in the grid holding it.
CENTRE_LAT = 47.8456
CENTRE_LNG = 88.1396

# The demo city's extent and the latitudes separating the subdistrict bands, north to south.
WEST, EAST = 88.095, 88.185
BAND_EDGES = [47.870, 47.8555, 47.8395, 47.8295, 47.820]

# Generic words after a proper name, per level and language.
SUFFIXES = {
    "subdistrict": {
        "zh-hans": "街道",
        "ug": " كوچا باشقارمىسى",
        "kk": " كوشە باسقارماسى",
        "en": " Subdistrict",
    },
    "community": {"zh-hans": "社区", "ug": " مەھەللىسى", "kk": " قاۋىمى", "en": " Community"},
}


def grid_names(number: int) -> dict[str, str]:
    # Ordinals in Uyghur and Kazakh are written as the number followed by a hyphen.
    return {
        "zh-hans": f"第{number}网格",
        "ug": f"{number}-تور",
        "kk": f"{number}-تور",
        "en": f"Grid {number}",
    }


def full_names(stem: dict[str, str], level: str) -> dict[str, str]:
    return {language: stem[language] + suffix for language, suffix in SUFFIXES[level].items()}


@dataclass(frozen=True)
class Community:
    number: str  # three digits inside the subdistrict
    stem: dict[str, str]  # the proper name in each language, without "community"
    west: float
    east: float
    grids: int  # 4 grids lie in 2 rows of 2; 3 grids in one row


@dataclass(frozen=True)
class Subdistrict:
    code: str
    stem: dict[str, str]
    band: int  # index into BAND_EDGES: the band between BAND_EDGES[band] and BAND_EDGES[band + 1]
    communities: tuple[Community, ...]


def _stem(zh: str, ug: str, kk: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "ug": ug, "kk": kk, "en": en}


SUBDISTRICTS = (
    Subdistrict(
        "654301001",
        _stem("金山路", "جىنشەن يولى", "جينشان جولى", "Jinshanlu"),
        band=1,
        # Listed west to east; 金山 (001), the oldest community, sits in the middle around the centre.
        communities=(
            Community("005", _stem("阿山", "ئاشەن", "اشان", "Ashan"), 88.095, 88.1085, 4),
            Community("002", _stem("红墩", "خۇڭدۇن", "حوڭدۋن", "Hongdun"), 88.1085, 88.1285, 4),
            Community("001", _stem("金山", "جىنشەن", "جينشان", "Jinshan"), 88.1285, 88.1475, 4),
            Community("003", _stem("白桦林", "بەيخۇالىن", "بايحۋالين", "Baihualin"), 88.1475, 88.1605, 4),
            Community("004", _stem("东山", "دۇڭشەن", "دوڭشان", "Dongshan"), 88.1605, 88.1725, 4),
            Community("006", _stem("新华", "شىنخۇا", "شينحۋا", "Xinhua"), 88.1725, 88.185, 3),
        ),
    ),
    Subdistrict(
        "654301002",
        _stem("解放路", "ئازادلىق يولى", "ازاتتىق جولى", "Jiefanglu"),
        band=0,
        communities=(
            Community(
                "001", _stem("解放路", "ئازادلىق يولى", "ازاتتىق جولى", "Jiefanglu"), 88.095, 88.110, 4
            ),
            Community(
                "002", _stem("文化路", "مەدەنىيەت يولى", "مادەنيەت جولى", "Wenhualu"), 88.110, 88.1245, 4
            ),
            Community(
                "003", _stem("公园路", "باغچا يولى", "ساياباق جولى", "Gongyuanlu"), 88.1245, 88.1395, 4
            ),
            Community("004", _stem("胜利", "غەلىبە", "جەڭىس", "Shengli"), 88.1395, 88.1545, 4),
            Community("005", _stem("银山", "يىنشەن", "يينشان", "Yinshan"), 88.1545, 88.170, 4),
            Community("006", _stem("北山", "بېيشەن", "بەيشان", "Beishan"), 88.170, 88.185, 4),
        ),
    ),
    Subdistrict(
        "654301003",
        _stem("团结路", "ئىتتىپاق يولى", "ىنتىماق جولى", "Tuanjielu"),
        band=2,
        communities=(
            Community(
                "001", _stem("团结路", "ئىتتىپاق يولى", "ىنتىماق جولى", "Tuanjielu"), 88.095, 88.1105, 4
            ),
            Community("002", _stem("克兰河", "قىران", "قىران", "Kelanhe"), 88.1105, 88.1255, 4),
            Community("003", _stem("和平", "تىنچلىق", "بەيبىتشىلىك", "Heping"), 88.1255, 88.1405, 4),
            Community("004", _stem("友谊", "دوستلۇق", "دوستىق", "Youyi"), 88.1405, 88.156, 4),
            Community("005", _stem("幸福", "بەخت", "باقىت", "Xingfu"), 88.156, 88.1705, 4),
            Community("006", _stem("建设", "قۇرۇلۇش", "قۇرىلىس", "Jianshe"), 88.1705, 88.185, 3),
        ),
    ),
    Subdistrict(
        "654301004",
        _stem("恰秀路", "چياشيۇ يولى", "چياشيۋ جولى", "Qiaxiulu"),
        band=3,
        communities=(
            Community("001", _stem("恰秀路", "چياشيۇ يولى", "چياشيۋ جولى", "Qiaxiulu"), 88.095, 88.113, 4),
            Community("002", _stem("阿苇滩", "ئاۋېيتەن", "اۋەيتان", "Aweitan"), 88.113, 88.131, 4),
            Community("003", _stem("新城", "يېڭىشەھەر", "جاڭا قالا", "Xincheng"), 88.131, 88.149, 4),
            Community("004", _stem("喀拉希力克", "قاراشىلىك", "قاراشىلىك", "Kalaxilike"), 88.149, 88.167, 4),
            Community("005", _stem("北京路", "بېيجىڭ يولى", "بەيجيڭ جولى", "Beijinglu"), 88.167, 88.185, 3),
        ),
    ),
)

# The main street of each subdistrict (Chinese, English), used in demo addresses.
STREETS = {
    "654301001": ("金山路", "Jinshan Road"),
    "654301002": ("解放路", "Jiefang Road"),
    "654301003": ("团结路", "Tuanjie Road"),
    "654301004": ("恰秀路", "Qiaxiu Road"),
}

# Grids whose type is not the usual integrated grid: the two business districts' cores.
GRID_TYPES = {"654301002003004": "commercial", "654301004004001": "commercial"}
GRID_NOTES = {
    "integrated": "综合网格：党建、综治、城管“多网合一”。",
    "commercial": "商圈网格：以商户、两新组织为主，配有商圈党群会客厅。",
}

SUBDISTRICT_COUNT = len(SUBDISTRICTS)
COMMUNITY_COUNT = sum(len(s.communities) for s in SUBDISTRICTS)
GRID_COUNT = sum(c.grids for s in SUBDISTRICTS for c in s.communities)
# DESIGN.md §1: the reference deployment's figures.
assert (SUBDISTRICT_COUNT, COMMUNITY_COUNT, GRID_COUNT) == (4, 23, 89)
