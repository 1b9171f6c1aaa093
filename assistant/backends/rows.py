"""The rows of an index, typed: what every backend stores and returns.

Named tuples: their fields are the columns in the order the tables have them (a backend
inserts them as they are), and a reader names what it uses (``row.kind``, not ``row[8]``).
"""

from __future__ import annotations

from typing import NamedTuple, Optional


class DocRow(NamedTuple):
    id: int
    doc_id: str
    title: str
    unit: str
    type: str
    source: str
    position: int
    path: str  # the corpus file (folders) or the stored report's key (a database)
    chars: int
    topic: Optional[str]  # the topic plugin's name (the file's header, else inferred)
    origin: str  # shipped (the corpus that ships), fanwen (a plugin's 范文) or user


class SectionRow(NamedTuple):
    id: int
    doc: int
    ord: int
    role: str
    level: int
    number: Optional[str]
    heading: Optional[str]
    line: int
    kind: Optional[str]
    text: str
    tokens: str  # space-joined
    container: Optional[int]  # line of the heading whose children it is (outline.Section.container)


class SentenceRow(NamedTuple):
    id: int
    doc: int
    section: int
    ord: int
    line: int
    text: str
    tokens: str
    phrase: Optional[int]  # the phrase of its neutral form (None: it makes no phrase)


class PhraseRow(NamedTuple):
    id: int
    key: str
    text: str
    neutral: str
    kind: Optional[str]
    unit: Optional[str]
    units: str
    docs: int
    occurrences: int
    doc_id: str
    line: int
    heading: int
    tokens: str
    topic: Optional[str]
    topics: str
    fit_units: str  # assistant.units.fitness: "*" for all, else ",a,b,"
    fit_topics: str
    flags: str  # the check rules other than placeholder that flag its neutral text


class PhraseHit(NamedTuple):
    """A phrase found for a query, with its BM25 score (lower is better; 0 when not searched)."""

    id: int
    key: str
    text: str
    neutral: str
    kind: Optional[str]
    unit: Optional[str]
    units: str
    docs: int
    occurrences: int
    doc_id: str
    line: int
    heading: int
    tokens: str
    topic: Optional[str]
    topics: str
    fit_units: str
    fit_topics: str
    flags: str
    bm25: float


class MarkRow(NamedTuple):
    scope: str  # unit or topic
    word: str
    types: str  # comma-separated


class PassageRow(NamedTuple):
    """One sentence of a corpus section, with its section, report and phrase (a draft's material)."""

    section: int
    heading: Optional[str]
    kind: Optional[str]
    role: str
    level: int
    number: Optional[str]
    doc_id: str
    unit: Optional[str]
    topic: Optional[str]
    origin: Optional[str]
    sentence: int
    ord: int
    line: int
    text: str
    neutral: Optional[str]
    fit_units: Optional[str]
    fit_topics: Optional[str]
    flags: Optional[str]
    docs: Optional[int]


class TierQuery(NamedTuple):
    """Which reports a tier of draft material comes from (assistant.draft.material): of one of
    ``units``, on ``topic`` (``same_topic``) or not on it (not ``same_topic``; any topic when
    ``topic`` is empty), of ``origin`` when given."""

    units: tuple[str, ...]
    topic: str
    same_topic: bool
    origin: Optional[str] = None
