"""Phrase units: the sentences of the corpus, neutralised and folded by near-identity.

Built into the index (table ``phrases`` with an FTS5 table over its tokens).
Sentences that differ only in figures, names, numbering or punctuation share a
key and become one phrase whose ``docs`` counts the reports it occurs in —
phrasing that recurs across reports is the standard phrasing.
"""

from __future__ import annotations

import re
import sqlite3
from itertools import filterfalse
from typing import Iterable

from assistant.outline import CN_DIGITS

PHRASE_SCHEMA = """
CREATE TABLE phrases(
  id INTEGER PRIMARY KEY, key TEXT UNIQUE, text TEXT, neutral TEXT, kind TEXT, unit TEXT, units TEXT,
  docs INTEGER, occurrences INTEGER, doc_id TEXT, line INTEGER, heading INTEGER, tokens TEXT);
CREATE VIRTUAL TABLE phrases_fts USING fts5(tokens, content='phrases', content_rowid='id');
"""

_CN = f"[{CN_DIGITS}]{{1,3}}"
MARKER = re.compile(
    rf"^\s*(?:[（(]\s*(?:{_CN}|\d{{1,2}})\s*[）)]|{_CN}\s*[、.．]|\d{{1,2}}\s*[、.．](?!\d)|"
    rf"{_CN}是[，,：:]?|第{_CN}[，,、：:]|[①-⑳])\s*"
)
_KEY_DROP = re.compile(r"[\s\W_]+")
_KEY_FIG = re.compile(r"(xx|XX|××|\d+|x)")
MIN_CHARS, MAX_CHARS = 8, 160


# What a marker can start with (besides whitespace and decimal digits): a cheap first test.
_MARKER_FIRST = frozenset(CN_DIGITS + "（(第①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")


def strip_marker(text: str) -> str:
    c = text[:1]
    if c and c not in _MARKER_FIRST and not c.isspace() and not c.isdecimal():
        return text.strip()
    return MARKER.sub("", text, count=1).strip()


_KEY_FIG_FIRST = re.compile(r"[xX×\d]")  # what every _KEY_FIG match starts with


def phrase_key(neutral: str) -> str:
    if _KEY_FIG_FIRST.search(neutral):  # most sentences have no figure: skip the slower sub
        neutral = _KEY_FIG.sub("0", neutral)
    return _KEY_DROP.sub("", neutral)


# Characters that jieba's segmenter keeps inside one block of text (CJK, ASCII letters and
# digits, +#&._%-), conservatively: any other character ends a block, and jieba segments
# each block on its own.
_BLOCK_PUNCT = frozenset("+#&._%-")
_SPACE = re.compile(r"\s")


