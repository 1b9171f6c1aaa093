"""A full, readable dump of an index, to check that a change leaves its contents unchanged.

Run: python bench/index_dump.py CORPUS_DIR... OUT.txt [--src TREE] [--no-model]
     python bench/index_dump.py --compare A.txt B.txt

Builds the SQLite index of the corpus folders CORPUS_DIR... with the ``assistant`` package
of TREE (default: this checkout; an older tree works too) and writes every table row by row: the schema, documents, sections, sentences,
tokens, phrases, the FTS5 index over phrases as (term, row, column, offset) instances and,
when the corpus has labels (unless --no-model), what the classifier is trained on (every
section row and its tokens and context, exactly) and the model's features and classes
(not its weights: training is not bit-for-bit repeatable; sections.kind holds what it
predicts), so two builds compare line by line. ``built_at`` in meta is left out. Typical use: build
with the old code (an exported tree of the last commit) and the new one, on the shipped
corpus and on a synthetic one (``bench_index.py --write-corpus``), then --compare.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
from pathlib import Path


def _model_rows(table: str, rows):  # noqa: ANN001
    """Feature names and classes only: training is not bit-for-bit repeatable, so the weights
    differ in their last bits from run to run (what it is trained on is dumped exactly)."""
    for key, value in rows:
        if table == "model_features":
            yield (key,)
        elif key == "classes":
            yield key, value


def dump(db: Path, out: Path, extra: dict[str, list] | None = None) -> dict[str, str]:
    """Write the dump of ``db`` to ``out``; return a sha256 per table."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE temp.fts_vocab USING fts5vocab(main, phrases_fts, instance)")
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'phrases_fts%' ORDER BY name")]
    sums: dict[str, str] = {}
    with out.open("w", encoding="utf-8") as f:
        def section(name: str, rows) -> None:  # noqa: ANN001
            h = hashlib.sha256()
            f.write(f"== {name}\n")
            for row in rows:
                line = repr(tuple(x.hex() if isinstance(x, bytes) else x for x in row)) + "\n"
                f.write(line)
                h.update(line.encode())
            sums[name] = h.hexdigest()[:16]

        section("schema", conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"))
        for t in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
            where = " WHERE key != 'built_at'" if t == "meta" else ""
            rows = conn.execute(f"SELECT * FROM {t}{where} ORDER BY {', '.join(cols)}")
            section(t, _model_rows(t, rows) if t.startswith("model_") else rows)
        section("phrases_fts", conn.execute("SELECT term, doc, col, offset FROM temp.fts_vocab"
                                            " ORDER BY term, doc, col, offset"))
        section("phrases_fts integrity", [(conn.execute(
            "INSERT INTO phrases_fts(phrases_fts, rank) VALUES('integrity-check', 1)").rowcount,)])
        for name, rows in (extra or {}).items():
            section(name, rows)
    conn.close()
    return sums


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("args", nargs="*")
    ap.add_argument("--src", type=Path, help="the tree whose assistant package builds the index")
    ap.add_argument("--no-model", action="store_true", help="do not train the classifier")
    ap.add_argument("--compare", action="store_true", help="compare two dumps")
    a = ap.parse_args()
    if a.compare:
        x, y = (Path(p).read_text(encoding="utf-8").splitlines() for p in a.args)
        if x == y:
            print(f"same: {len(x)} lines")
            return
        def parts(lines: list[str]) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            cur: list[str] = []
            for line in lines:
                if line.startswith("== "):
                    cur = out[line[3:]] = []
                else:
                    cur.append(line)
            return out

        px, py = parts(x), parts(y)
        for name in dict.fromkeys([*px, *py]):
            if name not in px or name not in py:
                print(f"{name}: only in {'the first' if name in px else 'the second'} dump")
                continue
            a_, b_ = px[name], py[name]
            if a_ != b_:
                diff = [(i, u, v) for i, (u, v) in enumerate(zip(a_, b_)) if u != v]
                print(f"{name}: {len(a_)} vs {len(b_)} rows, {len(diff)} differ")
                for i, u, v in diff[:3]:
                    print(f"  row {i}:\n    {u[:300]}\n    {v[:300]}")
        sys.exit(1)
    corpora, out = [Path(p).resolve() for p in a.args[:-1]], Path(a.args[-1])
    sys.path.insert(0, str((a.src or Path(__file__).resolve().parents[1]).resolve()))
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ASSIST_CACHE"] = tmp
        from assistant.corpus import index

        try:  # the build pipeline's own module (older trees had it all in corpus/index.py)
            from assistant.corpus import build as pipeline
        except ImportError:
            pipeline = index
        # What the classifier is trained on, exactly (the model itself is compared loosely):
        # the section rows (kind not yet set) and (doc id, ordinal, body tokens, context).
        inputs: list = []
        real_assign = pipeline._assign_kinds

        def assign(writer, labels, sec_rows, sec_info, *rest):  # noqa: ANN001, ANN202
            # (newer trees keep a section's words only as its tokens: put them back in place)
            info = [i if len(i) == 4 else (i[0], i[1], r[10].split(" ") if r[10] else [], i[2])
                    for r, i in zip(sec_rows, sec_info)]
            inputs.extend(zip((tuple(r) for r in sec_rows), info))
            return real_assign(writer, labels, sec_rows, sec_info, *rest)

        pipeline._assign_kinds = assign
        db = Path(tmp) / "index.sqlite"
        st = index.build(corpora, db, "dump", train_model=not a.no_model)
        print(f"built with {index.__file__}: {st.documents} documents, {st.sections} sections,"
              f" {st.sentences} sentences in {st.seconds:.2f} s")
        for name, digest in dump(db, out, {"classifier inputs": inputs}).items():
            print(f"  {name:24} {digest}")


if __name__ == "__main__":
    main()
