"""Scoring: how well one data field fits one placeholder.

Each field is scored against a slot's context: the field name's words found there
(exact, by synonym or abbreviation from lexicon.yaml, by stem, in order within a short
stretch; near words count more than the rest of the sentence), the
context's words the name accounts for, the measure word the name implies (户数 → 户,
返乡人员 → persons, …数 → a count, never money) against the report's, and the value's
kind against the slot's (a date never fills 共xx名, a number never fills a name, a count
never a percentage). Penalties mark what is not the same quantity: a modifier on one
side only (其他, 新增, 解除…), a total after 其中, a counted thing after 的 the name does
not mention, a noun phrase with several qualifiers the name lacks (最美巾帼扶贫志愿者
is not every 志愿者). A unit's name field (单位名称, 学校名称 …) fits the writing unit's
name in the title and the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from assistant.fill.data import SUBMITTED_WORDS, YEAR_FIELD, year_of
from assistant.fill.fields import Candidate
from assistant.fill.lexicon import cut, lexicon, tag
from assistant.fill.slots import DATE_SHAPES, NAME_SUFFIXES, Slot

MIN_SCORE = 0.58  # a field this good fills a slot when nothing competes
FLOOR = 0.5  # below this a field is no candidate at all
MARGIN = 0.12  # a rival within this much makes the choice unclear
MIN_RECALL = 0.7  # share of the field name's words that must be found in context

# how much a word found in each part of the context counts
W_NEAR, W_SYN, W_SUBSEQ, W_FAR_LEFT, W_FAR_RIGHT, W_PARA = 1.0, 0.9, 0.7, 0.6, 0.45, 0.35

_VERB_TAGS = ("v", "vn", "vd", "p", "c", "r", "d", "m", "t", "u", "x")
_NONCOUNT = ("money", "percent", "length", "area", "weight", "volume", "duration", "age")


@dataclass
class Score:
    total: float = 0.0
    recall: float = 0.0
    precision: float = 0.0
    fit: float = 0.0
    notes: list[str] = field(default_factory=list)
    penalized: bool = False  # a penalty applied (other modifier, 其中, a more specific thing …)


def _has(word: str, text: str) -> bool:
    return bool(word) and word in text


def _subsequence(tok: str, text: str) -> bool:
    """All characters of ``tok`` in order within a short stretch of ``text`` (测温 in 测量车上人员体温)."""
    if len(tok) < 2:
        return False
    window = 4 * len(tok) + 2
    pos = text.find(tok[0])
    while pos >= 0:
        j = pos + 1
        ok = True
        for ch in tok[1:]:
            j = text.find(ch, j, pos + window)
            if j < 0:
                ok = False
                break
            j += 1
        if ok:
            return True
        pos = text.find(tok[0], pos + 1)
    return False


def credit(tok: str, slot: Slot) -> float:
    """How well one word of a field name is found in a slot's context (0–1).

    A compound the segmenter keeps whole (全校师生, 检查人员) is also tried as two
    halves; its generic half (全校, 人员) counts only when found."""
    best = _credit1(tok, slot)
    if best >= W_SYN or len(tok) < 4:
        return best
    lex = lexicon()
    for k in range(2, len(tok) - 1):
        parts = [(tok[:k], 0.3 if tok[:k] in lex.generic or tok[:k] in lex.stop else 1.0),
                 (tok[k:], 0.3 if tok[k:] in lex.generic or tok[k:] in lex.stop else 1.0)]
        cr = [(w, _credit1(t, slot)) for t, w in parts]
        den = sum(w for w, c in cr if w >= 1.0 or c > 0)
        if den and all(w < 1.0 or c > 0 for w, c in cr):
            best = max(best, 0.95 * sum(w * c for w, c in cr) / den)
    return best


def _credit1(tok: str, slot: Slot) -> float:
    near = slot.near_text
    if _has(tok, near):
        return W_NEAR
    syns = lexicon().synonyms.get(tok, ())
    if any(_has(s, near) for s in syns):
        return W_SYN
    for suf in ("人员", "人数", "情况", "数量"):  # stems: 返乡人员 against 返乡xx人
        if tok.endswith(suf) and len(tok) > len(suf) + 1 and _has(tok[: -len(suf)], near):
            return W_SYN
    if len(tok) >= 3 and tok[-1] in "员者" and re.search(re.escape(tok[:-1]) + r"[\u4e00-\u9fff]{0,3}[人员者]", near):
        return W_SYN  # 网格员 at 网格责任人: the same people by their stem
    if slot.list_head and (_has(tok, slot.list_head) or any(_has(x, slot.list_head) for x in syns)):
        return W_SYN
    cls = lexicon().class_nouns.get(tok)
    if cls is not None and cls == slot.measure_class and slot.chained:
        return W_SYN  # 脱贫人口 at 脱贫户xx户xxx人: 人 says 人口 of what was just counted
    if _subsequence(tok, near):
        return W_SUBSEQ
    best = 0.0
    far_syn = 0.75  # a synonym further away says less than the word itself
    # a date at the head of a sentence dates the whole clause: its far right is near
    heads = slot.shape in DATE_SHAPES and (len(slot.near_left.strip()) <= 4 or slot.near_left.rstrip().endswith(
        ("自", "于", "从", "在")))
    far_right_w = 0.8 if heads else W_FAR_RIGHT
    for text, w in ((slot.far_left, W_FAR_LEFT), (slot.far_right, far_right_w), (slot.para_left, W_PARA)):
        if _has(tok, text):
            best = max(best, w)
        elif any(_has(x, text) for x in syns):
            best = max(best, w * far_syn)
    if best <= W_PARA and len(tok) >= 2 and slot.title and _has(tok, slot.title) and not slot.own_unit:
        # 防汛资金 at 筹措资金xx万元 in a report on 防汛: the title says what every figure is
        # about, where the sentence itself does not say it (said in it, its own place counts)
        return W_SYN
    return best


def _tokens_of(text: str) -> list[str]:
    text = lexicon().idiom_rx.sub(" ", text)
    return list(cut(text)) if text.strip() else []


def name_head(slot: Slot) -> str:
    """What a name placeholder names: the word right after it (XX县 → 县, xx交界口 → 交界口)."""
    suf = next((x for x in NAME_SUFFIXES if slot.after.startswith(x)), "")
    if suf:
        return suf
    toks = list(cut(slot.after[:6])) if slot.after.strip() else []
    return toks[0] if toks and re.match(r"[\u4e00-\u9fff]", toks[0]) else ""


def context_tokens(slot: Slot) -> list[tuple[str, float]]:
    """Content words of the near context, with weights (generic words count less)."""
    lex = lexicon()
    toks: dict[str, float] = {}
    parts: tuple[str, ...] = (slot.near_left, slot.near_right)
    if slot.shape in ("name", "other"):  # a name: what it names, not what the sentence says about it
        parts = (name_head(slot),)
    for part in parts:
        for tok in _tokens_of(part):
            if tok in lex.stop or re.fullmatch(r"[\d\W_a-zA-Z×＊]+", tok):
                continue
            w = 0.3 if tok in lex.generic else 1.0
            toks[tok] = max(toks.get(tok, 0.0), w)
    return list(toks.items())


def explained(tok: str, cand: Candidate) -> float:
    """How well a context word is accounted for by the field's name(s)."""
    joined = "".join(cand.names)
    if tok in joined:
        return 1.0
    syns = lexicon().synonyms
    if any(s in joined for s in syns.get(tok, ())):
        return 0.9
    for ft, _w in cand.tokens:
        if len(ft) >= 2 and ft in tok:
            return 0.8
        if len(tok) >= 2 and any(tok in syn for syn in syns.get(ft, ())):
            return 0.8  # 体温 and 测量 of 测量体温, a synonym of the field's 测温
        if len(ft) >= 2 and _subsequence(ft, tok):
            return 0.7  # 户厕 for 户用卫生厕所
        if len(ft) >= 3 and len(tok) >= 3 and _subsequence(ft[:2], tok) and tok[0] == ft[0]:
            return 0.8  # 地质灾害 for the 地灾 of 地灾点
    shared = sum(1 for ch in set(tok) if ch in joined)
    return 0.5 if len(tok) >= 3 and shared / len(set(tok)) >= 0.66 else 0.0


