"""Composing a draft: which sections, which passages, in which words.

**Topic.** ``--topic`` when given; else the topic of the ``--like`` report, or the one
the data's field names belong to; else the topic the corpus holds most reports of.

**Plan.** The sections come from the topic's outline for the unit type (``topic.toml``:
``unit_outline.<unit>``, else its ``outline``), else the unit's own outline; any of
存在问题, 下步打算 and a closing the outline lacks is added. With ``--like`` the plan is
the structure of an existing report: its sections' kinds in order, its depth (a part
heading such as 一、主要工作开展情况 over （一）（二）… items) and its part headings — but
never the wording of its body headings or sentences, which come from the unit's material.

**Material.** Each section is written from *one passage* of the corpus — a section of a
report of the same kind — so that it reads as one piece (``assistant.draft.material``):
the user's own reports of the unit type and topic first, then the plugins' 范文 of both,
then the shipped reports of both, then passages of the unit type on another topic, of
the topic by another unit type, and of neither, whose every sentence must serve this
unit type and topic. A passage that is too short is followed by a second one of its tier.
A passage's own heading is the section's heading when the passage is the unit's own
(it was written for that content); otherwise the plan's heading stands.

**Words.** Figures and names are placeholders (xx, ××, x月x日) from the index's neutral
text, and who speaks is rewritten for the unit (我镇 → 我校, ``adapt.speak_as``);
nothing else is rewritten. Numbering inside a passage (1. 2. / 一是 二是) is renumbered
where a sentence was left out.

**Check.** The whole draft is checked as ``assist check --unit`` would check it — the
unit's own rules and ``foreign-unit`` included — and a sentence it flags (apart from
placeholders) is dropped; so is a sentence that repeats one already in the draft.

Nothing here invents a figure or a name. The same inputs give the same draft: every
ranking breaks ties on corpus order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from assistant.draft.material import _POINT_LEAD, Line, Material, Passage, corpus_topics

if TYPE_CHECKING:  # pragma: no cover
    from assistant.backends import CorpusIndex
    from assistant.units.model import Unit, Variant
    from assistant.units.topics import Topic

# ---- tuning -------------------------------------------------------------------------------
NEAR_DUP = 72  # rapidfuzz ratio at or above which two sentences are one
# characters of a section's text, by its kind (whole paragraphs are taken up to this)
LIMITS: dict[str, int] = {"opening": 420, "closing": 260, "problems": 420, "next_steps": 480, "*": 460}
MIN_CHARS = 70  # a passage shorter than this is followed by a second one
HEADING_COVER = 1.0  # weight of how much of the plan's heading a passage's heading and start cover
SUBKIND_FIT = 0.8  # weight of the unit or topic kind's cue words in the passage
SAME_DOC = 0.15  # a passage from a report the draft already draws on (a draft that reads as one)
DATE_MARK = "20xx年x月x日"
INTRO_FALLBACK = "现将有关情况汇报如下："
CLOSING_FALLBACK = "特此汇报。"
ENUMERATED = ("problems", "next_steps")
DEFAULT_HEADINGS = {"problems": "存在的问题", "next_steps": "下一步工作打算"}
GENERIC_PART = "主要工作开展情况"
# a body section nothing in the corpus fits: the writer's to write (×× is a mark check lists)
NO_MATERIAL = "（请结合本单位实际写明本节情况：××。）"
# the same, naming the section (several such sections are not one sentence said again)
NO_MATERIAL_FOR = "（请结合本单位实际写明“{heading}”的情况：××。）"
# an opening whose material was all left out: the writer's to write, before the hand-over
OPENING_NO_MATERIAL = "（请写明本单位基本情况和这一时期工作的总体情况：××。）"

_CN_ORD = "一二三四五六七八九十"
# the sentence that hands over to the body: 现将……汇报如下： / 下面，我就……作简要汇报：
_INTRO = re.compile(r"((汇报|报告|总结|介绍|发言|说明)(如下|一下)|作(一)?(简要|简单|扼要)?的?(汇报|报告|介绍|发言))[：:。]?$")
_TRAIL = re.compile(r"[，,；;、：:。！!？?\s]+$")
_CROSS_LINE_RULES = frozenset({"duplicate-sentence", "numbering"})


# ---- what a draft is ----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanItem:
    """One planned section: its kind (a core kind or a unit's or topic's own), core kind,
    role (opening / section / part / closing), heading, level (1: 一、 2: （一）)."""

    kind: str
    core: str
    role: str
    heading: str = ""
    level: int = 1
    # --like: the source's own heading of the section, for a section the unit has no material
    # for (its heading says what to write better than the kind's name: 强化医疗质量控制, not 业务运行)
    source_heading: str = ""


@dataclass
class Sentence:
    """A sentence of the draft and where it came from."""

    text: str  # as written in the draft
    original: str  # the corpus sentence as written
    source: str  # doc_id:line
    docs: int  # number of corpus reports the phrasing recurs in
    score: float
    sid: int = 0  # sentences.id in the index
    section: int = 0  # sections.id of its source section
    ord: int = 0  # its position in the source section
    para: int = 0  # the paragraph of the draft section it stands in

    def to_json(self) -> dict:
        return {"text": self.text, "source": self.source, "docs": self.docs, "original": self.original}


@dataclass
class DraftSection:
    item: PlanItem
    number: str = ""  # 一 二 … (level 1) or （一）… (level 2) for body sections and parts
    paragraphs: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tail: str = ""  # a fixed phrase when the corpus has none (现将有关情况汇报如下：)
    heading_text: str = ""  # the heading as written (the plan's, or the passage's own)
    tier: str = ""  # the material's tier (assistant.draft.material.TIERS)

    def rewrite(self) -> None:
        """(Re)write the paragraphs from the sentences."""
        paras: dict[int, list[str]] = {}
        for s in self.sentences:
            paras.setdefault(s.para, []).append(s.text)
        texts = renumber(["".join(ts) for _, ts in sorted(paras.items())])
        if self.tail:
            if texts:
                texts[-1] += self.tail
            else:
                texts = [self.tail]
        self.paragraphs = [t for t in texts if t]

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
    def level(self) -> int:
        return self.item.level

    @property
    def heading(self) -> str:
        return self.heading_text or self.item.heading

    @property
    def marker(self) -> str:
        """The numbering as printed: 一、 or （一）."""
        if not self.number:
            return ""
        return self.number if self.number.startswith("（") else f"{self.number}、"

    def to_json(self) -> dict:
        return {"role": self.role, "kind": self.kind, "core": self.core, "number": self.number,
                "level": self.level, "heading": self.heading or None, "paragraphs": self.paragraphs,
                "tier": self.tier or None, "sentences": [s.to_json() for s in self.sentences]}


@dataclass
class Draft:
    unit: str
    unit_label: str
    title: str
    sections: list[DraftSection]
    signer: str
    date: str
    like: Optional[str] = None
    topic: Optional[str] = None
    topic_label: Optional[str] = None
    data: Any = None  # the user's data (assistant.fill.data.FillData), filled in when rendering
    topic_from: str = "given"  # where the topic came from: given, like, data, corpus, none

    @property
    def opening(self) -> list[DraftSection]:
        return [s for s in self.sections if s.role == "opening"]

    @property
    def body(self) -> list[DraftSection]:
        return [s for s in self.sections if s.role == "section"]

    @property
    def closing(self) -> list[DraftSection]:
        return [s for s in self.sections if s.role == "closing"]

    def without_material(self) -> list[DraftSection]:
        """Body sections that nothing in the corpus could be found for (left to the writer)."""
        return [s for s in self.body if s.tier == "none"]

    def from_elsewhere(self) -> list[DraftSection]:
        """Body sections written from another unit type's material (to be read with care)."""
        return [s for s in self.body if s.tier in ("topic", "other")]

    def kinds(self) -> list[str]:
        """The core kind of every section in order (opening and closing included; parts not)."""
        return [s.core for s in self.sections if s.role != "part"]

    def context(self) -> dict[str, Any]:
        """What the templates see (documented in templates/README.md)."""
        from assistant.units.model import CORE_KINDS

        def sec(s: DraftSection) -> dict[str, Any]:
            return {"number": s.number, "marker": s.marker, "level": s.level, "heading": s.heading,
                    "kind": s.kind, "core": s.core, "label": CORE_KINDS.get(s.core, s.core),
                    "part": s.role == "part", "paragraphs": list(s.paragraphs)}

        return {
            "title": self.title,
            "unit": {"name": self.unit, "label": self.unit_label},
            "topic": {"name": self.topic, "label": self.topic_label} if self.topic else None,
            "opening": [p for s in self.opening for p in s.paragraphs],
            "sections": [sec(s) for s in self.sections if s.role in ("section", "part")],
            "closing": [p for s in self.closing for p in s.paragraphs],
            "signer": self.signer,
            "date": self.date,
            "like": self.like,
        }

    def to_json(self) -> dict:
        return {"title": self.title, "unit": self.unit, "topic": self.topic, "topic_from": self.topic_from,
                "like": self.like, "sections": [s.to_json() for s in self.sections], "signer": self.signer, "date": self.date}


