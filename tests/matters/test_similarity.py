"""Duplicate detection: distances, terms in Chinese and Arabic script, the place-name dictionary, BM25."""

import importlib.util
import logging
import math
import sys
from pathlib import Path

import pytest
from django.conf import settings

from huiketing.matters import similarity
from huiketing.matters.similarity import bbox_around, distance_m, place_dictionary, rank_similar, segment
from huiketing.places import services as place_services

# Altay City's centre, near the demo grids.
ALTAY = (47.8456, 88.1396)

STREET_LIGHT = "路灯坏了"
STREET_LIGHT_TOO = "小区路灯不亮了，晚上很黑"
RUBBISH = "垃圾没人清理"
OTHER_COMPLAINTS = [
    "楼道里堆满杂物，存在消防隐患",
    "下水道堵了，污水冒出来",
    "广场舞音乐太吵，影响休息",
    "电梯经常停运，老人上下楼困难",
    "门口乱停车，堵住了消防通道",
    "暖气不热，家里只有十几度",
    "井盖松动，车辆经过响声很大",
    "电动车飞线充电很危险",
]

# Uyghur: "the street light is broken"; "the street light in our neighbourhood does not come on in the
# evening, it is very dark"; "nobody cleaned up the rubbish".
UG_STREET_LIGHT = "يول چىرىغى بۇزۇلدى"
UG_STREET_LIGHT_TOO = "مەھەللىمىزدىكى يول چىرىغى كەچتە يانمايدۇ، بەك قاراڭغۇ"
UG_RUBBISH = "ئەخلەتنى ھېچكىم تازىلىمىدى"


@pytest.fixture(autouse=True)
def _no_place_words():
    """The dictionary lives as long as the process: no test may see words another test's places added."""
    place_dictionary.clear()
    yield
    place_dictionary.clear()


# Geometry -----------------------------------------------------------------------------------------------


def _destination(lat: float, lng: float, bearing_degrees: float, metres: float) -> tuple[float, float]:
    """The point `metres` away on a bearing (the spherical direct formula), to check the box against."""
    angle, bearing = metres / similarity.EARTH_RADIUS_M, math.radians(bearing_degrees)
    phi1, lambda1 = math.radians(lat), math.radians(lng)
    phi2 = math.asin(math.sin(phi1) * math.cos(angle) + math.cos(phi1) * math.sin(angle) * math.cos(bearing))
    y = math.sin(bearing) * math.sin(angle) * math.cos(phi1)
    lambda2 = lambda1 + math.atan2(y, math.cos(angle) - math.sin(phi1) * math.sin(phi2))
    return math.degrees(phi2), math.degrees(lambda2)


def test_distance_m_matches_known_distances():
    lat, lng = ALTAY
    assert distance_m(lat, lng, lat, lng) == 0
    # One degree of latitude on the mean-radius sphere is 111,195 m, anywhere.
    assert distance_m(47.0, 88.0, 48.0, 88.0) == pytest.approx(111_195, abs=1)
    # A degree of longitude shrinks with the cosine of the latitude.
    assert distance_m(lat, 88.0, lat, 89.0) == pytest.approx(111_195 * math.cos(math.radians(lat)), rel=1e-4)
    north = _destination(lat, lng, 30, 100)
    assert distance_m(lat, lng, *north) == pytest.approx(100, abs=1e-6)
    assert distance_m(*north, lat, lng) == pytest.approx(distance_m(lat, lng, *north))


@pytest.mark.parametrize("lat", [ALTAY[0], 0.0, -33.9, 80.0])
def test_bbox_around_holds_the_whole_circle_and_little_more(lat):
    lng = ALTAY[1]
    min_lat, max_lat, min_lng, max_lng = bbox_around(lat, lng, 100)
    for bearing in range(0, 360, 5):
        point_lat, point_lng = _destination(lat, lng, bearing, 100)
        assert min_lat - 1e-12 <= point_lat <= max_lat + 1e-12  # degrees: 1e-12 is a tenth of a micrometre
        assert min_lng - 1e-12 <= point_lng <= max_lng + 1e-12
    # Tight: the circle's extreme points lie on the box's edges.
    assert _destination(lat, lng, 0, 100)[0] == pytest.approx(max_lat, abs=1e-9)
    assert distance_m(lat, lng, lat, max_lng) == pytest.approx(100, rel=1e-3)
    # A point just outside the circle, due east, is outside the box too.
    assert _destination(lat, lng, 90, 101)[1] > max_lng


