"""Phrase units: the sentences of the corpus, neutralised and folded by near-identity.

Built into the index (its ``phrases`` rows, with a full-text index over their tokens) by
the build pipeline (``assistant.corpus.build``), which hands ``build_rows`` the sentences.
Sentences that differ only in figures, names, numbering or punctuation share a
key and become one phrase whose ``docs`` counts the reports it occurs in —
phrasing that recurs across reports is the standard phrasing.
"""

from __future__ import annotations

import re
from itertools import filterfalse
from typing import TYPE_CHECKING, Iterable, Iterator

from assistant import segment
from assistant.outline import CN_DIGITS
from assistant.suggest.neutral import local_name, neutralize, neutralize_words

if TYPE_CHECKING:
    from assistant.backends import CorpusIndex
    from assistant.backends.rows import PhraseRow
    from assistant.segment import WordTags
    from assistant.units.fitness import MarkTable

_CN = f"[{CN_DIGITS}]{{1,3}}"
MARKER = re.compile(
    rf"^\s*(?:[（(]\s*(?:{_CN}|\d{{1,2}})\s*[）)]|{_CN}\s*[、.．]|\d{{1,2}}\s*[、.．](?!\d)|"
    rf"{_CN}是[，,：:]?|第{_CN}[，,、：:]|[①-⑳])\s*"
)
_KEY_DROP = re.compile(r"[\s\W_]+")
_KEY_KEEP = re.compile(r"[^\W_]+")  # the complement of _KEY_DROP's class (\s is inside \W)
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
# _KEY_FIG, led by a character class so that a search skips the rest of the text quickly
# (the first character decides which of xx / x, XX, ××, digits follows; same matches).
_KEY_FIG_FAST = re.compile(r"[xX×\d](?:(?<=x)x?|(?<=X)X|(?<=×)×|(?<=\d)\d*)")


def phrase_key(neutral: str) -> str:
    if _KEY_FIG_FIRST.search(neutral):  # most sentences have no figure: skip the sub
        neutral = _KEY_FIG_FAST.sub("0", neutral)  # = _KEY_FIG.sub("0", neutral)
    return "".join(_KEY_KEEP.findall(neutral))  # = _KEY_DROP.sub("", neutral), a little faster


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


# A character that _ends_block (\w is isalnum() or _, and _ is in _BLOCK_PUNCT)
_BLOCK_END = re.compile(r"[^\w+#&.%\-]")


def candidate(text: str, pairs: list[tuple[str, str]] | None = None) -> tuple[str, str, str] | None:
    """(body, neutral text, key) of a stored sentence, or None when it makes no phrase
    (too short or too long, or nothing left once neutralised).

    ``pairs``: the sentence's (word, tag) pairs from ``segment.raw_tagger()`` (whitespace
    tokens included, so their words join into ``text``), if the caller has them.
    """
    body = strip_marker(text)
    if not MIN_CHARS <= len(body) <= MAX_CHARS:
        return None
    neutral = neutralize(body, _body_tags(text, body, pairs))
    key = phrase_key(neutral)
    if len(key) < MIN_CHARS - 2:
        return None
    return body, neutral, key


# A body without these (no whitespace, figure or placeholder) and without a local name is
# its own neutral text and its key is its words without punctuation.
_PLAIN_BREAK = re.compile(r"[\s\dxX×]")


