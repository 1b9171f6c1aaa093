"""Field reading: what a data field's name (and value) says it holds.

A clerk's column name is short and says a lot: ``检查车辆数(辆次)`` counts vehicles in
辆次, ``防汛专项资金(元)`` is money in yuan, ``一般隐患已整改（处）`` counts places,
``报告日期`` is a date, ``学校名称`` names a school. The reader takes the name apart
into its content words (weighted: generic words count little), the modifiers that
change what is counted (其他, 新增 …), the measure (from the ending, a unit in
brackets, the value's own unit or a unit plugin's field), the magnitude it is kept in
(万元, 万人), whether it is a total (合计, 总数 …) and what kind of value it expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from assistant.fill.data import UNIT_NAME_KEYS, FillData, Value
from assistant.fill.lexicon import cut, lexicon

_DATEY = re.compile(r"日期|时间|[年月日]$|截至|截止|成文|落款|开始|结束|起止")


@dataclass
class Candidate:
    """A data field as the matcher sees it."""

    name: str
    value: Value
    names: list[str]  # the name plus labels/aliases from the unit
    tokens: list[tuple[str, float]] = field(default_factory=list)  # content words with weights
    modifiers: set[str] = field(default_factory=set)
    measure_class: Optional[str] = None
    measure: str = ""  # an exact measure word, when known
    mag: str = ""  # 万 when the field is kept in 万
    expect: Optional[str] = None  # number, date or name (from the name)
    total: bool = False
    alt_tokens: list[list[tuple[str, float]]] = field(default_factory=list)  # a unit's label and aliases
    count: bool = False  # the name says it is a count (…数): never money, a length or a rate
    unit_family: str = ""  # a unit's name field: its family (school, town …) or "any" (单位名称)
    range_part: str = ""  # "start" / "end" for 开始日期 / 结束日期 (and 起 / 止)
    key: str = ""  # the name without spaces
    grams: frozenset = frozenset()  # two-character pieces of its words and their synonyms (a quick pre-check)
    pairs: tuple = ()


def parse_name(name: str) -> tuple[str, Optional[str], Optional[str], str, str]:
    """(stem, measure class, expected kind, exact measure, magnitude) from a field name."""
    lex = lexicon()
    n = re.sub(r"\s+", "", name)
    measure, mag = "", ""
    m = re.search(r"[（(]\s*(万|亿)?\s*([^()（）]{0,4}?)\s*[)）]$", n)
    if m:
        mag = m.group(1) or ""
        unit = m.group(2)
        if "/" in unit or "／" in unit:
            unit = re.split(r"[/／]", unit)[0]  # 小时/天: hours, counted per day
        n = n[: m.start()]
        if unit in lex.measure_class:
            measure = unit
        elif unit in ("件套", "台套"):
            measure = unit
    m = re.search(r"([支桌批轮座栋幢例项箱瓶盒袋桶套双件只组队篇册本封幅面条处所间家辆台架艘份张次场期起户盏把株节])数$", n)
    matched_suffix = False
    if not measure and m and len(n) > len(m.group(0)):
        measure = m.group(1)  # 支数 → 支, 户数 → 户 (人数 and 个数 say less: 名/位, any)
        words = cut(n[:-1])
        # 小组数, 检查组数: the measure is the last character of a noun the name keeps (not 总份)
        keep = words and len(words[-1]) > 1 and words[-1].endswith(measure) and words[-1][:-1] not in lex.stop
        n = n[:-1] if keep else n[: -len(m.group(0))]
        matched_suffix = True
    cls: Optional[str] = lex.measure_class.get(measure) if measure else None
    expect: Optional[str] = "number" if measure else None
    for suffix, c, kind in ([] if matched_suffix else lex.name_suffixes):
        if n.endswith(suffix) and len(n) > len(suffix):
            if suffix == "万元":
                mag = "万"
            cls = cls or c
            expect = expect or kind
            if not measure:  # 户数 → 户, 组数 → 组, 人次 → 人次
                word = suffix[:-1] if suffix.endswith("数") else suffix
                measure = word if word in lex.measure_class else ""
            if suffix not in ("收入", "损失", "罚款", "余额", "增幅", "增速", "降幅", "开始", "结束"):
                n = n[: -len(suffix)]
            break
    if cls is None:
        for noun, c in lex.noun_classes:
            if n.endswith(noun):
                cls = c
                break
    if n.endswith("万") and len(n) > 1:
        mag, n = "万", n[:-1]
    return n, cls, expect, measure, mag


def make_candidate(name: str, value: Value, extra_names: Sequence[str] = (), measure: str = "",
                   ftype: str = "") -> Candidate:
    """A field ready for matching: its words, what it counts, what kind of value it expects."""
    lex = lexicon()
    names = [name] + [x for x in extra_names if x and x != name]
    key = re.sub(r"\s+", "", name)
    stem, cls, expect, exact, mag = parse_name(name)
    if measure:
        exact = exact or measure
        cls = lex.measure_class.get(measure, cls)
    if value.unit and value.unit in lex.measure_class:
        exact = value.unit
        cls = lex.measure_class[value.unit]
    if ftype in ("number", "date", "name"):
        expect = ftype
    elif ftype == "text":
        expect = "name"
    if value.kind == "number":
        expect = "number" if expect != "date" else expect
    elif value.kind in ("date", "range"):
        expect = "date"
    elif value.kind in ("name", "text"):
        expect = "name"
    if expect is None and _DATEY.search(stem):
        expect = "date"
    token_sets: list[list[tuple[str, float]]] = []
    modifiers: set[str] = set()
    for nm in names:
        st = parse_name(nm)[0] if nm != name else stem
        toks: dict[str, float] = {}
        words: list[str] = []
        for tok in cut(st):  # 加强 + 针 → 加强针: a character the segmenter left alone ends the word before
            if len(tok) == 1 and words and tok not in lex.stop and words[-1] not in lex.stop \
                    and re.match(r"[\u4e00-\u9fff]", tok) and re.match(r"[\u4e00-\u9fff]", words[-1]):
                words[-1] += tok
            else:
                words.append(tok)
        for tok in words:
            if tok in lex.stop or re.fullmatch(r"[\d\W_]+", tok):
                continue
            # generic words, and single characters (新, 总 …), count only where they are found
            toks[tok] = 0.3 if tok in lex.generic or len(tok) == 1 else 1.0
            if tok in lex.modifiers:
                modifiers.add(tok)
        for mod in lex.modifiers:
            if mod in st and len(mod) >= 2:
                modifiers.add(mod)
        if toks:
            token_sets.append(sorted(toks.items(), key=lambda kv: -len(kv[0])))
    total = any(w in key for w in lex.total_words)
    tokens = token_sets[0] if token_sets else []
    cand = Candidate(name, value, names, tokens, modifiers, cls, exact, mag, expect, total, token_sets[1:], key=key)
    cand.count = cls is None and not exact and any(key.endswith(w) for w in lex.count_words) \
        and not key.endswith(("金额", "资金", "经费"))
    cand.unit_family = _unit_family(key, expect, value)
    words = {t for ts in token_sets for t, _w in ts}
    words |= {t[k:] for t in list(words) if len(t) >= 4 for k in range(2, len(t) - 1)} | \
        {t[:k] for t in list(words) if len(t) >= 4 for k in range(2, len(t) - 1)}  # halves, as credit() tries
    words |= {x for t in list(words) for x in lex.synonyms.get(t, ())}
    cand.grams = frozenset(w[i:i + 2] for w in words for i in range(max(1, len(w) - 1)))
    cand.pairs = tuple(w for w in words if len(w) == 2)  # 接警 in 接处警: both characters, apart
    if expect == "date":
        if re.search(r"(开始|起始|起)(日期|时间)?$", key) or "开始" in key:
            cand.range_part = "start"
        elif re.search(r"(结束|截止|止)(日期|时间)?$", key) or "结束" in key:
            cand.range_part = "end"
    return cand


def _unit_family(key: str, expect: Optional[str], value: Value) -> str:
    """A field that names a unit: 单位名称 (any unit), 学校名称 (a school), 乡镇名称 (a town) …"""
    lex = lexicon()
    if expect not in (None, "name") or value.kind not in ("name", "text", "empty"):
        return ""
    if key in UNIT_NAME_KEYS:
        return "any"
    m = re.fullmatch(r"(.{1,4}?)(名称|全称|名)", key)
    if m and m.group(1) in lex.unit_family:
        return lex.unit_family[m.group(1)]
    if key in lex.unit_name_fields:
        word = re.sub(r"(名称|名)$", "", key)
        return lex.unit_family.get(word, "any")
    return ""


def candidates_from(data: FillData, unit: object = None) -> list[Candidate]:
    """Candidates for every field of the data; a unit's fields add labels, aliases and measures."""
    known: dict[str, object] = {}
    if unit is not None:
        for f in getattr(unit, "fields", []) or []:
            for key in [getattr(f, "name", ""), getattr(f, "label", "")] + list(getattr(f, "aliases", []) or []):
                if key:
                    known[re.sub(r"\s+", "", str(key))] = f
    out = []
    for name, value in data.fields.items():
        f = known.get(re.sub(r"\s+", "", name))
        if f is not None:
            extra = [getattr(f, "name", ""), getattr(f, "label", "")] + list(getattr(f, "aliases", []) or [])
            out.append(make_candidate(name, value, extra, getattr(f, "measure", "") or "", getattr(f, "type", "") or ""))
        else:
            out.append(make_candidate(name, value))
    return out
