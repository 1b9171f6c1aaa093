"""The index build pipeline: from a corpus's reports to the rows of its index.

It reads the reports of a :class:`~assistant.corpus.source.Source` (corpus folders, a
database), finds each report's outline, sections and sentences, segments them, folds the
sentences into phrases, learns the unit and topic marks and what each phrase serves, trains
(or reuses) the section classifier and gives every section its kind, and writes all of it
through a backend's :class:`~assistant.backends.IndexWriter` — it never speaks SQL. Which
backend stores the index, and how it swaps the new one in, is the backend's business.

Sentences carry their jieba tokens (space-joined) and the phrases a full-text index over
them; ``tokens`` holds section frequencies (df) for TF-IDF weights.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from itertools import chain, filterfalse, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from assistant.backends import BuildStats, IndexWriter
from assistant.backends.rows import DocRow, MarkRow, SectionRow, SentenceRow
from assistant.corpus import store
from assistant.corpus.source import Source, Stamps, files_fingerprint
from assistant.units.fitness import DocStats

if TYPE_CHECKING:
    from assistant.classify.model import LinearModel
    from assistant.segment import WordTags

SCHEMA_VERSION = "27"  # bump when the index content changes: tables, outline, features, model

# A sentence: up to and including its end mark; a line end also ends one.
SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]|[^。！？；!?;\n]+")

Progress = Callable[[int, int], None]  # (done, total)


def plugin_files() -> list[Path]:
    """The data files of the plugins in use: their words decide what a sentence serves."""
    from assistant.units import all_topics, all_units

    found = [x.source for x in (*all_units(), *all_topics()) if x.source is not None]
    return sorted({Path(p) for p in found if Path(p).is_file()}, key=str)


def signature(source: Source, stamps: Stamps) -> str:
    """A hash of everything the index is built from: the schema, the corpus (its reports,
    labels and dictionaries: ``source.fingerprint``), the kinds' cue lists the features count
    and the plugins' data. Files are hashed only when their stamp changed (``Stamps``)."""
    from assistant.classify import KINDS_FILE

    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    h.update(source.fingerprint(stamps).encode())
    h.update(files_fingerprint("plugins", [KINDS_FILE, *plugin_files()], stamps).encode())
    return h.hexdigest()


class _Trace:
    """With ASSIST_BUILD_TRACE=1: each step's time and the process's memory, on stderr."""

    def __init__(self) -> None:
        self.on = os.environ.get("ASSIST_BUILD_TRACE") == "1"
        self.t = time.perf_counter()

    def __call__(self, step: str) -> None:
        if not self.on:
            return
        import resource

        now = time.perf_counter()
        try:
            with open("/proc/self/statm") as fh:
                rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except OSError:
            rss = 0.0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sys.stderr.write(f"[build] {step:14} {now - self.t:7.2f} s  rss {rss:6.0f} MiB  peak {peak:6.0f} MiB\n")
        self.t = now


def _to_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def sentence_spans(text: str) -> Iterable[tuple[int, str]]:
    """(offset, sentence) for each non-blank sentence of ``text``."""
    for m in SENTENCE.finditer(text):
        sent = m.group()
        if not sent.isspace():
            yield m.start(), sent


def analyse_file(path: Path, known: Optional[dict] = None, tags: Optional[WordTags] = None,
                 phrase_tokens: Optional[dict] = None) -> tuple:
    """``analyse_doc`` of a corpus file."""
    return analyse_doc(store.load(path), known, tags, phrase_tokens)