def _body_tags(text: str, body: str, pairs: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """``segment.tag(body)``, taken from ``pairs`` (the tags of the whole sentence ``text``,
    whitespace tokens included) where that gives the same answer.

    It does when ``body`` is the sentence itself, or the part after a marker that ends in
    punctuation or space (一、 （二） 第三，): jieba segments each run between such
    characters on its own, so the body's tokens are the sentence's from there on. After a
    marker like 一是 or 1. the body starts inside a run: that run is tagged again.
    ``pairs`` must be the tagger's answer for ``text`` (their words join into ``text``).
    """
    from assistant import segment

    if pairs is None:
        return segment.tag(body)
    k = len(text) - len(body)
    head: list[tuple[str, str]] = []
    if k:
        if not text.endswith(body):
            return segment.tag(body)
        if not _ends_block(text[k - 1]):
            # The body starts inside a run: tag that first run on its own; the rest of the
            # body (from the character that ends the run) is the sentence's from there on.
            j = 1
            while j < len(body) and not _ends_block(body[j]):
                j += 1
            head = segment.tag(body[:j])
            if j == len(body):
                return head
            k += j
        pos = i = 0
        while pos < k:
            pos += len(pairs[i][0])
            i += 1
        if pos != k:
            return segment.tag(body)
        pairs = pairs[i:]
    # no whitespace in the body: no whitespace token to drop
    tail = [(w, t) for w, t in pairs if w.strip()] if _SPACE.search(body) else pairs
    return head + tail if head else tail


def _ends_block(c: str) -> bool:
    return not (c.isalnum() or c in _BLOCK_PUNCT)


def candidate(text: str, pairs: list[tuple[str, str]] | None = None) -> tuple[str, str, str] | None:
    """(body, neutral text, key) of a stored sentence, or None when it makes no phrase
    (too short or too long, or nothing left once neutralised).

    ``pairs``: the sentence's (word, tag) pairs from ``segment.raw_tagger()`` (whitespace
    tokens included, so their words join into ``text``), if the caller has them.
    """
    from assistant.suggest.neutral import neutralize

    body = strip_marker(text)
    if not MIN_CHARS <= len(body) <= MAX_CHARS:
        return None
    neutral = neutralize(body, _body_tags(text, body, pairs))
    key = phrase_key(neutral)
    if len(key) < MIN_CHARS - 2:
        return None
    return body, neutral, key


_ROWS = ("SELECT se.text, se.tokens, se.line, se.ord, s.kind, s.role, s.heading, d.unit, d.doc_id "
         "FROM sentences se JOIN sections s ON s.id = se.section JOIN documents d ON d.id = se.doc "
         "ORDER BY se.id")


def build(conn: sqlite3.Connection, rows: Iterable[tuple] | None = None,
          known: dict[str, tuple[str, str, str] | None] | None = None) -> int:
    """Fill the phrases tables; return the phrase count.

    ``rows``: (text, tokens, line, ord, kind, role, heading, unit, doc_id) per sentence in
    index order, read from the sentences/sections/documents tables when not given.
    ``known``: sentence text → ``candidate(text)`` already computed (the index build
    computes them while it segments); other sentences are analysed here.
    """
    conn.executescript(PHRASE_SCHEMA)
    if rows is None:
        rows = conn.execute(_ROWS)
    seen: dict[str, tuple[str, str, str] | None] = {} if known is None else known
    groups: dict[str, list] = {}  # key → [text, neutral, kinds, units, docs, n, doc_id, line, heading, tokens]
    for text, tokens, line, ord_, kind, role, heading, unit, doc_id in rows:
        c = seen.get(text, False)
        if c is False:
            c = seen[text] = candidate(text)
        if c is None:
            continue
        body, neutral, key = c
        g = groups.get(key)
        if g is None:
            g = groups[key] = [body, neutral, {}, {}, set(), 0, doc_id, line,
                               int(ord_ == 0 and role == "section" and bool(heading)
                                   and body.rstrip("。；;，,：:") == heading),
                               " ".join(filterfalse(str.isdigit, tokens.split()))]
        kinds, units = g[2], g[3]
        kind = kind or ""
        unit = unit or ""
        kinds[kind] = kinds.get(kind, 0) + 1
        units[unit] = units.get(unit, 0) + 1
        g[4].add(doc_id)
        g[5] += 1
    out = []
    for i, (key, (text, neutral, kinds, units, docs, n, doc_id, line, head, toks)) in enumerate(groups.items(), 1):
        out.append((i, key, text, neutral, _most_common(kinds) or None, _most_common(units) or None,
                    ",".join(sorted(u for u in units if u)), len(docs), n, doc_id, line, head, toks))
    conn.executemany("INSERT INTO phrases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", out)
    conn.executescript("INSERT INTO phrases_fts(phrases_fts) VALUES('rebuild');"
                       "CREATE INDEX phrases_kind ON phrases(kind, docs);")
    return len(out)


def _most_common(counts: dict[str, int]) -> str:
    """The most frequent key; the first one seen on a tie (as ``Counter.most_common(1)``)."""
    if len(counts) == 1:
        return next(iter(counts))
    return max(counts.items(), key=_second)[0]


def _second(item: tuple[str, int]) -> int:
    return item[1]
