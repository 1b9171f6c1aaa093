"""Where a corpus lives: its reports and their index, behind one interface.

A *backend* keeps a corpus's reports and the index built from them. Commands never see a
database connection: they open a :class:`Corpus` (``open_corpus``) and read its
:class:`CorpusIndex`; the build pipeline (``assistant.corpus.build``: reading the reports,
outline, segmentation, features, phrases, fitness, training) sits above the backends and
writes through an :class:`IndexWriter`. Every query a backend runs lives in its own package,
with its schema in one file:

* ``sqlite`` (``assistant.backends.sqlite``): corpus folders of text files, the index an
  SQLite file in the user's cache (one person; the default).
* ``postgresql`` (``assistant.backends.postgres``): the reports and the index in a
  PostgreSQL database (a team's shared corpus), ``--corpus postgresql://…``.

A backend registers itself in ``BACKENDS`` (a URL scheme → its module); a locator that is not
a URL is a corpus folder. A third backend is one more package and one more line there.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

from assistant.backends.rows import (DocRow, MarkRow, PassageRow, PhraseHit, PhraseRow, SectionRow,
                                     SentenceRow, TierQuery)

if TYPE_CHECKING:  # pragma: no cover
    from assistant.classify.model import LinearModel
    from assistant.corpus.importer import ImportResult
    from assistant.corpus.source import Source

__all__ = ["BACKENDS", "BuildStats", "Corpus", "CorpusIndex", "DocRow", "IndexWriter", "MarkRow", "PassageRow",
           "PhraseHit", "PhraseRow", "SectionRow", "SentenceRow", "TierQuery", "is_url", "open_corpus"]

# URL scheme → the module whose ``open(locator)`` returns its Corpus (the registration).
BACKENDS: dict[str, str] = {
    "postgresql": "assistant.backends.postgres",
    "postgres": "assistant.backends.postgres",
}

Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class BuildStats:
    path: object  # where the index is (a file path, a database and schema)
    documents: int
    sections: int
    sentences: int
    chars: int
    seconds: float
    rebuilt: bool


class CorpusIndex(ABC):
    """The read side of an index: every query suggest, classify, draft, eval and the corpus
    commands make. Rows are typed (``assistant.backends.rows``)."""

    # --- the corpus ---------------------------------------------------------------------------
    @abstractmethod
    def stats(self) -> dict:
        """Reports, sections, sentences, characters; by unit, topic, origin and kind."""

    @abstractmethod
    def list_documents(self) -> list[dict]:
        """Every document (doc_id, title, unit, topic, origin, type, source, position, chars,
        sections), in index order."""

    @abstractmethod
    def documents(self) -> list[DocRow]:
        """Every document row, in index order."""

    @abstractmethod
    def sections_of(self, doc: int) -> list[SectionRow]:
        """The sections of document ``doc`` (its row id), in order."""

    @abstractmethod
    def load_document(self, doc: DocRow):  # noqa: ANN201 - a store.StoredDoc
        """The stored document (header and text) a document row was built from."""

    @abstractmethod
    def has_reports(self) -> bool:
        ...

    @abstractmethod
    def corpus_topics(self) -> list[tuple[str, int]]:
        """(topic, reports) of the corpus, most reports first."""

    @abstractmethod
    def title_of(self, doc_id: str) -> Optional[str]:
        """The title of the report ``doc_id`` (None if there is none)."""

    @abstractmethod
    def place_names(self, doc_id: str) -> tuple[str, ...]:
        """The report's own place names (``corpus.places``), longest first."""

    @abstractmethod
    def meta(self) -> dict[str, str]:
        ...

    # --- suggest ------------------------------------------------------------------------------
    @abstractmethod
    def n_sections(self) -> int:
        ...

    @abstractmethod
    def token_df(self, tokens: Sequence[str]) -> dict[str, int]:
        """Sections each token occurs in (0 for an unknown token)."""

    @abstractmethod
    def search_phrases(self, tokens: Sequence[str], kinds: Optional[Sequence[str]], limit: int) -> list[PhraseHit]:
        """Phrases matching any of ``tokens`` (each as a prefix), best BM25 first (``bm25``:
        lower is better, as SQLite FTS5 gives it), at most ``limit``."""

    @abstractmethod
    def phrases_by_kind(self, kinds: Sequence[str], limit: int) -> list[PhraseHit]:
        """The most widespread phrases of ``kinds`` that are no heading (bm25 0)."""

    # --- draft --------------------------------------------------------------------------------
    @abstractmethod
    def passages(self, kind: str, role: str, tier: TierQuery, limit: int) -> list[PassageRow]:
        """The sentences of the first ``limit`` report sections (by id) of ``kind`` and ``role``
        whose report matches ``tier``, in section and sentence order, with their phrase."""

    # --- classify and fitness -----------------------------------------------------------------
    @abstractmethod
    def model(self, features: Optional[Iterable[str]] = None) -> Optional["LinearModel"]:
        """The section classifier stored with the index (only the rows of ``features`` when
        given), or None."""

    def has_model(self) -> bool:
        return self.model(()) is not None

    @abstractmethod
    def marks(self, scope: str) -> list[tuple[str, str]]:
        """(word, types) of the unit ('unit') or topic ('topic') marks."""

    @abstractmethod
    def topic_words(self, words: Sequence[str]) -> list[tuple[str, str, int]]:
        """(word, topic, reports) of ``words`` (word '' gives each topic's reports, topic '' all
        topics'); empty for an index without them."""

    def close(self) -> None:
        """Release what the index holds (a connection)."""

    def __enter__(self) -> "CorpusIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class IndexWriter(ABC):
    """The write side, driven by ``assistant.corpus.build``: rows in index order (documents,
    sections and sentences in batches as the reports are analysed), then ``commit`` (the new
    index replaces the old one at once) or ``abort``."""

    @abstractmethod
    def add_documents(self, rows: Sequence[DocRow]) -> None:
        ...

    @abstractmethod
    def add_sections(self, rows: Sequence[SectionRow]) -> None:
        ...

    @abstractmethod
    def add_sentences(self, rows: Sequence[SentenceRow]) -> None:
        ...

    @abstractmethod
    def set_phrases(self, phrase_of: dict[str, int]) -> None:
        """sentences.phrase of every sentence with one of these texts (rare: a text whose phrase
        turned out another than the one its first sentences were written with)."""

    @abstractmethod
    def add_tokens(self, items: Iterable[tuple[str, int]]) -> None:
        ...

    @abstractmethod
    def add_marks(self, rows: Sequence[MarkRow]) -> None:
        ...

    @abstractmethod
    def add_topic_words(self, rows: Iterable[tuple[str, str, int]]) -> None:
        ...

    @abstractmethod
    def add_doc_names(self, rows: Iterable[tuple[int, str]]) -> None:
        """(document id, one of its own place names)."""

    @abstractmethod
    def add_phrases(self, rows: Iterable[PhraseRow]) -> None:
        """The phrase rows, then their full-text index (over ``tokens``)."""

    @abstractmethod
    def save_model(self, model: "LinearModel") -> None:
        ...

    @abstractmethod
    def commit(self, meta: dict[str, str]) -> None:
        ...

    def abort(self) -> None:
        """Drop what was written (the previous index stays)."""