def measure_fit(slot: Slot, cand: Candidate) -> Optional[float]:
    """1 exact measure word, 0.9 same class, 0.5 unknown, lower for near classes, None for a clash."""
    lex = lexicon()
    sc = slot.measure_class
    if slot.shape != "number":
        return 0.5
    if (sc == "percent") != (cand.measure_class == "percent" or cand.value.unit == "%"):
        return None  # a count never fills a percentage, nor a rate a count
    if cand.count and sc in _NONCOUNT:
        return None  # 水毁工程数 is no sum of money
    if cand.measure and slot.measure:
        if cand.measure == slot.measure:
            return 1.0
        cc = lex.measure_class.get(cand.measure)
        if cc == sc and cc != "generic":
            return 0.9
        if cand.measure in ("件套", "台套") and slot.measure in ("件", "套", "台"):
            return 0.9
        if "个" in (cand.measure, slot.measure):  # the all-purpose classifier
            other = sc if cand.measure == "个" else cc
            return None if other in _GENERIC_FORBIDDEN else 0.6
        if lex.related_classes(cc, sc):
            return 0.4
        if cc == sc == "generic":
            return 0.5
        return None
    if cand.measure_class is None or sc is None:
        if cand.measure_class in _NONCOUNT and sc is None and slot.measure:
            return None
        if sc is None and not slot.measure and cand.measure_class in _NONCOUNT and _people_before(slot):
            return None  # 聘请校外专业人员xx参与…: a count of people, whatever follows, never hours or money
        return 0.5
    if cand.measure_class == sc:
        return 0.9
    if lex.related_classes(cand.measure_class, sc):
        return 0.4
    if sc == "generic" and cand.measure_class not in _GENERIC_FORBIDDEN:
        return 0.6
    if cand.measure_class == "generic" and sc not in _GENERIC_FORBIDDEN:
        return 0.6
    return None


def _people_before(slot: Slot) -> bool:
    """The mark follows a word for people (专业人员xx, 志愿者xx)."""
    left = slot.before.rstrip()
    return any(left.endswith(n) for n, c in lexicon().noun_classes if c == "person" and len(n) >= 2)


