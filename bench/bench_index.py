"""Index build benchmark: speed against plain jieba.lcut, and scaling to 100x the corpus.

Run: python bench/bench_index.py [--scales 1,10,100] [--repeat 5] [--repeat-large 3]

What is timed is the library call ``assistant.corpus.index.build`` (what ``assist corpus
build`` runs after start-up): outline, sentence split, segmentation, the phrase table,
SQLite with FTS5, written atomically. Side by side, in the same run and on the same
texts, plain ``jieba.lcut`` over every report body. Both are warm: rjieba's dictionary
and its lazily built HMM / POS tables are loaded before timing, as ``jieba.initialize()``
and jieba's import load jieba's. The corpora have no labels.tsv, so no classifier is
trained: a separate line shows what training adds when a corpus has labels.

Each size is measured ``--repeat`` times, build and jieba alternating; medians of wall
and CPU time are printed. Budget: >= 2 MB/s of report text (UTF-8), build <= 0.5x jieba.

Synthetic corpora N x the shipped one are its reports copied N times under new ids;
linear time means a flat us/KB. Copies repeat sentences, and the phrase table analyses
each distinct sentence once, so N >= 10 is cheaper per KB than the 1x corpus, whose
text is all distinct: the 1x row is the honest per-byte cost of new text.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


def timed(fn) -> tuple[float, float]:
    """(wall, cpu) seconds of ``fn()``."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--repeat", type=int, default=5, help="runs per size up to 10x")
    ap.add_argument("--repeat-large", type=int, default=3, help="runs per size above 10x")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-"))
    os.environ["ASSIST_CACHE"] = str(tmp / "cache")
    try:
        from assistant import segment

        # Warm the segmenter: the dictionary, and the HMM / POS tables rjieba builds on the
        # first unknown word. We measure throughput, not start-up (see the cold line).
        segment.cut("预热")
        segment.tag("新冠肺炎疫情防控")

        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        jieba.lcut("预热新冠肺炎疫情防控")

        folders = {}
        for n in sorted(set(scales) | {1}):
            folders[n] = tmp / f"c{n}"
            make_corpus(folders[n], n)
        bodies1 = [d.body for d in store.iter_docs([folders[1]])]
        mb1 = sum(len(b.encode()) for b in bodies1) / 1e6

        # The first build in the process also pays the one-time imports and regex compiles.
        cold_w, cold_c = timed(lambda: index.build([folders[1]], tmp / "cold.sqlite", "bench"))
        jw, _ = timed(lambda: [jieba.lcut(b) for b in bodies1])
        print(f"shipped corpus: {len(bodies1)} reports, {mb1:.3f} MB of report text (UTF-8)")
        print(f"  cold (first build in the process, with its imports): build {cold_w:.3f} s wall"
              f" {cold_c:.3f} s CPU, jieba.lcut {jw:.3f} s: ratio {cold_w / jw:.2f}")

        print("warm builds, medians (build and jieba alternate in the same run):")
        print(f"  {'N':>4} {'MB':>7} {'distinct':>8} {'build s':>8} {'CPU s':>7} {'us/KB':>7} {'MB/s':>6}"
              f" {'jieba s':>8} {'CPU s':>7} {'MB/s':>6} {'ratio':>6}  runs")
        for n in scales:
            folder = folders[n]
            bodies = [d.body for d in store.iter_docs([folder])]
            size = sum(len(b.encode()) for b in bodies)
            reps = args.repeat if n <= 10 else args.repeat_large
            bw, bc, jw_, jc = [], [], [], []
            for r in range(reps):
                w, c = timed(lambda: index.build([folder], tmp / f"i{n}.sqlite", "bench"))
                bw.append(w)
                bc.append(c)
                w, c = timed(lambda: [jieba.lcut(b) for b in bodies])
                jw_.append(w)
                jc.append(c)
            conn = sqlite3.connect(tmp / f"i{n}.sqlite")
            distinct = conn.execute("SELECT COUNT(DISTINCT text) * 1.0 / COUNT(*) FROM sentences").fetchone()[0]
            conn.close()
            mb = size / 1e6
            b, j = statistics.median(bw), statistics.median(jw_)
            print(f"  {n:>4} {mb:7.2f} {distinct:8.0%} {b:8.3f} {statistics.median(bc):7.3f}"
                  f" {b / (size / 1e3) * 1e6:7.1f} {mb / b:6.2f} {j:8.3f} {statistics.median(jc):7.3f}"
                  f" {mb / j:6.2f} {b / j:6.2f}  {reps}")
        print("  (distinct = share of sentences whose text occurs for the first time; budget: MB/s >= 2,"
              " ratio <= 0.5)")

        # Not part of the budget: what a corpus with labels adds (classifier training), and
        # the whole command in a new process (interpreter, imports, dictionary load).
        shipped = paths.shipped("corpus")
        w_lab, _ = timed(lambda: index.build([shipped], tmp / "lab.sqlite", "bench"))
        w_nolab, _ = timed(lambda: index.build([shipped], tmp / "nolab.sqlite", "bench", train_model=False))
        print(f"shipped corpus with its labels.tsv: build {w_lab:.2f} s, of which classifier training"
              f" ~{w_lab - w_nolab:.2f} s (without training {w_nolab:.2f} s)")
        for n in (1, 10):
            if n not in folders:
                continue
            env = dict(os.environ, ASSIST_CACHE=str(tmp / f"cli{n}"))
            cmd = [sys.executable, "-m", "assistant", "corpus", "build", "--corpus", str(folders[n]),
                   "--force", "--format", "json"]
            w, _ = timed(lambda: subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True))
            size = sum(len(d.body.encode()) for d in store.iter_docs([folders[n]]))
            print(f"whole command `assist corpus build --force`, {n}x (new process: start-up, dictionary"
                  f" load, build): {w:.2f} s, {size / 1e6 / w:.2f} MB/s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
