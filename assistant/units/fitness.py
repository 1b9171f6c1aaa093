"""Which unit types and topics a sentence can serve.

A *mark* is a word that belongs to some unit types (校长, 教职工, 信贷, 村两委, 疾控中心…)
or to some topics (核酸, 隔离, 汛情…). A sentence serves

* the unit types (topics) of the reports it comes from — it is *native* there;
* every unit type (topic) that all of its marks allow — with no mark at all it is
  *neutral* and serves all of them;

and nothing else: it is *foreign* to the rest. Who speaks is no mark (我镇 → 我校 is
rewritten safely, ``SAFE_CONCEPTS``); another unit's whole (全镇), institutions, roles,
people or business are.

The marks come from two places (``build_table``):

* *declared*: each unit type's ``marks`` and its words for shared concepts other than
  who speaks; each topic's cues and marks;
* *learned* from the corpus: words whose documents are concentrated in one or two unit
  types (topics), nouns only, seen in enough documents; and a declared word that the
  corpus shows in the documents of other types too is theirs as well, or, used by most
  types, no mark at all.

Matching finds the words as words: a substring, longest first, that starts and ends where
the segmenter cuts the text (业主 is no mark in 企业主要负责人), with the units' ``keep``
words shielding what they contain (村民委员会 is no 村民). The compiled pattern is a trie of
the words, so one ``finditer`` scans a text for all of them, and a text is segmented only
when one of them occurs in it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Optional, Sequence

ALL = "*"  # serves every unit type / topic

# learning from the corpus
MIN_DOCS = 3  # a learned mark is seen in at least this many documents…
MAX_SHARE_TYPES = 0.2  # …of at most this share of the types (2 at least)…
MIN_SHARE = 0.9  # …which hold at least this share of its documents…
CHANCE = 1e-4  # …more than chance explains: (their share of all reports) ** (its reports there) below this
OBSERVED_DOCS = 2  # a type whose documents use a declared word this often may use it
COMMON_SHARE = 0.6  # a word used by this share of the types (and at least 4) marks none
NOUN_TAGS = ("n", "nt", "nz", "ns", "vn", "j", "nr", "nrt", "ng", "nl")
_FUNCTION_FIRST = frozenset("由以对在从向把被将为与和及并于")  # 由村, 以村: no word of its own
# What a learned unit mark ends with: the head of a name of an institution (委 局 所 院 校 行
# 站…), a role or person (长 员 师 生 民 者…), a place (村 镇 区 园 舍 堂…) or a unit's business
# (款 贷 诊 课…). 高位 (高位推动) and 合格率 say how, not whose: never a mark.
ENTITY_END = frozenset("委局办所院校行站队部科处室组会厂司村镇乡区县市街户员长师生民工者人家士警官诊款贷"
                       "班级园场点库舍堂房间网格栋楼课党团医护患")
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first at each position (a trie)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        alt = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{alt})?" if end else alt

    return emit(trie)


@dataclass
class MarkTable:
    """word → the types it belongs to; ``keep``: words that shield the marks inside them."""

    types: dict[str, frozenset[str]]
    keep: tuple[str, ...] = ()
    _pattern: Optional[re.Pattern[str]] = field(default=None, repr=False)
    _shield: Optional[re.Pattern[str]] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        words = [w for w in self.types if w]
        self._pattern = re.compile(_trie_pattern(words)) if words else None
        self._automaton = None  # made on first use (matches): the same matches, several times faster
        keep = [k for k in self.keep if any(w in k and w != k for w in self.types)] if words else []
        self._shield = re.compile(_trie_pattern(keep)) if keep else None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of the words in ``text``, longest first at each position, left to
        right without overlapping (the trie pattern's ``finditer``; an Aho-Corasick automaton's
        longest matches when pyahocorasick is there, which are the same)."""
        if self._pattern is None:
            return []
        if self._automaton is None:
            try:
                import ahocorasick
            except ImportError:
                self._automaton = False
            else:
                a = ahocorasick.Automaton()
                for w in self.types:
                    if w:
                        a.add_word(w, w)
                a.make_automaton()
                self._automaton = a
        if self._automaton is False:
            return [(m.start(), m.end(), m.group()) for m in self._pattern.finditer(text)]
        return [(e + 1 - len(w), e + 1, w) for e, w in self._automaton.iter_long(text)]

    def find(self, text: str, words: bool = True) -> list[tuple[int, int, str, frozenset[str]]]:
        """(start, end, word, types) of every mark in ``text``, left to right.

        With ``words`` a mark counts only where it is a word of the text: it starts and ends
        where the segmenter cuts (业主 is no mark in 企业主要负责人, 全社区 none in 健全社区).
        The text is segmented only when some mark occurs in it as a substring."""
        if self._pattern is None:
            return []
        hits = self.matches(text)
        if not hits:
            return []
        # the shields are found left to right without overlapping: the one that may hold a mark
        # is the last to start at or before it
        shield = [m.span() for m in self._shield.finditer(text)] if self._shield is not None else []
        starts = [a for a, _ in shield]
        cuts = token_cuts(text) if words else None
        out = []
        types = self.types
        for s, e, w in hits:
            if shield:
                k = bisect_right(starts, s) - 1
                if k >= 0 and e <= shield[k][1]:
                    continue
            if cuts is not None and (s not in cuts or e not in cuts):
                # 戴口罩 is no word of 不戴口罩, but the 口罩 inside it is
                out += [(a, b, v, types[v]) for a, b, v in self._inner(text, s, e, cuts)]
                continue
            out.append((s, e, w, types[w]))
        return out

    def _inner(self, text: str, s: int, e: int, cuts: frozenset[int]) -> list[tuple[int, int, str]]:
        """The marks inside text[s:e] (a longer mark that is no word there) that are words of
        the text, longest first, left to right without overlapping."""
        found = []
        i = s
        while i < e:
            if i in cuts:
                j = next((j for j in range(e, i, -1) if j in cuts and text[i:j] in self.types and
                          (j - i < e - s)), None)
                if j is not None:
                    found.append((i, j, text[i:j]))
                    i = j
                    continue
            i += 1
        return found

    def words_in(self, text: str) -> set[str]:
        """``{m[2] for m in self.find(text)}``: each word checked until one of its occurrences
        is found to be a word of the text."""
        if self._pattern is None:
            return set()
        found: set[str] = set()
        shield = starts = cuts = None
        for s, e, w in self.matches(text):
            if w in found:
                continue
            if shield is None:
                shield = [x.span() for x in self._shield.finditer(text)] if self._shield is not None else []
                starts = [a for a, _ in shield]
                cuts = _token_cuts(text)
            if shield:
                k = bisect_right(starts, s) - 1
                if k >= 0 and e <= shield[k][1]:
                    continue
            if s in cuts and e in cuts:
                found.add(w)
            else:
                found.update(v for _, _, v in self._inner(text, s, e, cuts))
        return found

    def serves(self, text: str, native: Iterable[str] = ()) -> str:
        """What ``text`` can serve, as stored in the index: ``*`` for everything, else the
        types joined by commas between commas (``,school,town,``)."""
        allowed: Optional[set[str]] = None
        for _, _, _, types in self.find(text):
            allowed = set(types) if allowed is None else allowed & types
        if allowed is None:
            return ALL
        allowed.update(t for t in native if t)
        return "," + ",".join(sorted(allowed)) + "," if allowed else ","

    def foreign(self, text: str, name: str) -> list[tuple[int, int, str, frozenset[str]]]:
        """The marks in ``text`` that ``name`` may not use."""
        return [m for m in self.find(text) if name not in m[3]]

    def to_rows(self) -> list[tuple[str, str]]:
        return [(w, ",".join(sorted(t))) for w, t in sorted(self.types.items())]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]], keep: Sequence[str] = ()) -> "MarkTable":
        return cls({w: frozenset(t.split(",")) for w, t in rows if w and t}, tuple(keep))