# generic measures fit any countable thing except these classes
_GENERIC_FORBIDDEN = {"person", "household", "money", "percent", "person_times", "dose", "length", "area",
                      "weight", "volume", "duration"}


def qualifiers(slot: Slot, cand: Candidate) -> list[str]:
    """Words of the counted noun phrase that the field does not account for.

    The phrase is the list item (after 、) or the run of non-verbs before the field's
    word nearest the mark: 湖北返乡人员 → 湖北; 最美巾帼扶贫志愿者 → 最美 巾帼 扶贫."""
    lex = lexicon()
    for part, from_end in ((slot.near_left, True), (slot.head_right, False)):
        if not part.strip():
            continue
        toks = list(tag(lex.idiom_rx.sub(" ", part)))
        hits = [i for i, (w, _t) in enumerate(toks)
                if any(ft in w or w in ft for ft, fw in cand.tokens if fw >= 1.0 and len(ft) >= 2)]
        if not hits:
            continue
        head = hits[-1] if from_end else hits[0]
        in_list = from_end and slot.list_head != ""
        quals = []
        for w, t in reversed(toks[:head]):
            if not in_list and t.startswith(_VERB_TAGS):
                break
            if w in lex.stop or w in lex.generic or explained(w, cand) >= 0.8 or re.fullmatch(r"[\d\W_]+", w):
                if w in lex.stop and not in_list:
                    break
                continue
            quals.append(w)
        return quals[::-1]
    return []


def _datey(name: str) -> bool:
    return bool(re.search(r"日期|时间|[年月日]$|年度|年份|截至|截止|成文|落款|开始|结束|起止", name))


def kind_ok(slot: Slot, cand: Candidate) -> Optional[str]:
    """None if the value may go there, else why not (Chinese)."""
    v = cand.value
    shape = slot.shape
    kind = v.kind if not v.empty else (cand.expect or "")
    if kind == "range":
        kind = "date"
    if shape == "number":
        if kind in ("date", "name", "text"):
            return "类型不符"
        return None
    if shape in DATE_SHAPES:
        if kind == "date":
            return None
        if kind == "number" and _datey(cand.name) and shape != "date":
            return None
        if kind == "" and _datey(cand.name):
            return None
        return "类型不符"
    if shape in ("name", "other"):
        # a number goes only where a measure word or check says a number stands
        if kind in ("name", "text") or (shape == "other" and kind == "date") or (kind == "" and cand.expect != "number"):
            return None
        return "类型不符"
    return None  # explicit: anything


def recall_of(tokens: list[tuple[str, float]], slot: Slot) -> float:
    """Share of a name's words found around the slot; generic words (单位, 工作…) count only when found."""
    credits = [(w, credit(t, slot)) for t, w in tokens]
    total_w = sum(w for w, c in credits if w >= 1.0 or c > 0)
    return sum(w * c for w, c in credits) / total_w if total_w else 0.0


def _unit_name_score(slot: Slot, cand: Candidate) -> Optional[float]:
    """A unit's name field at a name mark followed by a unit's generic word (××学校, ××镇).

    None when the field is no unit-name field (score it by its words); 0 when it names
    another kind of unit; else how sure."""
    if not cand.unit_family or slot.shape not in ("name", "other"):
        return None
    lex = lexicon()
    fam = slot.unit_family if slot.unit_word else ""
    if cand.unit_family == "any":
        if slot.own_unit:
            return 0.9
        return None
    if fam and cand.unit_family == fam:
        return 0.95 if slot.own_unit else 0.8
    place = lex.unit_family.get(lex.unit_word_at(slot.after), "")
    if place and cand.unit_family == place:
        return 0.8  # ××县人民医院 with 县名: the mark is the county's name
    if fam:
        return 0.0  # 村名称 at ××学校
    return None


