"""Duplicate detection for matters: split texts into terms and rank nearby open matters by BM25 similarity.

Chinese is segmented by jieba, whose dictionary is extended with the Chinese names of our places and service
points so that "红墩社区" stays one term; Uyghur, Kazakh and Latin text is split on everything that is not a
letter. Nothing heavy happens at import: jieba and its dictionary (about a second) load on first use, once per
process. This module reads places but never the matters tables: the caller chooses the candidates.
"""

import functools
import logging
import math
import re
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max

from huiketing.places.models import Place, ServicePoint

# Geometry -----------------------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG); haversine on a sphere is within 0.5 % of the ellipsoid


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(lat: float, lng: float, metres: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of a box holding every point within `metres` of (lat, lng).

    For an indexed range prefilter; check `distance_m` on what it returns, the box's corners lie further away.
    Near a pole the box spans every longitude; a box crossing the antimeridian is clamped to ±180.
    """
    angle = metres / EARTH_RADIUS_M  # radians of arc
    dlat = math.degrees(angle)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # The widest longitude reached by the circle: asin(sin(angle) / cos(lat)) (exact on the sphere).
    cos_lat = math.cos(math.radians(lat))
    ratio = math.sin(angle) / cos_lat if cos_lat > 1e-12 else 2.0
    if ratio >= 1.0 or min_lat <= -90.0 or max_lat >= 90.0:
        return min_lat, max_lat, -180.0, 180.0
    dlng = math.degrees(math.asin(ratio))
    return min_lat, max_lat, max(-180.0, lng - dlng), min(180.0, lng + dlng)


# Terms --------------------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Chinese characters with the ASCII letters and digits around them ("3号楼", "led路灯") goes to
# jieba, as jieba's own block rule does; a run of other letters (Arabic script, Cyrillic, accented Latin) is
# a word.
_RUN = re.compile(rf"([{_HAN}0-9a-z]+)|([^\W_{_HAN}0-9a-z]+)")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
# Letters that change nothing for matching: tatweel, Arabic vowel marks, Kazakh's high hamza (front-vowel
# sign, written by some and not by others), joiners and direction marks.
_INVISIBLE = re.compile("[\u0640\u064b-\u065f\u0670\u0674\u200b-\u200f\u061c\u2066-\u2069\ufeff]")
# Uyghur and Kazakh are agglutinative: "چىرىغى", "چىرىغىنى" are one word with suffixes. Cutting every
# Arabic-script or Cyrillic word to its first five letters is the "F5" stemming that works about as well as a
# real stemmer for Turkish (Can et al., 2008); here it lets a word match across its suffixes.
_TURKIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u0400-\u04ff]")
STEM_LENGTH = 5

# Words that say nothing about *which* problem a text reports, so two texts sharing them are no more alike:
# Chinese function words, the generic words every complaint uses (小区, 问题, 请, 希望, 反映, 处理 …), and the
# same few in Uyghur, Kazakh and English. Kept short on purpose: a word of substance wrongly listed here hides
# real duplicates, while a missed function word only adds a little noise.
_STOP_WORD_TEXT = """
    了 的 地 得 着 过 是 在 有 和 与 及 或 而 也 都 就 还 又 再 很 太 挺 非常 特别 比较 已经 一直 总是 经常
    我 我们 你 你们 他 他们 她 它 这 那 这个 那个 这里 那里 这样 什么 怎么 为什么 吗 呢 吧 啊 呀 哦
    把 被 给 让 对 从 向 到 于 为 因为 所以 但是 但 如果 一下 一些 一个 现在 目前 今天 每天
    小区 问题 情况 现象 请 希望 反映 建议 要求 麻烦 谢谢 尽快 及时 处理 解决
    相关 部门 有关 能否 能不能 可以 需要
    ۋە بىلەن بۇ ئۇ بىر مەن بەك ناھايىتى ھەم ئۈچۈن مەھەللە مەسىلە ئىلتىماس ئۈمىد
    جانە بۇل ماسەلە
    the a an and of to in on is are was it this that please problem issue
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())