@lru_cache(maxsize=4096)
def token_cuts(text: str) -> frozenset[int]:
    """The offsets where the segmenter starts or ends a word in ``text`` (its line breaks cut
    too: each line is segmented on its own); remembered for the last texts asked about."""
    return _token_cuts(text)


def _token_cuts(text: str) -> frozenset[int]:
    """``token_cuts`` without remembering (a report's text is asked about once)."""
    from itertools import accumulate

    from assistant import segment

    cut = segment.raw_cutter()  # every token, whitespace too: their lengths add up to the line
    cuts = {0, len(text)}
    base = 0
    for line in text.split("\n"):
        # (a cut inside a run of whitespace, which segment.cut would not give, is never the
        # start or end of a mark)
        cuts.update(accumulate(map(len, cut(line)), initial=base))
        base += len(line) + 1
        cuts.add(base - 1)
        cuts.add(base)
    return frozenset(cuts)


def fits(serves: Optional[str], name: str) -> bool:
    """Whether a stored ``serves`` value allows ``name``."""
    return not serves or serves == ALL or f",{name}," in serves


def declared_unit_marks(units: Sequence) -> dict[str, set[str]]:
    """word → the unit types that declare it (their ``mark_words()``)."""
    out: dict[str, set[str]] = {}
    for u in units:
        for w in u.mark_words():
            out.setdefault(w, set()).add(u.name)
    return out


