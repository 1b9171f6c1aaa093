"""The corpus index: one SQLite file with documents, sections, sentences and tokens.

The index lives in the user's cache (``assistant.paths.cache_dir()``), one file
per set of corpus folders. It is rebuilt automatically when the corpus changes
(a content hash over every corpus file, the domain dictionary and the schema
version), and always built into a temporary file that is renamed over the old
one at the end, so an interrupted build leaves the previous index usable.

Sentences carry their jieba tokens (space-joined) and an FTS5 table over them
for retrieval; ``tokens`` holds section frequencies (df) for TF-IDF weights.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from itertools import filterfalse
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Optional

from assistant import paths
from assistant.atomic import atomic_path
from assistant.corpus import store

SCHEMA_VERSION = "7"  # bump when the index content changes: tables, outline, features, model

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, title TEXT, unit TEXT, type TEXT,
  source TEXT, position INTEGER, path TEXT, chars INTEGER);
CREATE TABLE sections(
  id INTEGER PRIMARY KEY, doc INTEGER REFERENCES documents(id), ord INTEGER, role TEXT,
  level INTEGER, number TEXT, heading TEXT, line INTEGER, kind TEXT, text TEXT, tokens TEXT);
CREATE TABLE sentences(
  id INTEGER PRIMARY KEY, doc INTEGER REFERENCES documents(id), section INTEGER REFERENCES sections(id),
  ord INTEGER, line INTEGER, text TEXT, tokens TEXT);
CREATE TABLE tokens(token TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
"""

POST_INDEX = """
CREATE INDEX sections_doc ON sections(doc);
CREATE INDEX sentences_section ON sentences(section);
"""

# A sentence: up to and including its end mark; a line end also ends one.
SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]|[^。！？；!?;\n]+")

Progress = Callable[[int, int], None]  # (done, total)

_first = itemgetter(0)