def test_bbox_around_a_pole_spans_every_longitude():
    assert bbox_around(89.9995, 10.0, 100)[2:] == (-180.0, 180.0)
    assert bbox_around(-90.0, 10.0, 100)[:1] == (-90.0,)


# Terms --------------------------------------------------------------------------------------------------


def test_importing_the_module_loads_no_jieba(monkeypatch):
    """The test suite and management commands must not pay for jieba's dictionary unless they use it."""
    for name in [name for name in sys.modules if name.split(".")[0] == "jieba"]:
        monkeypatch.delitem(sys.modules, name)  # put back after the test
    spec = importlib.util.spec_from_file_location("similarity_imported_afresh", similarity.__file__)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert "jieba" not in sys.modules


def test_arabic_script_is_split_normalised_and_stemmed():
    """Presentation forms (old keyboards, copied PDFs) read as the plain letters; suffixes are cut off."""
    presentation = "\ufef3\ufeee\ufedd"  # يول written with its presentation forms
    assert presentation != "يول"
    plain = segment("يول چىرىغى بۇزۇلدى")
    assert segment(f"{presentation} چىرىغى، بۇزۇلدى!") == plain == ["يول", "چىرىغ", "بۇزۇل"]
    # The same word with other suffixes gives the same term; the tatweel is ignored.
    assert segment("چىرىغىنى چىرىـغىدا")[0] == segment("چىرىغىدا")[0] == "چىرىغ"


def test_latin_text_is_lower_cased_and_stop_words_dropped():
    assert segment("The LIFT is broken, PLEASE fix it!") == ["lift", "broken", "fix"]


def test_chinese_drops_stop_words_single_digits_and_punctuation(db):
    assert segment("我们小区的问题是：路灯坏了3天！") == ["路灯", "坏", "天"]
    # Words of community matters stay whole although jieba's dictionary would cut them (路/灯不亮).
    assert segment(STREET_LIGHT_TOO) == ["路灯", "不亮", "晚上", "黑"]
    assert segment(RUBBISH) == ["垃圾", "没人", "清理"]


def test_fast_cut_gives_exactly_jieba_s_words(db):
    """Our one-pass segmentation must stay the same as jieba's own (HMM on), with our words added."""
    dictionary = place_dictionary.current()
    tokenizer = dictionary._tokenizer
    sentences = [
        STREET_LIGHT,
        STREET_LIGHT_TOO,
        RUBBISH,
        *OTHER_COMPLAINTS,
        "3号楼门口的led路灯坏了好几天了晚上出门很不方便老人小孩容易摔倒请物业尽快修理",
        "阿勒泰市金山路与团结路交叉口的红绿灯时间太短行人来不及过马路",
        "我家楼上邻居装修噪音扰民从早上七点一直到晚上十点",
        "喀纳斯",
    ]
    for sentence in sentences:
        assert dictionary.cut(sentence) == tokenizer.lcut(sentence, HMM=True), sentence


@pytest.mark.django_db
def test_place_names_become_one_term_and_follow_renames(tree):
    community = tree.subdistricts[0]
    text = "红墩社区的路灯坏了"
    assert "红墩社区" not in segment(text)

    place = place_services.place_create(by=None, code=f"{community.code}003", names={"zh-hans": "红墩社区"})
    assert segment(text)[0] == "红墩社区"
    assert segment("住在红墩的居民") == ["住", "红墩", "居民"]  # the name without 社区 is a word too
    names = {"zh-hans": "阳光说事点"}
    place_services.service_point_create(
        by=None, kind="talk_point", names=names, lat=47.845, lng=88.105, place=tree.grids[0]
    )
    assert "阳光说事点" in segment("阳光说事点门口的井盖松了")

    place_services.place_update(by=None, place=place, names={"zh-hans": "红星社区"})
    assert "红墩社区" not in segment(text)
    assert "红星社区" in segment("红星社区的路灯坏了")