def safe_words(units: Sequence) -> set[str]:
    """Every unit type's words for who speaks (我镇, 全校…): rewritten, never a mark."""
    from assistant.units.model import SAFE_CONCEPTS

    return {w for u in units for c in SAFE_CONCEPTS for w in u.terms.get(c, ())}


def declared_topic_marks(topics: Sequence) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in topics:
        for w in t.words():
            if len(w) >= 2:
                out.setdefault(w, set()).add(t.name)
    return out


@dataclass
class DocStats:
    """Document frequencies gathered while the corpus is indexed: how many reports each
    (unit type, topic) pair has and how many of them use each word."""

    docs: Counter = field(default_factory=Counter)  # (unit, topic) → reports
    words: dict[tuple[str, str], Counter] = field(default_factory=dict)  # (unit, topic) → word → reports
    tags: dict[str, str] = field(default_factory=dict)  # word → part of speech

    def add(self, unit: str, topic: str, vocabulary: Iterable[str]) -> None:
        key = (unit or "", topic or "")
        self.docs[key] += 1
        c = self.words.get(key)
        if c is None:
            c = self.words[key] = Counter()
        c.update(vocabulary)

    def merge(self, other: "DocStats") -> None:
        self.docs.update(other.docs)
        for k, c in other.words.items():
            self.words.setdefault(k, Counter()).update(c)

    def seen(self) -> dict[str, dict[tuple[str, str], int]]:
        """word → (unit, topic) → reports, for the words of two to eight CJK characters."""
        out: dict[str, dict[tuple[str, str], int]] = {}
        for key, counter in self.words.items():
            for w, n in counter.items():
                if n and _CJK.match(w):
                    out.setdefault(w, {})[key] = n
        return out


SCOPES = {"unit": 0, "topic": 1}  # which half of the (unit, topic) key a scope's types are


def _by(seen: Mapping[tuple[str, str], int], index: int) -> Counter:
    c: Counter = Counter()
    for key, n in seen.items():
        if key[index]:
            c[key[index]] += n
    return c


def learned_candidates(stats: DocStats, declared: Mapping[str, set[str]], scope: str,
                       exclude: Iterable[str] = ()) -> set[str]:
    """Words the corpus suggests as marks of ``scope`` (by their tokens; ``build_table``
    decides on substrings): nouns seen in MIN_DOCS reports or more, most of them of at most
    MAX_SHARE_TYPES of the types — and spread over two values or more of the *other* half of the key. A
    word that marks a unit type is used by it whatever the topic (师生 in a school's reports
    on 安全生产 and on 党建), a word that marks a topic whatever the unit type (核酸 in a
    village's and in a bank's 疫情防控 reports); a word that only one report set uses is
    neither."""
    i = SCOPES[scope]
    docs = _by(stats.docs, i)
    tags = stats.tags
    exclude = set(exclude)
    out: set[str] = set()
    for w, seen in stats.seen().items():
        if w in declared or w in exclude or w[0] in _FUNCTION_FIRST or sum(seen.values()) < MIN_DOCS:
            continue
        if scope == "unit" and w[-1] not in ENTITY_END:
            continue
        if tags and tags.get(w, "x") not in NOUN_TAGS:
            continue
        if len({k[1 - i] for k in seen if k[1 - i]}) < 2:
            continue
        if _concentrated(_by(seen, i), docs):
            out.add(w)
    return out


def _concentrated(seen: Mapping[str, int], docs: Mapping[str, int]) -> set[str]:
    """The fewest types that hold MIN_SHARE of a word's reports (the types that use it most
    often first), if they are few enough (MAX_SHARE_TYPES of all types, two at least): a
    word several kinds of unit use (干部职工) marks none of them."""
    total = sum(seen.values())
    if not total:
        return set()
    most = max(2, int(MAX_SHARE_TYPES * max(len(docs), 1)))
    ranked = sorted(seen.items(), key=lambda kv: (-kv[1] / max(docs.get(kv[0], 1), 1), kv[0]))
    held, kinds = 0, set()
    for k, n in ranked:
        kinds.add(k)
        held += n
        if held >= MIN_SHARE * total:
            break
    if len(kinds) > most:
        return set()
    return {k for k in kinds if seen[k] >= 2 or seen[k] == total}