# ---- numbering ----------------------------------------------------------------------------------

def cn_number(n: int) -> str:
    if n <= 10:
        return _CN_ORD[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_ORD[tens - 1]) + "十" + ("" if ones == 0 else _CN_ORD[ones - 1])


_LINE_ARABIC = re.compile(r"^(\d{1,2})([.．、])")
_LINE_PAREN = re.compile(r"^[（(](\d{1,2})[）)]")
_LINE_PAREN_CN = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")
_SHI = re.compile(r"(?:(?<=^)|(?<=[。；;：:，,]))([一二三四五六七八九十]{1,2})(是|要|方面)")


def renumber(paragraphs: list[str]) -> list[str]:
    """Numbering made consecutive again where sentences were left out: 1. 2. 3. and
    （1）（2） and （一）（二） at the start of paragraphs, 一是 二是 within the section."""
    out: list[str] = []
    counters: dict[str, int] = {}
    for p in paragraphs:
        for name, rx, fmt in (("arabic", _LINE_ARABIC, lambda n, m: f"{n}{m.group(2)}"),
                              ("paren", _LINE_PAREN, lambda n, m: f"（{n}）"),
                              ("paren_cn", _LINE_PAREN_CN, lambda n, m: f"（{cn_number(n)}）")):
            m = rx.match(p)
            if m:
                counters[name] = counters.get(name, 0) + 1
                p = fmt(counters[name], m) + p[m.end():]
                break
        out.append(p)
    # 一是 二是 …: one sequence per suffix over the whole section
    seq: dict[str, int] = {}

    def shi(m: re.Match) -> str:
        suffix = m.group(2)
        seq[suffix] = seq.get(suffix, 0) + 1
        return f"{cn_number(seq[suffix])}{suffix}"

    return [_SHI.sub(shi, p) for p in out]


# ---- planning -------------------------------------------------------------------------------

def core_of(kind: str, unit: "Unit", topic: Optional["Topic"] = None) -> str:
    """The core kind of ``kind`` (a core kind, the unit's or the topic's own kind)."""
    from assistant.units.model import CORE_KINDS

    if kind in CORE_KINDS:
        return kind
    for owner in (unit, topic):
        own = owner.kind(kind) if owner is not None else None
        if own is not None:
            return own.parent
    from assistant.units import kind_parent

    return kind_parent(kind, "operations")


def _kind_label(kind: str, unit: "Unit", topic: Optional["Topic"] = None) -> str:
    from assistant.units.model import CORE_KINDS

    for owner in (unit, topic):
        own = owner.kind(kind) if owner is not None else None
        if own is not None:
            return own.label
    return CORE_KINDS.get(kind, kind)


def plan_for(unit: "Unit", topic: Optional["Topic"] = None) -> list[PlanItem]:
    """The outline of a report by ``unit`` on ``topic``, completed with 存在问题, 下步打算
    and a closing where it lacks them."""
    outline = (topic.outline_for(unit.name) if topic is not None else ()) or unit.outline
    return complete_plan([(o.kind, o.heading) for o in outline], unit, topic)


