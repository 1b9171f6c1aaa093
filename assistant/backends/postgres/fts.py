"""Full-text search over pre-segmented tokens, ranked as SQLite FTS5 ranks them.

The phrases' tokens (jieba's, space-joined) become a ``tsvector`` of the very terms SQLite's
FTS5 ``unicode61`` tokenizer makes of them — runs of letters and digits, case-folded,
diacritics removed, everything else a separator — with their positions, so that a GIN index
finds them and ``bm25`` can be computed exactly as FTS5's ``bm25()`` does (k1 = 1.2,
b = 0.75, the IDF of each query term over the whole table, the row's length in terms, the
terms' sum in query order). A query token is a prefix query, as ``"微信"*`` is in FTS5.
"""

from __future__ import annotations

import re
import unicodedata

_TERM = re.compile(r"[^\W_]+")  # unicode61's token characters: letters and digits (L*, N*)


def terms(text: str) -> list[str]:
    """The FTS5 unicode61 terms of ``text``, in order."""
    out = _TERM.findall(text)
    if not text.isascii():
        out = [_fold(t) for t in out]
    else:
        out = [t.lower() for t in out]
    return out


def _fold(term: str) -> str:
    term = term.lower()
    if term.isascii() or not any("\u00c0" <= c <= "\u024f" for c in term):
        return term
    # remove_diacritics: é → e (Latin letters only, as unicode61)
    return "".join(c for c in unicodedata.normalize("NFD", term) if not unicodedata.combining(c))


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(text: str) -> tuple[str, int]:
    """(the tsvector literal of ``text``'s terms with their positions, the number of terms)."""
    ts = terms(text)
    pos: dict[str, list[int]] = {}
    for i, t in enumerate(ts, 1):
        pos.setdefault(t, []).append(min(i, 16383))  # PostgreSQL's largest position
    return " ".join(f"{_quote(t)}:{','.join(map(str, p))}" for t, p in pos.items()), len(ts)


def query(tokens: list[str]) -> tuple[str, list[str]]:
    """(a tsquery of the query tokens, each a prefix, OR-ed; the prefix term of each token).

    A token that unicode61 splits into several terms (3.5, COVID-19) is a phrase whose last
    term is a prefix, as in FTS5; its frequency in a row is counted by its first term."""
    parts, prefixes = [], []
    for tok in tokens:
        ts = terms(tok)
        if not ts:
            continue
        parts.append(" <-> ".join(_quote(t) for t in ts[:-1]) + (" <-> " if len(ts) > 1 else "")
                     + _quote(ts[-1]) + ":*")
        prefixes.append(ts[0])
    return " | ".join(f"({p})" for p in parts), prefixes


# BM25 as FTS5 computes it (fts5_aux.c): for each query term i, IDF_i = ln((N - n_i + 0.5) /
# (n_i + 0.5)) (1e-6 when not positive), n_i the rows it matches; a row's score is the sum over
# i in query order of IDF_i * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl)), returned
# negated (lower is better). {phrases} and {kinds} are filled in by the caller.
BM25 = """
WITH q(pre, i) AS (SELECT * FROM unnest(%(prefixes)s::text[]) WITH ORDINALITY),
hits AS (
  SELECT p.id, q.i, sum(array_length(u.positions, 1))::float8 AS f, p.ntok::float8 AS d
  FROM phrases p CROSS JOIN LATERAL unnest(p.tsv) u JOIN q ON starts_with(u.lexeme, q.pre)
  WHERE p.tsv @@ %(query)s::tsquery
  GROUP BY p.id, q.i, p.ntok),
idf AS (
  SELECT i, CASE WHEN v <= 0 THEN 1e-6::float8 ELSE v END AS w
  FROM (SELECT i, ln((%(rows)s::float8 - count(*) + 0.5::float8) / (count(*) + 0.5::float8)) AS v
        FROM hits GROUP BY i) x),
scored AS (
  SELECT h.id, -1.0::float8 * sum(idf.w * ((h.f * (1.2::float8 + 1.0::float8)) /
         (h.f + 1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * h.d / %(avgdl)s::float8))) ORDER BY h.i)
         AS bm25
  FROM hits h JOIN idf USING (i) GROUP BY h.id)
SELECT {columns}, s.bm25 FROM scored s JOIN phrases p USING (id) {kinds}
ORDER BY s.bm25, p.id LIMIT %(limit)s
"""
