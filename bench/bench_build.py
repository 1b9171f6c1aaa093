"""Index build at scale: time and peak memory against plain ``rjieba.tag`` over the same text.

Run: python bench/bench_build.py [--scale 100] [--repeat 1] [--jobs N] [--no-labels]
     python bench/bench_build.py --gov [--files N]      the 564 real gov-reports (read in place)

What is timed is the library call that ``assist corpus build --force`` runs after start-up
(``FolderCorpus.ensure``), in a fresh child process each time, on:

- ``--scale N`` (default 100): the shipped corpus with its labels.tsv (so the classifier is
  trained on its labelled sections, or reused, and predicts every other section) plus N x 33
  new reports written by bench_index.py's Markov chain ("distinct": almost every sentence new).
  Two builds: the first trains the model (a fresh cache), the second is a rebuild that finds
  the same labelled sections and reuses it (what a build after ``corpus add`` does).
- ``--gov``: the 564 政府工作报告 of ../shared/data/gov-reports, imported with
  ``corpus add`` into a temporary folder (timed too), then built (with the shipped labels).

Side by side, in a fresh child, ``rjieba.tag`` of every report body (dictionary loaded before
timing): the floor of any analysis that segments and tags the text. And the floor of this
index's design: every sentence cut on its own (the index stores each sentence's tokens) and
the rows written to SQLite, with no outline, kinds, phrases or marks. Printed: wall seconds,
MB/s of report text (UTF-8), the ratio build / rjieba.tag (budget <= 3) and the peak resident
memory of the build process (budget <= 300 MiB; its worker processes, forked from it, are
printed apart).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHILD_BUILD = """
import json, os, resource, sys, time
from pathlib import Path
from assistant import segment
from assistant.backends.sqlite import FolderCorpus
dirs = [Path(p) for p in json.loads(sys.argv[1])]
jobs = int(sys.argv[2]) if sys.argv[2] != "-" else None
segment.cut("预热"); segment.tag("新冠肺炎疫情防控")  # the dictionary: start-up, not build
t = time.perf_counter(); c = time.process_time()
st = FolderCorpus(dirs).ensure(force=True, jobs=jobs)
wall, cpu = time.perf_counter() - t, time.process_time() - c
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": cpu, "cpu_workers": kids.ru_utime + kids.ru_stime, "peak_mib": self_kb / 1024,
                  "worker_peak_mib": kids.ru_maxrss / 1024, "documents": st.documents, "sections": st.sections,
                  "sentences": st.sentences}))
"""

CHILD_TAG = """
import json, resource, sys, time
from pathlib import Path
import rjieba
from assistant.corpus import store
dirs = [Path(p) for p in json.loads(sys.argv[1])]
bodies = [d.body for d in store.iter_docs(dirs)]
rjieba.tag("预热新冠肺炎疫情防控")
t = time.perf_counter()
for b in bodies:
    rjieba.tag(b)
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "mb": sum(len(b.encode()) for b in bodies) / 1e6,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_FLOOR = """
import json, sqlite3, sys, tempfile, time
from itertools import chain
from pathlib import Path
from assistant import segment
from assistant.corpus import store
from assistant.corpus.build import SENTENCE
dirs = [Path(p) for p in json.loads(sys.argv[1])]
bodies = [d.body for d in store.iter_docs(dirs)]
cut = segment.raw_cutter(); cut("预热新冠肺炎疫情防控")
t = time.perf_counter()
sents = [s for b in bodies for line in b.split("\\n") for s in SENTENCE.findall(line) if not s.isspace()]
toks = list(map(" ".join, map(cut, sents)))
with tempfile.TemporaryDirectory() as d:
    db = sqlite3.connect(Path(d) / "floor.db")
    db.execute("CREATE TABLE sentences(id INTEGER PRIMARY KEY, text TEXT, tokens TEXT)")
    db.executemany("INSERT INTO sentences(text, tokens) VALUES (?, ?)", zip(sents, toks))
    db.commit()
    db.close()
print(json.dumps({"wall": time.perf_counter() - t, "sentences": len(sents)}))
"""