def plan_from_unit(unit: "Unit") -> list[PlanItem]:
    """The unit's own outline (no topic), completed."""
    return complete_plan([(o.kind, o.heading) for o in unit.outline], unit, None)


def complete_plan(outline: list[tuple[str, str]], unit: "Unit", topic: Optional["Topic"]) -> list[PlanItem]:
    from assistant.units.model import CORE_KINDS

    items: list[PlanItem] = []
    for kind, heading in outline:
        core = core_of(kind, unit, topic)
        role = core if core in ("opening", "closing") else "section"
        heading = heading or ("" if role != "section" else _kind_label(kind, unit, topic))
        items.append(PlanItem(kind, core, role, heading))
    if not any(i.role == "opening" for i in items):
        items.insert(0, PlanItem("opening", "opening", "opening"))
    _add_missing_parts(items)
    if not any(i.role == "closing" for i in items):
        items.append(PlanItem("closing", "closing", "closing"))
    items = ([i for i in items if i.role == "opening"][:1] + [i for i in items if i.role == "section"]
             + [i for i in items if i.role == "closing"][:1])
    assert all(i.core in CORE_KINDS for i in items)
    return items


def _add_missing_parts(items: list[PlanItem]) -> None:
    """存在问题 and 下步打算 where the plan lacks them: problems before the plans, both after
    the last body section (before a closing)."""
    end = max((k for k, i in enumerate(items) if i.role != "closing"), default=len(items) - 1) + 1
    if not any(i.core == "problems" for i in items):
        plans = next((k for k, i in enumerate(items) if i.core == "next_steps"), None)
        items.insert(plans if plans is not None else end, PlanItem("problems", "problems", "section",
                                                                   DEFAULT_HEADINGS["problems"]))
        end += 1
    if not any(i.core == "next_steps" for i in items):
        items.insert(end, PlanItem("next_steps", "next_steps", "section", DEFAULT_HEADINGS["next_steps"]))


# ---- --like ---------------------------------------------------------------------------------------

@dataclass
class LikeSection:
    """A section of the ``--like`` report as classified."""

    role: str
    kind: str  # core kind
    heading: Optional[str]
    text: str = ""
    subkind: Optional[str] = None
    part: Optional[str] = None  # the heading of the part (container) it stands under
    debris: bool = False  # web leftovers, not a section of the report


def read_like(path: str, conn: "CorpusIndex", unit: Optional[str] = None,
              part: Optional[int] = None) -> tuple[Optional[str], str, list[LikeSection]]:
    """The title, text and classified sections of an existing report (any format, any mess).

    A file that holds several reports (a compilation copied from the web) needs ``part``
    (1-based) to say which one. Sections are classified like ``assist classify`` does; a
    corpus without labels has no model, and then the keyword rules classify.
    """
    from assistant import outline
    from assistant.corpus.importer import split_reports
    from assistant.errors import InputError
    from assistant.normalize import normalize
    from assistant.reader import read_document

    from assistant.corpus.importer import front_matter

    doc = read_document(path)
    norm = normalize(doc.text, doc.fmt)
    pieces = split_reports(norm)
    reports = [p for p in pieces if p.type == "report"] or pieces
    title = front_matter(doc.text).get("title") or None  # a Markdown file's front matter names it
    if part is not None:
        if not 1 <= part <= len(reports):
            raise InputError(f"{path} 中只有 {len(reports)} 篇报告，没有第 {part} 篇")
        if len(reports) > 1:
            norm, title = reports[part - 1].text, reports[part - 1].title
    elif len(reports) > 1:
        listing = "；".join(f"{i}. {p.title}（{p.unit}，{len(p.text.text)} 字）" for i, p in enumerate(reports, 1))
        raise InputError(f"{path} 中有 {len(reports)} 篇报告：{listing}。请用 --like-part 序号 选一篇")
    tree = outline.parse(norm)
    secs = outline.sections(tree)
    if conn.has_model():
        from assistant.classify.api import classify_text

        _, preds = classify_text(conn, norm, unit=unit)
        kinds = [(p.kind, p.subkind) for p in preds]
    else:
        from assistant.classify import keywords

        kinds = [(keywords.predict(s.heading, s.text, s.role), None) for s in secs]
    out = []
    for s, (kind, sub) in zip(secs, kinds):
        kind = s.role if s.role in ("opening", "closing") else kind
        out.append(LikeSection(s.role, kind, s.heading, s.text, sub,
                               s.container.heading if s.container is not None else None, _is_debris(s.text)))
    return title or tree.title, norm.text, out


def _is_debris(text: str) -> bool:
    """A section that is web leftovers (site headers, image lines, counters), not report text."""
    from assistant.check import check_text

    body = [ln for ln in text.splitlines() if ln.strip()]
    if not body:
        return True
    flagged = {f.line for f in check_text(text, "txt") if f.rule in ("web-leftover", "garbled")}
    kept = [ln for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and i not in flagged]
    return sum(len(ln) for ln in kept) < 0.5 * sum(len(ln) for ln in body) or \
        not any(re.search(r"[\u4e00-\u9fff]{8}", ln) for ln in kept)


_BASICS = re.compile(r"^(?:(?:村|镇|乡|社区|学校|单位|企业|辖区|全村|全镇)?基本(?:情况|概况)|概况|简况)(?:介绍)?$")