class Corpus(ABC):
    """A corpus: where its reports are (``source()``), where new ones go (``add``), and its
    index, built when missing or stale (``ensure``)."""

    label: str = ""

    @abstractmethod
    def source(self) -> "Source":
        ...

    @abstractmethod
    def ensure(self, progress: Optional[Progress] = None, force: bool = False, jobs: Optional[int] = None,
               warn: Optional[Callable[[str], None]] = None) -> Optional[BuildStats]:
        """Build the index if it is missing, stale or damaged (always with ``force``): its
        BuildStats, or None when it was current."""

    @abstractmethod
    def open_index(self, progress: Optional[Progress] = None) -> CorpusIndex:
        """The up-to-date index (built first if it has to be)."""

    @abstractmethod
    def add(self, paths: Sequence, unit: Optional[str] = None, topic: Optional[str] = None,
            replace: bool = False, progress=None) -> "ImportResult":  # noqa: ANN001
        """``assist corpus add``: import report files into this corpus."""

    def where(self) -> str:
        """Where the index is, for messages."""
        return self.label



def schema_blocks_of(path: Path) -> dict[str, str]:
    """The blocks of a backend's schema.sql by name (``-- @name`` starts one)."""
    import re

    out: dict[str, list[str]] = {}
    cur: Optional[list[str]] = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"-- @(\w+)", line)
        if m:
            cur = out.setdefault(m.group(1), [])
        elif cur is not None:
            cur.append(line)
    return {k: "\n".join(v) + "\n" for k, v in out.items()}


def is_url(locator: object) -> bool:
    return isinstance(locator, str) and "://" in locator


def backend_module(scheme: str):  # noqa: ANN201
    from assistant.errors import InputError

    name = BACKENDS.get(scheme.lower())
    if name is None:
        raise InputError(f"不支持的语料库地址：{scheme}://…（可用：文件夹，或 {'、'.join(sorted(set(BACKENDS)))}://…）")
    return importlib.import_module(name)


def open_corpus(locator: "str | Path | Sequence[Path] | None" = None) -> Corpus:
    """The corpus at ``locator``: a ``scheme://`` URL (a registered backend), a corpus folder,
    a list of folders, or None for the default corpus (the shipped reports, the plugins' 范文,
    the user's own reports), whose index is an SQLite file in the cache."""
    from assistant.backends import sqlite

    if locator is None:
        from assistant.corpus import default_dirs

        return sqlite.FolderCorpus(default_dirs())
    if is_url(locator):
        return backend_module(str(locator).split("://", 1)[0]).open(str(locator))
    if isinstance(locator, (str, Path)):
        return sqlite.FolderCorpus([Path(locator)])
    return sqlite.FolderCorpus([Path(p) for p in locator])


def as_corpus(corpus: "Corpus | str | Path | Sequence[Path] | None") -> Corpus:
    """A Corpus as it is, else ``open_corpus`` of it (folders, a URL, None for the default)."""
    return corpus if isinstance(corpus, Corpus) else open_corpus(corpus)


def iter_chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