def _stem(word: str) -> str:
    return word[:STEM_LENGTH] if _TURKIC.match(word) else word


_STOP_STEMS = frozenset(_stem(_INVISIBLE.sub("", unicodedata.normalize("NFKC", w))) for w in STOP_WORDS)


def normalise(text: str) -> str:
    """NFKC (Arabic presentation forms and full-width letters become plain), lower case, no invisibles."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).casefold())


def _keep(term: str) -> bool:
    if term in _STOP_STEMS:
        return False
    # A lone digit or a lone non-Chinese letter carries nothing; a lone Chinese character may ("黑", "臭").
    return len(term) > 1 or bool(_HAN_CHAR.match(term))


def _terms(text: str, dictionary: "PlaceDictionary | None") -> list[str]:
    terms = []
    for han_run, word in _RUN.findall(normalise(text)):
        if word:
            terms.append(_stem(word))
        elif dictionary is not None and _HAN_CHAR.search(han_run):
            terms.extend(dictionary.cut(han_run))
        else:
            terms.append(han_run)
    return [term for term in terms if _keep(term)]


def _single_characters(buffer: str, freq: dict) -> tuple[str, ...] | str:
    if len(buffer) == 1 or freq.get(buffer):
        return buffer  # its characters, one by one
    return _hmm(buffer)


@functools.lru_cache(maxsize=4096)
def _hmm(buffer: str) -> tuple[str, ...]:
    from jieba import finalseg  # loaded with jieba, before any text is cut

    return tuple(finalseg.cut(buffer))


def _has_han(text: str) -> bool:
    return _HAN_CHAR.search(text) is not None


# The dictionary of place names ---------------------------------------------------------------------------

# A place name is added with at least this frequency (a common word in jieba's dictionary has a few thousand),
# so that it wins over a split with its neighbours in a sentence, not only when it stands alone.
PLACE_WORD_FREQUENCY = 5000
# Names are also added without these endings: residents write "金山" as often as "金山社区".
_NAME_SUFFIXES = ("社区", "街道", "网格", "小区")
# Words of community matters that jieba's dictionary lacks or holds too weakly to keep whole: without them
# "路灯不亮" comes out as 路/灯不亮 and shares nothing with "路灯坏了". Added like the place names.
_VOCABULARY_TEXT = """
    路灯 不亮 没人 没人管 井盖 化粪池 充电桩 飞线 违建 私搭乱建 占道 乱停 乱停车 流浪狗
    漏水 渗水 停水 停电 噪音 扰民 异味 楼道 单元门 门禁 监控 物业费