def plan_from_like(sections: list[LikeSection], unit: "Unit", topic: Optional["Topic"]) -> list[PlanItem]:
    """The like-report's kinds in order, its depth and part headings; body headings are
    the unit's (from its outline for the topic, else the kind's name), a passage's own
    heading replacing them when the section is written from the unit's own material."""
    from assistant.errors import InputError

    outline = list(topic.outline_for(unit.name) if topic is not None else ()) or list(unit.outline)
    by_core: dict[str, list[tuple[str, str]]] = {}
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for o in outline:
        core = core_of(o.kind, unit, topic)
        if o.heading:
            by_core.setdefault(core, []).append((o.kind, o.heading))
            by_kind.setdefault(o.kind, []).append((o.kind, o.heading))
    items: list[PlanItem] = []
    parts_seen: set[str] = set()
    used: set[str] = set()
    used_kinds: set[str] = set()
    for s in sections:
        if s.debris and s.role != "closing":
            continue
        if s.role in ("opening", "closing") or (s.role == "section" and not any(i.role == "section" for i in items)
                                                and _BASICS.match(_like_heading(s.heading) or "")):
            # 一、基本情况 before the work: what an opening says (the unit, its size), an opening here
            role = "opening" if s.role == "section" else s.role
            if not any(i.role == role for i in items):
                items.append(PlanItem(role, role, role))
            continue
        if s.kind in ENUMERATED and items and items[-1].core == s.kind and items[-1].role == "section":
            continue  # 2025年工作安排's five items: one 下一步工作打算, written as its 一是 二是
        level = 1
        if s.part and s.kind not in ENUMERATED:
            level = 2
            if s.part not in parts_seen:
                parts_seen.add(s.part)
                items.append(PlanItem("part", "part", "part", _part_heading(s.part, unit)))
        elif s.kind not in ENUMERATED and items and any(i.role == "part" and i.heading == GENERIC_PART for i in items) \
                and not any(i.core in ENUMERATED for i in items):
            # 二、乡村产业稳步发展 after 一、人居环境整治 with its items, whose heading became 主要工作开展情况:
            # one more item of the work done, under it
            level = 2
        # the unit's heading for the topic's kind of it (信访事项办理), else for its core kind; a
        # kind of another topic (a 政府工作报告's 民生实事 in a 防汛 draft) is its core kind here
        sub = s.subkind if s.subkind and any(o is not None and o.kind(s.subkind) is not None
                                             for o in (unit, topic)) else None
        kind, heading = (sub or s.kind), ""
        for k, h in by_kind.get(sub or "", []) + by_core.get(s.kind, []):
            if h not in used:
                kind, heading = k, h
                break
        if s.kind in ENUMERATED:
            heading = DEFAULT_HEADINGS[s.kind]
        generic = not heading
        heading = heading or _kind_label(kind, unit, topic)
        if generic and (heading in used or kind in used_kinds
                        or any(len(_what(heading) & _what(u)) >= 2 for u in used)):
            # a third 管控 section of the source, a second 组织领导 after the unit's own heading
            # for it, 环境整治 after 整治人居环境，建设和美乡村: one section of that kind is enough
            continue
        used.add(heading)
        used_kinds.add(kind)
        items.append(PlanItem(kind, s.kind, "section", heading, level,
                              _like_heading(s.heading) if generic and s.kind not in ENUMERATED else ""))
    if not any(i.role == "section" for i in items):
        raise InputError("参照的报告中没有找到分节结构（一、二、……），无法套用")
    items = _body_first(items)
    # what the source lacks: an opening, 存在问题, 下步打算, a closing
    if not any(i.role == "opening" for i in items):
        items.insert(0, PlanItem("opening", "opening", "opening"))
    closing = [i for i in items if i.role == "closing"]
    items = [i for i in items if i.role != "closing"]
    _add_missing_parts(items)
    items.append(closing[0] if closing else PlanItem("closing", "closing", "closing"))
    return items


def _like_heading(heading: Optional[str]) -> str:
    """A heading of the ``--like`` report as a draft may reuse it: its words without the
    number or the closing full stop, when it is a heading's length and names no figure, place
    holder or proper name of its own (数字, ××, 《》)."""
    h = _heading_words(heading.strip("*【】〖〗 \u3000"), 24) if heading else ""
    return "" if re.search(r"[《》“”]", h) else h


def _body_first(items: list[PlanItem]) -> list[PlanItem]:
    """Body sections the source has after its problems or plans (a 政府工作报告's 加强政府自身
    建设 after 2025年工作安排) go before them: a work report tells what was done, then what is
    wrong, then what comes next. A part they stood under that an earlier part already names
    is not repeated."""
    tail_at = next((k for k, i in enumerate(items) if i.core in ENUMERATED), None)
    if tail_at is None:
        return items
    head, tail = items[:tail_at], items[tail_at:]
    moved = [i for i in tail if i.role == "part" or (i.role == "section" and i.core not in ENUMERATED)]
    if not any(i.role == "section" for i in moved):
        return items
    kept = [i for i in tail if i not in moved]
    parts = {i.heading for i in head if i.role == "part"}
    out = list(head)
    for i in moved:
        if i.role == "part":
            if i.heading in parts:
                continue
            parts.add(i.heading)
        out.append(i)
    if not parts:
        out = [PlanItem(i.kind, i.core, i.role, i.heading, 1, i.source_heading) if i.role == "section" else i
               for i in out]
    return out + kept


def _part_heading(heading: str, unit: "Unit") -> str:
    """A part heading of the source, kept when it names nothing of its own business
    (主要做法, 工作开展情况…); else a generic one."""
    h = _TRAIL.sub("", heading.strip())
    if re.fullmatch(r"[^，,。]{0,6}(主要|基本|工作|具体|有关)?(做法|措施|工作|情况|成效|举措|开展情况|进展情况|工作情况|完成情况|"
                    r"做法和成效|做法及成效|工作开展情况|工作措施|工作成效|工作举措)(和|及|与)?(成效|体会|经验)?", h) \
            and len(h) <= 14:
        return h
    return GENERIC_PART


# ---- writing the sections -------------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)}


# two-character pieces of headings that say how, not what (加强……, 扎实开展……)
_HOW = frozenset("""开展 加强 工作 深入 扎实 全面 切实 进一步 一步 持续 不断 做好 抓好 落实 强化 推进 提升 完善 健全
严格 规范 有效 积极 主动 及时 认真 狠抓 抓实 压实 夯实 筑牢 守牢 织密 着力 聚焦 突出 坚持 注重 统筹 推动 确保 保障 全力
把好 严把 紧盯 聚力 用心 用情 多措 并举 精准 高效 常态 长效 机制 体系 建设 管理 服务 水平 能力 作用 措施 情况 主要 各项
相关 有关 力度 成效 实效 一线 到位 有序 责任""".split())


def _what(text: str) -> set[str]:
    """The bigrams of a heading that say what it is about."""
    return {b for b in _bigrams(text) if b not in _HOW}


