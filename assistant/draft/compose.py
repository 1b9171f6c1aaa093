"""Composing a draft: which sections, which sentences, in which order.

**Plan.** The sections come from the unit's outline (``unit.toml``: opening, its
body sections, 存在问题, 下步打算, closing; any of the last three the outline lacks
is added), or with ``--like`` from an existing report: its sections' kinds in
order (``assistant.classify``), its headings reworded for the new unit.

**Pool.** For a section of kind K (a unit's own kind is read as its core parent
kind) the candidates are the sentences of the corpus sections of kind K. Each is
made reusable the way ``assist suggest`` does it: numbering stripped, figures →
xx and local names → ×× (``assistant.suggest.neutral``), then adapted to the
unit's vocabulary (``assistant.units.adapt``). A candidate is dropped when it
still holds one of the unit's forbidden words or anything else ``assist check``
would flag apart from placeholders, when it is a sub-heading, a list lead-in
(…如下：), unbalanced (《 without 》), or speaks in the first person singular.

**Choice.** Candidates are ranked like suggestions: how much of the section's
heading (and, for a unit's own kind, its cue words) they cover, IDF-weighted;
how standard the phrasing is (the number of corpus reports it recurs in); a
length penalty; a bonus for sentences from the same unit type and for figures
that bind to one of the unit's data fields (``assistant.fill.match``), a
penalty for figures that bind to none. Sentences are taken greedily, with a
bonus for staying in a source section already used (a coherent passage reads
better than a patchwork), never the same corpus sentence twice and never one
near-identical (rapidfuzz ratio ≥ 72) to a sentence already in the draft.

**Order.** The chosen sentences keep the order they had in their source
section; passages from different sources are ordered by where they stood in
their sections (an overview sentence before details).

Nothing here invents a figure or a name: the corpus's own figures and names are
placeholders (xx, x月x日, ××) for ``assist check`` and ``assist fill``. The same
inputs give the same draft: every ranking breaks ties on corpus order.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

if TYPE_CHECKING:  # pragma: no cover
    from assistant.units.model import Unit

# ---- tuning -------------------------------------------------------------------------------
SENTENCE_MIN, SENTENCE_MAX = 12, 110  # characters of a usable sentence (after neutralising)
NEAR_DUP = 72  # rapidfuzz ratio at or above which two sentences are one (as in suggest)
COHESION = 0.15  # bonus for a sentence from a source section already used in this section
SAME_DOC = 0.05  # … or from a report already used
UNIT_BONUS = 0.1  # the sentence comes from a report of the same unit type
FOREIGN_PENALTY = 0.06  # per word that belongs to another unit type (学校 in a village's report)
SUBKIND_BONUS = 0.25  # its source section matches the unit's own kind (teaching, …)
BOUND_BONUS = 0.12  # per figure that binds to one of the unit's data fields
UNBOUND_PENALTY = 0.05  # per figure that binds to none
MAX_PENALTY = 0.3  # for the figures of one sentence together
CONTENDERS = 50  # best candidates of a section whose figures are matched against the unit's fields
# (max sentences, target characters) by section
LIMITS: dict[str, tuple[int, int]] = {
    "opening": (3, 170),
    "closing": (2, 90),
    "problems": (4, 200),
    "next_steps": (4, 220),
    "*": (5, 230),
}
TOPIC = "疫情防控"  # what the corpus reports are about (the default title)
DATE_MARK = "20xx年x月x日"
INTRO_FALLBACK = "现将有关情况汇报如下："
CLOSING_FALLBACK = "特此汇报。"
ENUMERATED = ("problems", "next_steps")  # written as 一是……；二是……。

_CN_ORD = "一二三四五六七八九十"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_INTRO = re.compile(r"(汇报|报告|总结|介绍)如下[：:]$")
_LEAD_CONNECTIVE = re.compile(r"^(同时|此外|另外|另一方面|与此同时|其次|再次|最后|首先|其中|因此|所以|并且|而且|但是|但)[，,、]?")
# what an item of 一是……；二是…… does not repeat: the section already says it is about next steps
_ITEM_LEAD = re.compile(r"^(下一步|下步|今后|下一阶段|接下来)(工作中|疫情防控工作中|的工作中)?[，,]?")
# 我 alone (我本人, 向我报告) reads wrong in someone else's report; 我们, 我校… are fine.
_FIRST_PERSON = re.compile(r"我(?!们|国|省|市|县|区|镇|乡|村|校|行|局|院|委|办|厂|司|公司|社区|单位|部门|所|站|中心|党|军)")
_PAIRS = (("《", "》"), ("（", "）"), ("“", "”"), ("【", "】"), ("(", ")"))
# the resolve a closing ends on
_RESOLVE = re.compile(r"((相信|坚信).{0,80}(有信心|有决心|一定能|必将|一定会)|有信心.{0,30}(打赢|战胜|完成|夺取))"
                      r"[^，。]{0,24}。$")
# what follows a real name: an administrative or institutional suffix, a title
_NAMED = re.compile(r"(省|市|县|区|镇|乡|村|街道|社区|小区|街|路|组|局|委|办|所|院|校|学校|中学|小学|幼儿园|医院|"
                    r"银行|支行|分行|公司|集团|中心|站|队|同志|书记|主任|市长|县长|镇长|校长|行长|院长|局长|部长)")
_TITLED = re.compile(r"(长|书记|主任|委员|同志|局长|县长|市长|镇长|校长|行长|院长)$")
_ENUM_LEAD = re.compile(r"^[一二三四五六七八九十]{1,2}要[，,、：:]?")  # 一要……二要……: the draft numbers its own
_TRAIL = re.compile(r"[，,；;、：:。！!？?\s]+$")
_CROSS_LINE_RULES = frozenset({"duplicate-sentence", "numbering"})


# ---- what a draft is ----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanItem:
    """One planned section: its kind (a core kind or the unit's own), role and heading."""

    kind: str
    core: str
    role: str  # opening / section / closing
    heading: str = ""


@dataclass
class Sentence:
    """A sentence of the draft and where it came from."""

    text: str  # as written in the draft (neutral, adapted, end punctuation fixed)
    original: str  # the corpus sentence as written
    source: str  # doc_id:line
    docs: int  # number of corpus reports the phrasing recurs in
    score: float
    sid: int = 0  # sentences.id in the index
    section: int = 0  # sections.id of its source section
    ord: int = 0  # its position in the source section
    rel: float = 0.0  # ord / number of sentences in the source section

    def to_json(self) -> dict:
        return {"text": self.text, "source": self.source, "docs": self.docs, "original": self.original}


@dataclass
class DraftSection:
    item: PlanItem
    number: str = ""  # 一 二 … for body sections
    paragraphs: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tail: str = ""  # a fixed phrase when the corpus has none (现将有关情况汇报如下：)
    parts: list[str] = field(default_factory=list, repr=False)  # the paragraph's pieces, one per sentence

    def rewrite(self) -> None:
        """(Re)write the paragraph from the sentences."""
        self.parts = paragraph_parts([s.text for s in self.sentences], self.core in ENUMERATED)
        text = "".join(self.parts) + self.tail
        self.paragraphs = [text] if text else []

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def core(self) -> str:
        return self.item.core

    @property
    def role(self) -> str:
        return self.item.role

    @property
    def heading(self) -> str:
        return self.item.heading

    def to_json(self) -> dict:
        return {"role": self.role, "kind": self.kind, "core": self.core, "number": self.number,
                "heading": self.heading or None, "paragraphs": self.paragraphs,
                "sentences": [s.to_json() for s in self.sentences]}


@dataclass
class Draft:
    unit: str
    unit_label: str
    title: str
    sections: list[DraftSection]
    signer: str
    date: str
    like: Optional[str] = None
    data: Any = None  # the user's data (assistant.fill.data.FillData), filled in when rendering

    @property
    def opening(self) -> list[DraftSection]:
        return [s for s in self.sections if s.role == "opening"]

    @property
    def body(self) -> list[DraftSection]:
        return [s for s in self.sections if s.role == "section"]

    @property
    def closing(self) -> list[DraftSection]:
        return [s for s in self.sections if s.role == "closing"]

    def kinds(self) -> list[str]:
        """The core kind of every section in order (opening and closing included)."""
        return [s.core for s in self.sections]

    def context(self) -> dict[str, Any]:
        """What the templates see (documented in templates/README.md)."""
        def sec(s: DraftSection) -> dict[str, Any]:
            from assistant.units.model import CORE_KINDS

            return {"number": s.number, "heading": s.heading, "kind": s.kind, "core": s.core,
                    "label": CORE_KINDS.get(s.core, s.core), "paragraphs": list(s.paragraphs)}

        return {
            "title": self.title,
            "unit": {"name": self.unit, "label": self.unit_label},
            "opening": [p for s in self.opening for p in s.paragraphs],
            "sections": [sec(s) for s in self.body],
            "closing": [p for s in self.closing for p in s.paragraphs],
            "signer": self.signer,
            "date": self.date,
            "like": self.like,
        }

    def to_json(self) -> dict:
        return {"title": self.title, "unit": self.unit, "like": self.like,
                "sections": [s.to_json() for s in self.sections], "signer": self.signer, "date": self.date}


# ---- planning -------------------------------------------------------------------------------

def core_of(kind: str, unit: "Unit") -> str:
    """The core kind of ``kind`` (a core kind, or one of the unit's own kinds)."""
    from assistant.units.model import CORE_KINDS

    if kind in CORE_KINDS:
        return kind
    own = unit.kind(kind)
    if own is not None:
        return own.parent
    from assistant.units import kind_parent

    return kind_parent(kind, "operations")


def plan_from_unit(unit: "Unit") -> list[PlanItem]:
    """The unit's outline, completed with 存在问题, 下步打算 and a closing if it lacks them."""
    from assistant.units.model import CORE_KINDS

    items: list[PlanItem] = []
    for o in unit.outline:
        core = core_of(o.kind, unit)
        role = core if core in ("opening", "closing") else "section"
        heading = o.heading or ("" if role != "section" else _kind_label(o.kind, unit))
        items.append(PlanItem(o.kind, core, role, heading))
    if not any(i.role == "opening" for i in items):
        items.insert(0, PlanItem("opening", "opening", "opening"))
    body_end = max((k for k, i in enumerate(items) if i.role != "closing"), default=len(items) - 1) + 1
    for core, heading in (("problems", "存在的问题"), ("next_steps", "下一步工作打算")):
        if not any(i.core == core for i in items):
            items.insert(body_end, PlanItem(core, core, "section", heading))
            body_end += 1
    if not any(i.role == "closing" for i in items):
        items.append(PlanItem("closing", "closing", "closing"))
    # opening first, closing last, whatever order the outline gave
    items = ([i for i in items if i.role == "opening"][:1] + [i for i in items if i.role == "section"]
             + [i for i in items if i.role == "closing"][:1])
    assert all(i.core in CORE_KINDS for i in items)
    return items


def _kind_label(kind: str, unit: "Unit") -> str:
    from assistant.units.model import CORE_KINDS

    own = unit.kind(kind)
    return own.label if own is not None else CORE_KINDS.get(kind, kind)


@dataclass
class LikeSection:
    """A section of the ``--like`` report as classified."""

    role: str
    kind: str  # core kind
    heading: Optional[str]
    text: str = ""
    subkind: Optional[str] = None  # a kind of the target unit, when the classifier sees one


def read_like(path: str, dirs: list[Path], conn: sqlite3.Connection, unit: Optional[str] = None,
              part: Optional[int] = None) -> tuple[Optional[str], list[LikeSection]]:
    """The title and classified sections of an existing report (any format, any mess).

    A file that holds several reports (a compilation copied from the web) needs ``part``
    (1-based) to say which one. Sections are classified like ``assist classify`` does;
    a corpus without labels has no model, and then the keyword baseline classifies.
    """
    from assistant import outline
    from assistant.corpus.importer import split_reports
    from assistant.errors import InputError
    from assistant.normalize import normalize
    from assistant.reader import read_document

    doc = read_document(path)
    norm = normalize(doc.text, doc.fmt)
    pieces = split_reports(norm)
    reports = [p for p in pieces if p.type == "report"] or pieces
    title = None
    if part is not None:
        if not 1 <= part <= len(reports):
            raise InputError(f"{path} 中只有 {len(reports)} 篇报告，没有第 {part} 篇")
        if len(reports) > 1:
            norm, title = reports[part - 1].text, reports[part - 1].title
    elif len(reports) > 1:
        listing = "；".join(f"{i}. {p.title}（{p.unit}，{len(p.text.text)} 字）" for i, p in enumerate(reports, 1))
        raise InputError(f"{path} 中有 {len(reports)} 篇报告：{listing}。请用 --like-part 序号 选一篇")
    if _has_model(conn):
        from assistant.classify.api import classify_text

        tree, preds = classify_text(conn, norm, unit=unit)
        out = [LikeSection(p.role, p.kind, p.heading, subkind=p.subkind) for p in preds]
        return title or (tree.title if tree is not None else None), out
    from assistant.classify import keywords

    tree = outline.parse(norm)
    out = [LikeSection(s.role, keywords.predict(s.heading, s.text, s.role), s.heading, s.text)
           for s in outline.sections(tree)]
    return title or tree.title, out


def _has_model(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'model_meta'").fetchone() is not None


def plan_from_like(sections: list[LikeSection], unit: "Unit", pool: "Pool") -> list[PlanItem]:
    """The like-report's kinds in order; headings reworded for ``unit``."""
    from assistant.errors import InputError

    items: list[PlanItem] = []
    used: set[str] = set()
    for s in sections:
        if s.role in ("opening", "closing"):
            items.append(PlanItem(s.role, s.role, s.role))
            continue
        kind = _own_kind(s, unit)
        heading = pool.reword_heading(s.heading or "", kind, s.kind, used)
        used.add(heading)
        items.append(PlanItem(kind, s.kind, "section", heading))
    if not any(i.role == "section" for i in items):
        raise InputError("参照的报告中没有找到分节结构（一、二、……），无法套用")
    return items


def _own_kind(s: LikeSection, unit: "Unit") -> str:
    """The unit's own kind under the section's core kind whose cues the heading shows, if any."""
    own = unit.kind(s.subkind) if s.subkind else None
    if own is not None and own.parent == s.kind:
        return own.id
    best, best_score = s.kind, 0
    for k in unit.kinds:
        if k.parent != s.kind:
            continue
        cues = [*k.cues, k.label]
        score = sum(3 for c in cues if c and s.heading and c in s.heading) + sum(1 for c in cues if c and c in s.text)
        if score > best_score:
            best, best_score = k.id, score
    return best if best_score >= 3 else s.kind


# ---- the pool of corpus sentences -----------------------------------------------------------

@dataclass
class _Source:
    id: int
    doc_id: str
    doc_unit: str
    role: str
    heading: str
    kind: str
    n: int  # sentences in the section


@dataclass
class _Cand:
    sid: int
    section: int
    ord: int
    rel: float
    line: int
    doc_id: str
    doc_unit: str
    original: str
    neutral: str
    text: str  # adapted, end punctuation fixed
    tokens: tuple[str, ...]
    docs: int
    intro: bool  # …汇报如下：
    bound: int = 0
    unbound: int = 0
    fields: tuple[str, ...] = ()  # the unit's fields its figures bind to
    foreign: int = 0  # words of other unit types
    score: float = 0.0  # its score when it was chosen
    bind_done: bool = False


class Pool:
    """The corpus sentences of every section kind, ready to be chosen for ``unit``."""

    def __init__(self, conn: sqlite3.Connection, unit: "Unit") -> None:
        from assistant.suggest.rank import Suggester

        self.conn = conn
        self.unit = unit
        self.suggester = Suggester(conn)
        self.sources: dict[int, _Source] = {}
        self._by_core: dict[str, list[_Cand]] = {}
        self._docs: Optional[dict[str, int]] = None
        self._rules = unit.check_rules()
        self._binder: Any = None
        self.common = _common_words()
        self._foreign_set = frozenset(_foreign_words(unit))
        self._load_sources()

    # -- sections and their kinds ------------------------------------------------------------
    def _load_sources(self) -> None:
        from assistant.classify import keywords

        rows = self.conn.execute(
            "SELECT s.id, s.role, s.heading, s.kind, s.text, d.doc_id, d.unit, "
            "(SELECT COUNT(*) FROM sentences se WHERE se.section = s.id) AS n "
            "FROM sections s JOIN documents d ON d.id = s.doc WHERE d.type = 'report' ORDER BY s.id")
        for r in rows:
            kind = r["kind"] or keywords.predict(r["heading"], r["text"] or "", r["role"])
            self.sources[r["id"]] = _Source(r["id"], r["doc_id"], r["unit"] or "", r["role"], r["heading"] or "",
                                            kind, r["n"])

    @property
    def empty(self) -> bool:
        return not self.sources

    def docs_of(self, neutral: str) -> int:
        from assistant.suggest.phrases import phrase_key

        if self._docs is None:
            self._docs = dict(self.conn.execute("SELECT key, docs FROM phrases"))
        return self._docs.get(phrase_key(neutral), 1)

    def candidates(self, core: str) -> list[_Cand]:
        """Every usable sentence of the sections of kind ``core`` (built once per kind)."""
        hit = self._by_core.get(core)
        if hit is not None:
            return hit
        ids = [s.id for s in self.sources.values() if s.kind == core]
        made: list[_Cand] = []
        for chunk in _chunks(ids, 500):
            rows = self.conn.execute(
                f"SELECT id, section, ord, line, text FROM sentences WHERE section IN ({','.join('?' * len(chunk))}) "
                "ORDER BY section, ord", chunk).fetchall()
            for r in rows:
                cand = self._make(r)
                if cand is not None:
                    made.append(cand)
        out = self._checked(made)
        self._by_core[core] = out
        return out

    def closing_candidates(self) -> list[_Cand]:
        """Sentences of closing sections, and sentences anywhere that end on the resolve a
        closing states (……有信心打赢疫情防控的人民战争): few reports have a closing of its own."""
        hit = self._by_core.get("*closing")
        if hit is not None:
            return hit
        own = self.candidates("closing")
        seen = {c.sid for c in own}
        rows = self.conn.execute(
            "SELECT id, section, ord, line, text FROM sentences WHERE text LIKE '%打赢%' OR text LIKE '%有信心%' "
            "OR text LIKE '%相信%' OR text LIKE '%坚信%' ORDER BY id").fetchall()
        made = [c for c in (self._make(r) for r in rows if r["section"] in self.sources and r["id"] not in seen)
                if c is not None and _RESOLVE.search(c.text)]
        out = own + self._checked(made)
        self._by_core["*closing"] = out
        return out

    def _make(self, r: sqlite3.Row) -> Optional[_Cand]:
        from assistant import outline, segment
        from assistant.suggest.neutral import neutralize
        from assistant.suggest.phrases import strip_marker
        from assistant.units.adapt import adapt

        src = self.sources[r["section"]]
        raw = (r["text"] or "").strip()
        if not raw:
            return None
        h = outline.match_heading(raw)
        if h is not None and not h.rest and h.style not in ("shi", "circled") and not h.heading.endswith("…"):
            return None  # a (sub)heading line, not a sentence
        body = _ENUM_LEAD.sub("", strip_marker(raw))
        if src.heading and _TRAIL.sub("", body) == src.heading:
            return None
        if not (SENTENCE_MIN <= len(body) <= SENTENCE_MAX + 20):
            return None
        neutral = neutralize(body, [(w, "n" if w in self.common else t) for w, t in segment.tag(body)])
        intro = bool(_INTRO.search(neutral.rstrip()))
        if not intro and neutral.rstrip().endswith(("：", ":")):
            return None  # a list lead-in without its list
        text = adapt(neutral, self.unit)
        text = _LEAD_CONNECTIVE.sub("", text) if text.startswith(("其中", "因此", "所以", "但")) else text
        text = _TRAIL.sub("", text)
        if not (SENTENCE_MIN <= len(text) <= SENTENCE_MAX) or "\n" in text:
            return None
        text += "：" if intro else "。"
        if _FIRST_PERSON.search(text) or any(text.count(a) != text.count(b) for a, b in _PAIRS):
            return None
        if any(not _NAMED.match(text, m.end()) and not _TITLED.search(text, 0, m.start())
               for m in re.finditer("×+", text)):
            return None  # ×× where no name can stand (疫情××和复杂性): a word the tagger took for a name
        tokens = tuple(t for t in segment.cut(text) if _WORD.search(t))
        foreign = sum(1 for t in tokens if t in self._foreign_set)
        return _Cand(r["id"], src.id, r["ord"], r["ord"] / max(src.n, 1), r["line"], src.doc_id, src.doc_unit,
                     raw, neutral, text, tokens, self.docs_of(neutral), intro, foreign=foreign)

    def _checked(self, cands: list[_Cand]) -> list[_Cand]:
        """The candidates ``assist check --unit`` finds nothing in but placeholders.

        One check run over all of them, a line each; a line flagged by a rule that looks
        across lines (repeated sentences, numbering) is checked again on its own."""
        if not cands:
            return []
        flagged: dict[int, set[str]] = {}
        for f in self._check("\n".join(c.text for c in cands)):
            flagged.setdefault(f.line - 1, set()).add(f.rule)
        out = []
        for i, c in enumerate(cands):
            rules = flagged.get(i)
            if rules and (not rules <= _CROSS_LINE_RULES or self.findings(c.text)):
                continue
            out.append(c)
        return out

    def _check(self, text: str) -> list:
        from assistant.check import check_text

        return [f for f in check_text(text, "txt", extra_rules=self._rules) if f.rule != "placeholder"]

    def findings(self, text: str) -> list:
        """What ``assist check --unit`` would flag in ``text``, placeholders aside."""
        return self._check(text)

    # -- figures and the unit's data fields -------------------------------------------------------
    def bind(self, cand: _Cand) -> None:
        """Count the candidate's figures that bind to one of the unit's fields (once)."""
        if cand.bind_done:
            return
        cand.bind_done = True
        from assistant.check import find_placeholders

        marks = find_placeholders(cand.text)
        if not marks:
            return
        bound_at: set[int] = set()
        binder = self._binder_data()
        if binder is not None:
            from assistant.fill.match import match

            try:
                result = match(cand.text, binder, unit=self.unit)
                bound_at = {d.slot.start for d in result.decisions if d.field}
                cand.fields = tuple(sorted({d.field for d in result.decisions if d.field}))
            except Exception:  # noqa: BLE001 — fill is optional here: an unreadable sentence binds nothing
                bound_at = set()
        for m in marks:
            if any(m.start <= b < m.end or b == m.start for b in bound_at):
                cand.bound += 1
            else:
                cand.unbound += 1

    def _binder_data(self) -> Any:
        """Sample data with every field of the unit (to see which figures bind to a field)."""
        if self._binder is None:
            try:
                from assistant.fill.data import FillData, parse_value
            except ImportError:  # pragma: no cover
                self._binder = False
                return None
            samples = {"number": 12, "date": "2020-02-03", "name": "样例", "text": "样例"}
            fields = {f.label: parse_value(samples.get(f.type, 12)) for f in self.unit.fields}
            self._binder = FillData(path=None, fields=fields)
        return self._binder or None

    # -- headings --------------------------------------------------------------------------------
    def reword_heading(self, heading: str, kind: str, core: str, used: set[str]) -> str:
        """A like-report's heading in the unit's words; the unit's own heading for the kind, a
        standard corpus heading or the kind's name when it cannot be reworded cleanly."""
        from assistant.check import find_placeholders
        from assistant import segment
        from assistant.suggest.neutral import neutralize
        from assistant.units.adapt import adapt

        options: list[str] = []
        if heading and not heading.endswith("…"):
            options.append(adapt(neutralize(heading, segment.tag(heading)), self.unit))
        options += [o.heading for o in self.unit.outline if o.heading and core_of(o.kind, self.unit) == core
                    and (o.kind == kind or kind == core)]
        options += [adapt(h, self.unit) for h in self._corpus_headings(core)]
        options.append(_kind_label(kind, self.unit))
        for h in options:
            h = _TRAIL.sub("", h.strip())
            if h and h not in used and not find_placeholders(h) and not self.findings(h):
                return h
        return _kind_label(kind, self.unit)

    def _corpus_headings(self, core: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT neutral FROM phrases WHERE heading = 1 AND kind = ? ORDER BY docs DESC, id LIMIT 20", (core,))
        return [r[0] for r in rows]


def _common_words() -> frozenset[str]:
    """Words of the unit types' vocabularies: never a local name, whatever the tagger says
    (jieba's dictionary tags 师生 and 群众 as person names)."""
    from assistant.units import all_units

    words: set[str] = set()
    for u in all_units():
        words |= u.own_words()
        words.update(u.vocabulary)
        words.update(u.vocabulary.values())
        words.update(u.keep)
        words.update(u.cues)
    return frozenset(w for w in words if w)


def _foreign_words(unit: "Unit") -> tuple[str, ...]:
    """Other unit types' own terms (我校, 师生, 班主任…) that ``unit`` has no use for: what
    ``adapt`` could not map (two characters or more; names of places and institutions such
    as 镇政府 or 学校 are mentioned in any report and do not count)."""
    from assistant.units import all_units

    mine = {unit.label, *unit.aliases, *unit.cues, *unit.own_words(), *unit.keep, *unit.vocabulary.values()}
    words: set[str] = set()
    for u in all_units():
        if u.name != unit.name:
            words.update(w for ws in u.terms.values() for w in ws)
    return tuple(sorted((w for w in words if len(w) >= 2 and w not in mine and not any(w in m for m in mine)),
                        key=lambda w: (-len(w), w)))


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---- choosing ---------------------------------------------------------------------------------

class Composer:
    """Writes the sections of one draft (so that no sentence is used twice in it)."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.unit = pool.unit
        self.used_ids: set[int] = set()
        self.used_texts: list[str] = []
        self.covered: set[str] = set()  # the unit's fields that figures of the draft bind to

    def query(self, item: PlanItem) -> dict[str, float]:
        """Words a sentence of this section should cover, with weights: its heading and the
        unit kind's cue words (IDF), the core kind's cue words (half), for the opening and
        the closing the title's words."""
        from assistant import segment
        from assistant.classify import kind_table
        from assistant.suggest.rank import STOPWORDS

        idf = self.pool.suggester.idf
        weights: dict[str, float] = {}

        def add(words: Iterable[str], factor: float) -> None:
            for w in words:
                w = w.strip()
                if w and _WORD.search(w) and w not in STOPWORDS and w not in weights:
                    weights[w] = factor * idf(w)

        if item.heading:
            add(segment.cut(item.heading), 1.0)
        own = self.unit.kind(item.kind)
        if own is not None:
            add([*own.cues, own.label], 1.0)
        if item.role != "section":
            add(segment.cut(f"{_short_label(self.unit)}{TOPIC}工作"), 1.0)
        spec = kind_table().get(item.core) or {}
        add([*(spec.get("heading") or []), *(spec.get("body") or [])], 0.5)
        return weights

    def score(self, c: _Cand, weights: dict[str, float], sub: dict[int, float]) -> float:
        """Everything but the figures' binding (see ``binding``)."""
        total_w = sum(weights.values()) or 1.0
        cover = sum(w for t, w in weights.items() if any(t == p or (len(t) >= 2 and t in p) for p in c.tokens))
        s = 0.5 * cover / total_w
        s += self.pool.suggester._standard(c.docs) - self.pool.suggester._length_penalty(c.text)
        if c.doc_unit == self.unit.name:
            s += UNIT_BONUS
        s += SUBKIND_BONUS * sub.get(c.section, 0.0)
        s -= FOREIGN_PENALTY * min(c.foreign, 3)
        return s

    def binding(self, c: _Cand) -> float:
        """Figures that the unit's data will fill count for the sentence (a field the draft
        does not have yet counts fully, one it has a third), figures nothing fills against."""
        self.pool.bind(c)
        new = sum(1 for f in c.fields if f not in self.covered)
        penalty = min(UNBOUND_PENALTY * c.unbound, MAX_PENALTY)
        return BOUND_BONUS * new + BOUND_BONUS / 3 * (c.bound - new) - penalty

    def _subkind_fit(self, item: PlanItem, cands: list[_Cand]) -> dict[int, float]:
        """Source sections that read as the unit's own kind (0..1), from its cue words."""
        own = self.unit.kind(item.kind)
        if own is None:
            return {}
        cues = [c for c in (*own.cues, own.label) if c]
        text_of: dict[int, list[str]] = {}
        for c in cands:
            text_of.setdefault(c.section, []).append(c.text)
        out: dict[int, float] = {}
        for sec, texts in text_of.items():
            body = "".join(texts)
            heading = self.pool.sources[sec].heading
            hits = sum(3 for cue in cues if heading and cue in heading) + sum(1 for cue in cues if cue in body)
            if hits:
                out[sec] = min(hits / 4.0, 1.0)
        return out

    def _near_dup(self, text: str) -> bool:
        from rapidfuzz import fuzz

        return any(text == t or fuzz.ratio(text, t) >= NEAR_DUP for t in self.used_texts)

    def choose(self, item: PlanItem, cands: list[_Cand], limit: Optional[tuple[int, int]] = None) -> list[_Cand]:
        max_n, target = limit or LIMITS.get(item.role if item.role != "section" else item.core, LIMITS["*"])
        weights = self.query(item)
        sub = self._subkind_fit(item, cands)
        avail = [c for c in cands if c.sid not in self.used_ids and not c.intro]
        base = {c.sid: self.score(c, weights, sub) for c in avail}
        # binding a figure to a field runs fill's matcher: only for the contenders
        avail = sorted(avail, key=lambda c: (-base[c.sid], c.sid))[:CONTENDERS]
        picked: list[_Cand] = []
        chars = 0
        while avail and len(picked) < max_n and chars < target:
            secs = {p.section for p in picked}
            docs = {p.doc_id for p in picked}

            def key(c: _Cand) -> tuple:
                bonus = COHESION if c.section in secs else (SAME_DOC if c.doc_id in docs else 0.0)
                return (-(base[c.sid] + bonus + self.binding(c)), c.sid)

            avail.sort(key=key)
            best = None
            for c in avail:
                if self._near_dup(c.text) or any(_too_close(c, p) for p in picked):
                    continue
                best = c
                break
            if best is None:
                break
            best.score = -key(best)[0]
            picked.append(best)
            self.covered.update(best.fields)
            self.used_ids.add(best.sid)
            self.used_texts.append(best.text)
            chars += len(best.text)
            avail = [c for c in avail if c is not best]
        return picked

    def choose_intro(self, cands: list[_Cand]) -> Optional[_Cand]:
        intros = [c for c in cands if c.intro and c.sid not in self.used_ids and not self._near_dup(c.text)]
        if not intros:
            return None
        for c in intros:
            self.pool.bind(c)
        best = min(intros, key=lambda c: (-(self.pool.suggester._standard(c.docs)
                                            - self.pool.suggester._length_penalty(c.text)
                                            - min(UNBOUND_PENALTY * c.unbound, MAX_PENALTY)), len(c.text), c.sid))
        self.covered.update(best.fields)
        self.used_ids.add(best.sid)
        self.used_texts.append(best.text)
        return best


def _too_close(a: _Cand, b: _Cand) -> bool:
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(" ".join(a.tokens), " ".join(b.tokens)) >= 90


def order(picked: list[_Cand]) -> list[_Cand]:
    """Source order within each source section; passages by where they stood in their sections."""
    groups: dict[int, list[_Cand]] = {}
    for rank, c in enumerate(picked):
        groups.setdefault(c.section, []).append(c)
    first_rank = {sec: min(picked.index(c) for c in cs) for sec, cs in groups.items()}
    keyed = sorted(groups.items(), key=lambda kv: (min(c.rel for c in kv[1]), first_rank[kv[0]]))
    out: list[_Cand] = []
    for _, cs in keyed:
        out.extend(sorted(cs, key=lambda c: (c.ord, c.sid)))
    return out


def paragraph_parts(texts: list[str], enumerate_items: bool = False) -> list[str]:
    """The pieces of one paragraph, one per sentence (一是……；二是……。 for problems and plans)."""
    if not texts:
        return []
    texts = list(texts)
    texts[0] = _LEAD_CONNECTIVE.sub("", texts[0]) or texts[0]
    if enumerate_items and len(texts) >= 2:
        texts = texts[: len(_CN_ORD)]
        parts = []
        for i, t in enumerate(texts):
            t = _ITEM_LEAD.sub("", _LEAD_CONNECTIVE.sub("", _TRAIL.sub("", t))) or t
            parts.append(f"{_CN_ORD[i]}是{t}" + ("。" if i == len(texts) - 1 else "；"))
        return parts
    return texts


def _sentence(c: _Cand) -> Sentence:
    return Sentence(c.text, c.original, f"{c.doc_id}:{c.line}", c.docs, round(c.score, 4), c.sid, c.section, c.ord,
                    round(c.rel, 4))


def write_section(composer: Composer, item: PlanItem) -> DraftSection:
    """Choose and order the sentences of one section and write its paragraph."""
    pool = composer.pool
    sec = DraftSection(item)
    if item.role == "opening":
        cands = pool.candidates("opening")
        picked = order(composer.choose(item, cands))
        intro = composer.choose_intro(cands)
        if intro is not None:
            picked.append(intro)
        else:
            sec.tail = INTRO_FALLBACK
    elif item.role == "closing":
        picked = order(composer.choose(item, pool.closing_candidates()))
        if not picked:
            sec.tail = CLOSING_FALLBACK
    else:
        picked = order(composer.choose(item, pool.candidates(item.core)))
    sec.sentences = [_sentence(c) for c in picked]
    sec.rewrite()
    return sec


# ---- the whole draft ---------------------------------------------------------------------------

def default_title(unit: "Unit") -> str:
    return f"××{_short_label(unit)}{TOPIC}工作情况汇报"


def _short_label(unit: "Unit") -> str:
    return re.sub(r"[（(][^）)]*[）)]", "", unit.label) or unit.label


def compose(conn: sqlite3.Connection, unit: "Unit", plan: list[PlanItem], title: Optional[str] = None,
            like: Optional[str] = None, pool: Optional[Pool] = None) -> Draft:
    """Write every planned section from the corpus (placeholders left open)."""
    from assistant.errors import InputError

    pool = pool or Pool(conn, unit)
    if pool.empty:
        raise InputError("语料库中没有报告，无法起草（请先用 assist corpus add 导入报告）")
    composer = Composer(pool)
    sections: list[DraftSection] = []
    # body sections first (they need the best sentences), then opening and closing
    written = {i: write_section(composer, item) for i, item in enumerate(plan) if item.role == "section"}
    for i, item in enumerate(plan):
        if item.role != "section":
            written[i] = write_section(composer, item)
    _verify([written[i] for i in range(len(plan))], pool)
    n = 0
    for i in range(len(plan)):
        s = written[i]
        if s.role == "section":
            if not s.paragraphs:
                continue  # nothing of this kind in the corpus: no empty section
            s.number = _cn_number(n + 1)
            n += 1
        sections.append(s)
    title = (title or "").strip() or default_title(unit)
    return Draft(unit.name, unit.label, title, sections, f"××{_short_label(unit)}", DATE_MARK, like)


def _verify(sections: list[DraftSection], pool: Pool, rounds: int = 3) -> None:
    """Drop sentences that ``assist check`` flags only in company (a skipped 二要, a sentence
    repeated across sections…): every candidate passed on its own."""
    for _ in range(rounds):
        lines: list[tuple[DraftSection, int]] = []  # per line of the text: its section, heading or not
        text_lines = []
        n = 0
        for sec in sections:
            if sec.role == "section" and sec.parts:
                n += 1
                text_lines.append(f"{_cn_number(n)}、{sec.heading}")
                lines.append((sec, -1))
            if sec.parts:
                text_lines.append("".join(sec.parts) + sec.tail)
                lines.append((sec, 0))
        bad: dict[int, set[int]] = {}
        for f in pool.findings("\n".join(text_lines)):
            sec, kind = lines[f.line - 1]
            if kind < 0:
                continue  # headings come from the unit's outline or the like-report
            pos, k = 0, -1
            for k, part in enumerate(sec.parts):
                if pos <= f.col - 1 < pos + len(part):
                    break
                pos += len(part)
            bad.setdefault(id(sec), set()).add(k)
        if not bad:
            return
        for sec in sections:
            drop = bad.get(id(sec))
            if drop:
                sec.sentences = [x for k, x in enumerate(sec.sentences) if k not in drop]
                if sec.role == "opening" and not any(x.text.endswith("：") for x in sec.sentences):
                    sec.tail = INTRO_FALLBACK
                elif sec.role == "closing" and not sec.sentences:
                    sec.tail = CLOSING_FALLBACK
                sec.rewrite()


def _cn_number(n: int) -> str:
    if n <= 10:
        return "一二三四五六七八九十"[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else "一二三四五六七八九"[tens - 1]) + "十" + ("" if ones == 0 else "一二三四五六七八九"[ones - 1])


def make_draft(unit_name: str, dirs: list[Path], *, data_path: Optional[str] = None, like: Optional[str] = None,
               like_part: Optional[int] = None, title: Optional[str] = None) -> Draft:
    """The draft for ``unit_name`` from the corpus in ``dirs`` (the library call behind the command)."""
    from assistant.corpus import index
    from assistant.units import get_unit

    unit = get_unit(unit_name)
    data = None
    if data_path is not None:
        from assistant.fill.data import load_data

        data = load_data(data_path)  # bad data: InputError before any work
    if like is not None:
        from assistant.reader import read_document

        read_document(like)  # a missing or unreadable file: one line, exit 2, before the index
    conn = index.open_index(dirs)
    try:
        pool = Pool(conn, unit)
        if like is not None:
            _, like_sections = read_like(like, dirs, conn, unit.name, like_part)
            plan = plan_from_like(like_sections, unit, pool)
        else:
            plan = plan_from_unit(unit)
        draft = compose(conn, unit, plan, title, like, pool)
    finally:
        conn.close()
    draft.data = data
    return draft
