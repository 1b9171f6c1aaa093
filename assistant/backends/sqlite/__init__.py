"""The SQLite backend: corpus folders of text files, the index one SQLite file in the cache.

The index of a set of corpus folders lives in the user's cache (``paths.cache_dir()``),
one file per set of folders and plugins. It is rebuilt when anything it is built from
changes (``build.signature``: a file is hashed again only when its size, time or inode
changed), always into a temporary file renamed over the old one at the end, so an
interrupted build leaves the previous index usable. A file that changed since it was last
found sound is checked (``quick_check``, tables and columns) before it is opened; a damaged
one is rebuilt.

Every statement of this backend is in this module; the tables are in ``schema.sql``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from assistant import paths
from assistant.backends import BuildStats, Corpus, CorpusIndex, IndexWriter, Progress
from assistant.backends.rows import (DocRow, MarkRow, PassageRow, PhraseHit, PhraseRow, SectionRow, SentenceRow,
                                     TierQuery)

SCHEMA_FILE = Path(__file__).with_name("schema.sql")


@lru_cache(maxsize=1)
def schema_blocks() -> dict[str, str]:
    """The blocks of this backend's schema.sql by name."""
    from assistant.backends import schema_blocks_of

    return schema_blocks_of(SCHEMA_FILE)


def insert_rows(conn: sqlite3.Connection, table: str, width: int, rows: Iterable[Sequence]) -> None:
    """``conn.executemany("INSERT INTO table VALUES (?,…)", rows)``: the same rows in the same
    order, sent many to a statement (``VALUES (…),(…),…``), which halves what the sqlite3
    module spends per row (binding, stepping, the GIL) on small rows."""
    rows = rows if isinstance(rows, list) else list(rows)
    per = max(1, 999 // width)  # 999: the oldest SQLite's limit on parameters per statement
    one = "(" + ",".join("?" * width) + ")"
    full = len(rows) - len(rows) % per
    if full:
        conn.executemany(f"INSERT INTO {table} VALUES " + ",".join([one] * per),
                         (tuple(chain.from_iterable(rows[i:i + per])) for i in range(0, full, per)))
    if full < len(rows):
        conn.executemany(f"INSERT INTO {table} VALUES {one}", rows[full:])


def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection to an index file (never creates one)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError:
        return {}


def stored_signature(path: Path) -> Optional[str]:
    if not path.is_file():
        return None
    try:
        conn = connect_ro(path)
        try:
            return _meta(conn).get("signature")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


# --- the write side -------------------------------------------------------------------------

class SqliteWriter(IndexWriter):
    """Writes a new index into ``path`` (a temporary file the caller renames into place)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        # A page cache of up to 16 MB (SQLite's default is 2 MB): on a large corpus the
        # indexes and FTS5 write all over a file of hundreds of MB, which a small cache
        # turns into a read and a write of a page per insert; 64 MB built 100x the shipped
        # corpus no faster and held 50 MB more (bench/bench_build.py).
        self.conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-16384;"
                                + schema_blocks()["tables"])

    def add_documents(self, rows: Sequence[DocRow]) -> None:
        insert_rows(self.conn, "documents", 11, rows)

    def add_sections(self, rows: Sequence[SectionRow]) -> None:
        insert_rows(self.conn, "sections", 12, rows)

    def set_phrases(self, phrase_of: dict[str, int]) -> None:
        self.conn.executemany("UPDATE sentences SET phrase = ? WHERE text = ?", ((i, t) for t, i in phrase_of.items()))

    def add_sentences(self, rows: Sequence[SentenceRow]) -> None:
        insert_rows(self.conn, "sentences", 8, rows)

    def add_tokens(self, items: Iterable[tuple[str, int]]) -> None:
        insert_rows(self.conn, "tokens", 2, items)

    def add_marks(self, rows: Sequence[MarkRow]) -> None:
        insert_rows(self.conn, "marks", 3, rows)

    def add_topic_words(self, rows: Iterable[tuple[str, str, int]]) -> None:
        insert_rows(self.conn, "topic_words", 3, rows)

    def add_doc_names(self, rows: Iterable[tuple[int, str]]) -> None:
        insert_rows(self.conn, "doc_names", 2, rows)

    def add_phrases(self, rows: Iterable[PhraseRow]) -> None:
        from assistant.backends import iter_chunks

        for chunk in iter_chunks(rows, 10_000):
            insert_rows(self.conn, "phrases", 18, chunk)
        self.conn.executescript(schema_blocks()["fts"])

    def save_model(self, model) -> None:  # noqa: ANN001 - a classify.model.LinearModel
        from assistant.classify.model import pack

        self.conn.executescript(schema_blocks()["model"])
        self.conn.execute("DELETE FROM model_meta")
        self.conn.execute("DELETE FROM model_features")
        self.conn.executemany("INSERT INTO model_meta VALUES (?,?)", [
            ("classes", json.dumps(model.classes)),
            ("intercept", json.dumps(model.intercept)),
            ("temperature", json.dumps(model.temperature)),
        ])
        self.conn.executemany("INSERT INTO model_features VALUES (?,?)",
                              ((f, pack(w)) for f, w in model.weights.items()))

    def commit(self, meta: dict[str, str]) -> None:
        self.conn.executescript(schema_blocks()["indexes"])
        self.conn.executemany("INSERT INTO meta VALUES (?,?)", list(meta.items()))
        self.conn.commit()
        self.conn.close()

    def abort(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()


def load_model(conn: sqlite3.Connection, features: Optional[Iterable[str]] = None):  # noqa: ANN201
    """The model stored in an index (only the rows of ``features`` when given), or None."""
    from assistant.classify.model import LinearModel, unpack

    try:
        meta = dict(conn.execute("SELECT key, value FROM model_meta"))
    except sqlite3.DatabaseError:
        return None
    if "classes" not in meta:
        return None
    model = LinearModel(json.loads(meta["classes"]), json.loads(meta["intercept"]), json.loads(meta["temperature"]))
    if features is None:
        rows = list(conn.execute("SELECT feature, weights FROM model_features"))
    else:
        rows = []
        feats = list(features)
        for i in range(0, len(feats), 900):
            chunk = feats[i:i + 900]
            rows.extend(conn.execute(
                f"SELECT feature, weights FROM model_features WHERE feature IN ({','.join('?' * len(chunk))})",
                chunk))
    for f, blob in rows:
        model.weights[f] = unpack(blob)
    return model


# --- the read side --------------------------------------------------------------------------

_PHRASE_COLUMNS = ("p.id, p.key, p.text, p.neutral, p.kind, p.unit, p.units, p.docs, p.occurrences, p.doc_id, "
                   "p.line, p.heading, p.tokens, p.topic, p.topics, p.fit_units, p.fit_topics, p.flags")
_PASSAGE = ("SELECT s.id, s.heading, s.kind, s.role, s.level, s.number, d.doc_id, d.unit, d.topic, d.origin, "
            "se.id, se.ord, se.line, se.text, p.neutral, p.fit_units, p.fit_topics, p.flags, p.docs "
            "FROM sections s JOIN documents d ON d.id = s.doc "
            "JOIN sentences se ON se.section = s.id LEFT JOIN phrases p ON p.id = se.phrase ")


class SqliteIndex(CorpusIndex):
    """A read-only connection to an index file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect_ro(path)

    def close(self) -> None:
        self.conn.close()

    # --- the corpus ---
    def stats(self) -> dict:
        conn = self.conn
        one = lambda q: conn.execute(q).fetchone()[0]  # noqa: E731
        by_unit = {u: n for u, n in conn.execute(
            "SELECT unit, COUNT(*) FROM documents WHERE type='report' GROUP BY unit ORDER BY COUNT(*) DESC, unit")}
        by_kind = {k: n for k, n in conn.execute(
            "SELECT kind, COUNT(*) FROM sections WHERE kind IS NOT NULL GROUP BY kind ORDER BY COUNT(*) DESC, kind")}
        by_topic = {t or "": n for t, n in conn.execute(
            "SELECT topic, COUNT(*) FROM documents WHERE type='report' GROUP BY topic ORDER BY COUNT(*) DESC, topic")}
        by_origin = {o or "": n for o, n in conn.execute(
            "SELECT origin, COUNT(*) FROM documents WHERE type='report' GROUP BY origin "
            "ORDER BY COUNT(*) DESC, origin")}
        return {
            "documents": one("SELECT COUNT(*) FROM documents WHERE type='report'"),
            "sections": one("SELECT COUNT(*) FROM sections"),
            "sentences": one("SELECT COUNT(*) FROM sentences"),
            "chars": one("SELECT COALESCE(SUM(chars),0) FROM documents"),
            "by_kind": by_kind,
            "by_unit": by_unit,
            "by_topic": by_topic,
            "by_origin": by_origin,
        }

    def list_documents(self) -> list[dict]:
        cur = self.conn.execute(
            "SELECT d.doc_id, d.title, d.unit, d.topic, d.origin, d.type, d.source, d.position, d.chars, "
            "(SELECT COUNT(*) FROM sections s WHERE s.doc=d.id) AS sections FROM documents d ORDER BY d.id")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur]

    def documents(self) -> list[DocRow]:
        return [DocRow(*r) for r in self.conn.execute("SELECT * FROM documents ORDER BY id")]

    def sections_of(self, doc: int) -> list[SectionRow]:
        return [SectionRow(*r) for r in self.conn.execute("SELECT * FROM sections WHERE doc = ? ORDER BY id", (doc,))]

    def load_document(self, doc: DocRow):  # noqa: ANN201
        from assistant.corpus import store

        return store.load(Path(doc.path))

    def has_reports(self) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE type = 'report' LIMIT 1").fetchone() is not None

    def corpus_topics(self) -> list[tuple[str, int]]:
        return [(t, n) for t, n in self.conn.execute(
            "SELECT topic, COUNT(*) FROM documents WHERE type = 'report' AND topic IS NOT NULL AND topic != '' "
            "GROUP BY topic ORDER BY COUNT(*) DESC, topic")]

    def meta(self) -> dict[str, str]:
        return _meta(self.conn)

    def title_of(self, doc_id: str) -> Optional[str]:
        row = self.conn.execute("SELECT title FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def place_names(self, doc_id: str) -> tuple[str, ...]:
        try:
            rows = self.conn.execute("SELECT n.name FROM doc_names n JOIN documents d ON d.id = n.doc "
                                     "WHERE d.doc_id = ?", (doc_id,)).fetchall()
        except sqlite3.DatabaseError:
            return ()
        return tuple(sorted((r[0] for r in rows), key=len, reverse=True))

    # --- suggest ---
    def n_sections(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM sections").fetchone()[0]

    def token_df(self, tokens: Sequence[str]) -> dict[str, int]:
        out = dict.fromkeys(tokens, 0)
        if tokens:
            out.update(self.conn.execute(
                f"SELECT token, df FROM tokens WHERE token IN ({','.join('?' * len(tokens))})", list(tokens)))
        return out

    def search_phrases(self, tokens: Sequence[str], kinds: Optional[Sequence[str]], limit: int) -> list[PhraseHit]:
        match = " OR ".join('"{}"*'.format(t.replace('"', '""')) for t in tokens)
        sql = (f"SELECT {_PHRASE_COLUMNS}, bm25(phrases_fts) AS bm25 FROM phrases_fts "
               "JOIN phrases p ON p.id = phrases_fts.rowid WHERE phrases_fts MATCH ?")
        args: list = [match]
        if kinds:
            sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            args += kinds
        sql += " ORDER BY bm25 LIMIT ?"
        args.append(limit)
        return [PhraseHit(*r) for r in self.conn.execute(sql, args)]

    def phrases_by_kind(self, kinds: Sequence[str], limit: int) -> list[PhraseHit]:
        if not kinds:
            return []
        return [PhraseHit(*r) for r in self.conn.execute(
            f"SELECT {_PHRASE_COLUMNS}, 0.0 AS bm25 FROM phrases p WHERE p.kind IN ({','.join('?' * len(kinds))}) "
            "AND p.heading = 0 ORDER BY p.docs DESC, p.occurrences DESC, p.id LIMIT ?", [*kinds, limit])]

    # --- draft ---
    def passages(self, kind: str, role: str, tier: TierQuery, limit: int) -> list[PassageRow]:
        cond, args = _tier_condition(tier)
        sql = (_PASSAGE + f"WHERE s.id IN (SELECT s.id FROM sections s JOIN documents d ON d.id = s.doc "
               f"WHERE d.type = 'report' AND s.kind = ? AND s.role = ? AND {cond} "
               f"ORDER BY s.id LIMIT {int(limit)}) ORDER BY s.id, se.ord")
        return [PassageRow(*r) for r in self.conn.execute(sql, [kind, role, *args])]

    # --- classify, fitness ---
    def model(self, features: Optional[Iterable[str]] = None):  # noqa: ANN201
        return load_model(self.conn, None if features is None else sorted(set(features)))

    def has_model(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'model_meta'").fetchone() is not None

    def marks(self, scope: str) -> list[tuple[str, str]]:
        try:
            return [(w, t) for w, t in self.conn.execute("SELECT word, types FROM marks WHERE scope = ?", (scope,))]
        except sqlite3.DatabaseError:
            return []

    def topic_words(self, words: Sequence[str]) -> list[tuple[str, str, int]]:
        if not words:
            return []
        try:
            return self.conn.execute(
                f"SELECT word, topic, df FROM topic_words WHERE word IN ({','.join('?' * len(words))})",
                list(words)).fetchall()
        except sqlite3.DatabaseError:
            return []


def _tier_condition(tier: TierQuery) -> tuple[str, list]:
    units = list(tier.units)
    parts = [f"d.unit IN ({','.join('?' * len(units))})" if units else "0"]
    args: list = list(units)
    if tier.same_topic:
        parts.append("d.topic = ?" if tier.topic else "0")
        args += [tier.topic] if tier.topic else []
    elif tier.topic:
        parts.append("(d.topic IS NULL OR d.topic != ?)")
        args.append(tier.topic)
    if tier.origin:
        parts.append("d.origin = ?")
        args.append(tier.origin)
    return " AND ".join(parts), args


# --- damage: the index is checked when it has changed since it was last found sound ----------

def check_index_path(path: Path) -> None:
    """An index path that exists but is not a file (a folder, a device…) is the user's to
    move away: ``InputError`` naming it."""
    if (path.exists() or path.is_symlink()) and not path.is_file():
        from assistant.errors import InputError

        raise InputError(f"索引路径 {path} 不是文件，无法建立索引；请移走它（或用 ASSIST_CACHE 指定另一个缓存文件夹）")


def _stamp(path: Path) -> Optional[str]:
    """What identifies this version of the file: size, times (ctime too: a copy or an edit
    cannot set it back) and inode; None if it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"


def verified_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def record_sound(path: Path) -> None:
    """Note that the index at ``path``, as it is now, is sound (a build just made it, or a
    check passed); a cache that cannot be written only means checking again next time."""
    stamp = _stamp(path)
    if stamp is None:
        return
    from assistant import atomic

    try:
        atomic.write_text(verified_path(path), stamp + "\n")
    except OSError:
        pass


def forget_verified(path: Optional[Path] = None) -> None:
    """Make the next opening check the index at ``path`` (every index in the cache if None)."""
    targets = [verified_path(path)] if path is not None else list(paths.cache_dir().glob("index-*.verified"))
    for p in targets:
        with contextlib.suppress(OSError):
            p.unlink()


@lru_cache(maxsize=1)
def _expected_tables() -> dict[str, set[str]]:
    """Table → columns of the index's own schema (the model's tables are optional: a corpus
    without labels has none)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(schema_blocks()["tables"])
        return {name: {c[1] for c in conn.execute(f"PRAGMA table_info({name})")}
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def verify(path: Path) -> Optional[str]:
    """None if the index at ``path`` is sound, else what is wrong. Cheap when the file has not
    changed since it was last found sound (a stamp beside it); otherwise SQLite's
    ``quick_check`` and the tables and columns are checked, and a sound file is stamped."""
    stamp = _stamp(path)
    try:
        if stamp is not None and verified_path(path).read_text(encoding="utf-8").strip() == stamp:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    try:
        conn = connect_ro(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if result != ["ok"]:
                detail = [str(r).strip() for r in result if not str(r).startswith("*** in database")]
                return ("数据库结构损坏：" + " ".join(detail).replace("\n", " "))[:120]
            have = {name: {c[1] for c in conn.execute(f"PRAGMA table_info({name})")}
                    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    for name, columns in _expected_tables().items():
        if name not in have:
            return f"缺少表 {name}"
        if not columns <= have[name]:
            return f"表 {name} 缺少列 {'、'.join(sorted(columns - have[name]))}"
    record_sound(path)
    return None


def remove_stale_builds(folder: Path) -> list[Path]:
    """Remove the ``.building`` files of killed builds in the cache ``folder`` (any corpus):
    those whose process is gone (``atomic.remove_stale``)."""
    from assistant import atomic

    names = set()
    with contextlib.suppress(OSError):
        for p in folder.glob(".index-*.building"):
            m = re.fullmatch(r"\.(index-[0-9a-f]+\.sqlite)\..*\.building", p.name)
            if m:
                names.add(m.group(1))
    removed = []
    for name in sorted(names):
        removed += atomic.remove_stale(folder, name, ".building")
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def previous_model(path: Optional[Path], key: str):  # noqa: ANN201
    """A model trained on ``key`` from the index at ``path`` or, failing that, from another
    index beside it (another set of corpus folders with the same labelled sections, as the
    shipped corpus alone and with the user's reports); None if there is none."""
    if path is None:
        return None
    others = sorted((p for p in path.parent.glob("index-*.sqlite") if p != path), key=_mtime, reverse=True)
    for candidate in [path, *others[:8]]:
        if not candidate.is_file():
            continue
        try:
            conn = connect_ro(candidate)
            try:
                if _meta(conn).get("model_inputs") == key:
                    return load_model(conn)
            finally:
                conn.close()
        except (sqlite3.DatabaseError, OSError):
            continue
    return None


def build_file(source, target: Path, sig: str, progress: Optional[Progress] = None,  # noqa: ANN001
               train_model: bool = True, jobs: Optional[int] = None,
               warn: Optional[Callable[[str], None]] = None) -> BuildStats:
    """Build the index of ``source`` into the file ``target``, atomically."""
    from assistant.atomic import atomic_path
    from assistant.corpus import build

    check_index_path(target)
    remove_stale_builds(target.parent)
    with atomic_path(target, suffix=".building") as tmp:
        result = build.build(source, SqliteWriter(tmp), sig, progress, train_model=train_model, jobs=jobs,
                             warn=warn, previous_model=lambda key: previous_model(target, key), where=target)
    record_sound(target)
    return result


# --- a corpus of folders ----------------------------------------------------------------------

class FolderCorpus(Corpus):
    """Corpus folders (text files), their index an SQLite file in the user's cache."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.label = "、".join(str(d) for d in self.dirs)

    def source(self):  # noqa: ANN201
        from assistant.corpus.source import FolderSource

        return FolderSource(self.dirs)

    def index_path(self) -> Path:
        """Where the index for these corpus folders and plugins lives (in the user's cache): the
        plugins' words are part of it, so another set of plugins gets another file."""
        from assistant.corpus.build import plugin_files

        key = "\n".join(str(Path(d).resolve()) for d in self.dirs)
        plugins = plugin_files()
        if plugins:
            key += "\0" + "\n".join(str(p.resolve()) for p in plugins)
        return paths.cache_dir() / f"index-{hashlib.sha256(key.encode()).hexdigest()[:16]}.sqlite"

    def where(self) -> str:
        return str(self.index_path())

    def signature(self, path: Optional[Path] = None) -> str:
        from assistant.corpus.build import signature
        from assistant.corpus.source import Stamps

        path = path or self.index_path()
        stamps = Stamps(path.with_name(path.name + ".stamps"))
        sig = signature(self.source(), stamps)
        stamps.save()
        return sig

    def is_current(self) -> bool:
        return stored_signature(self.index_path()) == self.signature()

    def ensure(self, progress: Optional[Progress] = None, force: bool = False, jobs: Optional[int] = None,
               warn: Optional[Callable[[str], None]] = None) -> Optional[BuildStats]:
        path = self.index_path()
        check_index_path(path)
        sig = self.signature(path)
        if not force and stored_signature(path) == sig:
            problem = verify(path)
            if problem is None:
                return None
            (warn or _to_stderr)(f"索引文件已损坏（{problem}），正在重建：{path}")
        return build_file(self.source(), path, sig, progress, jobs=jobs, warn=warn)

    def open_index(self, progress: Optional[Progress] = None) -> SqliteIndex:
        self.ensure(progress)
        return SqliteIndex(self.index_path())

    def add(self, paths_: Sequence, unit: Optional[str] = None, topic: Optional[str] = None,  # noqa: ANN001
            replace: bool = False, progress=None):  # noqa: ANN001, ANN201
        from assistant.corpus.importer import import_paths

        return import_paths(paths_, self.dirs[0], unit=unit, progress=progress, replace=replace, topic=topic)


def _to_stderr(message: str) -> None:
    import sys

    sys.stderr.write(message + "\n")
    sys.stderr.flush()
