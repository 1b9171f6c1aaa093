"""Start-up benchmark: wall time of whole `assist` commands from a cold process.

Run: python bench/bench_startup.py [--runs 7]

Each command runs --runs times in a fresh interpreter on a built index; the
median is printed with its budget. The naive way for comparison is a bare
`python -c pass` (interpreter start-up alone).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpus" / "sources" / "001_ae3b8ced769e67fc.txt"


def timed(cmd: list[str], runs: int, env: dict) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = dict(os.environ)
    env["ASSIST_CACHE"] = tempfile.mkdtemp(prefix="assist-bench-cache-")
    env["ASSIST_HOME"] = tempfile.mkdtemp(prefix="assist-bench-home-")
    # Measure as an installed package runs: with bytecode caches (kept out of the checkout).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="assist-bench-pyc-")
    assist = [sys.executable, "-m", "assistant"]
    subprocess.run(assist + ["corpus", "build"], env=env, check=True, stderr=subprocess.DEVNULL)
    for warm in (["--help"], ["outline", str(SAMPLE)], ["classify", str(SAMPLE)], ["check", str(SAMPLE)]):
        subprocess.run(assist + warm, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cases = [
        ("python -c pass (naive floor)", [sys.executable, "-c", "pass"], None),
        ("assist --help", assist + ["--help"], 0.3),
        ("assist units", assist + ["units"], 0.3),
        ("assist check FILE", assist + ["check", str(SAMPLE)], 0.3),
        ("assist outline FILE", assist + ["outline", str(SAMPLE)], 0.5),
        ("assist suggest QUERY", assist + ["suggest", "微信群发通知 发了一封信"], 0.5),
        ("assist classify FILE", assist + ["classify", str(SAMPLE)], 0.8),
    ]
    print(f"{'command':<32} {'median s':>9} {'budget':>7}  ok")
    for name, cmd, budget in cases:
        t = timed(cmd, args.runs, env)
        ok = "" if budget is None else ("yes" if t <= budget else "NO")
        print(f"{name:<32} {t:9.3f} {budget if budget else '':>7}  {ok}")


if __name__ == "__main__":
    main()
