"""A data skeleton for a report: one field per placeholder group, named as a person would.

``assist fill --fields report.txt -o 数据.yaml`` writes a YAML mapping of field name
→ empty value, with a comment per field quoting the sentence(s) it stands for.
Placeholders that say the same thing share a field (the same figure repeated, the
month and day of one date, the writing unit's name in the title and the signature).

Names say what is counted and in what (发放宣传资料份数, 返乡人员合计, 检查车辆数（万辆次）),
what a date is (报告日期, 截止日期, 设立监测点日期, 汛前检查开始日期) or what a name names
(单位名称 for the writing unit — in the title, the signature and wherever the report
names itself — 街道名, 县名); never placeholder characters or a clause cut in the middle.
Two places that say different things never share a name: a longer name first, then a
place number (…（第2处）).

The names are a contract with :func:`assistant.fill.match.match`: a field named exactly
as the skeleton names a group fills that group, so a filled skeleton always fills its
own places (:func:`group_names` is what both use).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Optional

from assistant.fill.data import FillData, Pin, Value, parse_value, pin_pieces
from assistant.fill.fields import candidates_from
from assistant.fill.lexicon import lexicon
from assistant.fill.lexicon import tag as _tag
from assistant.fill.scoring import rank, same_quantity
from assistant.fill.slots import NAME_SUFFIXES as _NAME_SUFFIX_SET
from assistant.fill.slots import Slot, find_slots
from assistant.fill.slots import group_key as _group_key
from assistant.fill.slots import probe as _probe

_SCOPE = re.compile(r"^(我|全|本|该|各|此)[\u4e00-\u9fff]{0,2}$")
_DROP_TAGS = ("d", "t", "r", "m", "u", "p", "c", "x", "f", "q", "y", "e", "o", "w", "z")
_PLACE_NAMES = ("省", "市", "县", "区", "镇", "乡", "村", "街道")
_PERSON_MEASURES = ("名", "人", "位")
_TAIL = re.compile(r"([\u4e00-\u9fff]{1,14})\s*$")
_KINDS = re.compile(r"(?:其中)?([\u4e00-\u9fff]{1,2})、([\u4e00-\u9fff]{1,3})$")
_MARKS = re.compile(r"[xX×ｘＸ*＊_＿○〇□\d]+")


@dataclass
class SkeletonField:
    """One field of the skeleton and the placeholders it fills."""

    name: str
    kind: str  # number, date, time, name or text
    groups: list[list[Slot]] = field(default_factory=list)
    pin: bool = False
    marks: int = 1  # a pin over several marks takes a list of values


# ------------------------------------------------------------------ naming
def _words(text: str) -> list[tuple[str, str]]:
    """Content words of ``text`` with POS tags (modifiers such as 其他 kept, filler dropped)."""
    if not text.strip():
        return []
    lex = lexicon()
    return [(w, t) for w, t in _tag(_MARKS.sub(" ", text))
            if (w in lex.modifiers or (w not in lex.stop and not _SCOPE.match(w) and not t.startswith(_DROP_TAGS)))
            and re.search(r"[\u4e00-\u9fff]", w)]


def _object_phrase(text: str, limit: int) -> str:
    """What a clause before a figure counts: from its last verb that takes an object to the end
    (我镇深入排查湖北返乡人员 → 排查湖北返乡人员; 分局配合做好居家观察 → 居家观察)."""
    lex = lexicon()
    if "等" in text:  # 水果、猪肉等生活物资: the category after 等 is what is counted
        text = text.rsplit("等", 1)[1] or text
    words = _words(text)
    for i in range(len(words) - 1):
        if (words[i][1].startswith("v") or words[i][0] in lex.action_words) and not words[i + 1][1].startswith("v"):
            j = i + 1 if words[i][0] in lex.generic or len(words[i][0]) == 1 or words[i][0][-1] in "有是" else i
            # adjectives and modifiers just before the verb belong to the phrase (日最大接种能力)
            while j > 0 and (words[j - 1][1].startswith(("a", "b")) or words[j - 1][0] in lex.modifiers):
                j -= 1
            words = words[j:]
            break
    light = [k for k, (w, t) in enumerate(words[:-1]) if w in lex.generic and t.startswith("v")]
    if light:  # 属地开展员工核酸检测 → 员工核酸检测: a light verb inside starts the phrase anew
        words = words[light[-1] + 1:]
    out: list[str] = []
    for w, _t in reversed(words):
        if out and sum(map(len, out)) + len(w) > limit:
            break
        out.append(w)
    phrase = "".join(reversed(out))
    # a last character the tagger took for a numeral or measure (交通卡 + 点)
    tail = _TAIL.search(text)
    rest = tail.group(1)[tail.group(1).rfind(out[0]) + len(out[0]):] if tail and out and out[0] in tail.group(1) else ""
    if 1 <= len(rest) <= 2 and rest not in lex.stop:
        phrase += rest
    return phrase


def _noun_phrase(text: str) -> str:
    """The nouns right after a measure word (xx名网格员 → 网格员, xx个接种点 → 接种点), up to the first verb."""
    quoted = re.match(r"\s*[“\"《「『]([^”\"》」』]{2,12})[”\"》」』]", text)
    if quoted:  # 成立*支“流动接种队”: a name in quotes is what is counted
        return quoted.group(1)
    text = re.sub(r"[“”\"'《》「」『』]", "", text)
    toks = list(_tag(text)) if text.strip() else []
    out = []
    skip_next = False
    prep = lexicon().prep_chars
    for i, (w, t) in enumerate(toks):
        if skip_next:
            skip_next = False
            continue
        stop = (t.startswith(("v", "p", "c", "u", "d", "x", "f", "t", "r")) and not (t == "vn" and i == 0)) \
            or not re.search(r"[\u4e00-\u9fff]", w) or w in lexicon().action_words \
            or (t.startswith("m") and not re.fullmatch(r"[\u4e00-\u9fff]{2,}", w))
        if stop and i == 0 and t.startswith("v") and len(toks) > 1 and re.match(r"[\u4e00-\u9fff]", toks[1][0]) \
                and toks[1][0] not in prep + "的了着过" and (len(toks[1][0]) == 1 or toks[1][1].startswith("n")) \
                and w not in lexicon().generic:
            out.append(w + toks[1][0])  # 接种点, 排查小组: a verb and a noun after it make a noun
            skip_next = True
            continue
        if w in lexicon().stop or w in ("全部", "均", "都"):
            break
        if stop:
            break
        out.append(w)
        if sum(map(len, out)) >= 8:
            break
    return "".join(out)


def _verb_object(text: str, limit: int = 8) -> str:
    """A clause's verb and what it acts on (设立两个监测点 → 设立监测点; 报送每天排查进展情况 → 报送)."""
    lex = lexicon()
    words = [(w, t) for w, t in _words(text)]
    while words and words[0][0] in lex.generic and len(words) > 1:  # 开展 / 组织 say nothing
        words = words[1:]
    out: list[str] = []
    for w, t in words:
        if not out and not t.startswith(("v", "n")):
            continue
        if out and t.startswith("v") and len(out) >= 3:
            break
        out.append(w)
        if sum(map(len, out)) >= limit:
            break
    return "".join(out)