def analyse_doc(doc: store.StoredDoc, known: Optional[dict] = None, tags: Optional[WordTags] = None,
                phrase_tokens: Optional[dict] = None) -> tuple:
    """Everything the index needs from one corpus document.

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


def _worker_init(source: Source, kinds: "Kinds", parent: Optional[int] = None) -> None:
    import signal

    from assistant import segment
    from assistant.suggest.neutral import NAME_TAGS, local_name

    if parent is not None and sys.platform.startswith("linux"):
        _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker.update(source=source, kinds=kinds, known={}, tokens={}, tags=segment.word_tags(local_name, NAME_TAGS))


def _analyse_run(refs: list) -> tuple[list, Counter, list, DocStats]:
    """In a worker: ``_analyse_refs`` with the worker's own tables of known sentences and word
    tags. Returns the results, the run's document frequencies and word counts, and the phrase
    candidates of the run's sentences. What is sent back is kept small (unpickling is on the
    main process's path): each section's vocabulary and words are counted here, not sent."""
    known, tags = _worker["known"], _worker["tags"]
    df: Counter[str] = Counter()
    stats = DocStats()
    out = _analyse_refs(_worker["source"], refs, known, tags, None, _worker["kinds"], df, stats)
    run_known = {s[1]: known[s[1]] for _, sections, _ in out for sec in sections for s in sec[8]
                 if s[1] in known}
    if len(known) > KNOWN_MAX:
        known.clear()
    return out, df, list(run_known.items()), stats


def _analyse_refs(source: Source, refs: list, known: dict, tags: Optional["WordTags"], tokens: dict,
                  kinds: "Kinds", df: Counter, stats: DocStats) -> list[tuple]:
    """(doc, sections, kinds) of each report of ``refs``: ``analyse_doc``, each section's kind
    (``Kinds``), its words counted into ``df`` and ``stats`` and dropped."""
    done = [analyse_doc(source.load(ref), known, tags, tokens) for ref in refs]
    return [(doc, _counted(doc, sections, df, stats), k) for (doc, sections), k in zip(done, kinds.of(done))]


def _counted(doc: store.StoredDoc, sections: list, df: Counter, stats: DocStats) -> list:
    """Count the sections' vocabularies into ``df`` and the report's into ``stats``; the sections
    without their words and vocabulary (which the rest of the build does not need)."""
    vocab: set[str] = set()
    for sec in sections:
        df.update(sec[9])
        vocab |= sec[9]
    _count_doc(doc, vocab, stats)
    return [sec[:6] + (None,) + sec[7:9] + (None,) + sec[10:] for sec in sections]


def _count_doc(doc: store.StoredDoc, vocab: set[str], stats: DocStats) -> None:
    """A report's words, counted for its unit type and topic."""
    if doc.type == "report":
        stats.add(doc.unit, doc.topic, vocab)


_LOCAL_RUN = 32  # one process: reports analysed (and their unlabelled sections predicted) together
KNOWN_MAX = 60_000  # sentences whose phrase candidate is remembered (for the sentences that recur)


