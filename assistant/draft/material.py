"""The material a draft is written from: the corpus passages of a section kind, ranked by
how much they belong to the unit type and the topic being drafted.

A *passage* is one section of a corpus report (its sentences in order, by line). It comes
in one of these tiers, best first:

=========  ==========================================  ===========================
tier       the report it comes from                    its sentences must
=========  ==========================================  ===========================
own        the user's own, same unit type and topic    —
fanwen     a 范文 of the same unit type and topic       —
native     a shipped report, same unit type and topic  —
unit       same unit type, another topic               serve the topic
topic      same topic, a kindred unit type             serve the unit type
other      neither                                     serve both
=========  ==========================================  ===========================

A kindred unit type is one of a family the unit shares (``unit.toml``: ``family`` —
government, grassroots, institution, business): a county's passage may stand in for a
city's, never for a bank's, whose every other sentence would be about another business.

What a sentence serves was decided when the index was built (``phrases.fit_units`` /
``fit_topics``, see ``assistant.units.fitness``): a sentence that names another unit
type's institutions, roles, people or business, or another topic's, is left out. So is
one that ``assist check`` flags (web leftovers, garbled text…: ``phrases.flags``), one
without a neutral form (figures and names not yet placeholders), and a few more that read
wrong out of their report (first person singular, ×× where no name can stand). A passage
that loses too much of itself is not used at all: what is left must still read as one.

Each tier is fetched with its own query, a bounded number of sections, so the work of a
draft does not grow with the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional

from assistant.units.fitness import fits

if TYPE_CHECKING:  # pragma: no cover
    from assistant.backends import CorpusIndex, PassageRow, TierQuery
    from assistant.units.model import Unit

# tier → weight in the ranking (see the module's doc)
TIERS: dict[str, float] = {"own": 4.0, "fanwen": 3.6, "native": 2.4, "unit": 2.0, "topic": 1.6, "other": 1.0}
PER_TIER = 120  # sections fetched per tier and kind
MIN_KEPT = 0.6  # a passage keeps at least this share of its characters, or it is not used
SENTENCE_MIN, SENTENCE_MAX = 6, 170
FANWEN_MAX = 300  # a 范文's long opening sentence was written to be one

_FIRST_PERSON = re.compile(r"(?<!自)我(?!们|国|省|市|县|区|镇|乡|村|校|园|行|局|院|委|办|厂|司|公司|社区|单位|部门|所|站|中心|党|军|馆|队|为)")
_PAIRS = (("《", "》"), ("（", "）"), ("“", "”"), ("【", "】"), ("(", ")"))
# what follows a real name: an administrative or institutional suffix, a title
_NAMED = re.compile(r"(省|市|县|区|镇|乡|村|街道|社区|小区|街|路|组|局|委|办|所|院|校|学校|中学|小学|幼儿园|医院|"
                    r"银行|支行|分行|公司|集团|中心|站|队|同志|书记|主任|市长|县长|镇长|校长|行长|院长|局长|部长|"
                    r"河|湖|水库|山|厂|车间|企业|单位|部门|党委|党支部|街道办)")
_TITLED = re.compile(r"(长|书记|主任|委员|同志|局长|县长|市长|镇长|校长|行长|院长)$")
_SALUTATION = re.compile(r"^(尊敬的)?各位(领导|代表|同志|来宾)[，,、：:！!].{0,20}$|^(尊敬的)?各位(领导|代表|同志)$")
_TRAIL = re.compile(r"[，,；;、：:。！!？?\s]+$")
_POINT_LEAD = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)]|[（(]?[一二三四五六七八九十]{1,2}[）)、]|[一二三四五六七八九十]是)"
                         r"[^，。；]{2,18}[。：:]?$")


@dataclass
class Line:
    """One sentence of a passage."""

    sid: int
    line: int
    ord: int
    original: str  # as written in the report
    text: str  # figures and names as placeholders, its numbering kept
    usable: bool
    docs: int = 1  # reports its phrasing recurs in
    heading: bool = False  # the section's heading (not content)


@dataclass
class Passage:
    """One section of a corpus report, with what a draft needs of it."""

    section: int
    doc_id: str
    unit: str
    topic: str
    origin: str
    role: str
    kind: str
    heading: str
    level: int
    number: str
    tier: str
    lines: list[Line] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return TIERS[self.tier]

    @property
    def native(self) -> bool:
        return self.tier in ("own", "fanwen", "native")

    def content(self) -> list[Line]:
        return [x for x in self.lines if not x.heading]

    def kept_share(self) -> float:
        content = self.content()
        total = sum(len(x.original) for x in content) or 1
        return sum(len(x.original) for x in content if x.usable) / total

    def usable(self) -> bool:
        kept = [x for x in self.content() if x.usable]
        return bool(kept) and self.kept_share() >= MIN_KEPT and any(len(x.text) >= 12 for x in kept)

    def paragraphs(self, limit: int = 0) -> list[list[Line]]:
        """The usable sentences grouped by the line they stand on (a paragraph each); with
        ``limit``, whole paragraphs up to about that many characters (at least one)."""
        out: list[list[Line]] = []
        cur_line = None
        dropped_on: set[int] = {x.line for x in self.content() if not x.usable}
        for x in self.content():
            if not x.usable:
                continue
            if x.line != cur_line:
                out.append([])
                cur_line = x.line
            out[-1].append(x)
        # a numbered point whose content was left out: its lead alone (2. 做好医疗救治准备。) says nothing
        out = [para for para in out if not (len(para) == 1 and para[0].line in dropped_on
                                            and _POINT_LEAD.match(para[0].text))]
        if limit:
            kept, chars = [], 0
            for para in out:
                n = sum(len(x.text) for x in para)
                if kept and chars + n > limit:
                    break
                kept.append(para)
                chars += n
            out = kept
        return out

    def chars(self) -> int:
        return sum(len(x.text) for para in self.paragraphs() for x in para)

    @property
    def source(self) -> str:
        return self.doc_id


class Material:
    """The passages of each kind for one unit type and topic, fetched once per kind."""

    def __init__(self, ix: "CorpusIndex", unit: "Unit", topic: Optional[str]) -> None:
        self.ix = ix
        self.unit = unit
        self.topic = topic or ""
        self._cache: dict[tuple[str, str], list[Passage]] = {}
        self._names: dict[str, tuple[str, ...]] = {}  # doc_id → its own place names

    def kin(self) -> list[str]:
        """The other unit types whose material may stand in for this one's: those of a
        family it shares (``unit.toml``: ``family``); none when it names no family."""
        from assistant.units import all_units

        mine = set(self.unit.family)
        return [u.name for u in all_units() if u.name != self.unit.name and mine & set(u.family)]

    def _tiers(self) -> list[tuple[str, "TierQuery"]]:
        from assistant.backends import TierQuery

        u, t = (self.unit.name,), self.topic
        kin = tuple(self.kin())
        return [
            ("own", TierQuery(u, t, True, "user")),
            ("fanwen", TierQuery(u, t, True, "fanwen")),
            ("native", TierQuery(u, t, True, "shipped")),
            ("unit", TierQuery(u, t, False)),
            ("topic", TierQuery(kin, t, True)),
            ("other", TierQuery(kin, t, False)),
        ]

    def passages(self, kind: str, role: str = "section") -> list[Passage]:
        """Every passage of ``kind`` (and ``role``) in tier order; unusable ones left out."""
        key = (kind, role)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out: list[Passage] = []
        for tier, query in self._tiers():
            if not self.topic and tier in ("own", "fanwen", "native", "topic"):
                continue
            rows = self.ix.passages(kind, role, query, PER_TIER)
            out += [p for p in self._passages(rows, tier) if p.usable()]
        self._cache[key] = out
        return out

    def _passages(self, rows: Iterable["PassageRow"], tier: str) -> list[Passage]:
        from assistant.corpus.places import hide_names
        from assistant.suggest.phrases import strip_marker

        by_sec: dict[int, Passage] = {}
        names: tuple[str, ...] = ()
        for r in rows:
            sec = r.section
            p = by_sec.get(sec)
            if p is None:
                p = by_sec[sec] = Passage(sec, r.doc_id, r.unit or "", r.topic or "", r.origin or "", r.role,
                                          r.kind or "", r.heading or "", r.level or 1, r.number or "", tier)
                names = self._names.get(r.doc_id) if r.doc_id in self._names else self._names.setdefault(
                    r.doc_id, self.ix.place_names(r.doc_id))
            original = (r.text or "").strip()
            if not original:
                continue
            body = strip_marker(original)
            is_heading = bool(p.heading) and _TRAIL.sub("", body) == _TRAIL.sub("", p.heading)
            neutral, fu, ft, flags, docs = r.neutral, r.fit_units, r.fit_topics, r.flags, r.docs or 1
            prefix = original[: len(original) - len(body)] if body and original.endswith(body) else ""
            if p.origin == "fanwen":
                text = original  # a 范文 is written with its figures and names as placeholders
            elif neutral is None:
                text = ""  # no phrase (too short or too long to be one): no neutral form
            else:
                text = hide_names(prefix + neutral, names)  # 状元社区 → ××社区
            usable = bool(text) and self._usable(text, fu, ft, flags, p)
            if _SALUTATION.match(body):
                usable, is_heading = False, True  # 各位领导： of a speech: not a report's
            p.lines.append(Line(r.sentence, r.line, r.ord, original, text, usable, docs, is_heading))
        return list(by_sec.values())

    def _usable(self, text: str, fit_units: Optional[str], fit_topics: Optional[str], flags: Optional[str],
                p: Passage) -> bool:
        if flags:
            return False
        if not (SENTENCE_MIN <= len(text) <= (FANWEN_MAX if p.origin == "fanwen" else SENTENCE_MAX)):
            return False
        if not p.native:
            if not fits(fit_units, self.unit.name) or (self.topic and not fits(fit_topics, self.topic)):
                return False
        if any(text.count(a) != text.count(b) for a, b in _PAIRS):
            return False
        if p.origin == "fanwen":
            return True  # written for the purpose: its 我为群众办实事 and ×× are meant
        if _FIRST_PERSON.search(text):
            return False
        if any(not _NAMED.match(text, m.end()) and not _TITLED.search(text, 0, m.start())
               for m in re.finditer("×+", text)):
            return False  # ×× where no name can stand (疫情××和复杂性): a word taken for a name
        return True


def corpus_topics(ix: "CorpusIndex") -> list[tuple[str, int]]:
    """(topic, reports) of the corpus, most reports first."""
    return ix.corpus_topics()
