"""Which field belongs at which placeholder — decided over the whole report, only when clear.

The steps, each in its own module:

1. :mod:`assistant.fill.slots` reads every placeholder with its context (the clause
   around it, the measure word, the shape: a number, a part of a date, a name);
2. :mod:`assistant.fill.fields` reads every data field's name (its words, measure,
   magnitude, kind);
3. :mod:`assistant.fill.scoring` scores every placeholder–field pair, with the
   vocabulary of ``lexicon.yaml`` (synonyms, abbreviations, measure words);
4. :mod:`assistant.fill.assign` chooses the assignment over the whole report and
   keeps a pair only when no real rival exists (else the reason names the rival);
5. :mod:`assistant.fill.render` writes the value as the slot needs it (万, dates,
   a unit's full name).

Explicit marks beat inference: ``{{ 排查户数 }}`` in the report names its field, a data
key quoting the sentence (``"共排查xx户": 120``) pins a value to that placeholder, and a
field named exactly as ``assist fill --fields`` names a placeholder fills that
placeholder. Finally the filled figures are checked against the text's own arithmetic
(:mod:`assistant.check.numbers`): a figure that makes a total, a rate or a share wrong is
left open with the reason, never filled silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from assistant.fill.data import FillData, Pin, Value
from assistant.fill.fields import Candidate, candidates_from, make_candidate
from assistant.fill.render import render
from assistant.fill.scoring import MARGIN, MIN_SCORE, kind_ok, rank
from assistant.fill.slots import Slot, find_slots, group_key, probe

__all__ = ["Candidate", "Decision", "MatchResult", "Slot", "candidates_from", "find_slots", "group_key",
           "make_candidate", "match", "pin_hits", "probe", "rank", "MARGIN", "MIN_SCORE"]


@dataclass
class Decision:
    """What the matcher decided for one slot."""

    slot: Slot
    field: Optional[str] = None
    value: Optional[Value] = None
    text: Optional[str] = None  # what replaces the mark (None: left open)
    reason: str = ""
    score: float = 0.0
    via: str = ""  # explicit, pin, name or match
    runner_up: Optional[str] = None
    consume: int = 0  # characters after the mark replaced too (××学校 → 城关镇第一小学)

    @property
    def filled(self) -> bool:
        return self.text is not None


@dataclass
class MatchResult:
    decisions: list[Decision]
    unused_pins: list[Pin]
    unused_fields: list[str]


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _decided(slot: Slot, cand: Candidate, score: float, via: str, runner_up: Optional[str] = None) -> Decision:
    txt, why, consume = render(slot, cand)
    return Decision(slot, cand.name, cand.value, txt, why, score, via, runner_up, consume if txt is not None else 0)


def match(text: str, data: FillData, *, fmt: str = "txt", unit: object = None,
          slots: Optional[list[Slot]] = None, check_arithmetic: bool = True,
          names: bool = True) -> MatchResult:
    """Decide, for every placeholder of a normalised text, what (if anything) fills it."""
    slots = find_slots(text, fmt) if slots is None else slots
    cands = candidates_from(data, unit)
    by_name = {_norm(c.name): c for c in cands}
    for c in cands:
        for n in c.names:
            by_name.setdefault(_norm(n), c)
    decisions: dict[int, Decision] = {}

    # 1. explicit {{ name }}
    for s in slots:
        if s.explicit is None:
            continue
        c = by_name.get(s.explicit)
        if c is None:
            decisions[s.index] = Decision(s, reason=f"数据中没有字段「{s.explicit}」", via="explicit")
            continue
        decisions[s.index] = _decided(s, c, 1.0, "explicit")

    # 2. sentence pins
    unused_pins = []
    for pin in data.pins:
        hits = pin_hits(text, slots, pin)
        if not hits:
            unused_pins.append(pin)
        for run in hits:
            for s, v in zip(run, pin.values):
                if s.index in decisions and decisions[s.index].via == "explicit":
                    continue
                c = Candidate(pin.key, v, [pin.key])
                d = _decided(s, c, 1.0, "pin")
                if d.text is None and s.shape == "number" and v.kind == "number" and not v.text.startswith("-"):
                    d.text, d.reason = v.text + ("" if not v.unit or s.measure else v.unit), ""
                decisions[s.index] = d

    # 3. a field named as the skeleton names a placeholder fills that placeholder
    groups: dict[tuple, list[Slot]] = {}
    for s in slots:
        if s.index not in decisions:
            groups.setdefault(group_key(s), []).append(s)
    bound: set[str] = set()
    if names and groups and cands:
        from assistant.fill.skeleton import group_names

        names = group_names(text, slots, unit=unit)
        by_field_name = {_norm(c.name): c for c in cands}
        for key in list(groups):
            name = names.get(key)
            c = by_field_name.get(_norm(name)) if name else None
            if c is None:
                continue
            for s in groups.pop(key):
                why = kind_ok(s, c)
                decisions[s.index] = _decided(s, c, 1.0, "name") if why is None else Decision(
                    s, reason=f"字段「{c.name}」的值不是这里要填的{_KIND_WORD.get(s.shape, '内容')}", via="name")
            bound.add(c.name)

    # 4. inference over the rest, decided jointly
    if groups:
        from assistant.fill.assign import decide

        rest = [c for c in cands if c.name not in bound]
        states = decide(groups, rest, lambda s: _where(text, s))
        for key, st in states.items():
            for m in st.members:
                if st.chosen is not None:
                    decisions[m.index] = _decided(m, st.chosen.cand, st.chosen.score, "match", st.runner_up)
                else:
                    decisions[m.index] = Decision(m, reason=st.reason, score=st.options[0].score if st.options else 0.0,
                                                  via="match", runner_up=st.runner_up)

    ordered = [decisions[s.index] for s in slots]
    for d in ordered:
        why = data.conflicts.get(d.field) if d.filled and d.field and d.via == "match" else None
        if why:  # the data contradicts itself on this figure: the writer decides
            d.reason, d.text, d.consume = f"数据本身对不上：{why}（未填，请核对数据）", None, 0
    _split_names(text, ordered)
    if check_arithmetic:
        _check_arithmetic(text, ordered)
    used = {d.field for d in ordered if d.filled and d.field}
    unused_fields = [c.name for c in cands if c.name not in used and not c.value.empty]
    return MatchResult(ordered, unused_pins, unused_fields)


_KIND_WORD = {"number": "数字", "year": "年份", "month": "月份", "day": "日期", "hour": "时间", "date": "日期",
              "name": "名称", "other": "内容"}


def _split_names(text: str, decisions: list[Decision]) -> None:
    """One name over two marks: 「××银行××支行」 with 江南农商银行城东支行 → 江南农商 + 城东."""
    from assistant.fill.render import _strip_overlap

    for a, b in zip(decisions, decisions[1:]):
        sa, sb = a.slot, b.slot
        if a.value is None or sa.shape not in ("name", "other") or sb.shape not in ("name", "other"):
            continue
        if b.filled and b.field != a.field:
            continue
        between = text[sa.end:sb.start]
        value = a.value.text
        if not re.fullmatch(r"[\u4e00-\u9fff]{1,4}", between) or between not in value[1:]:
            continue
        i = value.index(between, 1)
        first, second = value[:i], _strip_overlap(value[i + len(between):], sb.after)
        if not first or not second or second == value[i + len(between):]:
            continue
        a.text, a.consume, a.reason = first, 0, ""
        b.field, b.value, b.text, b.consume, b.reason, b.via = a.field, a.value, second, 0, "", a.via


def _where(text: str, slot: Slot) -> str:
    """A place in words: 第 3 行「共排查xx户」."""
    line = text.count("\n", 0, slot.start) + 1
    left = re.split(r"[，,；;。！？!?：:\n]", text[max(0, slot.start - 10):slot.start])[-1]
    right = re.split(r"[，,；;。！？!?：:\n]", text[slot.end:slot.end + 6])[0]
    return f"第 {line} 行「{left}{slot.mark}{right}」"


def _check_arithmetic(text: str, decisions: list[Decision]) -> None:
    """Leave open the figures that make the text's own arithmetic wrong (a total and its
    parts, a rate and its figures, a share over 100%)."""
    filled = [d for d in decisions if d.filled and d.slot.shape == "number"]
    if not filled:
        return
    from assistant.check.numbers import inconsistencies

    spans = [(d.slot.start, d.slot.end + d.consume, d.text) for d in decisions if d.filled]
    out, offsets = _apply(text, spans)
    filled = [d for d in decisions if d.filled]
    for f in inconsistencies(out, _numbers_options()):
        # the figure the author derives (the total, the rate) is what is left open when it came
        # from the data; when it is written in the text, the data's parts are
        shown = [d for d, (s, e) in zip(filled, offsets) if s < f.end and f.start < e]
        hit = shown or [d for d, (s, e) in zip(filled, offsets) if any(a < e and s < b for a, b in f.spans)]
        for d in hit:
            d.reason = f"数据与报告中的数对不上：{f.message}（未填，请核对数据）"
            d.text = None


_OPTIONS: list = []


def _numbers_options() -> dict:
    """The numbers rule's vocabulary (rules.yaml), read once."""
    if not _OPTIONS:
        from assistant.check.numbers import builtin_options

        options = builtin_options()
        # a figure fill would write must be sure: a 覆盖率 or 接种率 over 100% (a real report may
        # state one, its base a target) is left to the writer
        options["bounded_rates"] = f"{options.get('bounded_rates', '')} {FILL_BOUNDED}"
        _OPTIONS.append(options)
    return _OPTIONS[0]


