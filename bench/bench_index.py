"""Index build benchmark: speed against plain jieba.lcut, and scaling to 100x the corpus.

Run: python bench/bench_index.py [--scales 1,10,100]

Prints, for the shipped corpus: MB/s of report text (UTF-8) for the index build
(warm dictionary), the time plain ``jieba.lcut`` needs for the same text in the
same run, and their ratio (budget: ≥ 2 MB/s and ≤ 0.5× jieba). Then builds
synthetic corpora N× the shipped one (its reports copied N times under new ids)
and prints seconds and µs per KB for each N: linear time means a flat µs/KB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import paths  # noqa: E402
from assistant.corpus import index, store  # noqa: E402


def make_corpus(folder: Path, copies: int) -> int:
    """Copy the shipped reports ``copies`` times into ``folder``; return UTF-8 bytes of text."""
    docs = list(store.iter_docs([paths.shipped("corpus")]))
    total = 0
    for k in range(copies):
        for d in docs:
            d2 = store.StoredDoc(id=f"{d.id}-c{k}", title=d.title, unit=d.unit, body=d.body,
                                 type=d.type, source=d.source, position=d.position)
            store.save(folder, d2)
            total += len(d.body.encode("utf-8"))
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10,100")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-"))
    os.environ["ASSIST_CACHE"] = str(tmp / "cache")
    try:
        from assistant import segment

        segment.cut("预热")  # load the dictionary once: we measure throughput, not start-up
        base = tmp / "c1"
        nbytes = make_corpus(base, 1)
        texts = [d.body for d in store.iter_docs([base])]
        t = time.perf_counter()
        st = index.build([base], tmp / "i1.sqlite", "bench")
        t_build = time.perf_counter() - t

        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        t = time.perf_counter()
        for body in texts:
            jieba.lcut(body)
        t_jieba = time.perf_counter() - t
        mb = nbytes / 1e6
        print(f"shipped corpus: {st.documents} reports, {mb:.3f} MB, {st.sentences} sentences")
        print(f"  index build     {t_build:7.3f} s  {mb / t_build:6.2f} MB/s  (budget >= 2 MB/s; first build"
              " in the process, with its one-time imports)")
        print(f"  jieba.lcut only {t_jieba:7.3f} s  {mb / t_jieba:6.2f} MB/s")
        print(f"  ratio build/jieba = {t_build / t_jieba:.2f}  (budget <= 0.5)")

        print("scaling (synthetic corpus = shipped reports copied N times; jieba measured up to 10x,")
        print("beyond that extrapolated linearly from its 10x time, marked ~):")
        print(f"  {'N':>4} {'MB':>8} {'build s':>8} {'us/KB':>8} {'MB/s':>6} {'jieba s':>8} {'ratio':>6}")
        jieba_per_mb = t_jieba / mb
        for n in scales:
            folder = tmp / f"c{n}"
            if not folder.exists():
                make_corpus(folder, n)
            bodies = [d.body for d in store.iter_docs([folder])]
            size = sum(len(b.encode()) for b in bodies)
            t = time.perf_counter()
            index.build([folder], tmp / f"i{n}.sqlite", "bench")
            dt = time.perf_counter() - t
            if n <= 10:
                t = time.perf_counter()
                for b in bodies:
                    jieba.lcut(b)
                tj = time.perf_counter() - t
                jieba_per_mb = tj / (size / 1e6)
                mark = " "
            else:
                tj = jieba_per_mb * size / 1e6
                mark = "~"
            print(f"  {n:>4} {size / 1e6:8.2f} {dt:8.2f} {dt / (size / 1e3) * 1e6:8.1f} {size / 1e6 / dt:6.2f}"
                  f" {mark}{tj:7.2f} {dt / tj:6.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