def score(slot: Slot, cand: Candidate, ctx_tokens: Optional[list[tuple[str, float]]] = None) -> Score:
    """How well a field fits a slot, with the parts (total 0 when incompatible)."""
    out = Score()
    why = kind_ok(slot, cand)
    if why is not None:
        out.notes.append(why)
        return out
    if slot.range_role and cand.range_part and cand.range_part != slot.range_role:
        out.notes.append("起止不符")
        return out
    fit = measure_fit(slot, cand)
    if fit is None:
        out.notes.append("量词不符")
        return out
    out.fit = fit
    unit_score = _unit_name_score(slot, cand)
    if unit_score is not None:
        out.total = out.recall = out.precision = unit_score
        out.notes.append("单位名称")
        return out
    if _lone_year(slot) and YEAR_FIELD.search(cand.name) and cand.value.kind == "number" and \
            re.fullmatch(r"(19|20)\d\d", cand.value.text or ""):
        out.total = out.recall = 0.8  # 20xx年 with 年度 = 2024
        out.notes.append("年度")
        return out
    if _lone_year(slot) and cand.value.kind == "date" and _SUBMITTED.search(cand.name):
        out.total = 0.0  # a report on 2024 is sent in January 2025: its date is no year of it
        out.notes.append("报送日期不是报告所说的年份")
        return out
    if _lone_year(slot) and _PERIOD_FIELD.search(cand.name) and year_of(cand.value) is not None:
        out.total = out.recall = 0.75  # 20xx年上半年 with 统计期 = 2024年1-6月
        out.notes.append("统计期的年份")
        return out
    whole = _whole_count(slot, cand)
    if whole:  # 全村xx户xx人 with 总户数 and 户籍人口
        out.total = out.recall = whole
        out.notes.append("全部的总数")
        return out
    if not cand.tokens and not cand.alt_tokens:
        return out
    out.recall = recall = max([recall_of(cand.tokens, slot)] + [0.97 * recall_of(t, slot) for t in cand.alt_tokens])
    if slot.shape in DATE_SHAPES:
        return _date_score(slot, cand, out)
    if recall < 0.5:
        out.total = 0.5 * recall
        out.notes.append("字段名的词在上下文中找不全")
        return out
    weak = recall < MIN_RECALL
    if weak:
        out.notes.append("字段名的词在上下文中找不全")
        out.penalized = True
    ctx = ctx_tokens if ctx_tokens is not None else context_tokens(slot)
    ctx_w = sum(w for _, w in ctx)
    out.precision = precision = (sum(w * explained(t, cand) for t, w in ctx) / ctx_w) if ctx_w else 0.5
    if slot.shape in DATE_SHAPES:  # few fields are dates: the words around a date matter less
        out.precision = precision = max(precision, 0.5)
    s = 0.5 * recall + 0.35 * precision + 0.15 * fit
    if weak:
        s *= 0.8
    if slot.shape in ("name", "other", "explicit") or slot.shape in DATE_SHAPES:
        out.total = s
        return out
    lex = lexicon()
    # a modifier on one side only changes what is counted (其他 / 新增 / 解除 …)
    ctx_toks = {t for t, _ in ctx}
    ctx_text = slot.near_left + slot.near_right
    for mod in lex.modifiers:
        in_ctx = any(t == mod or (t.startswith(mod) and len(mod) >= 2) for t in ctx_toks) or \
            (len(mod) >= 2 and mod in ctx_text and mod not in "".join(lex.idioms))
        in_field = mod in cand.modifiers or any(mod in n for n in cand.names)
        if in_ctx == in_field:
            continue
        if in_field and any(mod in t and credit(t, slot) >= W_SYN for t, _w in cand.tokens):
            continue  # 住校生 at 寄宿生: the field's word is there by another name
        if in_field and (mod in slot.far_left or mod in slot.extra or mod in slot.inherit):
            continue
        s *= 0.6
        out.notes.append(f"修饰词“{mod}”不一致")
        out.penalized = True
    said = slot.near_left + slot.head_right
    ks, kf = {k for k in _POP_KINDS if k in said}, {k for k in _POP_KINDS if k in cand.key}
    if ks and kf and ks.isdisjoint(kf):  # 常住人口 at 全镇常住人口xx, never 户籍人口
        s *= 0.5
        out.notes.append("人口口径不同")
        out.penalized = True
    if slot.part and cand.total and not slot.total:
        s *= 0.6
        out.notes.append("“其中”之后不应是总数")
        out.penalized = True
    if slot.total and slot.inherit and not cand.total:
        s *= 0.7  # 武汉返回xx人，省外返回xx人，共计xx人: the total is no part
        out.notes.append("这里是前面各项的合计")
        out.penalized = True
    quals = qualifiers(slot, cand)
    if len(quals) >= 2:  # 最美巾帼扶贫志愿者 is not every 志愿者
        out.notes.append("计数对象更具体：" + "".join(quals))
        if slot.measure_class in (None, "person", "household", "person_times") or cand.measure_class in (
                "person", "household", "person_times"):
            s *= 0.6  # groups of people are where a narrower count hides
            out.penalized = True
        else:
            s *= 0.85  # 新增校园高清监控摄像头 for 新增监控数: a clerk's name is short
    conj = _coordinated(slot, cand)
    if conj:  # 其中三、四级手术xx台次 with 四级手术台次: the figure counts both kinds
        s *= 0.4
        out.notes.append(f"这里是“{conj}”两类合计")
        out.penalized = True
    if slot.measure_class == "person_times" and cand.measure_class == "person" and (
            cand.total or _POPULATION.search(cand.key)):
        s *= 0.5  # 受训员工xx人次 is no 员工总数: a headcount is never counted in 人次
        out.notes.append("人数不是人次")
        out.penalized = True
    acts = _unexplained_actions(slot, cand)
    if len(acts) >= 2 or (any(a in lex.action_words for a in acts) and re.search(r"人口|居民|常住|户籍", cand.key)):
        # 60岁以上老年人完成全程接种xx人 is not 60岁以上老年人口; 转移群众xx人 is not 户籍人口
        s *= 0.6
        out.notes.append("计数的是做了“" + "".join(acts) + "”的人或事")
        out.penalized = True
    around = slot.near_left + slot.near_right + slot.far_left + slot.list_head + slot.sentence + slot.para_left
    done = [w for w in _DONE_WORDS if w in cand.name and w not in around]
    if done:  # 项目总投资xx万元 is not 已完成投资: the part done is no total
        s *= 0.6
        out.notes.append(f"字段只计“{done[0]}”的部分")
        out.penalized = True
    clash = _other_action(slot, cand)
    if clash:  # 共排查矛盾纠纷xx起 is not 矛盾纠纷化解数
        s *= 0.6
        out.notes.append(f"这里说的是“{clash}”")
        out.penalized = True
    head = _counted_head(slot, cand)
    if head:  # 和xx名在职党员到社区报到 is not 报到共驻单位数
        s *= 0.6
        out.notes.append(f"计数的是“{head}”")
        out.penalized = True
    if _already_written(slot, cand):
        s *= 0.5
        out.notes.append(f"值 {cand.value.text} 已写在这句话里")
        out.penalized = True
    act = _stock_acted(slot, cand)
    if act:  # 约谈燃气经营企业x家 is not 辖区燃气经营企业: what was acted on is a part of the stock
        s *= 0.5
        out.notes.append(f"这里说的是“{act}”的，字段是辖区现有的总数")
        out.penalized = True
    other = _other_figure(slot, cand)
    if other:  # 其中80周岁以上高龄老人xxx名 is not 60岁及以上老年人
        s *= 0.5
        out.notes.append(f"字段说的是“{other}”，这里不是")
        out.penalized = True
    # 有x位正式员工的家属: what is counted comes after 的
    if "的" in slot.head_right:
        modifier, head = slot.head_right.rsplit("的", 1)
        head_toks = [t for t in _tokens_of(head) if t not in lex.stop and not re.fullmatch(r"[\d\W_]+", t)]
        said_before = any(_has(t, modifier) for t, w in cand.tokens if w >= 1.0)
        if said_before and head_toks and min(explained(t, cand) for t in head_toks[:1]) < 0.8:
            s *= 0.5
            out.notes.append(f"计数的是“{head_toks[0]}”")
            out.penalized = True
    out.total = s
    return out


