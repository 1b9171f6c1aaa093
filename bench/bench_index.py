"""Index build benchmark: speed against plain jieba.lcut, and scaling to 100x the corpus.

Run: python bench/bench_index.py [--scales 1,10,100] [--corpora distinct,copies]
                                 [--repeat 5] [--repeat-large 3] [--seed 1]
     python bench/bench_index.py --write-corpus DIR --scale N [--kind distinct|copies]

What is timed is the library call ``assistant.corpus.index.build`` (what ``assist corpus
build`` runs after start-up): outline, sentence split, segmentation, the phrase table,
SQLite with FTS5, written atomically. Side by side, in the same run and on the same
texts, plain ``jieba.lcut`` over every report body (the naive way). Both are warm:
rjieba's dictionary and its lazily built HMM / POS tables are loaded before timing, as
``jieba.initialize()`` and jieba's import load jieba's. The corpora have no labels.tsv,
so no classifier is trained: a separate line shows what training adds when a corpus has
labels.

Each size is measured ``--repeat`` times, build and jieba alternating; medians of wall
and CPU time are printed. Budget: >= 2 MB/s of report text (UTF-8), build <= 0.5x jieba.
From 0.4 MB of corpus files on, the build analyses the files in worker processes (one
per CPU, as ``assist corpus build``; ``--jobs 1`` for one process): wall time is what the
budget counts, the CPU column is the sum over the processes, and jieba runs in one.

Corpora N x the size of the shipped one (33 reports):

- ``distinct``: new reports written by a token-bigram Markov chain trained on the shipped
  reports (seeded, so reproducible). Each new report follows the line structure of a
  shipped one (its heading markers 一、 （一） 1. …, paragraphs, sentences per paragraph,
  sentence lengths and end marks) with every sentence written afresh from the chain: the
  vocabulary, figures and names of the corpus, text that is almost all new sentences.
  This is the honest per-byte cost of new text. (Its words are the shipped corpus's, so
  past 1x few words are new; real new reports bring new names and places, whose tags the
  build learns once each: the 1x rows show that cost, about a fifth of a 1x build.)
- ``copies``: the shipped reports copied N times under new ids. Copies repeat sentences,
  and the phrase table analyses each distinct sentence once, so copies are cheaper per KB
  than new text.

Linear time means a flat us/KB along N. ``distinct`` in the table is the share of sentences
whose text occurs for the first time in the corpus.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant import paths  # noqa: E402
from assistant.corpus import index, store  # noqa: E402

_END = "。！？；!?;"


def make_copies(folder: Path, copies: int) -> int:
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


class MarkovReports:
    """New reports from a token-bigram chain trained on the shipped reports.

    A template (a shipped report) gives the line structure: for each line its heading
    marker (as the outline parser finds it) and, for each sentence, its length and end
    mark. Every sentence is written afresh: a first token drawn from the tokens that start
    sentences (of headings, for the first sentence after a marker), then bigram steps until
    the chain reaches an end mark or a comma near the template sentence's length.
    """

    def __init__(self, docs: list[store.StoredDoc]) -> None:
        from assistant import outline, segment

        cut = segment.raw_cutter()
        trans: dict[str, dict[str, int]] = {}
        starts: dict[str, int] = {}
        head_starts: dict[str, int] = {}
        self.templates: list[tuple[store.StoredDoc, list]] = []
        for d in docs:
            lines: list = []
            for line in d.body.split("\n"):
                if not line.strip():
                    lines.append(None)
                    continue
                h = outline.match_heading(line)
                marker = line[:outline.STYLES[h.style][1].match(line).end()] if h is not None else ""
                pieces = []
                for k, (_, sent) in enumerate(index.sentence_spans(line[len(marker):])):
                    sent = sent.strip()
                    toks = [t for t in cut(sent) if not t.isspace()]
                    if not toks:
                        continue
                    pieces.append((len(sent), sent[-1] if sent[-1] in _END else ""))
                    first = head_starts if marker and k == 0 else starts
                    first[toks[0]] = first.get(toks[0], 0) + 1
                    for a, b in zip(toks, toks[1:]):
                        row = trans.setdefault(a, {})
                        row[b] = row.get(b, 0) + 1
                lines.append((marker, pieces))
            self.templates.append((d, lines))
        self.table = {a: self._cumulative(row) for a, row in trans.items()}
        self.starts = self._cumulative(starts)
        self.head_starts = self._cumulative(head_starts)

    @staticmethod
    def _cumulative(counts: dict[str, int]) -> tuple[list[str], list[int], int]:
        keys, cum, total = [], [], 0
        for k, n in counts.items():
            total += n
            keys.append(k)
            cum.append(total)
        return keys, cum, total

    @staticmethod
    def _draw(rng: random.Random, dist: tuple[list[str], list[int], int]) -> str:
        keys, cum, total = dist
        return keys[bisect.bisect_right(cum, rng.random() * total)]

    def sentence(self, rng: random.Random, target: int, end: str, heading: bool) -> str:
        tok = self._draw(rng, self.head_starts if heading else self.starts)
        out, n, cap = [tok], len(tok), 2 * target + 20
        while True:
            if tok in _END or (tok == "，" and n >= 0.8 * target):
                out.pop()
                n -= 1
                if n >= 0.6 * target:
                    break
                tok = "，"  # too short yet: go on as after a comma
                out.append(tok)
                n += 1
                continue
            dist = self.table.get(tok)
            if dist is None or n >= cap:
                break
            tok = self._draw(rng, dist)
            if not end and n + len(tok) > target and n >= 0.7 * target:
                break  # a line without end mark (a heading, an addressee…): stop near its length
            out.append(tok)
            n += len(tok)
        return ("".join(out).rstrip("，、：:；。！？ ") or "工作") + end

    def report(self, rng: random.Random, k: int) -> tuple[store.StoredDoc, str]:
        """(template, new body) for the ``k``-th new report."""
        d, lines = self.templates[k % len(self.templates)]
        body = []
        for ln in lines:
            if ln is None:
                body.append("")
                continue
            marker, pieces = ln
            body.append(marker + "".join(self.sentence(rng, n, e, bool(marker) and i == 0)
                                         for i, (n, e) in enumerate(pieces)))
        return d, "\n".join(body)


def make_distinct(folder: Path, scale: int, seed: int = 1) -> int:
    """``scale`` x 33 new reports from the Markov chain into ``folder``; return UTF-8 bytes."""
    docs = list(store.iter_docs([paths.shipped("corpus")]))
    gen = MarkovReports(docs)
    rng = random.Random(seed)
    total = 0
    for k in range(scale * len(docs)):
        d, body = gen.report(rng, k)
        store.save(folder, store.StoredDoc(id=f"syn{k:05d}", title=d.title, unit=d.unit, body=body,
                                           type=d.type, source=f"markov seed {seed}", position=1))
        total += len(body.encode("utf-8"))
    return total


def make_corpus(kind: str, folder: Path, scale: int, seed: int = 1) -> int:
    if kind == "copies":
        return make_copies(folder, scale)
    if kind == "distinct":
        return make_distinct(folder, scale, seed)
    raise ValueError(kind)


def _cpu() -> float:
    t = os.times()  # the worker processes of a parallel build count once they are joined
    return t.user + t.system + t.children_user + t.children_system


def timed(fn) -> tuple[float, float]:
    """(wall, cpu) seconds of ``fn()``; CPU of this process and of its finished children."""
    w, c = time.perf_counter(), _cpu()
    fn()
    return time.perf_counter() - w, _cpu() - c


def distinct_share(path: Path) -> float:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(DISTINCT text) * 1.0 / COUNT(*) FROM sentences").fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--corpora", default="distinct,copies")
    ap.add_argument("--repeat", type=int, default=5, help="runs per size up to 10x")
    ap.add_argument("--repeat-large", type=int, default=3, help="runs per size above 10x")
    ap.add_argument("--seed", type=int, default=1, help="seed of the Markov chain (distinct corpus)")
    ap.add_argument("--write-corpus", type=Path, help="only write a synthetic corpus into this folder")
    ap.add_argument("--scale", type=int, default=1, help="with --write-corpus")
    ap.add_argument("--kind", default="distinct", choices=["distinct", "copies"], help="with --write-corpus")
    ap.add_argument("--no-extras", action="store_true", help="skip the labels and whole-command lines")
    ap.add_argument("--jobs", type=int, default=None,
                    help="worker processes of the build (default: as assist corpus build; 1: none)")
    args = ap.parse_args()
    if args.write_corpus:
        size = make_corpus(args.kind, args.write_corpus, args.scale, args.seed)
        print(f"{args.write_corpus}: {args.kind} x{args.scale}, {size / 1e6:.2f} MB")
        return
    scales = [int(s) for s in args.scales.split(",")]
    kinds = [k for k in args.corpora.split(",") if k]
    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-"))
    os.environ["ASSIST_CACHE"] = str(tmp / "cache")
    try:
        from assistant import segment

        # Warm the segmenter: the dictionary, and the HMM / POS tables rjieba builds on the
        # first unknown word. We measure throughput, not start-up (see the cold line).
        w_dict, _ = timed(lambda: (segment.cut("预热"), segment.tag("新冠肺炎疫情防控")))

        import jieba

        jieba.setLogLevel(60)
        w_jieba, _ = timed(lambda: (jieba.initialize(), jieba.lcut("预热新冠肺炎疫情防控")))

        shipped = paths.shipped("corpus")
        bodies1 = [d.body for d in store.iter_docs([shipped])]
        mb1 = sum(len(b.encode()) for b in bodies1) / 1e6

        # The first build in the process also pays the one-time imports and regex compiles.
        cold_w, cold_c = timed(lambda: index.build([shipped], tmp / "cold.sqlite", "bench", train_model=False))
        jw, _ = timed(lambda: [jieba.lcut(b) for b in bodies1])
        print(f"shipped corpus: {len(bodies1)} reports, {mb1:.3f} MB of report text (UTF-8)")
        print(f"  one-time: segmenter dictionary {w_dict:.3f} s, jieba dictionary {w_jieba:.3f} s")
        print(f"  cold (first build in the process, with its imports): build {cold_w:.3f} s wall"
              f" {cold_c:.3f} s CPU, jieba.lcut {jw:.3f} s: ratio {cold_w / jw:.2f}")

        # Fixed cost of a build: schema, FTS5 set-up, phrase table, one tiny report.
        tiny = tmp / "tiny"
        store.save(tiny, store.StoredDoc(id="t-01", title="汇报", unit="town", body="一、加强领导。成立领导小组。\n"))
        fixed = statistics.median(timed(lambda: index.build([tiny], tmp / "tiny.sqlite", "bench"))[0]
                                  for _ in range(5))
        print(f"  fixed cost per build (one tiny report: schema, FTS5, rename): {fixed * 1e3:.1f} ms")

        t = time.perf_counter()
        folders: dict[tuple[str, int], Path] = {}
        for kind in kinds:
            for n in scales:
                folders[kind, n] = tmp / f"{kind}{n}"
                make_corpus(kind, folders[kind, n], n, args.seed)
        print(f"  (synthetic corpora written in {time.perf_counter() - t:.1f} s)")

        jobs = args.jobs or index.default_jobs()
        print(f"warm builds, medians (build and jieba alternate in the same run); the build uses {jobs}"
              f" worker process(es) from {index.PARALLEL_MIN_BYTES / 1e6:.1f} MB of corpus files on"
              f" (CPU: all processes), jieba one process:")
        print(f"  {'corpus':>8} {'N':>4} {'MB':>6} {'distinct':>8} {'build s':>8} {'CPU s':>7} {'us/KB':>6}"
              f" {'MB/s':>5} {'jieba s':>8} {'CPU s':>7} {'MB/s':>5} {'ratio':>6}  runs")
        rows = [("shipped", 1, shipped)] + [(k, n, folders[k, n]) for k in kinds for n in scales]
        for kind, n, folder in rows:
            bodies = [d.body for d in store.iter_docs([folder])]
            size = sum(len(b.encode()) for b in bodies)
            reps = args.repeat if n <= 10 else args.repeat_large
            out = tmp / f"i-{kind}{n}.sqlite"
            bw, bc, jw_, jc = [], [], [], []
            for _ in range(reps):
                w, c = timed(lambda: index.build([folder], out, "bench", train_model=False, jobs=args.jobs))
                bw.append(w)
                bc.append(c)
                w, c = timed(lambda: [jieba.lcut(b) for b in bodies])
                jw_.append(w)
                jc.append(c)
            mb = size / 1e6
            b, j = statistics.median(bw), statistics.median(jw_)
            print(f"  {kind:>8} {n:>4} {mb:6.2f} {distinct_share(out):8.1%} {b:8.3f} {statistics.median(bc):7.3f}"
                  f" {b / (size / 1e3) * 1e6:6.1f} {mb / b:5.2f} {j:8.3f} {statistics.median(jc):7.3f}"
                  f" {mb / j:5.2f} {b / j:6.2f}  {reps}", flush=True)
        print("  (budget: MB/s >= 2, ratio <= 0.5; linear time: flat us/KB along N)")
        if args.no_extras:
            return

        # Not part of the budget: what a corpus with labels adds (classifier training), and
        # the whole command in a new process (interpreter, imports, dictionary load).
        w_lab, _ = timed(lambda: index.build([shipped], tmp / "lab.sqlite", "bench"))
        w_nolab, _ = timed(lambda: index.build([shipped], tmp / "nolab.sqlite", "bench", train_model=False))
        w_again, _ = timed(lambda: index.build([shipped], tmp / "lab.sqlite", "bench"))
        print(f"shipped corpus with its labels.tsv: build {w_lab:.2f} s, of which classifier training"
              f" ~{w_lab - w_nolab:.2f} s (without training {w_nolab:.2f} s); a rebuild over the same"
              f" labelled sections reuses the model: {w_again:.2f} s")
        for n in (1, 10):
            key = (kinds[0], n) if kinds else None
            if key not in folders:
                continue
            env = dict(os.environ, ASSIST_CACHE=str(tmp / f"cli{n}"))
            cmd = [sys.executable, "-m", "assistant", "corpus", "build", "--corpus", str(folders[key]),
                   "--force", "--format", "json"]
            w, _ = timed(lambda: subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True))
            size = sum(len(d.body.encode()) for d in store.iter_docs([folders[key]]))
            print(f"whole command `assist corpus build --force`, {key[0]} {n}x (new process: start-up,"
                  f" dictionary load, build): {w:.2f} s, {size / 1e6 / w:.2f} MB/s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
