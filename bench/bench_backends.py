"""The two backends side by side: warm suggest latency, SQLite against PostgreSQL, and
concurrent imports into a team corpus.

Run: python bench/bench_backends.py [--url postgresql://…] [--files N] [--rounds 5]

The corpus is the default one (shipped reports and 范文) plus the 564 政府工作报告 of
../shared/data/gov-reports (read in place; ``--files N`` for fewer): imported with
``corpus add`` into a folder for SQLite, and into a new database for PostgreSQL (which starts
as the default corpus does), both built. Then one long-lived Suggester per backend answers
bench_suggest.py's queries ``--rounds`` times (the first round warms the caches and is not
counted): median and worst per query, and the ratio PostgreSQL / SQLite (budget <= 2).
Then four processes ``corpus add`` 50 other reports each into the database at the same
time: how long, and whether all 200 are there.

Without ``--url`` (or ASSIST_TEST_POSTGRES) a throw-away server is started with
.ci/postgres.sh (Debian's postgresql package) and stopped at the end.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


sys.path.insert(0, str(ROOT / "tests"))
from test_postgres import _write_reports  # noqa: E402 - the team test's reports: one text, one place


def _with_db(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}" + (f"?{query}" if query else "")


def timed_queries(ix, queries: list[str], rounds: int) -> list[float]:  # noqa: ANN001
    from assistant.suggest.rank import Suggester

    s = Suggester(ix)
    out = []
    for r in range(rounds):
        for q in queries:
            t = time.perf_counter()
            s.suggest(q, n=5)
            if r:
                out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=os.environ.get("ASSIST_TEST_POSTGRES", ""))
    ap.add_argument("--files", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from assistant.classify.silver import gov_reports_dir, report_files

    src = gov_reports_dir()
    if src is None:
        print("gov-reports: ../shared/data/gov-reports is not here; nothing to measure")
        return
    import psycopg

    tmp = Path(tempfile.mkdtemp(prefix="assist-bench-backends-"))
    os.environ["ASSIST_CACHE"] = str(tmp / "cache")
    os.environ["ASSIST_HOME"] = str(tmp / "home")
    server = None
    try:
        admin = args.url
        if not admin:
            server = tmp / "pg"
            admin = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "start", str(server)], check=True,
                                   capture_output=True, text=True).stdout.strip()
        name = "assist_bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        url = _with_db(admin, name)
        files = report_files(src)
        gov, extra = (files[:args.files] if args.files else files), []
        from assistant.backends import open_corpus
        from assistant.backends.sqlite import FolderCorpus
        from assistant.corpus import default_dirs

        t = time.perf_counter()
        folder = tmp / "gov"
        FolderCorpus([folder]).add(gov)
        lite = FolderCorpus([*default_dirs()[:-1], folder])
        st = lite.ensure()
        t_lite = time.perf_counter() - t
        t = time.perf_counter()
        pg = open_corpus(url)
        pg.add(gov)
        st2 = pg.ensure()
        t_pg = time.perf_counter() - t
        print(f"corpus: default + {len(gov)} gov-reports = {st.documents} reports, {st.sections} sections, "
              f"{st.sentences} sentences")
        print(f"  import and build: SQLite {t_lite:.1f} s, PostgreSQL {t_pg:.1f} s ({st2.documents} reports)")
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_suggest import QUERIES

        from assistant.suggest.rank import Suggester

        with lite.open_index() as a, pg.open_index() as b:
            sa, sb = Suggester(a), Suggester(b)
            same = 0
            for q in QUERIES:
                ra, rb = [x.to_json() for x in sa.suggest(q)], [x.to_json() for x in sb.suggest(q)]
                same += ra == rb
                if ra != rb:
                    print(f"  differs: {q}: SQLite {[(r['source'], r['score']) for r in ra]} "
                          f"PostgreSQL {[(r['source'], r['score']) for r in rb]}")
            ta = timed_queries(a, QUERIES, args.rounds)
            tb = timed_queries(b, QUERIES, args.rounds)
        ma, mb = statistics.median(ta), statistics.median(tb)
        print(f"warm suggest ({len(QUERIES)} queries x {args.rounds - 1} rounds): SQLite median {ma * 1e3:.1f} ms, "
              f"worst {max(ta) * 1e3:.1f} ms; PostgreSQL median {mb * 1e3:.1f} ms, worst {max(tb) * 1e3:.1f} ms; "
              f"ratio {mb / ma:.2f} (budget <= 2); same top 5 for {same}/{len(QUERIES)} queries")

        # four people import 50 reports each at the same time (reports of our own making)
        groups = []
        for k in range(4):
            groups.append(sorted(_write_reports(tmp / f"team{k}", k, 50)))
        before = len(pg.source().refs(print))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        t = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "assistant", "corpus", "add", "--corpus", url, "--unit",
                                   "town", "--format", "json", *map(str, g)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for g in groups]
        outs = [p.communicate() for p in procs]
        wall = time.perf_counter() - t
        added = [json.loads(o)["added"] if p.returncode == 0 else f"exit {p.returncode}: {e.decode()[:200]}"
                 for (o, e), p in zip(outs, procs)]
        after = len(pg.source().refs(print))
        print(f"4 concurrent corpus add of 50 reports each: {wall:.1f} s, added {added}; the database holds "
              f"{after - before} more reports (all 200: {after - before == 200})")
        pg.close()
    finally:
        if server is not None:
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "stop", str(server)], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