FANWEN_WEIGHT = 2  # a 范文 counts as two reports: its unit type and topic are certain


PARALLEL_TEXTS = 400  # reports from which worker processes share the work (``substring_counts``)


def substring_counts(words: Iterable[str], texts: Iterable[tuple], jobs: int = 1) -> tuple[dict, Counter]:
    """For each word, in how many reports of each (unit, topic) it occurs as a substring
    (``texts``: (unit, topic, report text[, weight])); and the reports per (unit, topic).
    A 范文's unit type is certain, a report's guessed: a 范文 weighs FANWEN_WEIGHT.
    ``jobs``: forked worker processes (Linux) that find the words of many reports."""
    import sys

    table = MarkTable({w: frozenset() for w in words})
    texts = texts if isinstance(texts, list) else list(texts)
    if jobs > 1 and len(texts) >= PARALLEL_TEXTS and sys.platform.startswith("linux"):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _SUBSTRINGS
        _SUBSTRINGS = (table, texts)
        size = -(-len(texts) // (jobs * 4))
        try:
            with ProcessPoolExecutor(jobs, multiprocessing.get_context("fork")) as pool:
                found = [w for part in pool.map(_words_of, range(0, len(texts), size), [size] * len(texts))
                         for w in part]
        finally:
            _SUBSTRINGS = None
    else:
        found = [table.words_in(item[2]) for item in texts]  # no mark spans a line: as line by line
    per_word: dict[str, Counter] = {}
    docs: Counter = Counter()
    for item, ws in zip(texts, found):
        unit, topic = item[:2]
        weight = item[3] if len(item) > 3 else 1
        key = (unit or "", topic or "")
        docs[key] += weight
        for w in sorted(ws):
            per_word.setdefault(w, Counter())[key] += weight
    return per_word, docs


_SUBSTRINGS: "tuple[MarkTable, list] | None" = None  # what the worker processes of substring_counts read


def _words_of(start: int, size: int) -> list[set[str]]:
    assert _SUBSTRINGS is not None
    table, texts = _SUBSTRINGS
    return [table.words_in(item[2]) for item in texts[start:start + size]]


def build_table(scope: str, declared: Mapping[str, set[str]], all_types: Sequence[str], keep: Sequence[str] = (),
                candidates: Iterable[str] = (), counts: Optional[tuple[dict, Counter]] = None) -> MarkTable:
    """The marks of ``scope`` (unit or topic): declared words, widened or dropped by what the
    corpus shows, and learned ``candidates`` kept where the reports (``counts``, from
    ``substring_counts``) concentrate them in one or two types across the other scope."""
    i = SCOPES[scope]
    n_types = max(len(all_types), 1)
    common_at = max(4, int(COMMON_SHARE * n_types + 0.999))
    per_word, docs_key = counts if counts is not None else ({}, Counter())
    docs = _by(docs_key, i)
    types: dict[str, frozenset[str]] = {}
    for w, decl in declared.items():
        seen = _by(per_word.get(w, {}), i)
        # a type uses the word when it occurs in OBSERVED_DOCS of its reports (or in all of
        # them, when the type has fewer)
        observed = {k for k, n in seen.items() if n >= min(OBSERVED_DOCS, docs[k])}
        t = set(decl) | observed
        if len(t) >= common_at:
            continue
        types[w] = frozenset(t)
    total_docs = sum(docs.values()) or 1
    for w in sorted(set(candidates) - set(declared)):
        seen_key = per_word.get(w, {})
        if sum(seen_key.values()) < MIN_DOCS or len({k[1 - i] for k in seen_key if k[1 - i]}) < 2:
            continue
        seen = _by(seen_key, i)
        kinds = _concentrated(seen, docs)
        if not kinds:
            continue
        # with a few reports per type a word lands in one type's reports by chance: the
        # share of the reports those types hold, to the power of the reports it is in there
        share = sum(docs[k] for k in kinds) / total_docs
        if share ** sum(seen[k] for k in kinds) <= CHANCE:
            types[w] = frozenset(kinds)
    return MarkTable(types, tuple(keep))


# ---- the check rule ------------------------------------------------------------------------

# Words that bring in another unit as a partner: 邀请派出所民警进校 is a school's sentence.
PARTNERS = ("邀请", "联合", "配合", "会同", "协同", "协助", "联系", "对接", "依托", "携手", "商请", "提请")


def unit_shields(units: Sequence, topics: Sequence) -> tuple[str, ...]:
    """Words that keep the unit marks inside them from counting: the units' ``keep``, and
    every topic's cue words — a topic's term is any unit's to use when it writes on the topic
    (驻村第一书记 in a company's 乡村振兴 report holds the village's 第一书记)."""
    return tuple(dict.fromkeys([*(k for u in units for k in u.keep), *(c for t in topics for c in t.cues)]))


def unit_table(ix=None) -> MarkTable:  # noqa: ANN001 - a backends.CorpusIndex
    """The unit marks of an index (``ix``), or the declared ones alone without an index."""
    from assistant.units import all_topics, all_units

    units = all_units()
    keep = unit_shields(units, all_topics())
    if ix is not None:
        rows = ix.marks("unit")  # none in an index without marks: the declared ones
        if rows:
            return MarkTable.from_rows(rows, keep)
    return build_table("unit", declared_unit_marks(units), [u.name for u in units], keep)


def foreign_rule(unit, table: MarkTable) -> dict | None:  # noqa: ANN001 - a Unit
    """The ``foreign-unit`` check rule for ``unit``: a word of another unit type's
    institutions, roles, people or business (the marks it may not use), or another unit
    type's word for who speaks (我镇 in a school's report). The unit's forbidden words
    have their own rule and are left to it."""
    from assistant.units import all_units

    units = all_units()
    labels = {u.name: u.short_label for u in units}
    # its own words, and those its ``uses`` says it shares (片区 of a town, 全镇 of a 镇卫生院)
    own = unit.mark_words() | {w for ws in unit.terms.values() for w in ws} | {unit.label, unit.short_label,
                                                                                *unit.aliases, *unit.uses}
    forbidden = set(unit.forbidden)
    declared = declared_unit_marks(units)
    marks: dict[str, str] = {}
    # a general government (县, 市: unit.toml ``governs_all``) speaks of every kind of unit it
    # governs: only another unit speaking as itself (我校, 我行) gives a copied sentence away
    for w, types in () if unit.governs_all else table.types.items():
        if unit.name in types or w in forbidden or w in own:
            continue
        if w not in declared:
            # a word the corpus alone ties to a unit type (厕所, 广场) is too weak to accuse a
            # sentence: blind check sets had 15 false alarms from such words and no find that
            # needed one; drafts still use them to choose their material
            continue
        marks[w] = "、".join(labels.get(t, t) for t in sorted(types))
    for u in units:
        if u.name == unit.name:
            continue
        # another unit's word for itself (我镇 in a school's report) is a copied sentence;
        # its word for its whole (全县) is not: a county hospital serves 全县
        for w in u.terms.get("self", ()):
            if w not in own and w not in forbidden and len(w) >= 2:
                marks.setdefault(w, u.short_label)
    if not marks:
        return None
    # a mark every unit type that declares it calls weak (its mentions, its people, its whole):
    # flagged only beside another foreign mark in the same sentence
    weak_of = {u.name: u.weak_marks() for u in units}
    weak = sorted(w for w in marks if w in declared and all(w in weak_of.get(t, ()) for t in declared[w]))
    shield = [k for k in (*table.keep, *own) if any(m in k and m != k for m in marks)]
    # another unit named as such (银行柜员, 学校师生): its marks after the name are a third party's
    owners = {a: labels.get(u.name, u.name) for u in units if u.name != unit.name
              for a in (*u.aliases, u.short_label) if len(a) >= 2 and a not in own}
    sample = sorted(marks, key=lambda w: (-len(w), w))[:2]
    mine = sorted(own, key=lambda w: (-len(w), w))[:2] or [unit.label]
    return {
        "id": "foreign-unit",
        "severity": "warning",
        "engine": "marks",
        "marks": marks,
        "message": f"“{{match}}”是{{detail}}的用语：这句话像是别的单位的报告，不像{unit.short_label}的",
        "exceptions": shield,
        "partners": list(PARTNERS),
        "weak": weak,
        "owners": owners,
        "own": sorted(w for w in own if len(w) >= 2),
        "examples": {"flag": [f"组织{w}开展工作。" for w in sample],
                     "pass": [f"组织{w}开展工作。" for w in mine if not any(m in w for m in marks)]
                     or ["组织开展工作。"]},
        "unit": unit.name,
    }