class Composer:
    """Writes the sections of one draft from its material (no passage used twice)."""

    def __init__(self, material: Material, unit: "Unit", topic: Optional["Topic"]) -> None:
        self.material = material
        self.unit = unit
        self.topic = topic
        self.used_sections: set[int] = set()
        self.used_docs: set[str] = set()

    def _score(self, item: PlanItem, p: Passage) -> float:
        s = p.weight
        want = _bigrams(item.heading)
        if want:
            have = _bigrams(p.heading) | _bigrams("".join(x.text for x in p.content()[:2]))
            s += HEADING_COVER * len(want & have) / len(want)
        cues = self._cues(item)
        if cues:
            body = p.heading + "".join(x.text for x in p.content())
            hits = sum(3 if p.heading and c in p.heading else 1 for c in cues if c in body)
            s += SUBKIND_FIT * min(hits / 4.0, 1.0)
        if p.doc_id in self.used_docs:
            s += SAME_DOC
        return s

    def _about_topic(self, text: str) -> bool:
        """Two of the topic's words at least, and no other topic named by its label or an
        alias (全县基层党建工作还存在一些短板 is about 党建, whatever else it mentions)."""
        from assistant.units import all_topics

        t = self.topic
        if sum(1 for w in {t.label, *t.words()} if w and w in text) < 2:
            return False
        return not any(w in text for o in all_topics() if o.name != t.name for w in (o.label, *o.aliases)
                       if len(w) >= 2 and w not in t.words() and w != t.label)

    def _cues(self, item: PlanItem) -> list[str]:
        for owner in (self.unit, self.topic):
            own = owner.kind(item.kind) if owner is not None else None
            if own is not None:
                return [c for c in (*own.cues, own.label) if c]
        return []

    def ranked(self, item: PlanItem) -> list[Passage]:
        role = item.role if item.role in ("opening", "closing") else "section"
        cands = [p for p in self.material.passages(item.core, role)
                 if p.section not in self.used_sections and self._relevant(item, p)]
        return sorted(cands, key=lambda p: (-self._score(item, p), p.section))

    def _relevant(self, item: PlanItem, p: Passage) -> bool:
        """A passage of the unit's own on the topic is relevant to any section of its kind.
        Problems, plans, the opening and the closing come from the unit's own reports only
        (a school's problems are not a CDC's). One from elsewhere must show it is about this
        topic (its words: a school's problems with 疫情 are not its problems with 安全生产)
        and, for a body section, about this section (the heading's or the kind's words)."""
        if p.native:
            return True
        if (item.role in ("opening", "closing") or item.core in ENUMERATED) and p.unit != self.unit.name:
            return False  # 存在问题, 下步打算, the opening and the closing are the unit's own
        text = p.heading + "".join(x.text for x in p.content() if x.usable)
        if self.topic is not None and not self._about_topic(text):
            return False  # says nothing of the topic, or speaks of another: written about another
        if item.role in ("opening", "closing") or item.core in ENUMERATED:
            return True
        if len(_what(item.heading) & _bigrams(text)) >= 2:
            return True
        return any(c in text for c in self._cues(item))

    def write(self, item: PlanItem) -> DraftSection:
        sec = DraftSection(item)
        if item.role == "part":
            return sec
        ranked = self.ranked(item)
        limit = LIMITS.get(item.role if item.role != "section" else item.core, LIMITS["*"])
        chosen: list[Passage] = []
        chars = 0
        for p in ranked:
            if chosen and (p.tier != chosen[0].tier or chars >= MIN_CHARS):
                break
            chosen.append(p)
            chars += p.chars()
            if chars >= MIN_CHARS:
                break
        para = 0
        for k, p in enumerate(chosen):
            self.used_sections.add(p.section)
            self.used_docs.add(p.doc_id)
            for lines in p.paragraphs(limit if k == 0 else max(limit - chars, 60)):
                for x in lines:
                    sec.sentences.append(self._sentence(x, p, para))
                para += 1
        if chosen:
            sec.tier = chosen[0].tier
            first = chosen[0]
            own = _own_heading(first)
            if item.role == "section" and first.native and own and item.core not in ENUMERATED:
                from assistant.units.adapt import speak_as

                sec.heading_text = speak_as(own, self.unit)
        if item.role == "section" and not sec.sentences:
            sec.tail = self._fallback(item.core)
            sec.tier = "none"
            if item.source_heading:
                from assistant.units.adapt import speak_as

                sec.heading_text = speak_as(item.source_heading, self.unit)
            if sec.tail == NO_MATERIAL and (sec.heading_text or item.heading):
                named = _TRAIL.sub("", sec.heading_text or item.heading).replace("“", "‘").replace("”", "’")
                sec.tail = NO_MATERIAL_FOR.format(heading=named)
        if item.role == "opening" and not sec.sentences:
            sec.tail = self._fallback("opening")
        elif item.role == "opening" and not any(_INTRO.search(s.text) for s in sec.sentences[-1:]):
            sec.tail = INTRO_FALLBACK
        if item.role == "closing" and not sec.sentences:
            sec.tail = self._fallback("closing")
        sec.rewrite()
        return sec

    def _fallback(self, role: str) -> str:
        """What a section says in general words when nothing of the unit's fits: the
        opening and closing in full, 存在问题 and 下步打算 as items for the writer to fill
        (×× marks that check and fill point at)."""
        who = (self.unit.terms.get("self") or [f"我{self.unit.short_label}"])[0]
        label = self.topic.label if self.topic is not None else ""
        # 安全生产 → 安全生产工作; a label that already says 工作 (年度工作总结) → 各项工作
        work = f"{label}工作" if label and "工作" not in label else "各项工作"
        about = f"关于{work}的" if self.topic is not None and "工作" not in label else "的"
        if role == "opening":
            return (f"今年以来，{who}认真贯彻落实上级{about}决策部署，结合实际细化措施、压实责任，"
                    f"扎实推进各项工作，取得了阶段性成效。{INTRO_FALLBACK}")
        if role == "problems":
            return f"对照上级要求，{who}{work}还存在一些不足：一是××；二是××；三是××。"
        if role == "next_steps":
            return f"下一步，{who}将针对存在的问题，重点抓好以下工作：一是××；二是××；三是××。"
        if role != "closing":
            return NO_MATERIAL
        return f"{who}将认真查找不足，持续改进工作，全力抓好{work}各项任务落实。"  # (not 下一步，…: the plans say that)

    def _sentence(self, x: Line, p: Passage, para: int) -> Sentence:
        from assistant.units.adapt import speak_as

        # who speaks is the unit (我县 → 我市; 我局 in a school-typed report of an education
        # bureau → 我校); its whole and everything else stay as written
        text = speak_as(x.text, self.unit)
        return Sentence(text, x.original, f"{p.doc_id}:{x.line}", x.docs, round(p.weight, 3), x.sid, p.section,
                        x.ord, para)