@pytest.mark.django_db
def test_the_dictionary_loads_quietly_into_the_data_directory(caplog):
    place_dictionary.current()
    assert (Path(settings.DATA_DIR) / "cache" / "jieba.cache").is_file()
    assert logging.getLogger("jieba").level >= logging.WARNING  # no "Building prefix dict" on stderr
    assert not [record for record in caplog.records if record.name == "jieba"]


@pytest.mark.django_db
def test_clearing_the_dictionary_restores_jieba_s_own_frequencies(tree):
    dictionary = place_dictionary.current()
    tokenizer = dictionary._tokenizer
    dictionary.clear()
    before = (tokenizer.total, tokenizer.FREQ.get("路灯"), tokenizer.FREQ.get("社区1-1"))
    place_services.place_update(by=None, place=tree.communities[0], names={"zh-hans": "金山社区"})
    dictionary.current()
    assert tokenizer.FREQ["路灯"] > before[1]  # strengthened by the vocabulary
    assert tokenizer.FREQ["金山社区"] > 0
    dictionary.clear()
    assert (tokenizer.total, tokenizer.FREQ.get("路灯"), tokenizer.FREQ.get("社区1-1")) == before
    assert not tokenizer.FREQ.get("金山社区")


# Ranking ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("neighbours", [[], OTHER_COMPLAINTS[:2], OTHER_COMPLAINTS])
def test_street_lights_are_similar_and_rubbish_is_not(neighbours):
    candidates = [(1, STREET_LIGHT_TOO), (2, RUBBISH)] + [(10 + i, text) for i, text in enumerate(neighbours)]
    ranked = rank_similar(STREET_LIGHT, candidates)
    assert [pk for pk, _score in ranked] == [1]
    assert similarity.SIMILAR_THRESHOLD <= ranked[0][1] < 1
    # And the other way round: the longer text finds the shorter one.
    assert [pk for pk, _score in rank_similar(STREET_LIGHT_TOO, [(1, STREET_LIGHT), (2, RUBBISH)])] == [1]


@pytest.mark.django_db
def test_sharing_one_everyday_word_is_not_enough():
    # Both mention the evening (晚上), about different problems.
    assert rank_similar("晚上广场舞音乐太吵", [(1, STREET_LIGHT_TOO)]) == []
    assert rank_similar("晚上广场舞音乐太吵", [(1, STREET_LIGHT_TOO)], min_score=0.01)[0][0] == 1


def test_uyghur_street_lights_are_similar_and_rubbish_is_not():
    ranked = rank_similar(UG_STREET_LIGHT, [(1, UG_STREET_LIGHT_TOO), (2, UG_RUBBISH)])
    assert [pk for pk, _score in ranked] == [1]
    assert ranked[0][1] >= similarity.SIMILAR_THRESHOLD


@pytest.mark.django_db
def test_ranking_orders_limits_and_keeps_scores_within_0_and_1():
    candidates = [
        (1, RUBBISH),
        (2, "路灯坏了，请尽快修理"),
        (3, STREET_LIGHT_TOO),
        (4, "路灯坏了"),
        (5, "路灯坏了"),
        (6, "路灯路灯路灯坏了坏了"),
    ]
    ranked = rank_similar(STREET_LIGHT, candidates, limit=10)
    assert [pk for pk, _score in ranked][:3] == [4, 5, 6]  # equal scores keep the caller's order
    assert ranked[0][1] == 1.0
    assert all(0 < score <= 1 for _pk, score in ranked)
    assert [score for _pk, score in ranked] == sorted((score for _pk, score in ranked), reverse=True)
    assert 1 not in dict(ranked)
    assert len(rank_similar(STREET_LIGHT, candidates, limit=2)) == 2
    assert rank_similar(STREET_LIGHT, []) == []
    assert rank_similar("的了吗？", candidates) == []  # nothing but stop words


def test_ranking_accepts_any_iterable_of_candidates():
    generator = ((pk, text) for pk, text in [(7, UG_STREET_LIGHT_TOO)])
    assert rank_similar(UG_STREET_LIGHT, generator)[0][0] == 7
