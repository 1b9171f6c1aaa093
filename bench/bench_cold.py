"""Cold ``assist suggest``: a new process, the index already built, against its floor.

Run: python bench/bench_cold.py [--runs 7] [--scale 100]

Each command runs ``--runs`` times in a fresh interpreter (``python -m assistant suggest …``,
bytecode compiled beforehand, as ``pip install .`` leaves it); medians. Printed beside it: the
interpreter alone (``python -c pass``), the segmentation dictionary's load (rjieba's and the
domain dictionary, timed inside a fresh process), and what the command takes beyond that
load — the budget is 0.15 s — on the default corpus (shipped reports and 范文) and on a
corpus ``--scale`` times its size (every report copied under new ids, figures changed).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
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

QUERY = "返乡人员排查登记"
DICT_LOAD = ("import time; t = time.perf_counter(); from assistant import segment; segment.cut('预热'); "
             "print(time.perf_counter() - t)")


def run(cmd: list[str], env: dict, runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
        out.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(r.stderr.decode())
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--scale", type=int, default=100)
    args = ap.parse_args()
    compileall.compile_dir(str(ROOT / "assistant"), quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-cold-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), ASSIST_CACHE=str(tmp / "cache"), ASSIST_HOME=str(tmp / "home"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        py = run([sys.executable, "-c", "pass"], env, args.runs)
        loads = []
        for _ in range(args.runs):
            r = subprocess.run([sys.executable, "-c", DICT_LOAD], env=env, cwd=ROOT, capture_output=True, text=True)
            loads.append(float(r.stdout.strip()))
        dict_load = statistics.median(loads)
        print(f"python -c pass {py:.3f} s; dictionary load {dict_load:.3f} s")
        corpora = [("default corpus", [])]
        if args.scale > 1:
            from bench_draft import make_scaled

            folder = tmp / f"x{args.scale}"
            make_scaled(folder, args.scale)
            corpora.append((f"{args.scale}x (copies, figures changed)", ["--corpus", str(folder)]))
        for label, extra in corpora:
            cmd = [sys.executable, "-m", "assistant", "suggest", QUERY, *extra]
            subprocess.run([sys.executable, "-m", "assistant", "corpus", "build", *extra], env=env, cwd=ROOT,
                           capture_output=True, check=True)
            subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=True)  # checked and stamped
            wall = run(cmd, env, args.runs)
            print(f"  {label:34} cold suggest {wall:.3f} s; beyond the dictionary load {wall - dict_load:.3f} s "
                  f"(budget 0.15)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
