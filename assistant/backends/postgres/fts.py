"""Full-text search over pre-segmented tokens, ranked as SQLite FTS5 ranks them.

The phrases' tokens (jieba's, space-joined) become the very terms SQLite's FTS5 ``unicode61``
tokenizer makes of them — runs of letters and digits, case-folded, diacritics removed,
everything else a separator — stored one row per (term, phrase) with the term's frequency
and the phrase's length, so that ``bm25`` can be computed exactly as FTS5's ``bm25()`` does
(k1 = 1.2, b = 0.75, the IDF of each query term over the whole table, the row's length in
terms, the terms' sum in query order). A query token is a prefix query, as ``"微信"*`` is in
FTS5: a range of terms.
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


def term_counts(text: str) -> dict[str, int]:
    """Each term of ``text`` (``terms``) with how often it occurs, in order of first use."""
    out: dict[str, int] = {}
    for t in terms(text):
        out[t] = out.get(t, 0) + 1
    return out


def query_ranges(tokens: list[str]) -> tuple[list[str], list[str]]:
    """For each query token that has a term, the range of terms it matches: [lo, hi). A token
    is a prefix query, as ``"微信"*`` is in FTS5 (微信 finds 微信群). A token that unicode61
    splits into several terms (3.5, COVID-19) is a phrase in FTS5; here it matches rows with
    its first term (exactly), and that term's frequency counts."""
    lo, hi = [], []
    for tok in tokens:
        ts = terms(tok)
        if not ts:
            continue
        lo.append(ts[0])
        hi.append(ts[0] + ("\x01" if len(ts) > 1 else "\U0010ffff"))
    return lo, hi


# BM25 as FTS5 computes it (fts5_aux.c): for each query term i, IDF_i = ln((N - n_i + 0.5) /
# (n_i + 0.5)) (1e-6 when not positive), n_i the rows it matches; a row's score is the sum over
# i in query order of IDF_i * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl)), returned
# negated (lower is better). {columns} and {kinds} are filled in by the caller.
BM25 = """
WITH q(lo, hi, i) AS (SELECT * FROM unnest(%(lo)s::text[], %(hi)s::text[]) WITH ORDINALITY),
hits AS (
  SELECT t.phrase AS id, q.i, sum(t.tf)::float8 AS f, min(t.ntok)::float8 AS d
  FROM q JOIN terms t ON t.term >= q.lo AND t.term < q.hi
  GROUP BY t.phrase, q.i),
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