_STOCK = re.compile(r"^(?:辖区|全县|全市|全区|全镇|全乡|全村|全街道|现有|在册|登记在册|共有)")
_ACTED = ("约谈", "检查", "排查", "查处", "处罚", "走访", "培训", "关停", "取缔", "督办", "通报", "约见", "告诫",
          "处置", "拆除", "劝离", "劝导", "救助", "帮扶", "慰问", "表彰", "考核", "整治", "清理", "抽检", "抽查")


def _stock_acted(slot: Slot, cand: Candidate) -> str:
    """A stock field (辖区燃气经营企业, 现有村民) at a figure of those acted on (约谈…企业x家):
    the act, or ''."""
    if not _STOCK.match(cand.name):
        return ""
    clause = re.split(r"[，,；;。！？!?：:\n]", slot.near_left)[-1]
    return next((a for a in _ACTED if a in clause and a not in cand.name), "")


_FIGURE_IN_NAME = re.compile(r"(\d+(?:\.\d+)?)\s*(周岁|岁|级|小时|分钟|公里|千米|米|吨|亩|万|千|年|个月|天|日|人|户)")


def _other_figure(slot: Slot, cand: Candidate) -> str:
    """A figure the field's name holds (60岁及以上老年人) where the report says another one of
    the same kind (80周岁以上): the figure of the name, or ''."""
    said = (slot.near_left + slot.head_right).replace("周岁", "岁")
    for m in _FIGURE_IN_NAME.finditer(cand.name.replace("周岁", "岁")):
        figure, what = m.group(1), m.group(2)
        there = re.findall(r"(?<![\d.])(\d+(?:\.\d+)?)\s*" + re.escape(what), said)
        if there and figure not in there:
            return figure + what
    return ""


_COORD = re.compile(r"([\u4e00-\u9fff]{1,3})、([\u4e00-\u9fff]{1,3})$")


def _date_score(slot: Slot, cand: Candidate, out: Score) -> Score:
    """Few fields are dates, so the role of a date matters more than the words around it: the
    start of 「x月x日至x月x日」 takes a start date (排查起始日期) or a period (国庆安保时段),
    the end an end date; a date on its own takes a date the words around it name (报告日期 on
    the date line, 统计截止日期 after 截至)."""
    r = out.recall
    period = cand.value.kind == "range"
    if slot.range_role:
        if period or cand.range_part == slot.range_role:
            out.total = 0.55 + 0.35 * r
        elif not cand.range_part:
            out.total = 0.3 + 0.4 * r if r >= 0.5 else 0.0
        else:
            out.total = 0.0
    elif period:
        out.total = 0.0
        out.notes.append("这里只要一个日期")
    elif _ASOF_FIELD.search(cand.name) and _ASOF_BEFORE.search(slot.near_left) and slot.shape in ("month", "day", "date"):
        out.total = max(0.75, 0.3 + 0.55 * r)  # 截至x月末 with 报表日期: the date the figures stand at
        out.notes.append("数据截至的日期")
    elif r < 0.4:
        out.total = 0.5 * r
        out.notes.append("字段名的词在上下文中找不全")
    else:
        since = cand.range_part == "start" and re.match(r"\s*[日号]?\s*(以来|起|开始)", slot.near_right)
        out.total = 0.3 + 0.55 * r + (0.1 if since else 0.0)
    return out