def _own_heading(p: Passage) -> str:
    """A passage's heading as a draft may print it: its neutral form, and only when that has
    no placeholder (a heading that names a place or a figure is not the unit's to reuse)."""
    for x in p.lines:
        if x.heading and x.text and x.usable is not None:
            return _heading_words(x.text, 30)
    return ""


def _heading_words(text: str, longest: int) -> str:
    """A heading's words as a draft may print them: without its number or closing mark, up to
    its first sentence end; '' when that is no heading's length (4 to ``longest``) or names a
    figure or holds a placeholder."""
    from assistant.check import find_placeholders
    from assistant.suggest.phrases import strip_marker

    h = re.split(r"[。；;：:]", _TRAIL.sub("", strip_marker(text)))[0]
    if not 4 <= len(h) <= longest or re.search(r"\d", h) or find_placeholders(h):
        return ""
    return h


def _text_lines(sections: list[DraftSection]) -> tuple[list[str], list[tuple[DraftSection, int]]]:
    """The draft as lines (headings and paragraphs), and per line its section and paragraph
    (-1: a heading)."""
    lines: list[str] = []
    where: list[tuple[DraftSection, int]] = []
    for sec in sections:
        if sec.role in ("section", "part") and sec.number:
            lines.append(f"{sec.marker}{sec.heading}")
            where.append((sec, -1))
        for k, p in enumerate(sec.paragraphs):
            lines.append(p)
            where.append((sec, k))
    return lines, where


def _verify(sections: list[DraftSection], checker: Any, rounds: int = 4) -> None:
    """Drop the sentences that ``assist check --unit`` flags in the whole draft (a sentence
    repeated across sections, a skipped 二要, a foreign unit type's word…): placeholders
    aside, the draft must pass the check it will be put through."""
    from rapidfuzz import fuzz

    for _ in range(rounds):
        # near-duplicates across the draft: the later one goes
        seen: list[str] = []
        changed = False
        for sec in sections:
            keep = []
            for s in sec.sentences:
                key = _TRAIL.sub("", s.text)
                if len(key) >= 12 and any(key == t or fuzz.ratio(key, t) >= NEAR_DUP for t in seen):
                    changed = True
                    continue
                seen.append(key)
                keep.append(s)
            if len(keep) != len(sec.sentences):
                sec.sentences = _without_bare_leads(keep, {x.para for x in sec.sentences if x not in keep})
                sec.rewrite()
        lines, where = _text_lines(sections)
        bad: dict[int, set[int]] = {}
        for f in checker.findings("\n".join(lines)):
            sec, k = where[f.line - 1]
            if k < 0:
                continue
            # the sentence of paragraph k that holds the column
            pos = 0
            idx = None
            members = [i for i, s in enumerate(sec.sentences) if s.para == _para_ids(sec)[k]]
            for i in members:
                n = len(sec.sentences[i].text)
                if pos <= f.col - 1 < pos + n:
                    idx = i
                    break
                pos += n
            if idx is not None:
                bad.setdefault(id(sec), set()).add(idx)
        if not bad:
            if not changed:
                return
            continue
        for sec in sections:
            drop = bad.get(id(sec))
            if drop:
                sec.sentences = _without_bare_leads([x for i, x in enumerate(sec.sentences) if i not in drop],
                                                    {x.para for i, x in enumerate(sec.sentences) if i in drop})
                if sec.role == "opening" and not any(_INTRO.search(x.text) for x in sec.sentences[-1:]):
                    sec.tail = INTRO_FALLBACK
                elif sec.role == "closing" and not sec.sentences:
                    sec.tail = CLOSING_FALLBACK
                sec.rewrite()


def _without_bare_leads(sentences: list[Sentence], emptied: set[int]) -> list[Sentence]:
    """A numbered point's lead (2. 做好医疗救治准备。) left alone on a paragraph whose other
    sentences were dropped says nothing: it goes too."""
    out = []
    for x in sentences:
        if x.para in emptied and _POINT_LEAD.match(x.text) and \
                not any(y is not x and y.para == x.para for y in sentences):
            continue
        out.append(x)
    return out


def _para_ids(sec: DraftSection) -> list[int]:
    return sorted({s.para for s in sec.sentences})


class _Checker:
    """``assist check --unit`` on the draft's text, placeholders aside; with ``variant`` (a 卫生院
    of 卫生健康) also what that kind of unit never says of itself."""

    def __init__(self, unit: "Unit", conn: Optional["CorpusIndex"], variant: Optional["Variant"] = None) -> None:
        from assistant.check.run import unit_rules_for

        self.rules = unit_rules_for(unit, conn) + ([variant.rule()] if variant is not None else [])

    def findings(self, text: str) -> list:
        from assistant.check import check_text

        return [f for f in check_text(text, "txt", extra_rules=self.rules) if f.rule != "placeholder"]


# ---- the whole draft ---------------------------------------------------------------------------

def default_title(unit: "Unit", topic: Optional["Topic"], period: Optional[str] = None,
                  name: Optional[str] = None) -> str:
    name = name or unit.name_placeholder()
    if topic is not None:
        return topic.make_title(name, period)
    return f"{name}工作情况汇报"