def _measure_suffix(m: str, core: str) -> str:
    if m in _PERSON_MEASURES:
        return "" if core.endswith(("人数", "人员数")) else "人数"
    if m in ("%", "％"):
        return "" if core.endswith(("率", "比例")) else "比例"
    if m == "元":
        return "（元）" if core.endswith(("金", "资金", "经费", "款", "费")) else "金额（元）"
    if m.endswith("次") and len(m) == 2:
        return "" if core.endswith(m) else m  # 人次 剂次 车次 家次
    if m:
        return "" if core.endswith(m + "数") else m + "数"
    return "" if core.endswith("数") else "数"


def _with_measure(slot: Slot, core: str) -> str:
    m = slot.measure
    if slot.mag:  # 检查车辆数（万辆次）, 资金（万元）
        if m == "元":
            return core + ("" if core.endswith(("金", "资金", "经费", "款", "费", "额")) else "金额") + f"（{slot.mag}元）"
        base = _measure_suffix(m, core)
        base = base if base.endswith("数") or not m else ""
        return core + (base or "数") + f"（{slot.mag}{m}）"
    return core + _measure_suffix(m, core)


_ORG_WORDS = ("领导班子", "两委班子", "党委", "党组", "党支部", "党总支", "领导小组", "疫情防控工作领导小组", "全体", "干部职工")