# A date the table's figures stand at, and a place that asks for it (截至x月末, 截止到x月x日)
_ASOF_FIELD = re.compile(r"^(?:报表|数据|统计)日期$|^统计期$|^(?:数据|统计)?(?:截至|截止)(?:日期|时间)?$|^(?:数据|统计)时点$")
_ASOF_BEFORE = re.compile(r"(?:截至|截止|截止到)\s*(?:(?:19|20)\d\d年|今年|本年)?\s*$|(?:^|[^\d])1\s*(?:月份?)?\s*[-—–~至到]\s*$")


def _coordinated(slot: Slot, cand: Candidate) -> str:
    """``三、四级手术`` right before the mark: two kinds of one thing. When the field names one
    of the two kinds only, the figure is both together ('' when that is not so)."""
    left = slot.near_left.rstrip()
    name = "".join(cand.names)
    for head, w in cand.tokens:
        if w < 1.0 or len(head) < 2 or not left.endswith(head):
            continue
        m = _COORD.search(left[: -len(head)])
        if not m or "等" in m.group(0):
            continue
        first, kind2 = m.group(1), m.group(2)
        names_first = any(ch in name for ch in re.sub(r"[级类种项个]", "", first) or first)
        names_second = all(ch in name for ch in kind2)
        if names_first != names_second or not names_first:
            return first + "、" + kind2 + head
    return ""


def _lone_year(slot: Slot) -> bool:
    """A year said alone (20xx年度工作总结, 20xx年，我行…), not the year of a date (20xx年x月x日,
    20xx年1月以来) nor of the date line."""
    return slot.shape == "year" and not slot.literal_date and slot.line_pos != "signature" and \
        not re.match(r"年\s*(?:[xX×*＊_ｘＸ]+|\d{1,2})\s*月", slot.after)


_DONE_WORDS = ("完成", "到位", "拨付", "兑现")
_POP_KINDS = ("常住", "户籍", "流动", "外来", "在校", "在册", "在职", "离退休")
_SUBMITTED = re.compile(f"(?:{SUBMITTED_WORDS})(?:日期|时间)")
_PERIOD_FIELD = re.compile(r"^(?:统计|报告|所属|报表|数据)?(?:期|期间|区间|时段|时期|周期)$|^统计(?:年月|月份)$")

_WHOLE_SCOPE = re.compile(r"(?:全|我)(?:村|镇|乡|县|区|市|社区|校|院|行|公司|所|街道|厂|场)|辖区|本(?:村|社区|镇|乡)")
_POPULATION = re.compile(r"人口|户籍|常住|总人数|总户数|总户|户数合计|人数合计|^户数$|^人数$")


def _whole_count(slot: Slot, cand: Candidate) -> float:
    """A population or all-households field (总户数, 户籍人口) at a figure of the whole unit
    said with nothing done to it (对全村xx户xx人实行网格化管理): how sure, or 0."""
    if slot.shape != "number" or not slot.measure_class or cand.measure_class != slot.measure_class:
        return 0.0
    if slot.measure_class not in ("person", "household") or not (
            _POPULATION.search(cand.key) or (cand.total and not cand.tokens)):
        return 0.0
    if not _WHOLE_SCOPE.search(slot.near_left):
        return 0.0
    lex = lexicon()
    for w, t in tag(slot.near_left):
        if (w in lex.action_words or t.startswith("v")) and len(w) >= 2 and w not in lex.generic \
                and w not in ("现有", "共有", "拥有", "辖有", "总计", "共计", "合计"):
            return 0.0  # 全村共排查xx户: those searched, not all households
    if any(tg.startswith("v") for t, _w in cand.tokens for _x, tg in tag(t)):
        return 0.0
    said = slot.near_left + slot.head_right
    kinds = [k for k in _POP_KINDS if k in said]
    if kinds:  # 全镇常住人口xx: 常住人口 fits, 户籍人口 does not
        return 0.9 if all(k in cand.key for k in kinds) else 0.0
    return 0.8


def _unexplained_actions(slot: Slot, cand: Candidate) -> list[str]:
    """Verbs around the mark that a population field (no verb in its name) does not account for."""
    lex = lexicon()
    if cand.measure_class not in ("person", "household") or not (
            cand.total or any(w in cand.key for w in ("人口", "居民", "常住", "户籍", "总人数", "总户数"))):
        return []  # only a population (老年人口, 户籍人口) is mistaken for the people who did something
    field_verbs = [t for t, _w in cand.tokens if any(tg.startswith("v") for _w2, tg in tag(t)) or t in lex.action_words]
    if field_verbs:
        return []
    acts = []
    for part in (slot.near_left,):  # what the counted did, said before the figure
        for w, t in tag(part) if part.strip() else ():
            if (t.startswith("v") or w in lex.action_words) and len(w) >= 2 \
                    and (w not in lex.generic or w == "完成") \
                    and w not in ("现有", "共有", "达到", "累计", "合计", "共计", "总计") and explained(w, cand) < 0.8:
                acts.append(w)
    return acts


def _is_action(word: str, tagged: str) -> bool:
    lex = lexicon()
    return (tagged.startswith("v") or word in lex.action_words) and len(word) >= 2 and word not in lex.generic \
        and word not in lex.stop