def corpus_files(dirs: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        out.extend(store.files(Path(d)))
    return out


def _dict_files(dirs: Iterable[Path]) -> list[Path]:
    found = [paths.shipped("corpus") / "domain_dict.txt"]
    found += [Path(d) / "domain_dict.txt" for d in dirs]
    seen: set[Path] = set()
    out = []
    for p in found:
        rp = p.resolve()
        if p.is_file() and rp not in seen:
            seen.add(rp)
            out.append(p)
    return out


def signature(dirs: list[Path]) -> str:
    """Content hash of everything the index is built from."""
    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for p in corpus_files(dirs) + _dict_files(dirs):
        h.update(str(p.name).encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def index_path(dirs: list[Path]) -> Path:
    """Where the index for these corpus folders lives (in the user's cache)."""
    key = "\n".join(str(Path(d).resolve()) for d in dirs)
    return paths.cache_dir() / f"index-{hashlib.sha256(key.encode()).hexdigest()[:16]}.sqlite"


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError:
        return {}


def stored_signature(path: Path) -> Optional[str]:
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _meta(conn).get("signature")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def is_current(dirs: list[Path]) -> bool:
    return stored_signature(index_path(dirs)) == signature(dirs)


@dataclass
class BuildStats:
    path: Path
    documents: int
    sections: int
    sentences: int
    chars: int
    seconds: float
    rebuilt: bool


def ensure(dirs: list[Path], progress: Optional[Progress] = None, force: bool = False) -> BuildStats | Path:
    """Return the index path, building it first if it is missing or stale."""
    path = index_path(dirs)
    sig = signature(dirs)
    if not force and stored_signature(path) == sig:
        return path
    return build(dirs, path, sig, progress)


def open_index(dirs: list[Path], progress: Optional[Progress] = None) -> sqlite3.Connection:
    """A read-only connection to an up-to-date index of ``dirs``."""
    result = ensure(dirs, progress)
    path = result.path if isinstance(result, BuildStats) else result
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def sentence_spans(text: str) -> Iterable[tuple[int, str]]:
    """(offset, sentence) for each non-blank sentence of ``text``."""
    for m in SENTENCE.finditer(text):
        sent = m.group()
        if not sent.isspace():
            yield m.start(), sent


def analyse_file(path: Path, known: Optional[dict] = None) -> tuple:
    """Everything the index needs from one corpus file.

    Returns (doc, sections) where each section is (role, level, number, heading, line,
    text, words, context, sentences) and each sentence (line, text, space-joined tokens).
    ``known``: a dict sentence text → ``phrases.candidate(text)`` to fill for the sentences
    not in it yet, from the same segmentation (when the segmenter tags as it cuts).
    """
    from assistant import outline, segment
    from assistant.classify.features import context_of
    from assistant.textmap import MappedText

    tagger = segment.raw_tagger()
    cut = segment.raw_cutter() if tagger is None else None
    if tagger is None:
        known = None  # the phrase table tags its sentences itself
    elif known is not None:
        from assistant.suggest.phrases import candidate
    doc = store.load(path)
    tree = outline.parse(MappedText(doc.body), title_hint=doc.title or None)
    doc_secs = outline.sections(tree)
    contexts = context_of([sec.number for sec in doc_secs])
    out = []
    for sec, context in zip(doc_secs, contexts):
        # Sentences are segmented one by one: jieba never joins across the punctuation
        # that ends a sentence, so the tokens are those of the whole text.
        text = sec.text
        words: list[str] = []
        sentences = []
        line, pos = doc.body_line - 1 + sec.line, 0
        for off, sent in sentence_spans(text):
            line += text.count("\n", pos, off)
            pos = off
            if tagger is not None:
                pairs = tagger(sent)
                toks = list(map(_first, pairs))
            else:
                toks = cut(sent)
            stripped = sent.strip()
            if " " in sent or "\t" in sent or "\u3000" in sent:
                toks = list(filterfalse(str.isspace, toks))
            words += toks
            sentences.append((line, stripped, " ".join(toks)))
            if known is not None and stripped not in known:
                if len(stripped) != len(sent):  # whitespace at the ends: tokens of their own
                    while pairs[0][0].isspace():
                        pairs = pairs[1:]
                    while pairs[-1][0].isspace():
                        pairs = pairs[:-1]
                known[stripped] = candidate(stripped, pairs)
        out.append((sec.role, sec.level, sec.number, sec.heading, sec.line, text, words, context, sentences))
    return doc, out


def build(dirs: list[Path], target: Path, sig: str, progress: Optional[Progress] = None,
          train_model: bool = True) -> BuildStats:
    """Build the index for ``dirs`` into ``target`` atomically.

    ``train_model``: with labels in the corpus (labels.tsv), train the section classifier,
    store it in the index and fill sections.kind.
    """
    from assistant import segment
    from assistant.classify import labels as labels_mod
    from assistant.suggest import phrases

    t0 = time.perf_counter()
    files = corpus_files(dirs)
    for d in _dict_files(dirs):
        segment.load_userdict(d)
    labels = labels_mod.read_all(dirs) if train_model else {}
    df: Counter[str] = Counter()
    with atomic_path(target, suffix=".building") as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
            doc_rows: list[tuple] = []
            sec_rows: list[list] = []
            sent_rows: list[tuple] = []
            sec_id = sent_id = 0
            sec_info: list[tuple] = []  # (doc_id, ordinal, body tokens, context); only to train
            known: dict[str, tuple[str, str, str] | None] = {}  # sentence → phrases.candidate()
            for doc_no, path in enumerate(files, 1):
                doc, sections = analyse_file(path, known)
                doc_rows.append((doc_no, doc.id, doc.title, doc.unit, doc.type, doc.source, doc.position,
                                 str(path), len(doc.body)))
                for s_ord, (role, level, number, heading, line, text, words, context, sentences) in enumerate(sections):
                    sec_id += 1
                    for o, (s_line, s_text, s_toks) in enumerate(sentences):
                        sent_id += 1
                        sent_rows.append((sent_id, doc_no, sec_id, o, s_line, s_text, s_toks))
                    sec_rows.append([sec_id, doc_no, s_ord, role, level, number, heading, line, None, text,
                                     " ".join(words)])
                    if labels:
                        sec_info.append((doc.id, s_ord, words, context))
                    df.update(set(words))
                if progress:
                    progress(doc_no, len(files))
            if labels:
                _assign_kinds(conn, labels, sec_rows, sec_info)
            conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?)", doc_rows)
            conn.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?,?,?,?)", sec_rows)
            conn.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?)", sent_rows)
            conn.executemany("INSERT INTO tokens VALUES (?,?)", df.items())
            conn.executescript(POST_INDEX)
            # The phrase table reads the sentences with their section and document from memory
            # (the same rows as phrases._ROWS in the same order).
            phrase_rows = ((s_text, s_toks, s_line, o, sec_rows[sec - 1][8], sec_rows[sec - 1][3],
                            sec_rows[sec - 1][6], doc_rows[doc - 1][3], doc_rows[doc - 1][1])
                           for _, doc, sec, o, s_line, s_text, s_toks in sent_rows)
            phrases.build(conn, phrase_rows, known)
            conn.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [("signature", sig), ("schema", SCHEMA_VERSION), ("built_at", str(int(time.time()))),
                 ("dirs", "\n".join(str(d) for d in dirs)), ("segmenter", segment.backend_name())],
            )
            conn.commit()
        finally:
            conn.close()
    return BuildStats(target, len(files), len(sec_rows), len(sent_rows), sum(r[8] for r in doc_rows),
                      time.perf_counter() - t0, True)