"""
VOCABULARY = frozenset(_VOCABULARY_TEXT.split())
# Service points have no updated_at, so a renamed one changes no stamp: re-read the names this often anyway.
RECHECK_SECONDS = 600


def _load_jieba():
    # jieba 0.42 reads its data files through pkg_resources when that imports, which alone takes longer than
    # the rest of jieba's import and is deprecated; without it jieba opens the same files by path.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)  # it logs every dictionary load at DEBUG to stderr
    tokenizer = jieba.Tokenizer()  # our own, so the process-wide jieba.dt is never changed
    tokenizer.tmp_dir = _cache_dir()
    tokenizer.initialize()
    return tokenizer


def _cache_dir() -> str | None:
    """Where jieba keeps its prefix dictionary between processes: the data directory, else the temp directory.

    jieba reads that file with marshal; in our own directory no other account can plant one.
    """
    path = Path(settings.DATA_DIR) / "cache"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(path)


def place_words() -> set[str]:
    """The words the place names add to jieba: each Chinese name of a place or service point, and its stem."""
    words = set()
    names = chain(
        Place.objects.values_list("names", flat=True), ServicePoint.objects.values_list("names", flat=True)
    )
    for name_map in names:
        name = name_map.get("zh-hans") if isinstance(name_map, dict) else None
        if not isinstance(name, str):
            continue
        for run, _word in _RUN.findall(normalise(name)):
            if len(run) < 2 or not _has_han(run):
                continue
            words.add(run)
            for suffix in _NAME_SUFFIXES:
                stem = run.removesuffix(suffix)
                if stem != run and len(stem) >= 2 and _has_han(stem):
                    words.add(stem)
    return words


class PlaceDictionary:
    """jieba's dictionary with the place names added, and the segmentation over it.

    Loaded once per process on first use. Like the point → grid index (places.geo), every use asks the
    database for a small stamp (counts, last ids, last change of places and service points) and re-reads the
    names only when it differs; words are then added and taken back one by one, in milliseconds, instead of
    loading a fresh dictionary (a second).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer = None
        self._stamp: tuple | None = None
        self._added: dict[str, int] = {}  # word → the frequency it had before we added it (0: absent)
        # fragment → log probability of the word, or 1.0 for a mere prefix; filled as texts are cut.
        self._weights: dict[str, float] = {}
        self._log_total = 0.0

    @staticmethod
    def current_stamp() -> tuple:
        places = Place.objects.aggregate(count=Count("id"), last_id=Max("id"), last_change=Max("updated_at"))
        points = ServicePoint.objects.aggregate(count=Count("id"), last_id=Max("id"))
        return (*places.values(), *points.values(), int(time.monotonic() // RECHECK_SECONDS))

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def current(self) -> "PlaceDictionary":
        """Itself, with jieba loaded and the place names as they are in the database now."""
        stamp = self.current_stamp()
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = _load_jieba()
            if stamp != self._stamp:
                self._apply(place_words() | VOCABULARY)
                self._stamp = stamp
        return self

    def _apply(self, words: set[str]) -> None:
        tokenizer = self._tokenizer
        removed, added = set(self._added) - words, words - set(self._added)
        if not (removed or added) and self._log_total:
            return  # nothing changed (a periodic re-read): keep the caches
        for word in removed:
            before = self._added.pop(word)
            tokenizer.total += before - tokenizer.FREQ.get(word, 0)
            tokenizer.FREQ[word] = before  # 0 keeps it a prefix entry, as jieba marks prefixes
        for word in added:
            before = tokenizer.FREQ.get(word, 0)
            tokenizer.add_word(word, max(before, tokenizer.suggest_freq(word), PLACE_WORD_FREQUENCY))
            tokenizer.total -= before  # add_word adds the new frequency without taking the old one off
            self._added[word] = before
        self._weights = {}
        self._log_total = math.log(tokenizer.total)
        _term_counts.cache_clear()

    def clear(self) -> None:
        """Take every added word back out (jieba's own dictionary stays); the next use adds them again."""
        with self._lock:
            if self._tokenizer is not None:
                self._apply(set())
            self._stamp = None

    def cut(self, run: str) -> list[str]:
        """The words of a run of Chinese: what `tokenizer.cut(run, HMM=True)` gives, a few times faster.

        jieba's algorithm over jieba's dictionary: the likeliest path through the dictionary words found at
        each position, ties going to the longer word; runs of single characters the dictionary lacks go to
        jieba's hidden Markov model, which joins new words such as unknown names. It runs in one pass, without
        jieba's generators and tuples, with each word's log probability computed once per dictionary.
        """
        freq, weights, log_total = self._tokenizer.FREQ, self._weights, self._log_total
        n = len(run)
        score = [0.0] * (n + 1)
        end = [0] * n
        for i in range(n - 1, -1, -1):
            best, best_end = None, i
            j, fragment = i, run[i]
            while j < n:
                weight = weights.get(fragment)
                if weight is None:
                    f = freq.get(fragment)
                    if f is None:  # no dictionary word goes on with this prefix
                        break
                    weight = weights[fragment] = math.log(f) - log_total if f else 1.0
                if weight <= 0.0:
                    value = weight + score[j + 1]
                    if best is None or value >= best:
                        best, best_end = value, j
                j += 1
                fragment = run[i : j + 1]
            # No word starts here: the character alone, with jieba's frequency of 1.
            score[i] = -log_total + score[i + 1] if best is None else best
            end[i] = best_end
        words, single, i = [], "", 0
        while i < n:
            j = end[i] + 1
            if j - i == 1:
                single += run[i]
            else:
                if single:
                    words.extend(_single_characters(single, freq))
                    single = ""
                words.append(run[i:j])
            i = j
        if single:
            words.extend(_single_characters(single, freq))
        return words


place_dictionary = PlaceDictionary()


def segment(text: str) -> list[str]:
    """The terms of a text in order: Chinese segmented with the place names, other scripts split, stemmed."""
    return _terms(text, place_dictionary.current() if _has_han(text) else None)


@functools.lru_cache(maxsize=4096)
def _term_counts(text: str) -> tuple[dict[str, int], int]:
    """Term frequencies and length of a text, cached: the same nearby matters are ranked again and again.

    Callers make the dictionary current first; the cache is emptied whenever it changes. Never mutate the
    result.
    """
    dictionary = None
    if _has_han(text):
        dictionary = place_dictionary if place_dictionary.loaded else place_dictionary.current()
    counts = Counter(_terms(text, dictionary))
    return dict(counts), sum(counts.values())


# Ranking ------------------------------------------------------------------------------------------------

# BM25's usual constants (Robertson & Zaragoza): term-frequency saturation and length normalisation.
K1 = 1.2
B = 0.75
# The candidates are the few open matters nearby. From a handful of texts, document frequencies say little,
# and a word shared by the query and its only neighbour would look common and weigh nothing; so the
# collection counts this many more texts that contain none of the words.
PRIOR_DOCUMENTS = 10
# Scores are the candidate's BM25 score divided by the query's score against itself (1.0: every query term,
# as often, in a text as long). 0.25 keeps "路灯坏了" / "小区路灯不亮了，晚上很黑" (one of two terms shared,
# 0.3 to 0.5 depending on the neighbours) apart from "垃圾没人清理" (nothing shared, 0); see the tests.
SIMILAR_THRESHOLD = 0.25


def rank_similar(
    text: str,
    candidates: Iterable[tuple[int, str]],
    *,
    limit: int = 5,
    min_score: float = SIMILAR_THRESHOLD,
) -> list[tuple[int, float]]:
    """The candidates most similar to `text`, best first: [(id, score in 0..1)] with score ≥ min_score.

    `candidates` are (matter id, title and description) of the open matters the caller found nearby. Ties keep
    the caller's order.
    """
    candidates = list(candidates)
    if not candidates or limit <= 0:
        return []
    if _has_han(text) or any(_has_han(body) for _pk, body in candidates):
        place_dictionary.current()  # loads jieba on first use, and refreshes the place names
    query, query_length = _term_counts(text)
    if not query:
        return []
    # (id, term counts, length, the query terms it contains): only those add to its score.
    documents = []
    query_terms = frozenset(query)
    for pk, body in candidates:
        counts, length = _term_counts(body)
        documents.append((pk, counts, length, query_terms.intersection(counts)))

    # The query counts as a document of the collection: every query term then has a document frequency ≥ 1.
    collection = len(documents) + 1 + PRIOR_DOCUMENTS
    average_length = (query_length + sum(document[2] for document in documents)) / (len(documents) + 1)
    frequency = dict.fromkeys(query, 1)
    for *_rest, shared in documents:
        for term in shared:
            frequency[term] += 1
    idf = {term: math.log(1 + (collection - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}

    def score(counts: dict[str, int], length: int, shared: Iterable[str]) -> float:
        norm = K1 * (1 - B + B * length / average_length)
        return sum(idf[term] * counts[term] * (K1 + 1) / (counts[term] + norm) for term in shared)

    best = score(query, query_length, query)
    ranked = []
    for pk, counts, length, shared in documents:
        if not shared:
            continue  # nothing in common: never similar, whatever min_score says
        value = min(1.0, score(counts, length, shared) / best)
        if value >= min_score:
            ranked.append((pk, round(value, 4)))
    ranked.sort(key=lambda item: -item[1])
    return ranked[:limit]
