"""Phrase units: the sentences of the corpus, neutralised and folded by near-identity.

Built into the index (table ``phrases`` with an FTS5 table over its tokens).
Sentences that differ only in figures, names, numbering or punctuation share a
key and become one phrase whose ``docs`` counts the reports it occurs in —
phrasing that recurs across reports is the standard phrasing.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

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


def strip_marker(text: str) -> str:
    return MARKER.sub("", text, count=1).strip()


def phrase_key(neutral: str) -> str:
    return _KEY_DROP.sub("", _KEY_FIG.sub("0", neutral))


def build(conn: sqlite3.Connection) -> int:
    """Fill the phrases tables from sentences/sections/documents; return the phrase count."""
    from assistant import segment
    from assistant.suggest.neutral import neutralize

    conn.executescript(PHRASE_SCHEMA)
    rows = conn.execute(
        "SELECT se.text, se.tokens, se.line, se.ord, s.kind, s.role, s.heading, d.unit, d.doc_id "
        "FROM sentences se JOIN sections s ON s.id = se.section JOIN documents d ON d.id = se.doc "
        "ORDER BY se.id")
    groups: dict[str, dict] = {}
    seen: dict[str, tuple[str, str] | None] = {}  # sentence text → (body, key); None if too short/long
    for text, tokens, line, ord_, kind, role, heading, unit, doc_id in rows:
        known = seen.get(text, False)
        if known is False:
            body = strip_marker(text)
            known = None
            if MIN_CHARS <= len(body) <= MAX_CHARS:
                neutral = neutralize(body, segment.tag(body))
                key = phrase_key(neutral)
                if len(key) >= MIN_CHARS - 2:
                    known = (body, key)
                    if key not in groups:
                        groups[key] = {"text": body, "neutral": neutral, "kinds": Counter(), "units": Counter(),
                                       "docs": set(), "n": 0, "doc_id": doc_id, "line": line,
                                       "heading": int(ord_ == 0 and role == "section" and bool(heading)
                                                      and body.rstrip("。；;，,：:") == heading),
                                       "tokens": " ".join(t for t in tokens.split() if not t.isdigit())}
            seen[text] = known
        if known is None:
            continue
        g = groups[known[1]]
        g["kinds"][kind or ""] += 1
        g["units"][unit or ""] += 1
        g["docs"].add(doc_id)
        g["n"] += 1
    out = []
    for i, (key, g) in enumerate(groups.items(), 1):
        kind = g["kinds"].most_common(1)[0][0] or None
        unit = g["units"].most_common(1)[0][0] or None
        out.append((i, key, g["text"], g["neutral"], kind, unit, ",".join(sorted(u for u in g["units"] if u)),
                    len(g["docs"]), g["n"], g["doc_id"], g["line"], g["heading"], g["tokens"]))
    conn.executemany("INSERT INTO phrases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", out)
    conn.executescript("INSERT INTO phrases_fts(phrases_fts) VALUES('rebuild');"
                       "CREATE INDEX phrases_kind ON phrases(kind, docs);")
    return len(out)