def _other_action(slot: Slot, cand: Candidate) -> str:
    """The field names an action that is not done near the figure, and another action is
    (共排查各类矛盾纠纷xx起 with 矛盾纠纷化解数): the verb near the figure, or ''."""
    field_acts = [t for t, w in cand.tokens if w >= 1.0 and any(_is_action(x, tg) for x, tg in tag(t))]
    if not field_acts or any(_credit1(t, slot) >= W_SUBSEQ for t in field_acts):
        return ""
    for w, t in tag(slot.near_left) if slot.near_left.strip() else ():
        if w in _CHANGE_WORDS and _CHANGE_FIELD.search(cand.name):
            continue  # 揽收邮件快件（　）万件，同比增长（　）% with 揽收邮件快件同比: the change of what was done
        if _is_action(w, t) and explained(w, cand) < 0.8:
            return w
    return ""


_CHANGE_WORDS = frozenset("增长 增加 下降 减少 提高 降低 上升 增 降".split())
_CHANGE_FIELD = re.compile(r"同比|环比|增幅|降幅|增长率|增减|增速|较上年")


def _counted_head(slot: Slot, cand: Candidate) -> str:
    """The noun right after the measure word says what is counted (xx名在职党员); a field whose
    own nouns are not near the figure and that does not name that noun counts something else."""
    if not slot.measure:
        return ""
    lex = lexicon()
    toks = [(w, t) for w, t in tag(slot.head_right) if re.search(r"[\u4e00-\u9fff]", w)][:2]
    if toks and (toks[0][0] in lex.generic or _is_action(*toks[0])):
        toks = []  # 户开展地毯式排查: what follows is what was done, not what is counted
    noun = next((w for w, t in toks if t.startswith("n") and len(w) >= 2), "")
    if not noun and slot.measure_class == "person":  # 抽调医护人员xx名: the people are named before
        people = [n for n, c in lex.noun_classes if c == "person" and len(n) >= 2]
        left = slot.near_left.rstrip()
        noun = next((w for w, _t in reversed(tag(left)) if len(w) >= 2), "") if any(
            left.endswith(n) for n in people) else ""
    if not noun or explained(noun, cand) >= 0.5:
        return ""
    nouns = [t for t, w in cand.tokens if w >= 1.0 and not any(_is_action(x, tg) for x, tg in tag(t))]
    if any(_credit1(t, slot) >= W_SUBSEQ for t in nouns):
        return ""
    if all(t in lex.count_words for t in nouns) and any(
            _credit1(t, slot) >= W_SUBSEQ for t, w in cand.tokens if w >= 1.0 and t not in nouns):
        return ""  # 转移人数 at 组织转移群众xx人: a count named by what was done counts whoever it was done to
    return noun


def _already_written(slot: Slot, cand: Candidate) -> bool:
    """The field's figure is written out in the sentence already (关停xxx家（含16家旅行社）
    with 关停旅行社 = 16): the mark stands for another figure."""
    v = cand.value
    if v.kind != "number" or not v.text or len(v.text) < 2 or not slot.sentence:
        return False
    sent, text = slot.sentence, v.text
    i = sent.find(text)
    while i >= 0:  # (str.find: a pattern per value would be compiled thousands of times)
        end = i + len(text)
        whole = (i == 0 or sent[i - 1] not in "0123456789.") and (end == len(sent) or sent[end] not in "0123456789.")
        if whole and sent.startswith(lexicon().measures, end) and any(
                t in sent[end:end + 12] for t, w in cand.tokens if w >= 1.0):
            return True
        i = sent.find(text, i + 1)
    return False


def name_suffix_fit(slot: Slot, cand: Candidate) -> Optional[float]:
    """For a name slot: 1 if the value ends with what follows the mark (翁源县 in XX县) or with
    a word of the same kind of unit (城关镇第一小学 at ××学校), None if it clashes."""
    v = cand.value
    if v.empty or v.kind not in ("name", "text"):
        return 0.0
    lex = lexicon()
    from assistant.fill.render import _strip_overlap

    if _strip_overlap(v.text, slot.after) != v.text:
        return 1.0  # 平川县应急管理局 before 县应急管理局: the name ends with what the report writes
    if slot.unit_word and slot.after.startswith(slot.unit_word) and v.text.find(slot.unit_word) > 0 \
            and lex.unit_family.get(slot.unit_word) in ("town", "county", "village"):
        return 1.0  # 石门镇中心卫生院 at ××镇卫生院: the place before 镇 is what goes there
    after_suffix = next((s for s in NAME_SUFFIXES if slot.after.startswith(s)), None)
    value_suffix = next((s for s in NAME_SUFFIXES if v.text.endswith(s)), None)
    if slot.unit_word:
        ending = lex.unit_word_ending(v.text)
        if ending and (lex.same_family(ending, slot.unit_word) or slot.after.startswith(ending)):
            return 1.0
    if after_suffix and value_suffix:
        if v.text.endswith(slot.after[: len(v.text)]) or after_suffix == value_suffix or \
                slot.after.startswith(value_suffix):
            return 1.0
        return None
    if slot.unit_word and not cand.unit_family and not lex.unit_word_ending(v.text) and \
            (len(v.text) > 8 or re.search(r"行动|活动|工作|工程|项目|会议|方案|制度|机制", v.text)):
        return None  # 夏季治安打击整治百日行动 is no name of a 派出所
    return 0.0


