"""The PostgreSQL backend: a team's corpus — the reports and their index — in one database.

``--corpus postgresql://user@host/db`` (or ``ASSIST_CORPUS``). The first command that uses a
database creates the corpus in it (schema ``assist``) and starts it with the corpus a person
starts with: the shipped reports and the plugins' 范文, with their labels and dictionaries.
``assist corpus add … --corpus postgresql://…`` adds reports to it; everyone's drafts,
suggestions and classifications then draw on all of them.

* **The reports** are rows of ``assist.reports`` (the corpus file's text, header included).
  An import reads and cleans its files first, then writes in one transaction under a
  transaction-level advisory lock: imports at the same time take turns for that moment only,
  and none loses a report (ids are checked and numbered inside the lock).
* **The index** is built by the same pipeline as a folder's (``assistant.corpus.build``), into
  a new schema (a *generation*) in one transaction; its commit swaps it in
  (``assist.generations``: signature → schema). Readers open the generation of what they
  would build and never wait for a build: while someone else builds a newer one (a
  session-level advisory lock), they read the newest there is. Old generations are dropped
  a while after newer ones exist.
* **Full-text search** over the pre-segmented tokens is an inverted index (table ``terms``: term,
  phrase, frequency, stored in term order with a B-tree, so a prefix is one range) ranked with
  the BM25 of SQLite FTS5 (``fts``), so suggestions are the same on either backend. (A
  ``tsvector`` + GIN index was tried first: its rows must be unnested to count each term, and
  a query with a one-character word took 3x SQLite's time; ``bench/bench_backends.py``.)

The driver is psycopg 3 (``pip install ".[postgres]"``), imported only when a database corpus
is used. Every statement of this backend is in this package; the tables are in schema.sql.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from assistant.backends import BuildStats, Corpus, CorpusIndex, IndexWriter, Progress
from assistant.backends.rows import (DocRow, MarkRow, PassageRow, PhraseHit, PhraseRow, SectionRow, SentenceRow,
                                     TierQuery)
from assistant.corpus.source import Source, Stamps

SCHEMA_FILE = Path(__file__).with_name("schema.sql")
BUILD_LOCK = 0x617373697374_01  # advisory lock keys ("assist" + 1, 2)
IMPORT_LOCK = 0x617373697374_02
KEEP_GENERATIONS = 3  # the newest generations kept; older ones are dropped…
DROP_AFTER = "10 minutes"  # …once a newer one has existed this long (a reader may still be on it)


@lru_cache(maxsize=1)
def schema_blocks() -> dict[str, str]:
    """The blocks of this backend's schema.sql by name."""
    from assistant.backends import schema_blocks_of

    return schema_blocks_of(SCHEMA_FILE)


def _statements(block: str) -> list[str]:
    """The statements of a schema block (no ; inside a statement, -- comments dropped)."""
    text = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def _psycopg():  # noqa: ANN202
    from assistant.errors import InputError

    try:
        import psycopg
    except ImportError:
        raise InputError('使用 PostgreSQL 语料库需要安装 psycopg：pip install "assist-reports[postgres]"'
                         '（或在源代码目录中 pip install ".[postgres]"）') from None
    return psycopg


