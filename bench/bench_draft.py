"""Draft benchmark: a cold ``assist draft`` on the default corpus and at 100x, against a cold
``assist suggest`` on the same corpus (the floor: start-up, the index, one query).

Run: python bench/bench_draft.py [--scales 1,100] [--repeat 5] [--unit school] [--topic T]

Each command runs in a fresh interpreter (``python -m assistant``), as a user runs it, with
the index already built (its build is not what is timed). Scale 1 is the default corpus (the
shipped reports and the plugins' 范文); scale N is a folder with every report of it N times
under new ids, figures changed, given with ``--corpus``. Medians of wall time; budget:
draft <= 1.0 s at 1x and <= 1.5 s at 100x.

A draft's work does not grow with the corpus: each tier of material is one bounded query
by kind, unit type and topic (assistant.draft.material), and what a sentence serves was
decided when the index was built.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def make_scaled(folder: Path, copies: int) -> int:
    """The default corpus's reports ``copies`` times into ``folder`` (a plain corpus folder:
    fanwen keep their header, so they stay 范文); returns the UTF-8 bytes written."""
    from assistant.corpus import default_dirs, store

    total = 0
    docs = [d for d in store.iter_docs(default_dirs()) if d.type == "report"]
    for k in range(copies):
        for d in docs:
            body = re.sub(r"\d+", lambda m: str(int(m.group()) + k), d.body) if k else d.body
            copy = store.StoredDoc(id=f"{d.id}-c{k}", title=d.title, unit=d.unit, topic=d.topic, body=body,
                                   type=d.type, source=d.source, position=d.position, extra=dict(d.extra))
            store.save(folder, copy)
            total += len(body.encode("utf-8"))
    return total


def timed(args: list[str], env: dict, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True)
        out.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed: {r.stderr.decode('utf-8', 'replace').strip()}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1,100")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--unit", default="school")
    ap.add_argument("--topic", default=None)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSIST_CACHE": str(Path(tmp) / "cache"), "ASSIST_HOME": str(Path(tmp) / "home"),
               "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        env.pop("ASSIST_CORPUS", None)
        print(f"{'scale':>6} {'MB':>6} {'build s':>8} {'draft s':>8} {'suggest s':>10} {'ratio':>6}")
        for scale in (int(x) for x in opts.scales.split(",")):
            corpus_args: list[str] = []
            mb = 0.0
            if scale > 1:
                folder = Path(tmp) / f"x{scale}"
                mb = make_scaled(folder, scale) / 1e6
                corpus_args = ["--corpus", str(folder)]
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "assistant", "corpus", "build", *corpus_args], env=env,
                               capture_output=True)
            if r.returncode:
                sys.exit(r.stderr.decode("utf-8", "replace"))
            build = time.perf_counter() - t0
            out = str(Path(tmp) / "draft.txt")
            draft_args = ["draft", "--unit", opts.unit, *(["--topic", opts.topic] if opts.topic else []),
                          *corpus_args, "-o", out]
            drafts = timed(draft_args, env, opts.repeat)
            suggests = timed(["suggest", "成立领导小组，压实工作责任", *corpus_args], env, opts.repeat)
            d, s = statistics.median(drafts), statistics.median(suggests)
            label = f"{scale}x" + ("" if scale > 1 else " (default corpus)")
            print(f"{label:>6} {mb:6.1f} {build:8.2f} {d:8.3f} {s:10.3f} {d / s:6.2f}")
        print("ratio: cold draft / cold suggest on the same corpus (medians of", opts.repeat, "runs)")


if __name__ == "__main__":
    main()
