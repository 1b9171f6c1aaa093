"""Unit-type plugins benchmark: registry load time and vocabulary adaptation.

Run: python bench/bench_units.py [--runs 7]

1. Loading: median wall time of a fresh interpreter that loads every unit type
   (``all_units()``), next to bare ``python -c pass`` and ``import assistant.units``;
   then an in-process breakdown (pluggy import, entry-point scan, reading the shipped
   plugin folders, merging vocabularies). Budget: loading adds < 0.15 s to start-up,
   and never imports scikit-learn or loads the segmentation dictionary.
2. Adaptation: the seed corpus (traditional characters converted) adapted for each
   built-in unit with a warm dictionary, in characters per second; the naive way
   (``str.replace`` for each vocabulary entry, longest first) for comparison, with the
   number of its replacements that land inside another word, which ``adapt`` avoids.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wall(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_loading(runs: int) -> None:
    bare = wall("pass", runs)
    light = wall("import assistant.units", runs)
    full = wall("from assistant.units import all_units; all_units()", runs)
    guard = wall("import sys; from assistant.units import all_units; all_units(); "
                 "from assistant import segment; "
                 "assert segment._backend is None and 'sklearn' not in sys.modules", 1)
    print("loading (fresh interpreter, median of %d)" % runs)
    print(f"  python -c pass                {bare:7.3f} s")
    print(f"  import assistant.units        {light:7.3f} s  (+{light - bare:.3f})")
    print(f"  all_units()                   {full:7.3f} s  (+{full - bare:.3f} over bare, budget +0.150)")
    print(f"  no sklearn, no dictionary     ok ({guard:.2f} s)")

    code = r"""
import time
t0 = time.perf_counter()
import pluggy
t1 = time.perf_counter()
from assistant.units.manager import _assist_distributions, build_registry
t2 = time.perf_counter()
_assist_distributions()
t3 = time.perf_counter()
reg = build_registry([], entry_points=False)
t4 = time.perf_counter()
from importlib.metadata import entry_points
list(entry_points(group="assist"))
t5 = time.perf_counter()
print(f"{t1-t0:.4f} {t2-t1:.4f} {t3-t2:.4f} {t4-t3:.4f} {t5-t4:.4f} {len(reg.units)}")
"""
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
        rows.append([float(x) for x in out[:5]] + [int(out[5])])
    med = [statistics.median(r[i] for r in rows) for i in range(5)]
    print("  breakdown (median):")
    print(f"    import pluggy               {med[0]:7.4f} s")
    print(f"    import manager + model      {med[1]:7.4f} s")
    print(f"    entry-point scan            {med[2]:7.4f} s  (naive importlib.metadata.entry_points: "
          f"{med[4]:.4f} s, {med[4] / max(med[2], 1e-6):.0f}×)")
    print(f"    read {rows[0][5]:2d} plugin folders      {med[3]:7.4f} s  (TOML, validation, vocabulary merge)")


def bench_adapt() -> None:
    import opencc

    from assistant import segment
    from assistant.units import all_units
    from assistant.units.adapt import _boundaries, adapt, replacements

    t2s = opencc.OpenCC("t2s")
    texts = [t2s.convert(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus" / "sources").glob("*.txt"))]
    chars = sum(map(len, texts))
    segment.cut("预热")  # warm dictionary
    units = all_units()

    t = time.perf_counter()
    for unit in units:
        _boundaries.cache_clear()  # segmentation counted every time
        for text in texts:
            adapt(text, unit)
    ours = time.perf_counter() - t

    t = time.perf_counter()
    naive_out = {}
    for unit in units:
        entries = sorted(unit.vocabulary.items(), key=lambda kv: -len(kv[0]))
        for k, text in enumerate(texts):
            out = text
            for key, value in entries:
                out = out.replace(key, value)
            naive_out[unit.name, k] = out
    naive = time.perf_counter() - t

    # naive replacements inside another word: occurrences of a key that adapt leaves alone
    inside = replaced = 0
    for unit in units:
        entries = sorted(unit.vocabulary, key=len, reverse=True)
        for text in texts:
            done = {(s, e) for s, e, _, _ in replacements(text, unit)}
            replaced += len(done)
            taken = [False] * len(text)
            for key in entries:
                start = text.find(key)
                while start != -1:
                    span = range(start, start + len(key))
                    if not any(taken[i] for i in span):
                        for i in span:
                            taken[i] = True
                        if (start, start + len(key)) not in done:
                            inside += 1
                    start = text.find(key, start + 1)

    total = chars * len(units)
    print(f"adaptation: {len(texts)} seed files, {chars} characters, {len(units)} unit types")
    print(f"  adapt (segmentation included) {total / ours / 1e6:6.2f} M chars/s  ({ours:.2f} s)")
    print(f"  naive str.replace             {total / naive / 1e6:6.2f} M chars/s  ({naive:.2f} s)")
    print(f"  ratio adapt / naive time      {ours / naive:6.1f}×")
    print(f"  replacements by adapt         {replaced}")
    print(f"  naive replacements that adapt declines (inside another word or a keep word): {inside}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bench_loading(args.runs)
    bench_adapt()


if __name__ == "__main__":
    main()