def candidate_of_words(text: str, words: list[str], tags: "WordTags") -> tuple[str, str, str] | None:
    """``candidate(text, pairs)`` from the sentence's words and a table of their tags.

    ``words``: the sentence's tokens from ``segment.raw_cutter()`` (whitespace tokens
    included, so they join into ``text``); ``tags``: a ``segment.WordTags`` that knows
    every one of them, so that the pairs are those of ``segment.raw_tagger()``. The body's
    words are taken as ``_body_tags`` takes them (a first run after a marker like 一是 is
    cut again, and its words tagged from the table); a body with no figure and no local
    name (most of them) is its own neutral text, which needs no tag at all.
    """
    c = text[:1]
    if c and c not in _MARKER_FIRST and not c.isspace() and not c.isdecimal():
        body = text  # strip_marker(text): no marker, and the sentence is stripped
    else:
        body = strip_marker(text)
    n = len(body)
    if not MIN_CHARS <= n <= MAX_CHARS:
        return None
    k = len(text) - n
    if k:
        if not text.endswith(body):
            return candidate(text, list(zip(words, map(tags.tag.__getitem__, words))))
        head = None
        if not _ends_block(text[k - 1]):
            # as _body_tags: the first run of the body cut on its own, the rest is the sentence's
            m = _BLOCK_END.search(body, 1)
            j = m.start() if m else n
            head = tags.cut(body[:j])  # a run has no whitespace
            if not tags.knows(head):
                return candidate(text, list(zip(words, map(tags.tag.__getitem__, words))))
            k += j
        if head is not None and k == len(text):
            words = head
        else:
            pos = i = 0
            while pos < k:
                pos += len(words[i])
                i += 1
            if pos != k:
                return candidate(text, list(zip(words, map(tags.tag.__getitem__, words))))
            words = head + words[i:] if head else words[i:]
    if tags.name is not local_name:
        if _SPACE.search(body):
            words = [w for w in words if w.strip()]
        neutral = neutralize(body, list(zip(words, map(tags.tag.__getitem__, words))))
    elif _PLAIN_BREAK.search(body) is None and tags.names.keys().isdisjoint(words):
        # nothing to replace (and no figure for the key): the body is its own neutral text
        key = "".join(_KEY_KEEP.findall(body))  # phrase_key(body)
        return (body, body, key) if len(key) >= MIN_CHARS - 2 else None
    else:
        if _SPACE.search(body):
            words = [w for w in words if w.strip()]
        neutral = neutralize_words(body, words, tags.names, tags.figures)
    key = phrase_key(neutral)
    if len(key) < MIN_CHARS - 2:
        return None
    return body, neutral, key


def _as_written(text: str) -> tuple[str, str, str] | None:
    """``candidate(text)`` for a text that is neutral as written (a 范文's)."""
    body = strip_marker(text)
    if not MIN_CHARS <= len(body) <= MAX_CHARS:
        return None
    key = phrase_key(body)
    return (body, body, key) if len(key) >= MIN_CHARS - 2 else None


def add_candidates(new: dict[str, tuple[list[str], str | None]], tags: "WordTags",
                   known: dict[str, tuple[str, str, str] | None],
                   tokens_of: dict[str, str] | None = None) -> None:
    """``known[text] = candidate(text)`` and ``tokens_of[text] = phrase_tokens(its row's
    tokens)`` for each new sentence.

    ``new``: sentence text → (its words from ``segment.raw_cutter()``, whitespace tokens
    included; the row's space-joined tokens if the sentence has no whitespace, else None);
    ``tags``: a ``segment.WordTags`` that has learnt the words of these sentences (a word
    it could not tag alone is learnt here from its sentence).
    """
    digits, pending = tags.digits, tags.pending
    for text, (words, tok_str) in new.items():
        if tok_str is None:
            tags.learn(set(words))  # whitespace words too (a row leaves some out)
        if pending and not pending.isdisjoint(words):
            known[text] = candidate(text, tags.learn_text(text))
            tok_str = None
        else:
            known[text] = candidate_of_words(text, words, tags)
        if tokens_of is not None:
            # no whitespace and no number token: the row's tokens as they are
            tokens_of[text] = (tok_str if tok_str is not None and digits.isdisjoint(words)
                               else phrase_tokens(" ".join(words)))


# What build_rows reads of each sentence, in index order.
SOURCE_COLUMNS = ("text", "tokens", "line", "ord", "kind", "role", "heading", "unit", "doc_id", "topic", "fanwen")


def phrase_tokens(tokens: str) -> str:
    """What a phrase keeps of its sentence's space-joined tokens: no number tokens."""
    return " ".join(filterfalse(str.isdigit, tokens.split()))


