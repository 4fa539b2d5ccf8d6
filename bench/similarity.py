"""Benchmark of duplicate detection for matters (`huiketing.matters.similarity`).

Usage: .venv/bin/python bench/similarity.py [--repeat N]
Loads the Altay demo (its place names go into jieba's dictionary) into a fresh SQLite database in a temporary
data directory, then measures:
- the first use in a new process: importing jieba, reading its dictionary (built from jieba's word list the
  first time, read from the cache file jieba then writes afterwards), adding the place names;
- segmenting 200-character texts;
- ranking 200 and 2,000 candidates, cold (every candidate segmented) and warm (terms cached, as when the same
  neighbours are ranked again while a resident types).
Times are wall clock with, in brackets, the CPU time of the process, which stays honest when the machine is
busy with other work.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

OWN_DATA_DIR = None if "HUIKETING_DATA_DIR" in os.environ else tempfile.mkdtemp(prefix="huiketing-bench-")
os.environ.setdefault("HUIKETING_DATA_DIR", OWN_DATA_DIR or "")
os.environ.setdefault("HUIKETING_DEMO", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huiketing.settings")

PROBLEMS = [
    "路灯坏了，晚上很黑",
    "小区路灯不亮了，老人出门不方便",
    "垃圾没人清理，气味很大",
    "垃圾桶满了好几天没人清运",
    "下水道堵了，污水冒到路面上",
    "楼道里堆满杂物，存在消防隐患",
    "电梯经常停运，老人上下楼困难",
    "广场舞音乐太吵，影响休息",
    "门口乱停车，堵住了消防通道",
    "暖气不热，家里只有十几度",
    "井盖松动，车辆经过响声很大",
    "电动车飞线充电，很危险",
    "流浪狗在小区里追人",
    "自来水发黄，有异味",
    "路面坑洼，下雨就积水",
    "楼顶漏水，墙面发霉",
]
CONTEXT = ["最近一周", "每天晚上", "从上个月开始", "已经反映过两次", "物业说没有经费", "孩子上学要经过这里"]


def _text(rng: random.Random, places: list[str], length: int) -> str:
    parts = []
    while sum(map(len, parts)) < length:
        parts.append(f"{rng.choice(places)}{rng.choice(CONTEXT)}，{rng.choice(PROBLEMS)}。")
    return "".join(parts)[:length]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _pair(timing: tuple[float, float]) -> str:
    return f"{_ms(timing[0])} ({_ms(timing[1])})"


def _timed(function) -> tuple[float, float]:
    """Wall-clock and CPU seconds of a call: the CPU time stays honest on a machine that is busy elsewhere."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def _median(timings: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


FIRST_USE = """
import django, time
django.setup()
from huiketing.matters import similarity
wall, cpu = time.perf_counter(), time.process_time()
similarity.place_dictionary.current()
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def _first_use_in_new_process() -> tuple[float, float]:
    command = [sys.executable, "-c", FIRST_USE]
    output = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    wall, cpu = output.stdout.split()[-2:]
    return float(wall), float(cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    start = time.perf_counter()
    from huiketing.matters import similarity

    import_time = time.perf_counter() - start
    assert "jieba" not in sys.modules, "importing the module must not load jieba"

    from huiketing.demo.loader import demo_load
    from huiketing.places.models import Place, ServicePoint

    call_command("migrate", verbosity=0)
    demo_load(scale=1)
    places = [p.names["zh-hans"] for p in Place.objects.all()] + [
        p.names["zh-hans"] for p in ServicePoint.objects.all()
    ]

    # A fresh process, as a web or worker process meets its first raise: jieba imported, its dictionary read
    # (built from jieba's word list the first time, from the cache file it then writes afterwards), the place
    # names added.
    first_use = [_first_use_in_new_process() for _ in range(3)]
    warm_up = _median(first_use[1:])

    similarity.place_dictionary.current()
    words = similarity.place_words() | similarity.VOCABULARY
    stamp_checks = 200
    stamp = _timed(lambda: [similarity.place_dictionary.current() for _ in range(stamp_checks)])
    stamp = tuple(seconds / stamp_checks for seconds in stamp)

    rng = random.Random(2026)
    texts = [_text(rng, places, 200) for _ in range(2000)]
    dictionary = similarity.place_dictionary
    for text in texts[:50]:
        similarity._terms(text, dictionary)
    per_text = _timed(lambda: [similarity._terms(text, dictionary) for text in texts])
    per_text = tuple(seconds / len(texts) for seconds in per_text)

    rankings = {}
    for size in (200, 2000):
        candidates = [(i, _text(rng, places, rng.randint(20, 120))) for i in range(size)]
        query = _text(rng, places, 60)
        cold, warm = [], []
        for _ in range(options.repeat):
            similarity._term_counts.cache_clear()
            cold.append(_timed(lambda: similarity.rank_similar(query, candidates)))  # noqa: B023
            warm.append(_timed(lambda: similarity.rank_similar(query, candidates)))  # noqa: B023
        rankings[size] = (_median(cold), _median(warm))

    example = "红墩社区3号楼门口的路灯不亮了，晚上很黑"
    print("wall clock (CPU time of this process)")
    print(f"place names and vocabulary added to jieba: {len(words)}")
    print(f"importing huiketing.matters.similarity: {_ms(import_time)} (jieba not loaded)")
    print(f"first use in a new process, first ever (builds jieba's cache file): {_pair(first_use[0])}")
    print(f"first use in a new process, later (median of 2): {_pair(warm_up)}")
    print(f"stamp check on every use (2 small queries): {_pair(stamp)}")
    print(f"segmenting a 200-character text: {_pair(per_text)} ({len(texts)} distinct texts)")
    for size, (cold, warm) in rankings.items():
        median = f"median of {options.repeat}"
        print(f"ranking {size:,} candidates ({median}): cold {_pair(cold)}, warm {_pair(warm)}")
    print(f"example: {example} → {' / '.join(similarity.segment(example))}")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        if OWN_DATA_DIR:
            shutil.rmtree(OWN_DATA_DIR, ignore_errors=True)
    sys.exit(code)