def name_for(slot: Slot, wide: bool = False) -> tuple[str, str]:
    """A field name for a slot (or a date group's probe) as a person would write it, and its kind."""
    limit = 16 if wide else 10
    if slot.shape == "hour":  # 上午xx点前报送 → 报送时间
        verb = next((w for w, t in _words(re.sub(r"^[点时]前?", "", slot.near_right))
                     if t.startswith("v") or w in lexicon().action_words), "")
        return (verb or _object_phrase(slot.near_left, limit)) + "时间", "date"
    if slot.shape in ("year", "month", "day", "hour", "date"):
        tail = "时间" if "时" in slot.after[:4] or slot.shape == "hour" else "日期"
        right = re.sub(r"^[年月日号时点]", "", slot.near_right)
        if "落款" in slot.extra:
            return "报告" + tail, "date"
        if slot.line_pos == "title" and slot.shape == "year":
            return "年份", "date"
        if "统计截止" in slot.extra and not wide:
            return "截止" + tail, "date"
        core = _object_phrase(slot.near_left, limit)
        if not core or slot.range_role:
            vo = _verb_object(right)
            if vo in ("", "开始", "以来", "起", "结束"):
                vo = _verb_object(slot.far_right)
            core = vo or core
        if "统计截止" in slot.extra:
            core = core.replace("截至", "截止") or "截止"
        role = {"start": "开始", "end": "结束"}.get(slot.range_role, "")
        if not role and re.match(r"\s*(晚上|上午|下午|起|以来)?\s*(开始|以来|起)", right):
            role = "开始"  # 从x月x日晚上开始，向封控区……: the start of something
        if slot.shape == "hour" and not slot.date_group:
            return (_verb_object(slot.head_right) or core or "") + "时间", "date"
        return core + role + tail, "date"
    if slot.shape in ("name", "other"):
        if slot.own_unit:
            return "单位名称", "name"
        suf = next((s for s in _NAME_SUFFIX_SET if slot.after.startswith(s)), "") or _noun_phrase(slot.after[:6])
        if suf == "同志":
            return "姓名", "name"
        if suf in _PLACE_NAMES or suf in ("路", "街", "巷"):
            return suf + "名", "name"
        if suf:
            return suf + "名称", "name"
        core = _object_phrase(slot.near_left, limit)
        return (core or "") + "名称", "name"
    # numbers: what is counted, then the measure
    noun = _noun_phrase(slot.head_right) if slot.measure else ""
    if slot.total and slot.inherit and len(re.sub(r"(共计|合计|总计|累计|一共|总共|共)", "", slot.near_left).strip()) <= 1:
        core = "".join(w for w, _ in _words(slot.inherit.split(" ", 1)[0] or slot.inherit))[:8]
        core = core or _object_phrase(slot.inherit, limit)
        if core:  # 武汉返回xx人，省内返回xx人，共计xx人 → 返回人员合计
            unit = "人员" if slot.measure_class == "person" and not core.endswith(("人员", "人")) else ""
            return core + unit + "合计", "number"
    if noun:
        core = noun
        if wide:  # 有*位员工常驻单位 → 员工常驻单位
            core = re.split(r"[，,；;。、：:（）()]", slot.head_right.replace("的", ""))[0][:10]
            core = "".join(w for w, _ in _words(core)) or core
    elif slot.list_head or re.search(r"[xX×*＊_＿\d][^，,；;。：:、]*、\s*$", slot.far_left):
        item = slot.near_left.rsplit("等", 1)[-1]
        out: list[str] = []
        for w, _t in reversed(_words(item)):  # a list item is one noun phrase, whole words
            if out and sum(map(len, out)) + len(w) > 12:
                break
            out.append(w)
        core = "".join(reversed(out))
        if not core and slot.list_text:  # 检测xx轮、累计xx人次: the first item says what
            core = _object_phrase(slot.list_text, limit)
        elif slot.list_head and not any(t.startswith("v") for _, t in _words(slot.near_left)):
            core = slot.list_head.split()[0] + core
    else:
        core = _object_phrase(slot.near_left, limit)
        kinds = _KINDS.search(slot.near_left[: slot.near_left.rfind(core[:2])]) \
            if len(core) >= 2 and core[:2] in slot.near_left else None
        if kinds and kinds.group(1) != "其中" and "等" not in kinds.group(0) and len(kinds.group(2)) <= 2:
            # 其中三、四级手术 → 三四级手术: both kinds are counted
            core = kinds.group(1).replace("其中", "") + kinds.group(2) + core
    if not core:  # 合计xx人参与防控工作: what follows says what is counted
        core = "".join(w for w, _ in _words(slot.head_right))[:8]
    if not core:
        core = _object_phrase(slot.far_left, limit) or "数量"
    return _with_measure(slot, core), "number"


