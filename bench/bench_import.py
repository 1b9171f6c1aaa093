"""Import benchmark: `assist corpus add` of the 564 real 政府工作报告 of ../shared/data/gov-reports.

Run: python bench/bench_import.py [--repeat 3] [--files N] [--folder DIR] [--jieba]

What is timed is the library call ``assistant.corpus.importer.import_paths`` (what
``assist corpus add FILES --corpus DIR`` runs after start-up) into a new corpus folder:
reading, cleaning (normalize), one report per file with its byline and back matter cut,
unit and type, and the atomic writes. Side by side, on the same texts, plain rjieba
segmentation (``rjieba.cut`` of every file's text, dictionary loaded before timing): the
floor of any analysis of that text, as bench_index.py compares with jieba. ``--jieba`` adds
plain ``jieba.lcut`` (slower: it takes a minute or more here).

Each run is a fresh child process, so its peak memory (max RSS, from the kernel) is that of
one import alone; import and segmentation alternate, ``--repeat`` times; medians are printed.
The import also prints what came out: files → reports, units, types, cut bylines and back
matter. The gov-reports folder is read in place, never copied (its README); without it the
benchmark says so and stops.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHILD_IMPORT = """
import json, sys, time
from assistant.corpus.importer import import_paths
files = json.loads(sys.argv[1]); out = sys.argv[2]
t = time.perf_counter(); c = time.process_time()
res = import_paths(files, out)
wall, cpu = time.perf_counter() - t, time.process_time() - c
docs = [d for f in res.files for d in f.added]
print(json.dumps({"wall": wall, "cpu": cpu, "files": len(res.files), "added": res.added, "skipped": res.skipped,
                  "types": {t: sum(1 for d in docs if d["type"] == t) for t in {d["type"] for d in docs}},
                  "units": {u: sum(1 for d in docs if d["unit"] == u) for u in {d["unit"] for d in docs}}}))
"""

CHILD_SEGMENT = """
import json, sys, time
import rjieba
files = json.loads(sys.argv[1])
rjieba.cut("预热政府工作报告")
texts = [open(f, encoding="utf-8").read() for f in files]
t = time.perf_counter(); c = time.process_time()
n = sum(len(rjieba.cut(x)) for x in texts)
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "tokens": n}))
"""

CHILD_JIEBA = """
import json, sys, time
import jieba
jieba.setLogLevel(60); jieba.initialize()
files = json.loads(sys.argv[1])
texts = [open(f, encoding="utf-8").read() for f in files]
t = time.perf_counter(); c = time.process_time()
n = sum(len(jieba.lcut(x)) for x in texts)
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "tokens": n}))
"""


def run_child(code: str, *args: str) -> tuple[dict, float]:
    """(the child's json, its peak RSS in MB). Max RSS of children is the largest of all
    children so far: each measurement runs in a new process of a new helper."""
    wrapper = ("import resource, subprocess, sys, json\n"
               "p = subprocess.run([sys.executable, '-c', sys.argv[1], *sys.argv[2:]], capture_output=True, text=True)\n"
               "if p.returncode: sys.stderr.write(p.stderr); sys.exit(p.returncode)\n"
               "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
               "print(json.dumps({'out': json.loads(p.stdout), 'rss_kb': rss}))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", wrapper, code, *args], capture_output=True, text=True, env=env,
                       cwd=ROOT)
    if p.returncode:
        raise SystemExit(p.stderr)
    res = json.loads(p.stdout)
    kb = res["rss_kb"] if sys.platform != "darwin" else res["rss_kb"] / 1024
    return res["out"], kb / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--files", type=int, default=0, help="only the first N files (0: all)")
    ap.add_argument("--folder", type=Path, default=None, help="the gov-reports folder (default: ../shared/data/gov-reports)")
    ap.add_argument("--jieba", action="store_true", help="also time plain jieba.lcut (slow)")
    args = ap.parse_args()
    from assistant.classify.silver import gov_reports_dir, report_files

    folder = args.folder or gov_reports_dir()
    if folder is None or not Path(folder).is_dir():
        print("gov-reports folder not found (../shared/data/gov-reports or $ASSIST_GOV_REPORTS): nothing to measure")
        return
    files = [str(p) for p in report_files(Path(folder))]
    if args.files:
        files = files[:args.files]
    mb = sum(Path(f).stat().st_size for f in files) / 1e6
    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-import-"))
    try:
        imp, seg, jb = [], [], []
        for k in range(args.repeat):
            out = tmp / f"corpus{k}"
            imp.append(run_child(CHILD_IMPORT, json.dumps(files), str(out)))
            seg.append(run_child(CHILD_SEGMENT, json.dumps(files)))
            if args.jieba:
                jb.append(run_child(CHILD_JIEBA, json.dumps(files)))
            shutil.rmtree(out, ignore_errors=True)
        last = imp[-1][0]
        print(f"gov-reports: {len(files)} files, {mb:.1f} MB (UTF-8), {args.repeat} runs, medians")
        print(f"  imported: {last['files']} files -> {last['added']} documents, skipped {last['skipped']};"
              f" types {last['types']}; units {last['units']}")

        def row(name: str, runs: list[tuple[dict, float]]) -> tuple[float, float]:
            w = statistics.median(r[0]["wall"] for r in runs)
            c = statistics.median(r[0]["cpu"] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            print(f"  {name:<28} {w:7.2f} s wall {c:7.2f} s CPU {mb / w:6.2f} MB/s   peak RSS {rss:6.0f} MB")
            return w, c
        wi, ci = row("import_paths (corpus add)", imp)
        ws, cs = row("rjieba.cut (segmentation)", seg)
        print(f"  ratio import / rjieba segmentation of the same text: {wi / ws:.2f} (wall), {ci / cs:.2f} (CPU)")
        if jb:
            wj, cj = row("jieba.lcut (segmentation)", jb)
            print(f"  ratio import / jieba.lcut: {wi / wj:.2f} (wall), {ci / cj:.2f} (CPU)")
        print("  (peak RSS of each child process: interpreter and imports included)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