_PERIOD = re.compile(r"20[xX×\d]{2}年(上半年|下半年|度|第?[一二三四x]季度)?")
# the unit's name at the head of a 范文's title: ××派出所关于…, ××支行20xx年度…, ××县人民医院关于…,
# ××县在全市……会上的发言
_TITLE_NAME = re.compile(r"^(××[^关在年度工作汇报总结情况\d]{0,14}?)(?=关于|在|20|年度|工作|汇报)")


def _main_source_title(conn: "CorpusIndex", sections: list[DraftSection]) -> Optional[str]:
    """The title of the report most of the draft's own material comes from."""
    from collections import Counter

    docs = Counter(s.source.rsplit(":", 1)[0] for sec in sections if sec.tier in ("own", "fanwen", "native")
                   for s in sec.sentences)
    if not docs:
        return None
    return conn.title_of(docs.most_common(1)[0][0])


def _period(title: Optional[str]) -> Optional[str]:
    """The period a source's title names (20xx年上半年, 20xx年度): a draft written from a
    year's report must not be titled a half year's."""
    m = _PERIOD.search(title or "")
    return m.group().replace("X", "x").replace("×", "x") if m else None


def _source_name(title: Optional[str], unit: "Unit") -> Optional[str]:
    """How the main source names its unit (××派出所 for a police station's report, ××支行 for a
    branch's): the body speaks as that unit, so the title and the signature say it too."""
    m = _TITLE_NAME.match(title or "")
    if not m or len(m.group(1)) < 3:
        return None
    return m.group(1)


# where a report's title turns from its unit's name to its subject
_TITLE_SUBJECT = re.compile(r"关于|20[\dxX×]{2}|年度|上半年|下半年|第?[一二三四]季度|工作|情况|汇报|总结|报告")
# words that end in a unit's character but name no unit (柳塘村乡村振兴, 城南街道文明城市创建)
_NOT_NAME_END = ("乡村", "农村", "山村", "城乡", "城市", "山区", "景区", "园区", "市区", "城区", "辖区", "片区",
                 "校区", "院区", "库区", "社区治理")


def title_like(source_title: Optional[str], unit: "Unit") -> Optional[tuple[str, str]]:
    """(name, title) of a draft modelled on a report titled ``source_title``: its subject and
    period as that title says them (燃气及消防安全专项整治, 20xx年上半年), its own name a
    placeholder of the same kind of unit (和平路社区… → ××社区…, 青山镇中心卫生院… → ××卫生院…);
    None when the title does not read as a unit's name and a subject, or its unit is not of
    ``unit``'s type."""
    from assistant.fill.data import unit_name_end

    t = re.sub(r"\s+", "", source_title or "")
    m = _TITLE_SUBJECT.search(t)
    if not t or m is None or len(t) > 60:
        return None
    head = t[:m.start()]
    # (柳塘村乡|村振兴: 乡 is 乡村's, no name ends there)
    end, word = unit_name_end(head, 2, lambda i: not head[:i].endswith(_NOT_NAME_END)
                              and not head[:i + 1].endswith(_NOT_NAME_END))
    if head and not word:
        return None  # 文明城市创建工作汇报: no name to take the place of
    if word and not any(word.endswith(a) or a.endswith(word) for a in (*unit.aliases, unit.name_placeholder()[2:])):
        return None  # a 卫生院's report given for a school: the title's name is not the draft's
    rest = re.sub(r"(19|20)\d\d(?=年)", "20xx", t[end:])
    if len(re.findall(r"[\u4e00-\u9fff]", rest)) < 4:
        return None
    name = "××" + word if word else unit.name_placeholder()
    return name, name + rest


# A year's material in a half year's report (and the other way round), said of the period the
# draft is for: 全年完成门急诊 → 上半年完成门急诊, 明年 → 下半年. What is planned for the year stays
# (确保完成全年目标任务).
_TO_HALF = ((re.compile(r"全年(?!(各项)?(目标|任务|计划|指标))"), "上半年"), (re.compile(r"一年来"), "半年来"),
            (re.compile(r"^(20[xX\d]{2}年)(?=[，,])"), r"\1上半年"))
_TO_HALF_PLANS = ((re.compile(r"明年|新的一年"), "下半年"),)
_TO_YEAR = ((re.compile(r"上半年"), "今年"), (re.compile(r"半年来"), "一年来"))
_TO_YEAR_PLANS = ((re.compile(r"下半年"), "明年"),)


def _say_period(sections: list[DraftSection], period: Optional[str]) -> None:
    """Each sentence said of ``period`` (a --like report's: 20xx年上半年, 20xx年度), where its
    material speaks of another one."""
    if not period:
        return
    half = "上半年" in period
    if not half and "年度" not in period:
        return
    for sec in sections:
        plans = sec.core == "next_steps" or sec.role == "closing"
        rules = ((_TO_HALF_PLANS if plans else _TO_HALF) if half else (_TO_YEAR_PLANS if plans else _TO_YEAR))
        changed = False
        for sent in sec.sentences:
            text = sent.text
            for rx, to in rules:
                text = rx.sub(to, text)
            if text != sent.text:
                sent.text, changed = text, True
        if changed:
            sec.rewrite()


