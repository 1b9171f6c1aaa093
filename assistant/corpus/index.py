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

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass
from itertools import chain, filterfalse, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

from assistant import paths
from assistant.atomic import atomic_path
from assistant.corpus import store
from assistant.units.fitness import DocStats

if TYPE_CHECKING:
    from assistant.segment import WordTags

SCHEMA_VERSION = "15"  # bump when the index content changes: tables, outline, features, model

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, title TEXT, unit TEXT, type TEXT,
  source TEXT, position INTEGER, path TEXT, chars INTEGER,
  topic TEXT,   -- the topic plugin's name (from the file's header, else inferred)
  origin TEXT); -- shipped (the corpus that ships), fanwen (a plugin's 范文) or user
CREATE TABLE sections(
  id INTEGER PRIMARY KEY, doc INTEGER REFERENCES documents(id), ord INTEGER, role TEXT,
  level INTEGER, number TEXT, heading TEXT, line INTEGER, kind TEXT, text TEXT, tokens TEXT,
  container INTEGER);  -- line of the heading whose children it is (outline.Section.container)
CREATE TABLE sentences(
  id INTEGER PRIMARY KEY, doc INTEGER REFERENCES documents(id), section INTEGER REFERENCES sections(id),
  ord INTEGER, line INTEGER, text TEXT, tokens TEXT,
  phrase INTEGER);  -- phrases.id of its neutral form (NULL: it makes no phrase)
CREATE TABLE tokens(token TEXT PRIMARY KEY, df INTEGER) WITHOUT ROWID;
-- assistant.units.fitness: the words that mark a unit type's or a topic's text (scope
-- 'unit' or 'topic'), with the types they belong to (comma-separated)
CREATE TABLE marks(scope TEXT, word TEXT, types TEXT, PRIMARY KEY(scope, word)) WITHOUT ROWID;
-- how many reports of each topic use a word (words in two reports or more; topic '' counts
-- every report): what a query of everyday words is most likely about (suggest)
CREATE TABLE topic_words(word TEXT, topic TEXT, df INTEGER, PRIMARY KEY(word, topic)) WITHOUT ROWID;
-- the local names a report uses for its own place (状元社区 four times in its report): the
-- tagger does not always know them as names; drafts and suggestions write them ××
CREATE TABLE doc_names(doc INTEGER, name TEXT);
"""

POST_INDEX = """
CREATE INDEX sections_doc ON sections(doc);
CREATE INDEX sentences_section ON sentences(section);
"""

# A sentence: up to and including its end mark; a line end also ends one.
SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]|[^。！？；!?;\n]+")

Progress = Callable[[int, int], None]  # (done, total)

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


def _plugin_files() -> list[Path]:
    """The data files of the plugins in use: their words decide what a sentence serves."""
    from assistant.units import all_topics, all_units

    found = [x.source for x in (*all_units(), *all_topics()) if x.source is not None]
    return sorted({Path(p) for p in found if Path(p).is_file()}, key=str)


def signature(dirs: list[Path]) -> str:
    """Content hash of everything the index is built from."""
    from assistant.classify import KINDS_FILE
    from assistant.classify.labels import FILENAME as LABELS

    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    labels = [Path(d) / LABELS for d in dirs if (Path(d) / LABELS).is_file()]  # what the model learns
    # and the cue lists its features count
    for p in corpus_files(dirs) + _dict_files(dirs) + labels + [KINDS_FILE] + _plugin_files():
        h.update(str(p.name).encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def index_path(dirs: list[Path]) -> Path:
    """Where the index for these corpus folders and plugins lives (in the user's cache): the
    plugins' words are part of it, so another set of plugins gets another file."""
    key = "\n".join(str(Path(d).resolve()) for d in dirs)
    plugins = _plugin_files()
    if plugins:
        key += "\0" + "\n".join(str(p.resolve()) for p in plugins)
    return paths.cache_dir() / f"index-{hashlib.sha256(key.encode()).hexdigest()[:16]}.sqlite"


def _connect_ro(path: Path) -> sqlite3.Connection:
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
        conn = _connect_ro(path)
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


def ensure(dirs: list[Path], progress: Optional[Progress] = None, force: bool = False,
           jobs: Optional[int] = None, warn: Optional[Callable[[str], None]] = None) -> BuildStats | Path:
    """Return the index path, building it first if it is missing, stale or damaged.

    ``warn``: where messages about the corpus go (duplicate ids, a damaged index being
    rebuilt); standard error by default."""
    path = index_path(dirs)
    check_index_path(path)
    sig = signature(dirs)
    if not force and stored_signature(path) == sig:
        problem = verify(path)
        if problem is None:
            return path
        (warn or _to_stderr)(f"索引文件已损坏（{problem}），正在重建：{path}")
    return build(dirs, path, sig, progress, jobs=jobs, warn=warn)


def open_index(dirs: list[Path], progress: Optional[Progress] = None) -> sqlite3.Connection:
    """A read-only connection to an up-to-date, undamaged index of ``dirs``."""
    result = ensure(dirs, progress)
    path = result.path if isinstance(result, BuildStats) else result
    conn = _connect_ro(path)
    conn.row_factory = sqlite3.Row
    return conn


def _to_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


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


def _verified_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _record_sound(path: Path) -> None:
    """Note that the index at ``path``, as it is now, is sound (a build just made it, or a
    check passed); a cache that cannot be written only means checking again next time."""
    stamp = _stamp(path)
    if stamp is None:
        return
    from assistant import atomic

    try:
        atomic.write_text(_verified_path(path), stamp + "\n")
    except OSError:
        pass


def forget_verified(path: Optional[Path] = None) -> None:
    """Make the next opening check the index at ``path`` (every index in the cache if None)."""
    targets = [_verified_path(path)] if path is not None else list(paths.cache_dir().glob("index-*.verified"))
    for p in targets:
        with contextlib.suppress(OSError):
            p.unlink()


def _expected_tables() -> dict[str, set[str]]:
    """Table → columns of the index's own schema (the phrase and model tables are checked by
    name: they are made by their modules)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA)
        return {name: {c[1] for c in conn.execute(f"PRAGMA table_info({name})")}
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


_OTHER_TABLES = ("phrases", "phrases_fts")


def verify(path: Path) -> Optional[str]:
    """None if the index at ``path`` is sound, else what is wrong. Cheap when the file has not
    changed since it was last found sound (a stamp beside it); otherwise SQLite's
    ``quick_check`` and the tables and columns are checked, and a sound file is stamped."""
    stamp = _stamp(path)
    try:
        if stamp is not None and _verified_path(path).read_text(encoding="utf-8").strip() == stamp:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    try:
        conn = _connect_ro(path)
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
    for name in _OTHER_TABLES:
        if name not in have:
            return f"缺少表 {name}"
    _record_sound(path)
    return None


def sentence_spans(text: str) -> Iterable[tuple[int, str]]:
    """(offset, sentence) for each non-blank sentence of ``text``."""
    for m in SENTENCE.finditer(text):
        sent = m.group()
        if not sent.isspace():
            yield m.start(), sent


def analyse_file(path: Path, known: Optional[dict] = None, tags: Optional[WordTags] = None,
                 phrase_tokens: Optional[dict] = None) -> tuple:
    """Everything the index needs from one corpus file.

    Returns (doc, sections) where each section is (role, level, number, heading, line,
    text, words, context, sentences, vocabulary, container line or None) and each
    sentence (line, text, space-joined tokens); the vocabulary is ``set(words)``.
    ``known``: a dict sentence text → ``phrases.candidate(text)`` to fill for the sentences
    not in it yet, from the same segmentation (when the segmenter has a tagger).
    ``tags``: a ``segment.word_tags()`` table to use and fill (one per build: it keeps
    the tags of the words seen in earlier files); a new one when not given.
    ``phrase_tokens``: with ``known``, a dict to fill for the same sentences with what the
    phrase table stores as their tokens (``phrases.phrase_tokens``).
    """
    from assistant import outline, segment
    from assistant.classify.features import section_contexts
    from assistant.textmap import MappedText

    cut = segment.raw_cutter()
    if known is not None:
        from assistant.suggest.neutral import NAME_TAGS, local_name
        from assistant.suggest.phrases import add_candidates

        if tags is None:
            tags = segment.word_tags(local_name, NAME_TAGS)
        if tags is None:
            known = None  # no tagger that cuts as the cutter: the phrase table tags its sentences itself
    doc = store.load(path)
    if not doc.topic:
        from assistant.units import guess_topic

        doc.topic = guess_topic(doc.body, doc.title) or ""
    tree = outline.parse(MappedText(doc.body), title_hint=doc.title or None)
    doc_secs = outline.sections(tree)
    contexts = section_contexts(doc_secs)
    out = []
    # new sentence text → (its tokens, whitespace included; its row's tokens if it has no
    # whitespace at all, else None)
    todo: dict[str, tuple[list[str], str | None]] = {}
    findall = SENTENCE.findall
    for sec, context in zip(doc_secs, contexts):
        # Sentences are segmented one by one: jieba never joins across the punctuation
        # that ends a sentence, so the tokens are those of the whole text.
        text = sec.text
        words: list[str] = []
        sentences = []
        line = doc.body_line - 1 + sec.line
        # as sentence_spans(): no sentence holds a line break, so line by line
        for para in text.split("\n"):
            if not para:
                line += 1
                continue
            sents = findall(para)
            if " " not in para and para.isprintable():
                # no whitespace at all (most lines): each sentence is stripped, its tokens are
                # its row's, and the line's sentences go in bulk
                toks_of = list(map(cut, sents))
                tok_strs = list(map(" ".join, toks_of))
                words += chain.from_iterable(toks_of)
                sentences += zip(repeat(line), sents, tok_strs)
                if known is not None:
                    for sent, toks, tok_str in zip(sents, toks_of, tok_strs):
                        if sent not in known:
                            known[sent] = None  # filled below
                            todo[sent] = (toks, tok_str)
                line += 1
                continue
            for sent in sents:
                if sent.isspace():
                    continue
                toks = cut(sent)
                stripped = sent.strip()
                if " " in sent or "\t" in sent or "\u3000" in sent:
                    row_toks = list(filterfalse(str.isspace, toks))
                else:
                    row_toks = toks
                tok_str = " ".join(row_toks)
                words += row_toks
                sentences.append((line, stripped, tok_str))
                if known is not None and stripped not in known:
                    if len(stripped) != len(sent):  # whitespace at the ends: tokens of their own
                        while toks[0].isspace():
                            toks = toks[1:]
                        while toks[-1].isspace():
                            toks = toks[:-1]
                    known[stripped] = None  # filled below
                    todo[stripped] = (toks, None)  # None: the sentence has whitespace
            line += 1
        vocab = set(words)
        if todo:
            tags.learn(vocab)  # the section's new words, in one tagger call
        out.append((sec.role, sec.level, sec.number, sec.heading, sec.line, text, words, context, sentences, vocab,
                    sec.container_line))
    if todo:
        add_candidates(todo, tags, known, phrase_tokens)
    return doc, out


# --- the analysis of the files, in worker processes on a large corpus ------------------------

# Below this much report text (bytes on disk) one process analyses every file: starting
# workers and sending their results back costs more than it saves.
PARALLEL_MIN_BYTES = 400_000
_CHUNKS_PER_JOB = 4  # files go to the workers in this many runs each (a balanced load)
_RUN_MAX_FILES = 64  # and no run is longer (an interrupted build stops within one run)
_worker: dict = {}  # a worker process's own state: see _worker_init


def default_jobs() -> int:
    """Worker processes for a build: ASSIST_JOBS if set, else the CPUs this process may use."""
    env = os.environ.get("ASSIST_JOBS", "").strip()
    if env.isdecimal() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    """End this (worker) process when its parent ends, even by kill -9: on Linux the kernel
    sends it SIGKILL then (``prctl(PR_SET_PDEATHSIG)``). A parent already gone: exit now."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError, ImportError):  # pragma: no cover - no prctl
        return
    if os.getppid() != parent:  # the parent died before the call above
        os._exit(1)


def _worker_init(keep_words: bool, parent: Optional[int] = None) -> None:
    import signal

    from assistant import segment
    from assistant.suggest.neutral import NAME_TAGS, local_name

    if parent is not None and sys.platform.startswith("linux"):
        _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker.update(known={}, tokens={}, keep_words=keep_words,
                   tags=segment.word_tags(local_name, NAME_TAGS))


def _analyse_run(paths: list[Path]) -> tuple[list, Counter, list, list, tuple]:
    """In a worker: analyse_file for each path, with the worker's own tables of known
    sentences and word tags. Returns the results, the run's document frequencies, and the
    phrase entries the run added. What is sent back is kept small (unpickling is on the
    main process's path): each section's vocabulary is counted here, not sent, and its
    words travel only when the build trains the classifier."""
    known, tokens, tags = _worker["known"], _worker["tokens"], _worker["tags"]
    keep_words = _worker["keep_words"]
    k0, t0 = len(known), len(tokens)
    out = []
    df: Counter[str] = Counter()
    stats = DocStats()
    for path in paths:
        doc, sections = analyse_file(path, known, tags, tokens)
        vocab: set[str] = set()
        for sec in sections:
            df.update(sec[9])
            vocab |= sec[9]
        _count_doc(doc, vocab, stats)
        out.append((doc, [sec[:6] + (sec[6] if keep_words else None,) + sec[7:9] + (None,) + sec[10:] for sec in sections]))
    return (out, df, list(islice(known.items(), k0, None)), list(islice(tokens.items(), t0, None)), stats)


def _count_doc(doc: store.StoredDoc, vocab: set[str], stats: DocStats) -> None:
    """A report's words, counted for its unit type and topic."""
    if doc.type == "report":
        stats.add(doc.unit, doc.topic, vocab)


def _analysed(files: list[Path], known: dict, tags: Optional[WordTags], phrase_tokens: dict,
              df: Counter, keep_words: bool, jobs: int, stats: DocStats) -> Iterator[tuple]:
    """``analyse_file`` for each file, in order, filling ``known`` and ``phrase_tokens``;
    a section's vocabulary is None when it has already been counted into ``df``.

    With ``jobs`` > 1 and enough text, the files are analysed by that many forked worker
    processes (they inherit the loaded dictionaries; a sentence seen by two workers is
    analysed twice, with the same result). Elsewhere than on Linux (workers must be forked
    to share the loaded dictionaries), or with a segmenter that has no tagger, one process
    does it all. The index is the same either way.
    """
    if (jobs > 1 and len(files) > 1 and tags is not None
            and sys.platform.startswith("linux")  # fork is unsafe on macOS, absent on Windows
            and sum(p.stat().st_size for p in files) >= PARALLEL_MIN_BYTES):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        jobs = min(jobs, len(files))
        size = max(1, min(_RUN_MAX_FILES, -(-len(files) // (jobs * _CHUNKS_PER_JOB))))
        runs = [files[i:i + size] for i in range(0, len(files), size)]
        # A worker that dies (killed, out of memory) fails the build with BrokenProcessPool
        # instead of leaving it waiting. Ctrl-C is the parent's: on it or on any error (here
        # or in the caller, which closes this generator) the runs not started are dropped and
        # the workers finish the one in hand (killing a worker as it sends a result could
        # leave the pool's reader thread waiting for the rest of it forever).
        with ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), _worker_init,
                                 (keep_words, os.getpid())) as pool:
            try:
                for results, run_df, new_known, new_tokens, run_stats in pool.map(_analyse_run, runs):
                    df.update(run_df)
                    stats.merge(run_stats)
                    for text, value in new_known:
                        known.setdefault(text, value)
                    for text, value in new_tokens:
                        phrase_tokens.setdefault(text, value)
                    yield from results
            finally:
                pool.shutdown(cancel_futures=True)
        return
    for path in files:
        doc, sections = analyse_file(path, known, tags, phrase_tokens)
        vocab: set[str] = set()
        for sec in sections:
            vocab |= sec[9]
        _count_doc(doc, vocab, stats)
        yield doc, sections


def unique_files(files: list[Path], warn: Callable[[str], None]) -> list[Path]:
    """``files`` without those whose ``id:`` an earlier file already has (a copy of a report
    made to start an edited version): each one is named, with the file kept, through
    ``warn``. The id is read as ``store.parse`` reads it."""
    seen: dict[str, Path] = {}
    out = []
    for path in files:
        doc_id = store.load(path).id
        first = seen.setdefault(doc_id, path)
        if first is path:
            out.append(path)
        else:
            warn(f"语料文件 {path} 的 id「{doc_id}」与 {first} 相同：保留 {first.name}，跳过 {path.name}"
                 "（请修改其中一个文件开头的 id:）")
    return out


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


def build(dirs: list[Path], target: Path, sig: str, progress: Optional[Progress] = None,
          train_model: bool = True, jobs: Optional[int] = None,
          warn: Optional[Callable[[str], None]] = None) -> BuildStats:
    """Build the index for ``dirs`` into ``target`` atomically.

    ``train_model``: with labels in the corpus (labels.tsv), train the section classifier,
    store it in the index and fill sections.kind. ``jobs``: worker processes for the
    analysis of a large corpus (``default_jobs()`` when None; 1: none). ``warn``: where the
    files skipped for a duplicate id are named (standard error by default).
    """
    if jobs is None:
        jobs = default_jobs()
    from assistant import segment
    from assistant.classify import labels as labels_mod
    from assistant.suggest import phrases
    from assistant.suggest.neutral import NAME_TAGS, local_name

    t0 = time.perf_counter()
    check_index_path(target)
    remove_stale_builds(target.parent)
    files = unique_files(corpus_files(dirs), warn or _to_stderr)
    origins = _origins(dirs)
    for d in _dict_files(dirs):
        segment.load_userdict(d)
    labels = labels_mod.read_all(dirs) if train_model else {}
    df: Counter[str] = Counter()
    with atomic_path(target, suffix=".building") as tmp:
        conn = sqlite3.connect(tmp)
        try:
            # A page cache of up to 64 MB (SQLite's default is 2 MB): on a large corpus the
            # indexes and FTS5 write all over a file of hundreds of MB,
            # which a small cache turns into a read and a write of a page per insert.
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                               + SCHEMA)
            doc_rows: list[tuple] = []
            sec_rows: list[list] = []
            sent_rows: list[tuple] = []
            sec_id = sent_id = 0
            sec_info: list[tuple] = []  # (doc_id, ordinal, body tokens, context); only to train
            known: dict[str, tuple[str, str, str] | None] = {}  # sentence → phrases.candidate()
            tags = segment.word_tags(local_name, NAME_TAGS)  # after the dictionaries: word → tag
            phrase_tokens: dict[str, str] = {}  # sentence → the tokens the phrase table keeps
            stats = DocStats()  # words per unit type and topic
            analysis = _analysed(files, known, tags, phrase_tokens, df, bool(labels), jobs, stats)
            with contextlib.closing(analysis):  # an error below stops the workers at once
                for doc_no, (doc, sections) in enumerate(analysis, 1):
                    path = files[doc_no - 1]
                    doc_rows.append((doc_no, doc.id, doc.title, doc.unit, doc.type, doc.source, doc.position,
                                     str(path), len(doc.body), doc.topic or None,
                                     "fanwen" if doc.fanwen else origins.get(path.parent, "user")))
                    for s_ord, (role, level, number, heading, line, text, words, context, sentences,
                                vocab, container) in enumerate(sections):
                        sec_id += 1
                        sent_rows += [[sent_id + o, doc_no, sec_id, o - 1, s_line, s_text, s_toks, None]
                                      for o, (s_line, s_text, s_toks) in enumerate(sentences, 1)]
                        sent_id += len(sentences)
                        # " ".join(words): no sentence is without tokens
                        sec_rows.append([sec_id, doc_no, s_ord, role, level, number, heading, line, None, text,
                                         " ".join([s[2] for s in sentences]), container])
                        if labels:
                            sec_info.append((doc.id, s_ord, words, context))
                        if vocab is not None:
                            df.update(vocab)
                    if progress:
                        progress(doc_no, len(files))
            model_key = _assign_kinds(conn, labels, sec_rows, sec_info, target) if labels else None
            if model_key is None:
                _keyword_kinds(sec_rows)  # no model: the curated keyword rules give the kinds
            insert_rows(conn, "documents", 11, doc_rows)
            insert_rows(conn, "sections", 12, sec_rows)
            insert_rows(conn, "tokens", 2, df.items())
            fitness = _fitness(conn, stats, doc_rows, sec_rows, tags, sent_rows)
            # The phrase table reads the sentences with their section and document from memory
            # (the same rows as phrases._ROWS in the same order).
            phrase_rows = ((s_text, s_toks, s_line, o, sec_rows[sec - 1][8], sec_rows[sec - 1][3],
                            sec_rows[sec - 1][6], doc_rows[doc - 1][3], doc_rows[doc - 1][1], doc_rows[doc - 1][9],
                            doc_rows[doc - 1][10] == "fanwen")
                           for _, doc, sec, o, s_line, s_text, s_toks, _ in sent_rows)
            phrase_of = phrases.build(conn, phrase_rows, known, phrase_tokens, fitness)
            for row in sent_rows:
                row[7] = phrase_of.get(row[5])
            insert_rows(conn, "sentences", 8, sent_rows)
            conn.executescript(POST_INDEX)
            conn.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [("signature", sig), ("schema", SCHEMA_VERSION), ("built_at", str(int(time.time()))),
                 ("dirs", "\n".join(str(d) for d in dirs)), ("segmenter", segment.backend_name())]
                + ([("model_inputs", model_key)] if model_key else []),
            )
            conn.commit()
        finally:
            conn.close()
    _record_sound(target)
    return BuildStats(target, len(files), len(sec_rows), len(sent_rows), sum(r[8] for r in doc_rows),
                      time.perf_counter() - t0, True)


def _origins(dirs: list[Path]) -> dict[Path, str]:
    """Where each folder's reports come from: the shipped corpus, a plugin's 范文, the user."""
    shipped_corpus = paths.shipped("corpus").resolve()
    out: dict[Path, str] = {}
    for d in dirs:
        d = Path(d)
        origin = "fanwen" if d.name == store.FANWEN else ("shipped" if d.resolve() == shipped_corpus else "user")
        out[d] = origin
        out[d / store.REPORTS] = origin
        out[d / store.OTHER] = origin
    return out


def _fitness(conn: sqlite3.Connection, stats: DocStats, doc_rows: list[tuple], sec_rows: list[list],
             tags: Optional["WordTags"], sent_rows: list[list]):
    """The unit and topic marks (declared by the plugins, learned from these reports), stored
    in the ``marks`` table, and what the phrase table needs to tell what each phrase serves."""
    from assistant.suggest.phrases import Fitness
    from assistant.units import all_topics, all_units
    from assistant.units import fitness as fit

    units, topics = all_units(), all_topics()
    keep = tuple(dict.fromkeys(k for u in units for k in u.keep))
    reports = {r[0] for r in doc_rows if r[4] == "report"}
    texts: dict[int, list[str]] = {}
    for row in sec_rows:
        if row[1] in reports:
            texts.setdefault(row[1], []).append(row[9] or "")
    if tags is not None:
        stats.tags = _tags_of(stats, tags)
    declared = {"unit": fit.declared_unit_marks(units), "topic": fit.declared_topic_marks(topics)}
    safe = fit.safe_words(units)
    cands = {scope: fit.learned_candidates(stats, declared[scope], scope, safe) for scope in declared}
    words = set().union(*declared.values(), *cands.values())
    counts = fit.substring_counts(words, ((doc_rows[d - 1][3], doc_rows[d - 1][9], "\n".join(t),
                                           fit.FANWEN_WEIGHT if doc_rows[d - 1][10] == "fanwen" else 1)
                                          for d, t in texts.items()))
    insert_rows(conn, "topic_words", 3, _topic_words(stats))
    tokens: dict[int, list[str]] = {}
    for row in sent_rows:
        if row[1] in reports and doc_rows[row[1] - 1][10] != "fanwen":  # a 范文 names no place
            tokens.setdefault(row[1], []).append(row[6])
    insert_rows(conn, "doc_names", 2, ((d, name) for d, t in tokens.items() for name in own_place_names(" ".join(t))))
    tables = []
    for scope, names in (("unit", [u.name for u in units]), ("topic", [t.name for t in topics])):
        shields = fit.unit_shields(units, topics) if scope == "unit" else keep
        table = fit.build_table(scope, declared[scope], names, shields, cands[scope], counts)
        insert_rows(conn, "marks", 3, [(scope, w, t) for w, t in table.to_rows()])
        tables.append(table)
    return Fitness(*tables)


# a word the segmenter cuts before 社区/村/镇…, in the space-joined tokens of a report
_PLACE = re.compile(r"(?:^| )([\u4e00-\u9fff]{2,4}) (?:社区|村委会|村|镇|乡|街道|小区)(?= |$)")
# what stands before 社区/村/镇 as a kind, not a name: 帮扶村, 示范社区, 老旧小区…
_GENERIC_PLACE = frozenset("""帮扶 重点 示范 试点 贫困 脱贫 行政 自然 城市 农村 城乡 和谐 平安 文明 美丽 幸福 智慧 绿色 老旧
安置 搬迁 结对 定点 先进 软弱 涣散 薄弱 集体 全镇 全村 全县 各个 所在 所属 辖区 本镇 本村 该村 该镇 相关 周边 附近 偏远
山区 沿河 边境 易地 移民 新型 传统 特色 旅游 生态 宜居 民族 少数 革命 老区 中心 集镇 乡镇 村级 社区 街道 城镇 城郊 近郊
无疫 疫区 封控 管控 防范 涉疫 居民 住宅 商品 保障 公租 廉租 定点帮扶 结对帮扶 乡村振兴 示范点 每个 所有 全体 其他 一个
下沉 深入 走进 进入 驻守 包保 联系 覆盖 服务 走访 回到 返回 来到 前往""".split())


def place_names(conn: sqlite3.Connection, doc_id: str) -> tuple[str, ...]:
    """The own place names the index found in the report ``doc_id`` (see ``own_place_names``)."""
    try:
        rows = conn.execute("SELECT n.name FROM doc_names n JOIN documents d ON d.id = n.doc WHERE d.doc_id = ?",
                            (doc_id,)).fetchall()
    except sqlite3.DatabaseError:
        return ()
    return tuple(sorted((r[0] for r in rows), key=len, reverse=True))


def hide_names(text: str, names: Sequence[str]) -> str:
    """``text`` with a report's own place names as ××."""
    for name in names:
        text = text.replace(name, "××")
    return text


def own_place_names(tokens: str) -> list[str]:
    """The names a report keeps using for its own place (``tokens``: its sentences' space-
    joined tokens): a word cut before 社区/村/镇… three times or more, no kind of place (帮扶村)."""
    from collections import Counter

    counts = Counter(m.group(1) for m in _PLACE.finditer(tokens))
    return sorted(w for w, n in counts.items() if n >= 3 and w not in _GENERIC_PLACE)


def _topic_words(stats: DocStats) -> Iterator[tuple[str, str, int]]:
    """(word, topic, reports) for the words two reports or more use; topic '' is the total,
    and the word '' gives each topic's number of reports."""
    by_topic: dict[str, Counter] = {}
    docs: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for (_, topic), counter in stats.words.items():
        total.update(counter)
        if topic:  # a report of no known topic counts in the total only
            by_topic.setdefault(topic, Counter()).update(counter)
    for (_, topic), n in stats.docs.items():
        docs[topic] += n
    for topic, n in docs.items():
        if topic:
            yield "", topic, n
    yield "", "", sum(docs.values())
    for word, n in total.items():
        if n < 2 or not word.strip():
            continue
        yield word, "", n
        for topic, counter in by_topic.items():
            k = counter.get(word)
            if k:
                yield word, topic, k


def _tags_of(stats: DocStats, tags: "WordTags") -> dict[str, str]:
    """Parts of speech of the words seen in enough reports to be learned as marks."""
    from assistant.units.fitness import MIN_DOCS

    seen: Counter[str] = Counter()
    for counter in stats.words.values():
        seen.update(counter)
    words = [w for w, n in seen.items() if n >= MIN_DOCS]
    tags.learn(set(words))
    return {w: tags.tag.get(w, "x") for w in words}


def _assign_kinds(conn: sqlite3.Connection, labels: dict, sec_rows: list[list], sec_info: list,
                  previous: Optional[Path] = None) -> Optional[str]:
    """Labelled sections take their label; a model trained on them predicts the rest.

    sec_rows[i][8] is the kind column; the model is saved into the index. Returns the key
    of what the model was trained on (None when there is no model). When ``previous`` (the
    index being replaced) holds a model trained on exactly the same sections, features and
    labels, that model is reused: adding reports without labels retrains nothing, and
    needs no scikit-learn.
    """
    from assistant.classify import labels as labels_mod
    from assistant.classify.features import raw_features

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
        return None
    key = _training_key(samples, ys, groups)
    model = _previous_model(previous, key)
    if model is None:
        from assistant.classify.model import train

        model = train(samples, ys, groups)
    model.save(conn)
    for i in unlabelled:
        sec_rows[i][8] = model.predict(feats_of[i])[0]
    return key


def _keyword_kinds(sec_rows: list[list]) -> None:
    """Kinds from the curated keyword rules for the sections the labels and the model left
    without one (a corpus without labels.tsv): drafts and suggestions need a kind."""
    from assistant.classify import keywords

    for row in sec_rows:
        if row[8] is None:
            row[8] = keywords.predict(row[6], row[9] or "", row[3])


def _training_key(samples: list[dict[str, float]], ys: list[str], groups: list[str]) -> str:
    """A digest of everything training depends on: the samples in order, the training
    settings and the index schema."""
    from assistant.classify import model

    h = hashlib.sha256(json.dumps([SCHEMA_VERSION, model.C, model.FOLDS]).encode())
    for feats, y, g in zip(samples, ys, groups):
        h.update(json.dumps([y, g, sorted(feats.items())], ensure_ascii=False).encode())
    return h.hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _previous_model(path: Optional[Path], key: str):  # noqa: ANN202
    """A model trained on ``key`` from the index at ``path`` or, failing that, from another
    index beside it (another set of corpus folders with the same labelled sections, as the
    shipped corpus alone and with the user's reports); None if there is none."""
    from assistant.classify.model import LinearModel

    if path is None:
        return None
    others = sorted((p for p in path.parent.glob("index-*.sqlite") if p != path), key=_mtime, reverse=True)
    for candidate in [path, *others[:8]]:
        if not candidate.is_file():
            continue
        try:
            conn = _connect_ro(candidate)
            try:
                if _meta(conn).get("model_inputs") == key:
                    return LinearModel.load(conn)
            finally:
                conn.close()
        except (sqlite3.DatabaseError, OSError):
            continue
    return None


# --- queries used by `corpus stats` and `corpus list` ------------------------------------------

def stats(conn: sqlite3.Connection) -> dict:
    one = lambda q: conn.execute(q).fetchone()[0]  # noqa: E731
    by_unit = {u: n for u, n in conn.execute(
        "SELECT unit, COUNT(*) FROM documents WHERE type='report' GROUP BY unit ORDER BY COUNT(*) DESC, unit")}
    by_kind = {k: n for k, n in conn.execute(
        "SELECT kind, COUNT(*) FROM sections WHERE kind IS NOT NULL GROUP BY kind ORDER BY COUNT(*) DESC, kind")}
    by_topic = {t or "": n for t, n in conn.execute(
        "SELECT topic, COUNT(*) FROM documents WHERE type='report' GROUP BY topic ORDER BY COUNT(*) DESC, topic")}
    by_origin = {o or "": n for o, n in conn.execute(
        "SELECT origin, COUNT(*) FROM documents WHERE type='report' GROUP BY origin ORDER BY COUNT(*) DESC, origin")}
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


def list_documents(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT d.doc_id, d.title, d.unit, d.topic, d.origin, d.type, d.source, d.position, d.chars, "
        "(SELECT COUNT(*) FROM sections s WHERE s.doc=d.id) AS sections FROM documents d ORDER BY d.id")
    return [dict(r) for r in rows]