class PhraseTable:
    """The phrase table, filled one sentence at a time in index order (``add``), its rows made
    at the end (``rows``). A phrase's id is known when its first sentence is added: a build
    writes its sentences as it goes.

    ``known``: sentence text → ``candidate(text)`` already computed (the index build computes
    them while it segments); other sentences are analysed here. ``tokens_of``: sentence text
    → ``phrase_tokens(tokens)``, where already computed.
    """

    def __init__(self, known: dict[str, tuple[str, str, str] | None] | None = None,
                 tokens_of: dict[str, str] | None = None) -> None:
        self.seen: dict[str, tuple[str, str, str] | None] = {} if known is None else known
        self.tokens_of = tokens_of
        # key → [text, neutral, doc_id, line, heading, tokens, kind, unit, later, topic, id]: the
        # first occurrence, and (kind, unit, doc_id, topic) of each later one (None while there
        # is none: most phrases occur once)
        self.groups: dict[str, list] = {}
        self.key_of: dict[str, str] = {}  # sentence text → its phrase key (the last one found)
        self.changed: set[str] = set()  # texts whose phrase is not the one they were given

    def add(self, text: str, tokens: str, line: int, ord_: int, kind: str | None, role: str, heading: str | None,
            unit: str | None, doc_id: str, topic: str | None, fanwen: bool = False) -> int | None:
        """Add one sentence; its phrase id (None when it makes none)."""
        if fanwen:
            c = _as_written(text)  # a 范文 is written neutral: its 山塘 is no name to hide
        else:
            c = self.seen.get(text, False)
            if c is False:
                c = self.seen[text] = candidate(text)
        key_of = self.key_of
        if c is None:
            key = key_of.get(text)
            if key is None:
                self.changed.add(text)  # a later sentence of the same text may make one
                return None
            return self.groups[key][10]
        body, neutral, key = c
        old = key_of.get(text)
        if old != key:
            if old is not None or text in self.changed:
                self.changed.add(text)
            key_of[text] = key
        g = self.groups.get(key)
        if g is None:
            tokens_of = self.tokens_of
            g = self.groups[key] = [body, neutral, doc_id, line,
                                    int(ord_ == 0 and role == "section" and bool(heading)
                                        and body.rstrip("。；;，,：:") == heading),
                                    (tokens_of and tokens_of.get(text)) or phrase_tokens(tokens),
                                    kind or "", unit or "", None, topic or "", len(self.groups) + 1]
        elif g[8] is None:
            g[8] = [(kind or "", unit or "", doc_id, topic or "")]
        else:
            g[8].append((kind or "", unit or "", doc_id, topic or ""))
        return g[10]

    def fixes(self) -> dict[str, int | None]:
        """Sentence text → phrase id, for the texts whose sentences were given another id than
        the one of their text's last phrase (the same text in a 范文 and in a report, say):
        every sentence of a text has its text's phrase."""
        out: dict[str, int | None] = {}
        for text in self.changed:
            key = self.key_of.get(text)
            if key is not None:
                out[text] = self.groups[key][10]
        return out

    ROWS_CHUNK = 10_000  # phrase rows made (and their fitness computed) at a time

    def rows(self, fitness: "Fitness | None" = None, jobs: int = 1) -> Iterator["PhraseRow"]:
        """The phrase rows, in id order, made a chunk at a time. ``fitness``: what each phrase
        can serve and what check flags in it (see ``Fitness``; with ``jobs`` worker processes on
        a large table); without it every phrase serves everything and has no flags."""
        import sys
        from itertools import islice

        items = iter(self.groups.items())
        pool = None
        if (fitness is not None and jobs > 1 and len(self.groups) >= Fitness.PARALLEL_MIN
                and sys.platform.startswith("linux")):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            global _FITNESS
            _FITNESS = fitness  # the workers are forked with it
            pool = ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"))
        try:
            while True:
                chunk = list(islice(items, self.ROWS_CHUNK))
                if not chunk:
                    return
                yield from self._rows(chunk, fitness, jobs, pool)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
                _FITNESS = None

    @staticmethod
    def _rows(items: list, fitness: "Fitness | None", jobs: int, pool=None) -> list["PhraseRow"]:  # noqa: ANN001
        from assistant.backends.rows import PhraseRow

        out = []
        for key, (text, neutral, doc_id, line, head, toks, kind, unit, later, topic, i) in items:
            if later is None:
                out.append([i, key, text, neutral, kind or None, unit or None, unit, 1, 1, doc_id, line, head, toks,
                            topic or None, topic])
                continue
            kinds, units, docs, topics = {kind: 1}, {unit: 1}, {doc_id}, {topic: 1}
            for k, u, d, t in later:
                kinds[k] = kinds.get(k, 0) + 1
                units[u] = units.get(u, 0) + 1
                topics[t] = topics.get(t, 0) + 1
                docs.add(d)
            out.append([i, key, text, neutral, _most_common(kinds) or None, _most_common(units) or None,
                        ",".join(sorted(u for u in units if u)), len(docs), len(later) + 1, doc_id, line, head, toks,
                        _most_common(topics) or None, ",".join(sorted(t for t in topics if t))])
        if fitness is not None:
            extra = fitness.rows([(r[3], r[6], r[14]) for r in out], jobs, pool)
        else:
            extra = [("*", "*", "")] * len(out)
        return [PhraseRow(*r, *e) for r, e in zip(out, extra)]