CHILD_IMPORT = """
import json, resource, sys, time
from assistant.corpus.importer import import_paths
files = json.loads(sys.argv[1]); out = sys.argv[2]
t = time.perf_counter()
res = import_paths(files, out)
print(json.dumps({"wall": time.perf_counter() - t, "added": res.added,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, *args: str, env: dict) -> dict:
    r = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr.strip())
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--jobs", default="-", help="worker processes (default: as assist corpus build)")
    ap.add_argument("--no-labels", action="store_true", help="the synthetic corpus alone (no classifier)")
    ap.add_argument("--gov", action="store_true", help="the gov-reports instead of the synthetic corpus")
    ap.add_argument("--files", type=int, default=0, help="with --gov: only the first N files")
    ap.add_argument("--keep", type=Path, help="write the corpus here and keep it (reused when it exists)")
    args = ap.parse_args()
    from assistant import paths

    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-build-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), ASSIST_CACHE=str(tmp / "cache"), ASSIST_HOME=str(tmp / "home"))
    try:
        folder = args.keep or tmp / "corpus"
        if args.gov:
            from assistant.classify.silver import gov_reports_dir, report_files

            src = gov_reports_dir()
            if src is None:
                print("gov-reports: ../shared/data/gov-reports is not here; nothing to measure")
                return
            files = [str(p) for p in report_files(src)]
            if args.files:
                files = files[:args.files]
            if not (folder / "reports").is_dir():
                imp = child(CHILD_IMPORT, json.dumps(files), str(folder), env=env)
                mb = sum(os.path.getsize(f) for f in files) / 1e6
                print(f"import: {len(files)} files, {mb:.1f} MB -> {imp['added']} reports in {imp['wall']:.1f} s "
                      f"({mb / imp['wall']:.2f} MB/s), peak {imp['peak_mib']:.0f} MiB")
            what = f"gov-reports ({len(files)} files)"
        else:
            if not (folder / "reports").is_dir():
                sys.path.insert(0, str(ROOT / "bench"))
                from bench_index import make_distinct

                t = time.perf_counter()
                make_distinct(folder, args.scale)
                print(f"(the {args.scale}x synthetic corpus written in {time.perf_counter() - t:.1f} s)")
            what = f"distinct {args.scale}x"
        dirs = [folder] if args.no_labels else [paths.shipped("corpus"), folder]
        if not args.no_labels:
            what += " + shipped corpus with labels.tsv"
        floor = child(CHILD_TAG, json.dumps([str(d) for d in dirs]), env=env)
        print(f"{what}: {floor['mb']:.2f} MB of report text; rjieba.tag {floor['wall']:.2f} s "
              f"({floor['mb'] / floor['wall']:.1f} MB/s, peak {floor['peak_mib']:.0f} MiB)")
        low = child(CHILD_FLOOR, json.dumps([str(d) for d in dirs]), env=env)
        print(f"  design floor: every sentence cut on its own (as the index stores it) and written to SQLite, "
              f"nothing else (no outline, kinds, phrases or marks): {low['wall']:.2f} s, ratio "
              f"{low['wall'] / floor['wall']:.2f}")
        rows = []
        for rep in range(args.repeat):
            for label, fresh in (("first build (trains)", True), ("rebuild (model reused)", False)):
                if args.no_labels and not fresh:
                    continue
                if fresh:
                    shutil.rmtree(tmp / "cache", ignore_errors=True)
                b = child(CHILD_BUILD, json.dumps([str(d) for d in dirs]), args.jobs, env=env)
                rows.append((label, b))
                print(f"  {label:24} {b['wall']:6.2f} s wall, {b['cpu']:6.2f} s CPU (+{b['cpu_workers']:.2f} s in "
                      f"workers), {floor['mb'] / b['wall']:5.2f} MB/s, ratio to rjieba.tag "
                      f"{b['wall'] / floor['wall']:4.2f}, peak {b['peak_mib']:5.0f} MiB (workers "
                      f"{b['worker_peak_mib']:.0f} MiB); {b['documents']} reports, {b['sections']} sections, "
                      f"{b['sentences']} sentences", flush=True)
        if args.repeat > 1:
            for label in dict.fromkeys(r[0] for r in rows):
                walls = [b["wall"] for lab, b in rows if lab == label]
                print(f"  median {label}: {statistics.median(walls):.2f} s, ratio "
                      f"{statistics.median(walls) / floor['wall']:.2f}")
        print("  (budget: ratio <= 3, peak <= 300 MiB)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