def _measure_word(text: str) -> bool:
    """万元, 人次, 个: a unit of measure (with a magnitude or not), never a name."""
    lex = lexicon()
    return text in lex.measure_class or (text[:1] in lex.magnitudes and text[1:] in lex.measure_class)


def rank(probe: Slot, cands: Iterable[Candidate], exclude: Iterable[str] = (),
         clashes: Optional[list[Candidate]] = None) -> list[tuple[float, Candidate, Score]]:
    """Every compatible field with its score, best first.

    Name fields that match by meaning but whose value does not fit what follows the mark
    (城关镇 before 学校) are left out, and appended to ``clashes`` when given.
    """
    ctx = context_tokens(probe)
    scored: list[tuple[float, Candidate, Score]] = []
    skip = set(exclude)
    around = "\u3000".join((probe.near_text, probe.far_left, probe.far_right, probe.para_left, probe.list_head,
                             probe.title))
    seen = {around[i:i + 2] for i in range(len(around) - 1)} | set(around)
    loose = probe.shape in ("name", "other", "explicit") or probe.shape in DATE_SHAPES
    for c in cands:
        if c.name in skip:
            continue
        if not loose and c.grams and c.grams.isdisjoint(seen) and not any(a in seen and b in seen for a, b in c.pairs) \
                and not (c.measure_class and c.measure_class == probe.measure_class and _POPULATION.search(c.key)) \
                and not any(len(t) >= 3 and all(ch in seen for ch in t) for t, _w in c.tokens):  # 地灾点: an abbreviation
            continue  # not one piece of its words anywhere around: it cannot score (quick pre-check)
        if probe.shape in ("name", "other") and _measure_word(c.value.text):
            continue  # 单位: 万元 is a unit of measure, no unit's name (万元镇)
        sc = score(probe, c, ctx)
        if probe.shape in ("name", "other"):
            fit = name_suffix_fit(probe, c)
            if fit is None:
                if clashes is not None and sc.total >= MIN_SCORE:
                    clashes.append(c)
                continue
            if fit and sc.total > 0:
                sc.total = min(1.0, sc.total + 0.15 * fit)
                sc.notes.append("值的结尾与占位符后的字相符")
        if sc.total > 0:
            scored.append((sc.total, c, sc))
    scored.sort(key=lambda x: -x[0])
    return prefer_specific(probe, scored)


def prefer_specific(slot: Slot, scored: list[tuple[float, Candidate, Score]]) -> list[tuple[float, Candidate, Score]]:
    """When one field's words are a subset of another's and the context holds the extra words too,
    the more specific field wins (返乡人员 vs 武汉返乡人员 at 其中武汉返乡人员xx名)."""
    if len(scored) < 2:
        return scored
    out = []
    fits = {id(c): parts.fit for _sc, c, parts in scored}
    strong = {id(c): {t for t, w in c.tokens if w >= 1.0} for _sc, c, _p in scored}
    for sc, c, parts in scored:
        ctoks = strong[id(c)]
        demote = False
        for sc2, c2, _ in scored:
            if c2 is c:
                continue
            c2toks = strong[id(c2)]
            if fits[id(c)] >= fits[id(c2)] + 0.4:
                continue  # 排查轮次 at xx轮 is not demoted by 排查纠纷数: the measure tells them apart
            if ctoks and (ctoks < c2toks or (_covered(ctoks, c2) and len(c2toks) > len(ctoks))):
                extra = [t for t in c2toks if t not in ctoks and not _covered({t}, c)]
                if extra and all(credit(t, slot) >= W_SYN for t in extra):
                    demote = True
                    break
        if demote:
            parts.notes.append("有更具体的字段")
            parts.penalized = True
        out.append((sc * 0.75 if demote else sc, c, parts))
    out.sort(key=lambda x: -x[0])
    return out


def _covered(toks: set[str], c: Candidate) -> bool:
    joined = "".join(c.names)
    return all(t in joined for t in toks)


def near_key(slot: Slot) -> frozenset[str]:
    return frozenset(t for t, w in context_tokens(slot) if w >= 1.0)


def agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two contexts say the same thing: the same words, or one's words all in the other's."""
    if not a or not b:
        return a == b
    return a <= b or b <= a or len(a & b) / len(a | b) >= 0.5


def same_quantity(a: Slot, b: Slot) -> bool:
    """Two places that say the same thing (the same figure written twice): the same shape and
    measure, and the same words around them (generic words aside)."""
    if a.own_unit and b.own_unit and a.extra and a.extra == b.extra and a.unit_word == b.unit_word:
        return True  # the writing unit's name, in the title and again in the text (name or other)
    if a.shape != b.shape or a.measure_class != b.measure_class:
        return False
    if _lone_year(a) and _lone_year(b):
        return True  # 20xx年度工作总结 … 20xx年，我行…: the report's year, said twice
    if a.shape in ("name", "other", "year", "month", "day", "hour", "date") and a.extra and a.extra == b.extra:
        return True
    ka, kb = near_key(a), near_key(b)
    return ka == kb or (bool(ka | kb) and len(ka & kb) / len(ka | kb) >= 0.75)
