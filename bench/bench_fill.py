"""Benchmark of `assist fill`: how many placeholders it fills right, and how fast.

Run: python bench/bench_fill.py [--cases DIR ...] [-v] [--speed] [--runs 5]

1. Accuracy. Every case folder (``NN-name/`` with report.txt, one data file
   data.yaml/.json/.csv/.xlsx and expect.yaml) is filled as `assist fill` would, and
   each placeholder is judged against expect.yaml:

   right   filled with the value a person would write
   wrong   filled with anything else, or filled where it must stay open
   left    left open although the data holds its value (a miss)
   open    left open as expected, for the expected kind of reason
   badwhy  left open as expected but for another reason

   Default cases: tests/data/fill (the shipped ones). ``--cases DIR`` adds or
   replaces folders (e.g. ``--cases /work/fill-blind`` for cases written by someone
   who has not seen the matcher). ``-v`` lists every miss with its context and reason.
   The bar (issue 16): ≥ 90% of fillable placeholders right, 0 wrong.

2. Speed (``--speed``): a 10-page report (the shipped cases' passages joined, about
   6,200 characters and 130 placeholders) and a 200-field data file (the cases' own
   clerk-style fields, then skeleton fields of shipped corpus reports),
   filled by the `assist fill` console script in a fresh process. The first run warms
   the caches (segmentation dictionary); the median of the next ``--runs`` is the
   figure. Budget: under 1 s warm. The bare interpreter start-up (``python -c pass``)
   and an in-process fill (the library alone) are printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def accuracy(dirs: list[Path], verbose: bool) -> dict[str, int]:
    from test_fill_cases import case_dirs, run_case, tally

    grand: dict[str, list[dict]] = {}
    print(f"{'case':34} {'right':>5} {'wrong':>5} {'left':>5} {'open':>5} {'badwhy':>6}")
    for folder in dirs:
        cases = case_dirs(folder)
        if not cases:
            print(f"({folder}: no cases)")
            continue
        rows_by_case = {}
        for case in cases:
            try:
                rows = run_case(case)
            except AssertionError as exc:  # expect.yaml does not list the placeholders found
                print(f"{case.name[:34]:34} NOT JUDGED: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - the data file refused (an InputError): every mark is a miss
                from assistant.errors import InputError

                if not isinstance(exc, InputError):
                    raise
                print(f"{case.name[:34]:34} REFUSED: {exc}")
                continue
            rows_by_case[case.name] = rows
            t = tally({case.name: rows})
            print(f"{case.name[:34]:34} {t['right']:5} {t['wrong']:5} {t['left']:5} {t['open-ok']:5} "
                  f"{t['open-bad-reason']:6}")
            if verbose:
                for r in rows:
                    if r["status"] not in ("right", "open-ok"):
                        print(f"      {r['status']:6} want={r['want']} got={r['got']} field={r['field']} "
                              f"{r['reason']}  {r['context']}")
        t = tally(rows_by_case)
        _total(f"subtotal {folder.name}", t)
        grand.update({f"{folder}/{k}": v for k, v in rows_by_case.items()})
    t = tally(grand)
    if len(dirs) > 1:
        _total("TOTAL", t)
    return t


def _total(label: str, t: dict[str, int]) -> None:
    fillable = t["right"] + t["wrong"] + t["left"]
    share = t["right"] / fillable if fillable else 0.0
    print(f"{label:34} {t['right']:5} {t['wrong']:5} {t['left']:5} {t['open-ok']:5} {t['open-bad-reason']:6}"
          f"   right {t['right']}/{fillable} = {share:.1%}, wrong {t['wrong']}, "
          f"open as expected {t['open-ok'] + t['open-bad-reason']} (bad reason {t['open-bad-reason']})")


# ------------------------------------------------------------------ speed
def build_speed_inputs(tmp: Path, n_fields: int = 200, pages: int = 10) -> tuple[Path, Path, int, int]:
    """A ~10-page report and a data file of ``n_fields`` fields, from the shipped cases.

    The report is the cases' passages one after the other (dense in placeholders, as a
    draft is) up to ten pages; the data is the union of their data files (clerk-style
    names; a name met twice keeps its first value), then skeleton fields of shipped corpus
    reports, up to ``n_fields``."""
    import yaml

    from assistant.fill.apply import normalized
    from assistant.fill.data import load_data
    from assistant.fill.skeleton import build_skeleton

    chars = pages * 22 * 28  # GB/T 9704: 22 lines of 28 characters a page
    cases = sorted(p for p in (ROOT / "tests" / "data" / "fill").iterdir() if (p / "report.txt").is_file())
    parts: list[str] = []
    data: dict[str, object] = {}
    for case in cases:
        if sum(map(len, parts)) >= chars:
            break
        parts.append((case / "report.txt").read_text(encoding="utf-8").strip())
        src = next(p for p in sorted(case.iterdir()) if p.name.startswith("data."))
        for name, value in load_data(src).fields.items():
            if len(data) < n_fields and name not in data and not value.empty:
                data[name] = value.raw if not hasattr(value.raw, "isoformat") else value.raw.isoformat()
    text = "\n\n".join(parts)
    for p in sorted((ROOT / "corpus" / "reports").glob("*.txt")):
        if len(data) >= n_fields:
            break
        body = p.read_text(encoding="utf-8").split("\n\n", 1)[-1]
        for f in build_skeleton(normalized(body, "txt").text):
            if len(data) < n_fields and not f.pin and f.name not in data:
                data[f.name] = {"number": 100 + len(data), "date": "2023-07-05"}.get(f.kind, f"甲乙{len(data)}")
    report = tmp / "report.txt"
    report.write_text(text + "\n", encoding="utf-8")
    path = tmp / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    from assistant.fill.slots import find_slots

    return report, path, len(text), len(find_slots(normalized(text + "\n", "txt").text))


def speed(runs: int) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="bench-fill-"))
    report, data, n_chars, n_marks = build_speed_inputs(tmp)
    env = dict(os.environ, PYTHONPATH=str(ROOT), ASSIST_CACHE=str(tmp / "cache"), ASSIST_HOME=str(tmp / "home"),
               PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    exe = Path(sys.executable).with_name("assist")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]
    cmd += ["fill", str(report), "--data", str(data), "-o", str(tmp / "out.txt"), "--format", "json"]

    def once(c: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        return time.perf_counter() - t

    once(cmd)  # warm-up: dictionary cache, bytecode
    times = [once(cmd) for _ in range(runs)]
    bare = statistics.median(once([sys.executable, "-c", "pass"]) for _ in range(runs))
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    rep = json.loads(out.stdout or "{}")
    # in process, the library alone (after one warm call)
    from assistant.fill.apply import fill_document
    from assistant.fill.data import load_data

    fill_document(report, data)
    t0 = time.perf_counter()
    fill_document(report, data)
    inproc = time.perf_counter() - t0
    med = statistics.median(times)
    n_fields = len(load_data(data).fields)
    print(f"\nspeed: report {n_chars} characters (~{n_chars / (22 * 28):.1f} pages), {n_marks} placeholders; "
          f"data {n_fields} fields")
    print(f"  assist fill (fresh process, warm caches): median {med:.3f} s over {runs} runs "
          f"(min {min(times):.3f}, max {max(times):.3f}); budget 1 s")
    print(f"  filled {len(rep.get('filled', []))}, open {len(rep.get('unfilled', []))}")
    print(f"  bare python start-up {bare:.3f} s; in-process fill (library, warm) {inproc:.3f} s")
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", action="append", type=Path, help="a folder of case folders (repeatable)")
    ap.add_argument("--only", action="store_true", help="only the --cases folders, not the shipped ones")
    ap.add_argument("-v", action="store_true", help="list every miss")
    ap.add_argument("--speed", action="store_true", help="also time fill on a 10-page report, 200 fields")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    dirs = [] if args.only else [ROOT / "tests" / "data" / "fill"]
    dirs += args.cases or []
    accuracy(dirs, args.v)
    if args.speed:
        speed(args.runs)


if __name__ == "__main__":
    main()