def compose(conn: "CorpusIndex", unit: "Unit", topic: Optional["Topic"], plan: list[PlanItem],
            title: Optional[str] = None, like: Optional[str] = None,
            source_title: Optional[str] = None, variant: Optional["Variant"] = None) -> Draft:
    """Write every planned section from the corpus (placeholders left open). ``source_title``:
    the title of the ``--like`` report (the draft's title follows it). ``variant``: the kind of
    the unit type the draft is for (a 卫生院 of 卫生健康): what it does not say is left out."""
    from assistant.errors import InputError

    if not conn.has_reports():
        raise InputError("语料库中没有报告，无法起草（请先用 assist corpus add 导入报告）")
    material = Material(conn, unit, topic.name if topic is not None else None)
    composer = Composer(material, unit, topic)
    written: dict[int, DraftSection] = {}
    # body sections first (they need the best passages), then opening and closing
    for i, item in enumerate(plan):
        if item.role in ("section", "part"):
            written[i] = composer.write(item)
    for i, item in enumerate(plan):
        if item.role in ("opening", "closing"):
            written[i] = composer.write(item)
    sections = [written[i] for i in range(len(plan))]
    _number(sections)
    _verify(sections, _Checker(unit, conn, variant))
    for sec in sections:
        if sec.role == "opening" and all(len(x.text) <= 24 and _INTRO.search(_TRAIL.sub("", x.text) + "：")
                                         for x in sec.sentences) and not re.search(r"[，,]", sec.tail):
            # its material all left out (a county hospital's opening in a 卫生院's draft): the
            # writer says who the unit is and how the period went, the hand-over stays
            if sec.sentences:
                sec.sentences[0].text = OPENING_NO_MATERIAL + sec.sentences[0].text
            else:
                sec.tail = OPENING_NO_MATERIAL + sec.tail
            sec.rewrite()
    # a part left without sections is not written
    sections = [s for s in sections if s.role == "part" or s.paragraphs]
    sections = [s for k, s in enumerate(sections)
                if s.role != "part" or (k + 1 < len(sections) and sections[k + 1].level == 2
                                        and sections[k + 1].role == "section")]
    _number(sections)
    mine = title_like(source_title, unit) if source_title and not (title or "").strip() else None
    if mine is not None:
        name, title = mine
        _say_period(sections, _period(title))
    else:
        main_title = _main_source_title(conn, sections)
        name = unit.issuer_name(_source_name(main_title, unit) or unit.name_placeholder(),
                                topic.name if topic is not None else None)
        title = (title or "").strip() or default_title(unit, topic, _period(main_title), name)
    return Draft(unit.name, unit.label, title, sections, name, DATE_MARK, like,
                 topic.name if topic is not None else None, topic.label if topic is not None else None)


def _number(sections: list[DraftSection]) -> None:
    top = sub = 0
    for s in sections:
        if s.role not in ("section", "part"):
            continue
        if s.level == 1 or s.role == "part":
            top += 1
            sub = 0
            s.number = cn_number(top)
        else:
            sub += 1
            s.number = f"（{cn_number(sub)}）"


def choose_topic(conn: "CorpusIndex", topic: Optional[str], like_text: Optional[str] = None,
                 data: Any = None, like_title: Optional[str] = None) -> tuple[Optional["Topic"], str]:
    """The topic given, else the one the ``--like`` report or the data is about, else the
    topic the corpus holds most reports of; with where it came from (given, like, data,
    corpus or none)."""
    from assistant.units import all_topics, get_topic, guess_topic

    if topic:
        return get_topic(topic), "given"
    if like_text:
        # a title that names one topic decides (青山镇2024年工作总结 is a year's summary, whatever
        # its sections are about)
        name = guess_topic(like_text, title=like_title or "")
        if name:
            return get_topic(name), "like"
    if data is not None:
        name = _data_topic(data)
        if name:
            return get_topic(name), "data"
    known = {t.name for t in all_topics()}
    for name, _ in corpus_topics(conn):
        if name in known:
            return get_topic(name), "corpus"
    return None, "none"


def _data_topic(data: Any) -> Optional[str]:
    """The topic whose fields the data's field names match most (at least two)."""
    from assistant.units import all_topics

    keys = set(getattr(data, "fields", {}) or {})
    best, best_n = None, 1
    for t in all_topics():
        names = {n for f in t.fields for n in f.names()}
        n = len(keys & names)
        if n > best_n:
            best, best_n = t.name, n
    return best


def _subkinds_for(sections: list[LikeSection], unit: str, topic: str) -> list[LikeSection]:
    """The --like report's sections with the kinds of the draft's topic under their core kinds (a
    地灾 report's 拉网排查 is the flood topic's 地质灾害防治, not another topic's 风险排查): read
    before the topic was known, they could take any topic's."""
    from dataclasses import replace

    from assistant.classify.api import subkind_for

    return [replace(s, subkind=subkind_for(s.kind, s.heading, s.text, unit, topic))
            if s.role == "section" else s for s in sections]


def _data_unit_name(data: Any) -> Optional[str]:
    """The unit's name the data gives (单位名称: 青山镇中心卫生院), if any."""
    if data is None:
        return None
    from assistant.fill.data import UNIT_NAME_KEYS

    fields = getattr(data, "fields", {}) or {}
    return next((fields[k].text for k in UNIT_NAME_KEYS if k in fields and fields[k].text), None)


def make_draft(unit_name: str, dirs: "list[Path] | object", *, data_path: Optional[str] = None, like: Optional[str] = None,
               like_part: Optional[int] = None, title: Optional[str] = None,
               topic: Optional[str] = None) -> Draft:
    """The draft for ``unit_name`` from the corpus ``dirs`` (folders or a backends.Corpus; the
    library call behind the command)."""
    from assistant.backends import as_corpus
    from assistant.units import get_topic, get_unit

    unit = get_unit(unit_name)
    if topic:
        get_topic(topic)  # an unknown topic: one line, exit 2, before any work
    data = None
    if data_path is not None:
        from assistant.fill.data import load_data

        data = load_data(data_path)  # bad data: InputError before any work
    if like is not None:
        from assistant.reader import read_document

        read_document(like)  # a missing or unreadable file: one line, exit 2, before the index
    conn = as_corpus(dirs).open_index()
    try:
        like_title = None
        if like is not None:
            like_title, like_text, like_sections = read_like(like, conn, unit.name, like_part)
            chosen, topic_from = choose_topic(conn, topic, like_text, data, like_title=like_title)
            if chosen is not None:
                like_sections = _subkinds_for(like_sections, unit.name, chosen.name)
            plan = plan_from_like(like_sections, unit, chosen)
        else:
            chosen, topic_from = choose_topic(conn, topic, None, data)
            plan = plan_for(unit, chosen)
        names = " ".join(filter(None, [like_title, _data_unit_name(data), title]))
        variant = unit.variant_for(names)
        if variant is not None:
            unit = unit.as_variant(variant)  # (a 派出所 speaks as 我所)
        draft = compose(conn, unit, chosen, plan, title, like, like_title, variant)
    finally:
        conn.close()
    draft.data = data
    draft.topic_from = topic_from
    return draft