def _assign_kinds(conn: sqlite3.Connection, labels: dict, sec_rows: list[list], sec_info: list) -> None:
    """Labelled sections take their label; a model trained on them predicts the rest.

    sec_rows[i][8] is the kind column; the model is saved into the index.
    """
    from assistant.classify import labels as labels_mod
    from assistant.classify.features import raw_features
    from assistant.classify.model import train

    samples, ys, groups, unlabelled = [], [], [], []
    feats_of: list[dict[str, float]] = []
    for row, (doc_id, s_ord, words, context) in zip(sec_rows, sec_info):
        role, heading = row[3], row[6]
        feats = raw_features(heading, row[9], role, tokens=words, context=context)
        feats_of.append(feats)
        lab = labels.get((doc_id, s_ord))
        if lab is not None and lab.heading == labels_mod.section_key_heading(role, heading):
            row[8] = lab.kind
            samples.append(feats)
            ys.append(lab.kind)
            groups.append(doc_id)
        else:
            unlabelled.append(len(feats_of) - 1)
    if len(set(ys)) < 2 or len(set(groups)) < 2:
        return
    model = train(samples, ys, groups)
    model.save(conn)
    for i in unlabelled:
        sec_rows[i][8] = model.predict(feats_of[i])[0]


# --- queries used by `corpus stats` and `corpus list` ------------------------------------------

def stats(conn: sqlite3.Connection) -> dict:
    one = lambda q: conn.execute(q).fetchone()[0]  # noqa: E731
    by_unit = {u: n for u, n in conn.execute(
        "SELECT unit, COUNT(*) FROM documents WHERE type='report' GROUP BY unit ORDER BY COUNT(*) DESC, unit")}
    by_kind = {k: n for k, n in conn.execute(
        "SELECT kind, COUNT(*) FROM sections WHERE kind IS NOT NULL GROUP BY kind ORDER BY COUNT(*) DESC, kind")}
    return {
        "documents": one("SELECT COUNT(*) FROM documents WHERE type='report'"),
        "sections": one("SELECT COUNT(*) FROM sections"),
        "sentences": one("SELECT COUNT(*) FROM sentences"),
        "chars": one("SELECT COALESCE(SUM(chars),0) FROM documents"),
        "by_kind": by_kind,
        "by_unit": by_unit,
    }


def list_documents(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT d.doc_id, d.title, d.unit, d.type, d.source, d.position, d.chars, "
        "(SELECT COUNT(*) FROM sections s WHERE s.doc=d.id) AS sections FROM documents d ORDER BY d.id")
    return [dict(r) for r in rows]