def _dummy(kind: str, n: int, group: list[Slot]) -> Value:
    if kind == "number":
        return parse_value(100 + n)
    if kind == "date":
        lit = group[0].literal_date
        y = lit.get("year", 2020)
        mo = lit.get("month", 1 + n % 12)
        d = lit.get("day", 1 + n % 28)
        shapes = {s.shape for s in group}
        hour = f" {(n % 23) + 1}:00" if "hour" in shapes else ""
        return parse_value(f"{y}-{mo:02d}-{d:02d}{hour}")
    return parse_value(f"甲乙丙{n}")


def _pin_key(text: str, slots: list[Slot], run: list[Slot], left_len: int, right_len: int) -> Optional[str]:
    first, last = run[0], run[-1]
    prev_end = max([x.end for x in slots if x.end <= first.start] + [0])
    floor = max(prev_end, text.rfind("\n", 0, first.start) + 1)
    nxt = min([x.start for x in slots if x.start >= last.end] + [len(text)])
    line_end = text.find("\n", last.end)
    ceil = min(nxt, line_end if line_end >= 0 else len(text))
    left = re.sub(r"\s+", "", text[max(floor, first.start - left_len):first.start])
    right = re.split(r"[，,；;。！？!?、：:（）()]", text[last.end:min(ceil, last.end + right_len)])[0]
    right = re.sub(r"\s+", "", right)
    between = [re.sub(r"\s+", "", text[a.end:b.start]) for a, b in zip(run, run[1:])]
    if any(len(text[a.end:b.start]) > 12 or re.search(r"[\n。；;！？!?]", text[a.end:b.start])
           for a, b in zip(run, run[1:])):
        return None
    key = left + "xx" + "".join(b + "xx" for b in between) + right
    pieces = pin_pieces(key)
    return key if pieces is not None and len(pieces) == len(run) + 1 else None


