"""Suggest benchmark: warm query latency, and query time as the corpus grows.

Run: python bench/bench_suggest.py [--scales 1,10,100]

Warm: one long-lived Suggester answers a set of user-like queries; prints the
median and worst time per query (budget ≤ 20 ms). Scaling: synthetic corpora N×
the shipped one (reports copied with their figures changed, so the copies are
distinct texts that fold into the same phrasing) — prints median query time per
N; sub-linear growth means the ratio t(N)/t(1) stays far below N.
The naive way: a linear scan with rapidfuzz over every sentence of the corpus.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import paths  # noqa: E402
from assistant.corpus import index, store  # noqa: E402

QUERIES = [
    "微信群发通知 发了一封信", "成立领导小组", "返乡人员排查登记", "设卡点 劝返外地车辆", "核酸检测全覆盖",
    "口罩消毒液储备", "24小时值班 零报告", "督查通报问责", "慰问一线人员", "复工复产", "消杀 环境卫生",
    "存在的问题 群众意识不强", "下一步继续加强排查", "开学准备", "网格化管理",
]


def make_corpus(folder: Path, copies: int) -> None:
    docs = list(store.iter_docs([paths.shipped("corpus")]))
    for k in range(copies):
        for d in docs:
            body = re.sub(r"\d+", lambda m: str(int(m.group()) + k), d.body) if k else d.body
            store.save(folder, store.StoredDoc(id=f"{d.id}-c{k}", title=d.title, unit=d.unit, body=body,
                                               type=d.type, source=d.source, position=d.position))


def run_queries(dirs: list[Path]) -> list[float]:
    from assistant.suggest.rank import Suggester

    conn = index.open_index(dirs)
    s = Suggester(conn)
    s.suggest(QUERIES[0])  # warm caches
    times = []
    for q in QUERIES:
        t = time.perf_counter()
        s.suggest(q, n=5)
        times.append(time.perf_counter() - t)
    conn.close()
    return times


def naive(dirs: list[Path]) -> float:
    from rapidfuzz import fuzz, process

    ix = index.open_index(dirs)
    sents = [r[0] for r in ix.conn.execute("SELECT text FROM sentences")]  # the SQLite index's own table
    ix.close()
    t = time.perf_counter()
    for q in QUERIES:
        process.extract(q, sents, scorer=fuzz.partial_ratio, limit=5)
    return (time.perf_counter() - t) / len(QUERIES)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10,100")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-"))
    os.environ["ASSIST_CACHE"] = str(tmp / "cache")
    try:
        base = [paths.shipped("corpus")]
        times = run_queries(base)
        print(f"warm queries on the shipped corpus ({len(QUERIES)} queries): median {statistics.median(times) * 1000:.1f} ms,"
              f" worst {max(times) * 1000:.1f} ms (budget 20 ms)")
        print(f"naive rapidfuzz scan over all sentences: {naive(base) * 1000:.1f} ms per query")
        print(f"{'N':>4} {'phrases':>8} {'sentences':>10} {'median ms':>10} {'t(N)/t(1)':>10} {'naive ms':>9}")
        t1 = None
        for n in [int(x) for x in args.scales.split(",")]:
            folder = tmp / f"c{n}"
            make_corpus(folder, n)
            t = time.perf_counter()
            ix = index.open_index([folder])
            conn = ix.conn  # the SQLite index's own tables
            build = time.perf_counter() - t
            ph = conn.execute("SELECT COUNT(*) FROM phrases").fetchone()[0]
            se = conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
            ix.close()
            med = statistics.median(run_queries([folder]))
            t1 = t1 or med
            print(f"{n:>4} {ph:>8} {se:>10} {med * 1000:10.1f} {med / t1:10.2f} {naive([folder]) * 1000:9.1f}"
                  f"   (index build {build:.1f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