def build_rows(rows: Iterable[tuple], known: dict[str, tuple[str, str, str] | None] | None = None,
               tokens_of: dict[str, str] | None = None,
               fitness: "Fitness | None" = None) -> tuple[list["PhraseRow"], dict[str, int]]:
    """The phrase rows of ``rows`` at once, and sentence text → phrase id (for the sentences
    that make a phrase): ``PhraseTable`` over (text, tokens, line, ord, kind, role, heading,
    unit, doc_id, topic[, 范文?]) per sentence in index order (``SOURCE_COLUMNS``)."""
    table = PhraseTable(known, tokens_of)
    for row in rows:
        table.add(*row[:10], bool(row[10]) if len(row) > 10 else False)
    return list(table.rows(fitness)), {text: table.groups[key][10] for text, key in table.key_of.items()}


class Fitness:
    """What a phrase can serve (unit types, topics) and what check flags in it, computed for
    all phrases at once when the index is built."""

    def __init__(self, units: "MarkTable", topics: "MarkTable", check: bool = True) -> None:
        self.units = units
        self.topics = topics
        self.check = check

    @classmethod
    def from_index(cls, ix: "CorpusIndex") -> "Fitness | None":
        """The marks an index stores (None when it has none)."""
        from assistant.units import all_topics, all_units
        from assistant.units.fitness import MarkTable, unit_shields

        units, topics = ix.marks("unit"), ix.marks("topic")
        if not units and not topics:
            return None
        return cls(MarkTable.from_rows(units, unit_shields(all_units(), all_topics())), MarkTable.from_rows(topics))

    PARALLEL_MIN = 20_000  # phrases from which worker processes share the work

    def rows(self, phrases: list[tuple[str, str, str]], jobs: int = 1, pool=None) -> list[tuple[str, str, str]]:  # noqa: ANN001
        """(fit_units, fit_topics, flags) for each (neutral, units, topics) given; in ``jobs``
        forked worker processes (Linux) when there are many, or in ``pool`` (forked with this
        Fitness as ``_FITNESS``): each phrase on its own, the same rows."""
        import sys

        if pool is not None:
            size = -(-len(phrases) // (jobs * 2))
            chunks = [phrases[i:i + size] for i in range(0, len(phrases), size)]
            return [r for part in pool.map(_fitness_rows, chunks) for r in part]
        if jobs > 1 and len(phrases) >= self.PARALLEL_MIN and sys.platform.startswith("linux"):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            global _FITNESS
            _FITNESS = self
            size = -(-len(phrases) // (jobs * 4))
            chunks = [phrases[i:i + size] for i in range(0, len(phrases), size)]
            try:
                with ProcessPoolExecutor(jobs, multiprocessing.get_context("fork")) as pool:
                    return [r for part in pool.map(_fitness_rows, chunks) for r in part]
            finally:
                _FITNESS = None
        return self._rows(phrases)

    def _rows(self, phrases: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        flags = self._flags([p[0] for p in phrases]) if self.check else {}
        out = []
        for i, (neutral, units, topics) in enumerate(phrases):
            out.append((self.units.serves(neutral, units.split(",") if units else ()),
                        self.topics.serves(neutral, topics.split(",") if topics else ()),
                        ",".join(sorted(flags.get(i, ())))))
        return out

    @staticmethod
    def _flags(texts: list[str]) -> dict[int, set[str]]:
        """Rules other than placeholder that flag each text (one check run, a line each;
        rules that look across lines are left to the draft, which checks its own text)."""
        from assistant.check import check_text

        out: dict[int, set[str]] = {}
        # (a neutral text is full of ×× marks: the placeholder rule, and the rules that look
        # across lines, are not run at all)
        for f in check_text("\n".join(t.replace("\n", " ") for t in texts), "txt", config=_FLAG_CONFIG):
            out.setdefault(f.line - 1, set()).add(f.rule)
        return out


_FITNESS: "Fitness | None" = None  # the Fitness a worker process of Fitness.rows works for
_FLAG_CONFIG = {"rules": {"placeholder": "off", "duplicate-sentence": "off", "numbering": "off"}}


def _fitness_rows(chunk: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    assert _FITNESS is not None
    return _FITNESS._rows(chunk)


def _most_common(counts: dict[str, int]) -> str:
    """The most frequent key; the first one seen on a tie (as ``Counter.most_common(1)``)."""
    if len(counts) == 1:
        return next(iter(counts))
    return max(counts.items(), key=_second)[0]


def _second(item: tuple[str, int]) -> int:
    return item[1]
