"""Benchmark of `assist check` against the naive way, side by side.

Run: python bench/bench_check.py [--runs 15] [--size-kb 200] [--python PYTHON] [--instructions]

Builds a ~200 KB report from the five raw seed files (corpus/sources, one after
the other until the size is reached) and times, in fresh interpreters and
interleaved run by run:

  naive      a bare Python script that runs one regex (xx|\\*+|_+|某某) over the file
  assist     assist check REPORT   (the console script that users run; it takes
             check's fast path, assistant/entry.py → assistant/check/fastcli.py)
  fast       python -m assistant.check REPORT   (the same fast path as a module)
  typer      python -m assistant check REPORT   (the full typer CLI; not budgeted)
  plain-re   assist check REPORT with ASSIST_REGEX_CACHE=0: plain re.compile, without the
             regex cache and start sets that use CPython's private regex API
             (assistant/check/recache.py, used only on the verified Pythons)

Budget (issue 3): assist check ≤ 2× the naive script's wall time.

On a busy machine wall (and CPU) times wander; ``--instructions`` also counts
the instructions of one run of the naive script and of ``assist check`` with
valgrind, a steady figure to compare versions with (not the budget).

``--python`` runs everything with another interpreter, e.g. a clean virtual
environment (``python -m venv /tmp/v && /tmp/v/bin/pip install .``), whose
start-up is much shorter than a global one with many .pth files: the naive
script's time is then mostly the regex, and check's own fixed costs weigh
more. The ``assist`` script beside that interpreter is used, and the code of
this checkout (PYTHONPATH) is what is timed.

Two reports are timed: "raw" is the seeds as they are (messy web pages: about
7,000 findings, mostly half-width punctuation and pinyin glosses, so most of the
time goes into reporting); "fixed" is the same text after `assist check --fix`
and conversion to simplified characters, closer to a report a user would check.

Installed packages carry compiled bytecode; this checkout runs with
PYTHONDONTWRITEBYTECODE=1, so the benchmark lets Python cache bytecode in a
temporary folder (PYTHONPYCACHEPREFIX) for every command alike.

Check keeps what it can reuse in its cache folder (a fresh one here): the rules
as parsed, compiled regular expressions, and OpenCC's tables (built and checked
once per OpenCC installation; about a second). The warm-up run of each command
fills it, so the figures are those of every later run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "corpus" / "sources"

NAIVE = """import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
print(len(re.findall(r"xx|\\*+|_+|某某", text)))
"""


def build_report(size_kb: int) -> str:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt"))]
    parts: list[str] = []
    total = 0
    limit = size_kb * 1024
    while total < limit:
        for text in seeds:
            for line in text.splitlines(keepends=True):
                parts.append(line)
                total += len(line.encode("utf-8"))
                if total >= limit:
                    return "".join(parts)
    return "".join(parts)


def cut_lines(text: str, size_kb: int) -> str:
    """The first lines of ``text`` that make at least ``size_kb`` KB (UTF-8)."""
    out, total = [], 0
    for line in text.splitlines(keepends=True):
        if total >= size_kb * 1024:
            break
        out.append(line)
        total += len(line.encode("utf-8"))
    return "".join(out)


def fixed_version(text: str) -> str:
    sys.path.insert(0, str(REPO))
    from assistant.check import check_text
    from assistant.check.fix import apply_fixes
    from assistant.check.tradchars import converter

    fixed, _ = apply_fixes(text, check_text(text))
    return converter()(fixed)


def run_once(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall time, CPU time user+system) of one run of ``cmd``."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def instructions(cmd: list[str], env: dict) -> int | None:
    """Instructions that one run of ``cmd`` executes (valgrind's callgrind), or None."""
    import re

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    out = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False).stderr
    m = re.search(r"Collected : (\d+)", out)
    return int(m.group(1)) if m else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--size-kb", type=int, default=200)
    ap.add_argument("--python", default=sys.executable,
                    help="the interpreter to time with (default: this one)")
    ap.add_argument("--no-typer", action="store_true", help="skip the full typer CLI")
    ap.add_argument("--instructions", action="store_true",
                    help="also count the instructions of one run of each command with valgrind "
                         "(steady on a busy machine; not the budget, which is wall time)")
    args = ap.parse_args()
    python = args.python
    script = Path(python).parent / "assist"
    if not script.is_file():
        found = shutil.which("assist")
        if found is None:
            sys.exit(f"no assist console script beside {python}: pip install the project first")
        script = Path(found)

    work = Path(tempfile.mkdtemp(prefix="assist-bench-check-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["ASSIST_CACHE"] = str(work / "cache")
    env["ASSIST_HOME"] = str(work / "home")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    env.pop("ASSIST_PLUGINS", None)
    naive = work / "naive.py"
    naive.write_text(NAIVE, encoding="utf-8")

    raw = build_report(args.size_kb)
    # the fixed text is shorter (glosses and web lines go): fix more of the seeds, keep size_kb
    reports = {"raw": raw, "fixed": cut_lines(fixed_version(build_report(args.size_kb * 5 // 4)), args.size_kb)}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0], sys.prefix)"],
                             capture_output=True, text=True, env=env).stdout.strip()
    print(f"python {version}, {os.cpu_count()} CPU, load {load:.1f}, {args.runs} runs each, "
          f"medians of wall time and of CPU time (CPU time is steadier on a busy machine)")
    print(f"assist script: {script}")
    for name, text in reports.items():
        path = work / f"report-{name}.txt"
        path.write_text(text, encoding="utf-8")
        cmds = {
            "naive": [python, str(naive), str(path)],
            "assist": [str(script), "check", str(path)],
            "fast": [python, "-m", "assistant.check", str(path)],
            "typer": [python, "-m", "assistant", "check", str(path)],
        }
        cmds["plain"] = [str(script), "check", str(path)]
        envs = {key: env for key in cmds}
        envs["plain"] = dict(env, ASSIST_REGEX_CACHE="0")
        if args.no_typer:
            del cmds["typer"]
        for key, cmd in cmds.items():  # warm-up: bytecode, the rule, regex and OpenCC table caches
            run_once(cmd, envs[key])
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
        for _ in range(args.runs):
            for key, cmd in cmds.items():
                times[key].append(run_once(cmd, envs[key]))
        med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
        cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
        findings = subprocess.run(cmds["fast"][:-1] + ["--format", "json", str(path)], env=env,
                                  capture_output=True, text=True).stdout.count('"rule":')
        size = len(text.encode("utf-8")) / 1024
        print(f"\n[{name}] {path.name}: {size:.0f} KB, {findings} findings")
        print(f"  {'':<27} {'wall':>9}  {'ratio':>6}   {'cpu':>9}  {'ratio':>6}")
        print(f"  {'naive regex script':<27} {med['naive'] * 1000:7.1f}ms  {'':>6}   {cpu['naive'] * 1000:7.1f}ms")
        for key, label in (("assist", "assist check"), ("fast", "python -m assistant.check"),
                           ("typer", "python -m assistant check"), ("plain", "assist check, plain re")):
            if key not in cmds:
                continue
            ratio = med[key] / med["naive"]
            cratio = cpu[key] / cpu["naive"]
            verdict = "within" if ratio <= 2.0 else "OVER"
            if key == "typer":
                verdict += ", not budgeted"
            note = "; without the private-API regex cache" if key == "plain" else ""
            print(f"  {label:<27} {med[key] * 1000:7.1f}ms  {ratio:5.2f}x   {cpu[key] * 1000:7.1f}ms  {cratio:5.2f}x"
                  f"   ({verdict} the 2x wall-time budget{note})")
        if args.instructions:
            counts = {key: instructions(cmd, env) for key, cmd in cmds.items() if key in ("naive", "assist")}
            if None in counts.values():
                print("  (no valgrind here: instructions not counted)")
            else:
                print(f"  instructions (valgrind): naive {counts['naive'] / 1e6:.0f} M, assist check "
                      f"{counts['assist'] / 1e6:.0f} M, {counts['assist'] / counts['naive']:.2f}x")
    print(f"\n(work files in {work})")


if __name__ == "__main__":
    main()