def safe_url(url: str) -> str:
    """The URL without its password (for messages and the index's meta)."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def connect(url: str):  # noqa: ANN201
    psycopg = _psycopg()
    from assistant.errors import InputError

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"无法连接语料库数据库 {safe_url(url)}：{detail}") from None
    except psycopg.ProgrammingError as exc:  # a malformed URL
        raise InputError(f"语料库数据库地址有误：{safe_url(url)}（{exc}）") from None


def open(url: str) -> "PostgresCorpus":  # noqa: A001 - the backends' registration entry point
    return PostgresCorpus(url)


# --- the reports --------------------------------------------------------------------------

class DbSource(Source):
    """The reports of the database, in index order: those the corpus started with in their
    order, then those added, by file name (as a corpus folder orders its reports)."""

    def __init__(self, corpus: "PostgresCorpus") -> None:
        self.corpus = corpus
        self._labels: Optional[dict] = None
        self._tmp: Optional[tempfile.TemporaryDirectory] = None

    def refs(self, warn: Callable[[str], None]) -> list[tuple[str, str, str]]:
        with self.corpus.conn().cursor() as cur:
            cur.execute("SELECT doc_id, origin, content FROM assist.reports WHERE folder = 'reports' "
                        "ORDER BY seed NULLS LAST, (doc_id || '.txt') COLLATE \"C\"")
            return [tuple(r) for r in cur]

    def load(self, ref: object):  # noqa: ANN201
        from assistant.corpus import store

        doc_id, _, content = ref  # type: ignore[misc]
        return store.parse(content, Path(f"{doc_id}.txt"))

    def size(self, ref: object) -> int:
        return len(ref[2]) * 3  # type: ignore[index]

    def origin(self, ref: object, doc) -> str:  # noqa: ANN001
        return "fanwen" if doc.fanwen else ref[1]  # type: ignore[index]

    def path_of(self, ref: object) -> str:
        return f"reports/{ref[0]}"  # type: ignore[index]

    def _files(self) -> Path:
        """The corpus's labels and dictionaries as files in a private folder (the readers of
        labels.tsv and jieba dictionaries read files)."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="assist-pg-")
            root = Path(self._tmp.name)
            with self.corpus.conn().cursor() as cur:
                cur.execute("SELECT name, content FROM assist.files ORDER BY name")
                for name, content in cur:
                    p = root / name
                    p.parent.mkdir(parents=True, exist_ok=True)
                    p.write_text(content, encoding="utf-8")
        return Path(self._tmp.name)

    def labels(self) -> dict:
        if self._labels is None:
            from assistant.classify import labels as labels_mod

            root = self._files() / "labels"
            folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
            self._labels = labels_mod.read_all(folders)
        return self._labels

    def dictionaries(self) -> list[Path]:
        from assistant import paths

        root = self._files() / "dict"
        shipped = paths.shipped("corpus") / "domain_dict.txt"
        return ([shipped] if shipped.is_file() else []) + (sorted(root.glob("*.txt")) if root.is_dir() else [])

    def fingerprint(self, stamps: Stamps) -> str:
        with self.corpus.conn().cursor() as cur:
            cur.execute("SELECT count(*), md5(string_agg(sha256, ',' ORDER BY seed NULLS LAST, "
                        "(doc_id || '.txt') COLLATE \"C\")) FROM assist.reports WHERE folder = 'reports'")
            n, digest = cur.fetchone()
            cur.execute("SELECT md5(string_agg(name || ':' || md5(content), ',' ORDER BY name)) FROM assist.files")
            files = cur.fetchone()[0]
        return f"{n}:{digest}:{files}"

    def describe(self) -> str:
        return safe_url(self.corpus.url)


class DbStore:
    """Where ``corpus add`` writes (an ``importer.DocStore``): assist.reports, one transaction
    under the import lock."""

    def __init__(self, corpus: "PostgresCorpus") -> None:
        self.corpus = corpus
        self.label = safe_url(corpus.url)
        self._tx = None

    @contextlib.contextmanager
    def locked(self):  # noqa: ANN201
        conn = self.corpus.conn()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            yield

    def existing(self) -> list:
        from assistant.corpus.importer import Existing

        with self.corpus.conn().cursor() as cur:
            cur.execute("SELECT doc_id, source, source_sha256, body_key, id FROM assist.reports")
            return [Existing(*r) for r in cur]

    def write(self, remove: list, add: list) -> None:
        conn = self.corpus.conn()
        if remove:
            conn.execute("DELETE FROM assist.reports WHERE id = ANY(%s)", ([e.handle for e in remove],))
        insert_docs(conn, add, "user")