FILL_BOUNDED = "覆盖率 接种率"


def _apply(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The text with spans replaced, and where each replacement lands in it."""
    out = []
    where = []
    last = 0
    pos = 0
    for s, e, t in sorted(spans):
        out.append(text[last:s])
        pos += s - last
        where.append((pos, pos + len(t)))
        out.append(t)
        pos += len(t)
        last = e
    out.append(text[last:])
    return "".join(out), where


def pin_hits(text: str, slots: list[Slot], pin: Pin) -> list[list[Slot]]:
    n = len(pin.values)
    hits = []
    for i in range(len(slots) - n + 1):
        run = slots[i:i + n]
        if not _ends_with(text[max(0, run[0].start - 4 * len(pin.pieces[0]) - 8):run[0].start], pin.pieces[0]):
            continue
        ok = True
        for k in range(1, n):
            between = re.sub(r"\s+", "", text[run[k - 1].end:run[k].start])
            if between != pin.pieces[k]:
                ok = False
                break
        if not ok:
            continue
        after = re.sub(r"\s+", "", text[run[-1].end:run[-1].end + 4 * len(pin.pieces[-1]) + 8])
        if not after.startswith(pin.pieces[-1]):
            continue
        hits.append(run)
    return hits


def _ends_with(text: str, piece: str) -> bool:
    return re.sub(r"\s+", "", text).endswith(piece)