def _pin_for(text: str, slots: list[Slot], key_of: dict[int, tuple], gkey: tuple
             ) -> Optional[tuple[str, list[list[Slot]]]]:
    """A sentence pin for a group: the words around its marks, unique in the report.

    Returns the pin's key and every run of placeholders it hits: a sentence that occurs
    twice hits both (the same figure, so they share the pin); when the words around one
    mark are not unique (在xx、xx、xx四处) the pin spans its neighbours and takes a list."""
    idx = [s.index for s in slots if key_of[s.index] == gkey]
    i0, i1 = idx[0], idx[-1]
    for ext in range(0, 4):
        for left_ext in range(ext + 1):
            a, b = i0 - left_ext, i1 + 1 + (ext - left_ext)
            if a < 0 or b > len(slots):
                continue
            # whole groups only
            if a > 0 and key_of[slots[a].index] == key_of[slots[a - 1].index]:
                continue
            if b < len(slots) and key_of[slots[b - 1].index] == key_of[slots[b].index]:
                continue
            run = slots[a:b]
            for left_len in (0, 3, 6, 10, 16, 24, 40):
                for right_len in (4, 6, 8, 2):
                    key = _pin_key(text, slots, run, left_len, right_len)
                    if key is None:
                        continue
                    pin = Pin(key, pin_pieces(key) or [], [parse_value(1)] * len(run))
                    from assistant.fill.match import pin_hits

                    hits = pin_hits(text, slots, pin)
                    if not any(h[0].index == run[0].index for h in hits):
                        continue
                    ok = all(_whole_groups(h, key_of) and _same_shape(h, run, key_of) for h in hits)
                    # several hits: the same words around the marks, the same figure repeated
                    if ok and (len(hits) == 1 or len(re.findall(r"[\u4e00-\u9fff]", key)) >= 8):
                        return key, hits
    return None


def _whole_groups(run: list[Slot], key_of: dict[int, tuple]) -> bool:
    keys = [key_of[s.index] for s in run]
    return all(keys.count(k) == sum(1 for v in key_of.values() if v == k) for k in set(keys))


def _same_shape(a: list[Slot], b: list[Slot], key_of: dict[int, tuple]) -> bool:
    return [s.shape for s in a] == [s.shape for s in b]


def build_skeleton(text: str, fmt: str = "txt", unit: object = None,
                   slots: Optional[list[Slot]] = None) -> list[SkeletonField]:
    """Fields for every placeholder group of a normalised text (in the order of the text)."""
    slots = find_slots(text, fmt) if slots is None else slots
    groups: dict[tuple, list[Slot]] = {}
    for s in slots:
        groups.setdefault(_group_key(s), []).append(s)
    names = group_names(text, slots, unit)
    fields: dict[str, SkeletonField] = {}
    for key, members in groups.items():
        if members[0].explicit:
            name, kind = members[0].explicit, ""
        else:
            name, kind = names[key], _kind_of(_probe(members))
        f = fields.setdefault(name, SkeletonField(name, kind))
        f.groups.append(members)
    return list(fields.values())


def _kind_of(slot: Slot) -> str:
    if slot.shape == "hour":
        return "time"  # 上午xx点前: a time of day
    if slot.shape in ("year", "month", "day", "hour", "date"):
        return "date"
    if slot.shape in ("name", "other"):
        return "name"
    return "number"


def _unit_candidates(unit: object):
    if unit is None:
        return []
    data = FillData(None)
    for i, f in enumerate(getattr(unit, "fields", ()) or ()):
        label = getattr(f, "label", "") or getattr(f, "name", "")
        ftype = getattr(f, "type", "number") or "number"
        data.fields[label] = _dummy("number" if ftype == "number" else ("date" if ftype == "date" else "name"), i,
                                    [Slot(0, 0, 0, "", "")])
    return candidates_from(data, unit)


def _unit_name(probe: Slot, cands) -> Optional[tuple[str, str]]:
    """The unit's own label for this placeholder, when one of its fields clearly fits."""
    if not cands:
        return None
    from assistant.fill.scoring import MARGIN, MIN_SCORE

    ranked = rank(probe, cands)
    if ranked and ranked[0][0] >= MIN_SCORE and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= MARGIN):
        c = ranked[0][1]
        name = c.name
        if probe.mag and not c.mag:  # xx万笔: the skeleton asks for the figure in 万
            name += f"（{probe.mag}{probe.measure}）"
        return name, c.value.kind if c.value.kind in ("number", "date") else "name"
    return None


def _yaml_key(key: str) -> str:
    if re.fullmatch(r"[\u4e00-\u9fff\w（）()、·]+", key) and not key[0].isdigit():
        return key
    return json.dumps(key, ensure_ascii=False)