def insert_docs(conn, docs: Iterable, origin: str, contents: Optional[list[str]] = None,  # noqa: ANN001
                seed: Optional[int] = None) -> None:
    """Insert stored documents (``store.StoredDoc``) as they would be saved in a folder (or,
    with ``contents``, as their files are; ``seed``: the place of the first of them among
    the reports the corpus starts with)."""
    from assistant.corpus import store
    from assistant.corpus.importer import _body_key

    rows = []
    for k, d in enumerate(docs):
        content = contents[k] if contents is not None else d.dumps()
        data = content.encode("utf-8")
        rows.append((d.id, None if seed is None else seed + k, store.REPORTS if d.type == "report" else store.OTHER,
                     "fanwen" if d.fanwen else origin, content, hashlib.sha256(data).hexdigest(), len(data),
                     d.source or "", d.source_sha256 or "", _body_key(d.body)))
    if rows:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO assist.reports(doc_id, seed, folder, origin, content, sha256, bytes, source, "
                            "source_sha256, body_key) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)


# --- the write side -----------------------------------------------------------------------

class PgWriter(IndexWriter):
    """Writes a generation into schema ``name`` inside the open transaction ``tx``."""

    def __init__(self, conn, name: str, tx) -> None:  # noqa: ANN001
        self.conn, self.name, self.tx = conn, name, tx
        for stmt in _statements(schema_blocks()["tables"].replace("{g}", name)):
            conn.execute(stmt)
        conn.execute(f"SET LOCAL search_path TO {name}")
        self.meta_rows: dict[str, str] = {}

    def _copy(self, table: str, columns: str, rows: Iterable[Sequence]) -> None:
        with self.conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)

    def add_documents(self, rows: Sequence[DocRow]) -> None:
        self._copy("documents", ", ".join(DocRow._fields), rows)

    def add_sections(self, rows: Sequence[SectionRow]) -> None:
        self._copy("sections", ", ".join(SectionRow._fields), rows)

    def set_phrases(self, phrase_of: dict[str, int]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany("UPDATE sentences SET phrase = %s WHERE text = %s", [(i, t) for t, i in phrase_of.items()])

    def add_sentences(self, rows: Sequence[SentenceRow]) -> None:
        self._copy("sentences", ", ".join(SentenceRow._fields), rows)

    def add_tokens(self, items: Iterable[tuple[str, int]]) -> None:
        self._copy("tokens", "token, df", items)

    def add_marks(self, rows: Sequence[MarkRow]) -> None:
        self._copy("marks", "scope, word, types", rows)

    def add_topic_words(self, rows: Iterable[tuple[str, str, int]]) -> None:
        self._copy("topic_words", "word, topic, df", rows)

    def add_doc_names(self, rows: Iterable[tuple[int, str]]) -> None:
        self._copy("doc_names", "doc, name", rows)

    def add_phrases(self, rows: Iterable[PhraseRow]) -> None:
        from assistant.backends.postgres import fts

        # the phrases, and their terms into a staging table, then the terms in term order
        total = n_rows = 0
        self.conn.execute("CREATE TEMP TABLE terms_in(term text, phrase integer, tf integer, ntok integer) "
                          "ON COMMIT DROP")
        from assistant.backends import iter_chunks

        for chunk in iter_chunks(rows, 5000):
            self._copy("phrases", ", ".join(PhraseRow._fields), chunk)
            terms: list[tuple] = []
            for r in chunk:
                counts = fts.term_counts(r.tokens or "")
                n = sum(counts.values())
                total += n
                terms += [(t, r.id, tf, n) for t, tf in counts.items()]
            n_rows += len(chunk)
            self._copy("terms_in", "term, phrase, tf, ntok", terms)
        self.conn.execute('INSERT INTO terms SELECT term, phrase, tf, ntok FROM terms_in ORDER BY term COLLATE "C", phrase')
        self.meta_rows.update(fts_rows=str(n_rows), fts_tokens=str(total))

    def save_model(self, model) -> None:  # noqa: ANN001
        from assistant.classify.model import pack

        self.conn.execute("DELETE FROM model_meta")
        self.conn.execute("DELETE FROM model_features")
        self._copy("model_meta", "key, value", [("classes", json.dumps(model.classes)),
                                               ("intercept", json.dumps(model.intercept)),
                                               ("temperature", json.dumps(model.temperature))])
        self._copy("model_features", "feature, weights", ((f, pack(w)) for f, w in model.weights.items()))

    def commit(self, meta: dict[str, str]) -> None:
        for stmt in _statements(schema_blocks()["indexes"].replace("{g}", self.name)):
            self.conn.execute(stmt)
        self._copy("meta", "key, value", list({**meta, **self.meta_rows}.items()))
        self.conn.execute("INSERT INTO assist.generations(signature, schema_name, documents) "
                          "VALUES (%s, %s, (SELECT count(*) FROM documents))", (meta["signature"], self.name))

    def abort(self) -> None:
        pass  # the transaction rolls back: nothing of the generation is left


# --- the read side ------------------------------------------------------------------------

_PHRASE_COLUMNS = ("p.id, p.key, p.text, p.neutral, p.kind, p.unit, p.units, p.docs, p.occurrences, p.doc_id, "
                   "p.line, p.heading, p.tokens, p.topic, p.topics, p.fit_units, p.fit_topics, p.flags")


class PgIndex(CorpusIndex):
    """One generation of the index, read through the corpus's connection (its search_path set
    to the generation's schema)."""

    def __init__(self, corpus: "PostgresCorpus", schema_name: str) -> None:
        self.corpus = corpus
        self.schema_name = schema_name
        self.conn = corpus.conn()
        self.conn.execute(f"SET search_path TO {schema_name}")
        # a search is many small rows: no JIT compilation (it costs more than it saves here),
        # room to sort and group them in memory
        self.conn.execute("SET jit = off")
        self.conn.execute("SET work_mem = '64MB'")
        self._meta: Optional[dict] = None

    def close(self) -> None:
        self.corpus.close()

    def _all(self, sql: str, args: Sequence = ()) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()

    def _one(self, sql: str, args: Sequence = ()):  # noqa: ANN202
        rows = self._all(sql, args)
        return rows[0][0] if rows else None

    # --- the corpus ---
    def stats(self) -> dict:
        def grouped(sql: str) -> dict:
            return {k if k is not None else "": n for k, n in self._all(sql)}

        return {
            "documents": self._one("SELECT COUNT(*) FROM documents WHERE type='report'"),
            "sections": self._one("SELECT COUNT(*) FROM sections"),
            "sentences": self._one("SELECT COUNT(*) FROM sentences"),
            "chars": self._one("SELECT COALESCE(SUM(chars),0) FROM documents"),
            "by_kind": {k: n for k, n in self._all(
                "SELECT kind, COUNT(*) FROM sections WHERE kind IS NOT NULL GROUP BY kind "
                'ORDER BY COUNT(*) DESC, kind COLLATE "C"')},
            "by_unit": {k: n for k, n in self._all(
                "SELECT unit, COUNT(*) FROM documents WHERE type='report' GROUP BY unit "
                'ORDER BY COUNT(*) DESC, unit COLLATE "C" NULLS FIRST')},
            "by_topic": grouped("SELECT topic, COUNT(*) FROM documents WHERE type='report' GROUP BY topic "
                                'ORDER BY COUNT(*) DESC, topic COLLATE "C" NULLS FIRST'),
            "by_origin": grouped("SELECT origin, COUNT(*) FROM documents WHERE type='report' GROUP BY origin "
                                 'ORDER BY COUNT(*) DESC, origin COLLATE "C" NULLS FIRST'),
        }

    def list_documents(self) -> list[dict]:
        with self.conn.cursor() as cur:
            cur.execute("SELECT d.doc_id, d.title, d.unit, d.topic, d.origin, d.type, d.source, d.position, d.chars, "
                        "(SELECT COUNT(*) FROM sections s WHERE s.doc=d.id) AS sections FROM documents d ORDER BY d.id")
            names = [c.name for c in cur.description]
            return [dict(zip(names, r)) for r in cur]

    def documents(self) -> list[DocRow]:
        return [DocRow(*r) for r in self._all(f"SELECT {', '.join(DocRow._fields)} FROM documents ORDER BY id")]

    def sections_of(self, doc: int) -> list[SectionRow]:
        return [SectionRow(*r) for r in self._all(
            f"SELECT {', '.join(SectionRow._fields)} FROM sections WHERE doc = %s ORDER BY id", (doc,))]

    def load_document(self, doc: DocRow):  # noqa: ANN201
        from assistant.corpus import store
        from assistant.errors import InputError

        content = self._one("SELECT content FROM assist.reports WHERE doc_id = %s", (doc.doc_id,))
        if content is None:
            raise InputError(f"语料库中已没有报告 {doc.doc_id}（索引将在下次运行时更新）")
        return store.parse(content, Path(f"{doc.doc_id}.txt"))

    def has_reports(self) -> bool:
        return self._one("SELECT 1 FROM documents WHERE type = 'report' LIMIT 1") is not None

    def corpus_topics(self) -> list[tuple[str, int]]:
        return [(t, n) for t, n in self._all(
            "SELECT topic, COUNT(*) FROM documents WHERE type = 'report' AND topic IS NOT NULL AND topic != '' "
            'GROUP BY topic ORDER BY COUNT(*) DESC, topic COLLATE "C"')]

    def title_of(self, doc_id: str) -> Optional[str]:
        return self._one("SELECT title FROM documents WHERE doc_id = %s", (doc_id,))

    def place_names(self, doc_id: str) -> tuple[str, ...]:
        rows = self._all("SELECT n.name FROM doc_names n JOIN documents d ON d.id = n.doc WHERE d.doc_id = %s",
                         (doc_id,))
        return tuple(sorted((r[0] for r in rows), key=len, reverse=True))

    def meta(self) -> dict[str, str]:
        if self._meta is None:
            self._meta = dict(self._all("SELECT key, value FROM meta"))
        return self._meta

    # --- suggest ---
    def n_sections(self) -> int:
        return self._one("SELECT COUNT(*) FROM sections")

    def token_df(self, tokens: Sequence[str]) -> dict[str, int]:
        out = dict.fromkeys(tokens, 0)
        if tokens:
            out.update(self._all("SELECT token, df FROM tokens WHERE token = ANY(%s)", (list(tokens),)))
        return out

    def search_phrases(self, tokens: Sequence[str], kinds: Optional[Sequence[str]], limit: int) -> list[PhraseHit]:
        from assistant.backends.postgres import fts

        lo, hi = fts.query_ranges(list(tokens))
        if not lo:
            return []
        meta = self.meta()
        rows = int(meta.get("fts_rows", "0") or 0)
        if not rows:
            return []
        avgdl = int(meta.get("fts_tokens", "0") or 0) / rows
        sql = fts.BM25.format(columns=_PHRASE_COLUMNS, kinds="WHERE p.kind = ANY(%(kinds)s)" if kinds else "")
        args = {"lo": lo, "hi": hi, "rows": rows, "avgdl": avgdl, "limit": limit, "kinds": list(kinds or [])}
        return [PhraseHit(*r) for r in self._all(sql, args)]

    def phrases_by_kind(self, kinds: Sequence[str], limit: int) -> list[PhraseHit]:
        if not kinds:
            return []
        return [PhraseHit(*r) for r in self._all(
            f"SELECT {_PHRASE_COLUMNS}, 0.0::float8 AS bm25 FROM phrases p WHERE p.kind = ANY(%s) "
            "AND p.heading = 0 ORDER BY p.docs DESC, p.occurrences DESC, p.id LIMIT %s", (list(kinds), limit))]

    # --- draft ---
    def passages(self, kind: str, role: str, tier: TierQuery, limit: int) -> list[PassageRow]:
        conds = ["d.unit = ANY(%(units)s)"]
        if tier.same_topic:
            conds.append("d.topic = %(topic)s" if tier.topic else "false")
        elif tier.topic:
            conds.append("(d.topic IS NULL OR d.topic != %(topic)s)")
        if tier.origin:
            conds.append("d.origin = %(origin)s")
        sql = ("SELECT s.id, s.heading, s.kind, s.role, s.level, s.number, d.doc_id, d.unit, d.topic, d.origin, "
               "se.id, se.ord, se.line, se.text, p.neutral, p.fit_units, p.fit_topics, p.flags, p.docs "
               "FROM sections s JOIN documents d ON d.id = s.doc "
               "JOIN sentences se ON se.section = s.id LEFT JOIN phrases p ON p.id = se.phrase "
               "WHERE s.id IN (SELECT s.id FROM sections s JOIN documents d ON d.id = s.doc "
               "WHERE d.type = 'report' AND s.kind = %(kind)s AND s.role = %(role)s AND " + " AND ".join(conds)
               + " ORDER BY s.id LIMIT %(limit)s) ORDER BY s.id, se.ord")
        args = {"units": list(tier.units), "topic": tier.topic, "origin": tier.origin, "kind": kind, "role": role,
                "limit": int(limit)}
        return [PassageRow(*r) for r in self._all(sql, args)]

    # --- classify, fitness ---
    def model(self, features: Optional[Iterable[str]] = None):  # noqa: ANN201
        return load_model(self.conn, self.schema_name, features)

    def has_model(self) -> bool:
        return self._one("SELECT 1 FROM model_meta WHERE key = 'classes'") is not None

    def marks(self, scope: str) -> list[tuple[str, str]]:
        return [(w, t) for w, t in self._all("SELECT word, types FROM marks WHERE scope = %s ORDER BY word",
                                             (scope,))]

    def topic_words(self, words: Sequence[str]) -> list[tuple[str, str, int]]:
        if not words:
            return []
        return [tuple(r) for r in self._all("SELECT word, topic, df FROM topic_words WHERE word = ANY(%s)",
                                            (list(words),))]


def load_model(conn, schema_name: str, features: Optional[Iterable[str]] = None):  # noqa: ANN001, ANN201
    """The model of the generation ``schema_name`` (only the rows of ``features`` when given)."""
    from assistant.classify.model import LinearModel, unpack

    with conn.cursor() as cur:
        cur.execute(f"SELECT key, value FROM {schema_name}.model_meta")
        meta = dict(cur.fetchall())
        if "classes" not in meta:
            return None
        model = LinearModel(json.loads(meta["classes"]), json.loads(meta["intercept"]),
                            json.loads(meta["temperature"]))
        if features is None:
            cur.execute(f"SELECT feature, weights FROM {schema_name}.model_features")
        else:
            cur.execute(f"SELECT feature, weights FROM {schema_name}.model_features WHERE feature = ANY(%s)",
                        (sorted(set(features)),))
        for f, blob in cur.fetchall():
            model.weights[f] = unpack(bytes(blob))
    return model


# --- the corpus -----------------------------------------------------------------------------

class PostgresCorpus(Corpus):
    def __init__(self, url: str) -> None:
        self.url = url
        self.label = safe_url(url)
        self._conn = None
        self._ready = False

    def conn(self):  # noqa: ANN201
        """The corpus's own connection (made on first use; the corpus schema created, and
        started with the default corpus, the first time the database is used)."""
        if self._conn is None:
            self._conn = connect(self.url)
        if not self._ready:
            self._ready = True
            self._create()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _create(self) -> None:
        conn = self._conn
        exists = conn.execute("SELECT to_regclass('assist.reports') IS NOT NULL").fetchone()[0]
        if exists:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            if conn.execute("SELECT to_regclass('assist.reports') IS NOT NULL").fetchone()[0]:
                return  # someone else just made it
            for stmt in _statements(schema_blocks()["corpus"]):
                conn.execute(stmt)
            seed(conn)

    def source(self) -> DbSource:
        return DbSource(self)

    def where(self) -> str:
        return self.label

    def _stamps(self) -> Stamps:
        from assistant import paths

        key = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        return Stamps(paths.cache_dir() / f"pg-{key}.stamps")

    def signature(self) -> str:
        from assistant.corpus.build import signature

        stamps = self._stamps()
        sig = signature(self.source(), stamps)
        stamps.save()
        return sig

    def _generation(self, sig: str) -> Optional[str]:
        row = self.conn().execute("SELECT schema_name FROM assist.generations WHERE signature = %s",
                                  (sig,)).fetchone()
        return row[0] if row else None

    def _newest(self) -> Optional[str]:
        row = self.conn().execute("SELECT schema_name FROM assist.generations ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def ensure(self, progress: Optional[Progress] = None, force: bool = False, jobs: Optional[int] = None,
               warn: Optional[Callable[[str], None]] = None, wait: bool = True) -> Optional[BuildStats]:
        """Build a generation for the current reports unless one exists (always with
        ``force``). Without ``wait``, return None at once when someone else is building."""
        sig = self.signature()
        if not force and self._generation(sig) is not None:
            return None
        conn = self.conn()
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (BUILD_LOCK,)).fetchone()[0]
        if not got:
            if not wait:
                return None
            conn.execute("SELECT pg_advisory_lock(%s)", (BUILD_LOCK,))
        try:
            if not force and self._generation(sig) is not None:
                return None  # built meanwhile by whoever held the lock
            return self._build(sig, progress, jobs, warn)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (BUILD_LOCK,))

    def _build(self, sig: str, progress: Optional[Progress], jobs: Optional[int],
               warn: Optional[Callable[[str], None]]) -> BuildStats:
        from assistant.corpus import build

        conn = self.conn()
        name = "assist_g" + str(conn.execute("SELECT nextval(pg_get_serial_sequence('assist.generations', 'id'))")
                                .fetchone()[0])
        with conn.transaction() as tx:
            # --force: the generation it replaces stays until it is pruned
            conn.execute("UPDATE assist.generations SET signature = signature || ':' || id WHERE signature = %s",
                         (sig,))
            writer = PgWriter(conn, name, tx)
            result = build.build(self.source(), writer, sig, progress, jobs=jobs, warn=warn,
                                 previous_model=self._previous_model, where=f"{self.label} ({name})")
        self._prune()
        return result

    def _previous_model(self, key: str):  # noqa: ANN202
        """A model trained on ``key`` in one of the generations (none is retrained for an import)."""
        conn = self.conn()
        psycopg = _psycopg()
        for (name,) in conn.execute("SELECT schema_name FROM assist.generations ORDER BY id DESC").fetchall():
            try:
                with conn.transaction():  # inside the build's: a failure here undoes this only
                    row = conn.execute(f"SELECT value FROM {name}.meta WHERE key = 'model_inputs'").fetchone()
                    if row and row[0] == key:
                        return load_model(conn, name)
            except psycopg.Error:
                continue
        return None

    def _prune(self) -> None:
        """Drop the generations older than the newest KEEP_GENERATIONS once a newer one has
        existed for DROP_AFTER; a generation still being read is left for next time."""
        conn = self.conn()
        old = conn.execute(
            "SELECT id, schema_name FROM assist.generations g WHERE id NOT IN "
            "(SELECT id FROM assist.generations ORDER BY id DESC LIMIT %s) AND EXISTS "
            f"(SELECT 1 FROM assist.generations n WHERE n.id > g.id AND n.built_at < now() - interval '{DROP_AFTER}')",
            (KEEP_GENERATIONS,)).fetchall()
        psycopg = _psycopg()
        for gid, name in old:
            try:
                with conn.transaction():
                    conn.execute("SET LOCAL lock_timeout = '200ms'")
                    conn.execute("DELETE FROM assist.generations WHERE id = %s", (gid,))
                    conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            except psycopg.errors.LockNotAvailable:
                continue

    def open_index(self, progress: Optional[Progress] = None) -> PgIndex:
        """The generation of the current reports: built first if there is none, unless someone
        else is building one, when the newest there is will do (a draft never waits for a build)."""
        sig = self.signature()
        name = self._generation(sig)
        if name is None:
            self.ensure(progress, wait=self._newest() is None)
            name = self._generation(sig) or self._newest()
        return PgIndex(self, name)

    def add(self, paths_: Sequence, unit: Optional[str] = None, topic: Optional[str] = None,  # noqa: ANN001
            replace: bool = False, progress=None):  # noqa: ANN001, ANN201
        from assistant.corpus.importer import import_paths

        return import_paths(paths_, DbStore(self), unit=unit, progress=progress, replace=replace, topic=topic)


def seed(conn) -> None:  # noqa: ANN001
    """Start a new corpus with what a person's default corpus starts with: the shipped reports,
    the plugins' 范文, their labels and dictionaries (in the order of the default corpus)."""
    from assistant import paths
    from assistant.classify.labels import FILENAME
    from assistant.corpus import fanwen_dirs, store
    from assistant.corpus.source import origins

    dirs = [paths.shipped("corpus"), *fanwen_dirs()]
    where = origins(dirs)
    n = 0
    for k, d in enumerate(dirs):
        for p in store.files(d, include_other=True):
            doc = store.load(p)
            n += 1
            insert_docs(conn, [doc], where.get(p.parent, "user"), [p.read_text(encoding="utf-8")], seed=n)
        for name, sub in ((FILENAME, "labels"), ("domain_dict.txt", "dict")):
            f = Path(d) / name
            if f.is_file():
                target = f"{sub}/{k:03d}/{name}" if sub == "labels" else f"{sub}/{k:03d}.txt"
                conn.execute("INSERT INTO assist.files(name, content) VALUES (%s, %s)",
                             (target, f.read_text(encoding="utf-8")))