def _analysed(source: Source, files: list, known: dict, tags: Optional["WordTags"], phrase_tokens: dict,
              df: Counter, jobs: int, stats: DocStats, kinds: "Kinds",
              done: Optional[dict[int, tuple]] = None) -> Iterator[tuple]:
    """(doc, sections, kinds) for each report of ``source`` (``files``: its refs), in order,
    filling ``known`` and ``phrase_tokens``, counting words into ``df`` and ``stats``.
    ``done``: file index → (doc, sections) of the reports already analysed (the labelled ones).

    With ``jobs`` > 1 and enough text, the files are analysed by that many forked worker
    processes (they inherit the loaded dictionaries and the classifier; a sentence seen by two
    workers is analysed twice, with the same result). Elsewhere than on Linux (workers must be
    forked to share the loaded dictionaries), or with a segmenter that has no tagger, one
    process does it all. The index is the same either way.
    """
    done = done or {}
    todo = [k for k in range(len(files)) if k not in done]

    def ready(k: int) -> tuple:
        doc, sections = done.pop(k)
        return doc, _counted(doc, sections, df, stats), kinds.of([(doc, sections)])[0]

    if (jobs > 1 and len(todo) > 1 and tags is not None
            and sys.platform.startswith("linux")  # fork is unsafe on macOS, absent on Windows
            and sum(source.size(files[k]) for k in todo) >= PARALLEL_MIN_BYTES):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        jobs = min(jobs, len(todo))
        size = max(1, min(_RUN_MAX_FILES, -(-len(todo) // (jobs * _CHUNKS_PER_JOB))))
        runs = [todo[i:i + size] for i in range(0, len(todo), size)]
        # A worker that dies (killed, out of memory) fails the build with BrokenProcessPool
        # instead of leaving it waiting. Ctrl-C is the parent's: on it or on any error (here
        # or in the caller, which closes this generator) the runs not started are dropped and
        # the workers finish the one in hand (killing a worker as it sends a result could
        # leave the pool's reader thread waiting for the rest of it forever).
        with ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), _worker_init,
                                 (source, kinds, os.getpid())) as pool:
            try:
                k = 0
                for run, (results, run_df, new_known, run_stats) in zip(
                        runs, pool.map(_analyse_run, [[files[i] for i in run] for run in runs])):
                    while k < run[0]:  # the reports done before, in their place
                        yield ready(k)
                        k += 1
                    df.update(run_df)
                    stats.merge(run_stats)
                    if len(known) > KNOWN_MAX:
                        known.clear()  # what the runs before needed (the run brings its own)
                    for text, value in new_known:
                        known.setdefault(text, value)
                    yield from results
                    k = run[-1] + 1
                while k < len(files):
                    yield ready(k)
                    k += 1
            finally:
                pool.shutdown(cancel_futures=True)
        return
    k = 0
    while k < len(files):
        if k in done:
            yield ready(k)
            k += 1
            continue
        if len(known) > KNOWN_MAX:
            known.clear()  # a sentence seen again is analysed again, as it was the first time
        run = []
        while k < len(files) and k not in done and len(run) < _LOCAL_RUN:
            run.append(files[k])
            k += 1
        yield from _analyse_refs(source, run, known, tags, phrase_tokens, kinds, df, stats)


def build(source: Source, writer: IndexWriter, sig: str, progress: Optional[Progress] = None,
          train_model: bool = True, jobs: Optional[int] = None, warn: Optional[Callable[[str], None]] = None,
          previous_model: Optional[Callable[[str], Optional["LinearModel"]]] = None,
          where: object = None) -> BuildStats:
    """Build the index of ``source`` through ``writer`` and commit it.

    ``train_model``: with labels in the corpus (labels.tsv), train the section classifier,
    store it in the index and fill sections.kind. ``jobs``: worker processes for the
    analysis of a large corpus (``default_jobs()`` when None; 1: none). ``warn``: where the
    reports skipped for a duplicate id are named (standard error by default).
    ``previous_model(key)``: a model already trained on exactly these labelled sections
    (the index being replaced keeps it), to reuse. ``where``: the BuildStats' path.
    On any error the writer is aborted and the previous index stays.
    """
    try:
        return _build(source, writer, sig, progress, train_model, jobs, warn, previous_model, where)
    except BaseException:
        writer.abort()
        raise


ROWS_BATCH = 4096  # rows written to the index at a time


def _build(source: Source, writer: IndexWriter, sig: str, progress: Optional[Progress], train_model: bool,
           jobs: Optional[int], warn: Optional[Callable[[str], None]],
           previous_model: Optional[Callable[[str], Optional["LinearModel"]]], where: object) -> BuildStats:
    """1. The labelled reports are analysed first, and the classifier trained on their labelled
    sections (or reused); 2. every report, in order, is analysed (in workers on a large corpus),
    each section given its kind as it is analysed; documents, sections and sentences are written
    as they come, the phrase table filled; 3. the marks, then the phrases with what each serves."""
    if jobs is None:
        jobs = default_jobs()
    from assistant import segment
    from assistant.corpus.places import own_place_names
    from assistant.suggest.phrases import PhraseTable
    from assistant.suggest.neutral import NAME_TAGS, local_name

    t0 = time.perf_counter()
    trace = _Trace()
    files = source.refs(warn or _to_stderr)
    for d in source.dictionaries():
        segment.load_userdict(d)
    labels = source.labels() if train_model else {}
    df: Counter[str] = Counter()
    known: dict[str, tuple[str, str, str] | None] = {}  # sentence → phrases.candidate()
    tags = segment.word_tags(local_name, NAME_TAGS)  # after the dictionaries: word → tag
    stats = DocStats()  # words per unit type and topic
    done: dict[int, tuple] = {}
    model_key = None
    model = None
    if labels:
        model, model_key, done = _classifier(source, files, labels, known, tags, None, writer, previous_model)
        trace("classifier")
    kinds = Kinds(labels, model)
    table = PhraseTable(known)
    # the report texts (for the marks) and what the marks need of each report
    texts: list[tuple[str, str, str, int]] = []
    doc_names: list[tuple[int, str]] = []  # (document, one of its own place names)
    doc_rows: list[DocRow] = []
    sec_rows: list[SectionRow] = []
    sent_rows: list[SentenceRow] = []
    n_docs = n_secs = n_sents = chars = 0

    def flush() -> None:
        writer.add_documents(doc_rows)
        writer.add_sections(sec_rows)
        writer.add_sentences(sent_rows)
        doc_rows.clear()
        sec_rows.clear()
        sent_rows.clear()

    analysis = _analysed(source, files, known, tags, None, df, jobs, stats, kinds, done)
    add = table.add
    try:
        for doc_no, (doc, sections, sec_kinds) in enumerate(analysis, 1):
            ref = files[doc_no - 1]
            origin = source.origin(ref, doc)
            fanwen = origin == "fanwen"
            doc_rows.append(DocRow(doc_no, doc.id, doc.title, doc.unit, doc.type, doc.source, doc.position,
                                   source.path_of(ref), len(doc.body), doc.topic or None, origin))
            chars += len(doc.body)
            topic = doc.topic or None
            for s_ord, ((role, level, number, heading, line, text, _, _, sentences, _, container), kind) in \
                    enumerate(zip(sections, sec_kinds)):
                n_secs += 1
                for o, (s_line, s_text, s_toks) in enumerate(sentences):
                    n_sents += 1
                    sent_rows.append(SentenceRow(n_sents, doc_no, n_secs, o, s_line, s_text, s_toks,
                                                 add(s_text, s_toks, s_line, o, kind, role, heading, doc.unit,
                                                     doc.id, topic, fanwen)))
                # " ".join(words): no sentence is without tokens
                sec_rows.append(SectionRow(n_secs, doc_no, s_ord, role, level, number, heading, line, kind, text,
                                           " ".join([s[2] for s in sentences]), container))
            if doc.type == "report" and sections:
                texts.append((doc.unit, doc.topic or None, "\n".join(sec[5] or "" for sec in sections),
                              _fit_weight(fanwen)))
                if not fanwen:  # a 范文 names no place
                    doc_names += [(doc_no, name) for name in own_place_names(
                        " ".join(s[2] for sec in sections for s in sec[8]))]
            n_docs = doc_no
            if len(sent_rows) >= ROWS_BATCH:
                flush()
            if progress:
                progress(doc_no, len(files))
    finally:
        analysis.close()  # an error above stops the workers at once
    flush()
    fixes = table.fixes()
    if fixes:
        writer.set_phrases(fixes)
    known.clear()  # the phrase table has what it needs of the sentences
    trace("analysis, rows")
    writer.add_tokens(df.items())
    del df
    writer.add_doc_names(doc_names)
    fitness = _fitness(writer, stats, texts, tags, jobs)
    del texts
    trace("marks")
    writer.add_phrases(table.rows(fitness, jobs))
    trace("phrases")
    writer.commit({"signature": sig, "schema": SCHEMA_VERSION, "built_at": str(int(time.time())),
                   "dirs": source.describe(), "segmenter": segment.backend_name(),
                   **({"model_inputs": model_key} if model_key else {})})
    trace("commit")
    return BuildStats(where, n_docs, n_secs, n_sents, chars, time.perf_counter() - t0, True)


def _fit_weight(fanwen: bool) -> int:
    from assistant.units.fitness import FANWEN_WEIGHT

    return FANWEN_WEIGHT if fanwen else 1


class Kinds:
    """Each section's kind: its label (labels.tsv, when the heading matches), else the model's
    prediction, else (no model) the curated keyword rules. Sent to the worker processes."""

    def __init__(self, labels: dict, model: Optional["LinearModel"]) -> None:
        self.labels = labels
        self.model = model

    def of(self, analysed: list[tuple]) -> list[list[Optional[str]]]:
        """The kinds of the sections of each (doc, sections) of ``analysed`` (sections with their
        words); the unlabelled sections of all of them predicted together."""
        from assistant.classify import labels as labels_mod

        out: list[list[Optional[str]]] = []
        todo: list[tuple[int, int, dict]] = []
        for d, (doc, sections) in enumerate(analysed):
            kinds: list[Optional[str]] = []
            for s_ord, sec in enumerate(sections):
                role, heading, text = sec[0], sec[3], sec[5]
                lab = self.labels.get((doc.id, s_ord))
                if lab is not None and lab.heading == labels_mod.section_key_heading(role, heading):
                    kinds.append(lab.kind)
                elif self.model is not None:
                    from assistant.classify.features import raw_features

                    kinds.append(None)
                    todo.append((d, s_ord, raw_features(heading, text, role, tokens=sec[6], context=sec[7])))
                else:
                    from assistant.classify import keywords

                    kinds.append(keywords.predict(heading, text or "", role))
            out.append(kinds)
        if todo:
            for (d, s_ord, _), kind in zip(todo, self.model.kinds_many([f for _, _, f in todo])):
                out[d][s_ord] = kind
        return out


def _classifier(source: Source, files: list, labels: dict, known: dict, tags: Optional["WordTags"],
                phrase_tokens: dict, writer: IndexWriter,
                previous_model: Optional[Callable[[str], Optional["LinearModel"]]]):  # noqa: ANN202
    """The reports that hold labelled sections are analysed first (in index order), and a
    model is trained on those sections — or, when ``previous_model(key)`` gives one trained on
    exactly the same sections, features and labels, that one is reused: adding reports
    without labels retrains nothing, and needs no scikit-learn. The model is saved into the
    index. Returns (model or None, the key of what it learned, file index → (doc, sections)
    of the reports analysed)."""
    ids = {doc_id for doc_id, _ in labels}
    done: dict[int, tuple] = {}
    for k, ref in enumerate(files):
        doc = source.load(ref)
        if doc.id in ids:
            done[k] = analyse_doc(doc, known, tags, phrase_tokens)
    # the rows of their sections (ids counted over these reports: a report's number is its place)
    sec_rows, sec_info = [], []
    for k, (doc, sections) in done.items():
        for s_ord, sec in enumerate(sections):
            sec_rows.append([len(sec_rows) + 1, k + 1, s_ord, sec[0], sec[1], sec[2], sec[3], sec[4], None, sec[5],
                             " ".join(s[2] for s in sec[8]), sec[10]])
            sec_info.append((doc.id, s_ord, sec[7]))
    model, key = _assign_kinds(writer, labels, sec_rows, sec_info, previous_model)
    return model, key, done


def _assign_kinds(writer: IndexWriter, labels: dict, sec_rows: list[list], sec_info: list,
                  previous_model: Optional[Callable[[str], Optional["LinearModel"]]] = None):  # noqa: ANN202
    """The model trained on the labelled ones of these sections (sec_rows[i]: a section row's
    columns, [10] its tokens; sec_info[i]: (doc id, ordinal, context)), saved into the index,
    and the key of what it learned; (None, None) when there is too little to learn from."""
    from assistant.classify import labels as labels_mod
    from assistant.classify.features import raw_features

    samples, ys, groups = [], [], []
    for row, (doc_id, s_ord, context) in zip(sec_rows, sec_info):
        role, heading = row[3], row[6]
        lab = labels.get((doc_id, s_ord))
        if lab is not None and lab.heading == labels_mod.section_key_heading(role, heading):
            samples.append(raw_features(heading, row[9], role, tokens=_words(row), context=context))
            ys.append(lab.kind)
            groups.append(doc_id)
    if len(set(ys)) < 2 or len(set(groups)) < 2:
        return None, None
    key = training_key(samples, ys, groups)
    model = previous_model(key) if previous_model is not None else None
    if model is None:
        from assistant.classify import model as model_mod

        model = model_mod.train_apart(samples, ys, groups)
    writer.save_model(model)
    return model, key


def _words(row: list) -> list[str]:
    """A section's words, as the analysis cut them: its tokens (space-joined; no token holds
    a space)."""
    return row[10].split(" ") if row[10] else []


def _fitness(writer: IndexWriter, stats: DocStats, texts: list[tuple[str, Optional[str], str, int]],
             tags: Optional["WordTags"], jobs: int = 1):
    """The unit and topic marks (declared by the plugins, learned from these reports), stored
    in the ``marks`` table, and what the phrase table needs to tell what each phrase serves.
    ``texts``: (unit, topic, text, weight) of each report."""
    from assistant.suggest.phrases import Fitness
    from assistant.units import all_topics, all_units
    from assistant.units import fitness as fit

    units, topics = all_units(), all_topics()
    keep = tuple(dict.fromkeys(k for u in units for k in u.keep))
    if tags is not None:
        stats.tags = _tags_of(stats, tags)
    declared = {"unit": fit.declared_unit_marks(units), "topic": fit.declared_topic_marks(topics)}
    safe = fit.safe_words(units)
    cands = {scope: fit.learned_candidates(stats, declared[scope], scope, safe) for scope in declared}
    words = set().union(*declared.values(), *cands.values())
    counts = fit.substring_counts(words, texts, jobs)
    writer.add_topic_words(_topic_words(stats))
    tables = []
    for scope, names in (("unit", [u.name for u in units]), ("topic", [t.name for t in topics])):
        shields = fit.unit_shields(units, topics) if scope == "unit" else keep
        table = fit.build_table(scope, declared[scope], names, shields, cands[scope], counts)
        writer.add_marks([MarkRow(scope, w, t) for w, t in table.to_rows()])
        tables.append(table)
    return Fitness(*tables)


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


def training_key(samples: list[dict[str, float]], ys: list[str], groups: list[str]) -> str:
    """A digest of everything training depends on: the samples in order, the training
    settings and the index schema."""
    from assistant.classify import model

    h = hashlib.sha256(json.dumps([SCHEMA_VERSION, model.C, model.FOLDS, model.SEED]).encode())
    for feats, y, g in zip(samples, ys, groups):
        h.update(json.dumps([y, g, sorted(feats.items())], ensure_ascii=False).encode())
    return h.hexdigest()