def place_text(text: str, slot: Slot, width: int = 40) -> str:
    """The sentence around a slot with the mark in 【】, shortened to about ``width`` characters."""
    sent_start = max(text.rfind("\n", 0, slot.start) + 1, slot.start - width)
    cut = re.search(r".*[。；;！？!?]", text[sent_start:slot.start])
    if cut:
        sent_start += cut.end()
    end = text.find("\n", slot.end)
    end = len(text) if end < 0 else min(end, slot.end + width // 2)
    m = re.search(r"[。；;！？!?]", text[slot.end:end])
    if m:
        end = slot.end + m.end()
    return (text[sent_start:slot.start] + "【" + text[slot.start:slot.end] + "】" + text[slot.end:end]).strip()


def skeleton_yaml(fields: list[SkeletonField], text: str, mapped=None, source: str = "") -> str:
    """The skeleton as YAML, a comment per field quoting where it goes."""
    lines = [
        f"# assist fill 的数据骨架{('：' + source) if source else ''}",
        "# 每个字段对应报告中的一组占位符，注释是它所在的句子。填好值后运行：",
        f"#   assist fill {source or '报告'} --data 本文件",
        "# 数字直接写（120），日期写成 2020-02-08，名称照写；不知道的留空，那一处会保持空白。",
        "# 带 xx 的键是“句子定位”：把值直接放进那句话的占位符。",
        "",
    ]
    for f in fields:
        for members in f.groups[:3]:
            s = members[0]
            where = ""
            if mapped is not None:
                line, _col = mapped.raw_line_col(s.start)
                where = f"第 {line} 行："
            lines.append(f"# {where}{place_text(text, s) if len(members) == 1 else _group_text(text, members)}")
        if len(f.groups) > 3:
            lines.append(f"# ……共 {len(f.groups)} 处")
        if f.kind == "list":
            lines.append(f"# 按顺序填写 {f.marks} 个值，写成列表：[值1, 值2, …]")
        elif f.kind == "time":
            lines.append("# 填时刻，如 10:00")
        lines.append(f"{_yaml_key(f.name)}:")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _group_text(text: str, members: list[Slot]) -> str:
    first, last = members[0], members[-1]
    start = max(text.rfind("\n", 0, first.start) + 1, first.start - 30)
    end = min(len(text), last.end + 12)
    nl = text.find("\n", last.end)
    if 0 <= nl < end:
        end = nl
    return (text[start:first.start] + "【" + text[first.start:last.end] + "】" + text[last.end:end]).strip()


def group_names(text: str, slots: list[Slot], unit: object = None) -> dict[tuple, str]:
    """The field name the skeleton gives each placeholder group (the contract: a field of
    this name in the data fills exactly these places)."""
    groups: dict[tuple, list[Slot]] = {}
    for s in slots:
        groups.setdefault(_group_key(s), []).append(s)
    unit_cands = _unit_candidates(unit)
    out: dict[tuple, str] = {}
    probes: dict[tuple, Slot] = {}
    for key, members in groups.items():
        if members[0].explicit:
            continue
        pr = probes[key] = _probe(members)
        out[key] = (_unit_name(pr, unit_cands) or name_for(pr))[0]
    return _distinct(out, probes)


def _distinct(names: dict[tuple, str], probes: dict[tuple, Slot]) -> dict[tuple, str]:
    """One name for one quantity: groups that share a name but say different things get a
    longer name, then a place number (报告日期 twice in a signature is one date)."""
    for wide in (True, False):
        by_name: dict[str, list[tuple]] = {}
        for key, name in names.items():
            by_name.setdefault(name, []).append(key)
        changed = False
        for name, keys in by_name.items():
            if len(keys) < 2:
                continue
            first = probes[keys[0]]
            if all(_same(first, probes[k]) for k in keys[1:]):
                continue
            changed = True
            for n, k in enumerate(keys, start=1):
                if wide:
                    names[k] = name_for(probes[k], wide=True)[0]
                elif n > 1:
                    names[k] = f"{name}（第{n}处）"
        if not changed:
            break
    return names


def _same(a: Slot, b: Slot) -> bool:
    if a.own_unit and b.own_unit:
        return True  # the writing unit, wherever the report names itself
    return same_quantity(a, b)
