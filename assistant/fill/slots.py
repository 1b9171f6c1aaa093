"""Slot reading: every placeholder of a report with what the text says around it.

For every placeholder the reader looks at the normalised text:

- the *near* context: the clause piece around the mark, cut at punctuation, at
  prepositions (对/向/并…) and at neighbouring placeholders, so that
  ``居家观察_人、集中观察_人`` gives each mark its own piece; words between two
  figures belong to both (``劝停XX起居民酒席XX桌``), a purpose clause to the
  figure before it (``划拨xx万元，用于物资储备``), the items of a list share the
  first item's verb (``共检查车辆xx台次、人员xx人次``), a figure right after another
  counts the same thing in another measure (``脱贫户xx户xxx人``), and a total after
  a list of parts counts what the parts count (``武汉返回xx人，省内返回xx人，共计xx人``);
- the *far* context: the rest of the sentence (to the right only up to the next
  figure's clause) and, weaker, the paragraph before it;
- the *measure word* after the mark (名/人/户/份/剂次/人次…, with 万/余 before it)
  and the *shape* of the slot (a number, a year/month/day/hour of a date, a name);
- whether the sentence makes it a total (共计…，其中… / 含…) or a part (其中…);
- for a date, the other parts of the same date and a range it opens or closes
  (``x月x日至x月x日``); for a name, the unit's generic word after it (``××学校``) and
  whether it names the writing unit (title, signature).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Optional

from assistant.fill.lexicon import lexicon, tag

_BOUNDARY = re.compile(r"[，,；;。！？!?：:、\n\r（）()【】\[\]]")
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n\r（）()【】\[\]]")
_SENT_END = re.compile(r"[。；;！？!?\n]")
_JINJA = re.compile(r"\{\{\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}")
_TOTAL_AT_END = re.compile(r"(共计|合计|总计|累计|一共|总共|共)$")
_FIGURE = re.compile(r"[\dxX×ｘＸ*＊_＿]+")
_RANGE_LINK = re.compile(r"^[日号]?\s*(至|到|—|－|-|～|~)\s*$")
DATE_SHAPES = ("year", "month", "day", "hour", "date")
NAME_SUFFIXES = sorted(
    "省 市 县 区 镇 乡 村 街道 社区 公司 集团 局 委 办 学校 学院 小学 中学 医院 卫生院 中心 站 所 院 队 组 小区 支行 分行 "
    "银行 政府 人民政府 党委 委员会 同志 路 街 巷 大街 大道 路口 派出所".split(), key=len, reverse=True)


@dataclass
class Slot:
    """One placeholder with everything the matcher reads around it."""

    index: int
    start: int  # offsets of the mark in the normalised text
    end: int
    mark: str
    kind: str  # what check says it stands for: number, date, name, other
    shape: str = "number"  # number, year, month, day, hour, date, name, other, explicit
    measure: str = ""
    mag: str = ""  # 万 / 亿 … between the mark and the measure
    more: str = ""  # 余 / 多
    before: str = ""  # up to 8 characters before the mark
    after: str = ""  # up to 8 characters after the mark
    near_left: str = ""
    near_right: str = ""
    far_left: str = ""
    far_right: str = ""
    head_right: str = ""  # near_right without an attached purpose clause
    list_head: str = ""  # verbs shared by the items of a list (检查 in 检查车辆xx台次、人员xx人次)
    list_text: str = ""  # the words of the list's first item (开展员工核酸检测 in 开展员工核酸检测xx轮、累计xx人次)
    inherit: str = ""  # what the slot counts, said elsewhere (the parts of a total; the figure before)
    para_left: str = ""
    extra: str = ""  # words the position implies (落款 → 报告日期)
    sentence: str = ""
    sent_index: int = 0
    total: bool = False
    part: bool = False
    explicit: Optional[str] = None  # {{ name }}
    date_group: Optional[int] = None  # slots of one date share this id
    literal_date: dict = field(default_factory=dict)  # parts written out next to the marks: {"month": 2}
    range_role: str = ""  # "start" / "end" for the dates of x月x日至x月x日
    range_id: Optional[int] = None
    unit_word: str = ""  # the unit's generic word right after a name mark (××学校 → 学校)
    unit_family: str = ""  # the kind of unit the mark names (××县人民医院 → hospital)
    own_unit: bool = False  # the name of the writing unit (title or signature)
    chained: bool = False  # right after another figure: 脱贫户xx户xxx人 (the second counts the first's thing)
    line_pos: str = ""  # "title", "signature" or ""
    title: str = ""  # the report's title line (its topic words say what every figure is about)

    @property
    def measure_class(self) -> Optional[str]:
        return lexicon().measure_class.get(self.measure)

    @property
    def near_text(self) -> str:
        """Near context (both sides; for a name, what follows the mark; words the position implies)."""
        extra = "\u3000" + self.after[:4] if self.shape in ("name", "other") else ""
        return (self.near_left + "\u3000" + self.mag + self.measure + "\u3000" + self.near_right + extra
                + "\u3000" + self.inherit + "\u3000" + self.extra)


def group_key(slot: Slot) -> tuple:
    """Slots decided together: the parts of one date, or a slot alone."""
    return ("d", slot.date_group) if slot.date_group else ("s", slot.index)


def probe(members: list[Slot]) -> Slot:
    """The slot whose context stands for a group (a date's parts are read as one date)."""
    lead = members[0]
    if len(members) == 1:
        return lead
    return dataclasses.replace(lead, end=members[-1].end, kind="date", near_right=members[-1].near_right,
                               after=members[-1].after, far_right=members[-1].far_right)


# ------------------------------------------------------------------ finding
def find_slots(text: str, fmt: str = "txt") -> list[Slot]:
    """The placeholders of a normalised text (check's finder plus ``{{ name }}``), with context."""
    from assistant.check.placeholders import find_placeholders

    found = find_placeholders(text, fmt=fmt)
    slots: list[Slot] = []
    jinja = [(m.start(), m.end(), m.group(1).strip()) for m in _JINJA.finditer(text)]
    for s, e, name in jinja:
        slots.append(Slot(0, s, e, text[s:e], "other", explicit=re.sub(r"\s+", "", name)))
    marks = [p for p in found if not any(s <= p.start < e for s, e, _ in jinja)]
    k = 0
    while k < len(marks):
        p = marks[k]
        start, end, kind = p.start, p.end, getattr(p, "kind", "other") or "other"
        # x.x万人: a decimal written as two marks is one figure
        if k + 1 < len(marks) and text[end:marks[k + 1].start] in (".", "．") and re.fullmatch(
                r"[xX×ｘＸ*＊]+", text[start:end]) and re.fullmatch(r"[xX×ｘＸ*＊]+", marks[k + 1].text):
            end = marks[k + 1].end
            kind = "number"
            k += 1
        slots.append(Slot(0, start, end, text[start:end], kind))
        k += 1
    slots.sort(key=lambda s: s.start)
    for i, s in enumerate(slots):
        s.index = i
    read_context(text, slots)
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if len(first) <= 60 and not first.endswith(("。", "；", "，")) and re.search(r"汇报|报告|总结|情况", first):
        subject = _title_subject(first, slots)
        for s in slots:
            s.title = subject
    return slots


def _title_subject(title: str, slots: list[Slot]) -> str:
    """What a title says the figures are about: the title without the unit's name at its head
    (（　　）揽投部寄递渠道安全管理…: 揽投 names who writes, not what any figure counts)."""
    from assistant.fill.lexicon import lexicon

    head = next((s for s in slots if s.start < len(title)), None)
    if head is None or title[:head.start].strip():
        return title
    rest = title[head.end:]
    word, _ = lexicon().unit_phrase(rest)
    if not word:
        w = next((w for w in lexicon().unit_words if len(w) >= 2 and w in rest[:8]), "")
        word = rest[:rest.index(w) + len(w)] if w else ""
    if not word:
        return title
    return title[:head.start] + rest[len(word):]


def _shape(s: Slot) -> None:
    """What the slot stands for, from the text right after it (and check's kind)."""
    lex = lexicon()
    m = lex.after_rx.match(s.after)
    if s.explicit:
        s.shape = "explicit"
    elif re.match(r"[年]", s.after) and not re.match(r"年[度龄]", s.after):
        s.shape = "year"
    elif re.match(r"[月]", s.after) and not re.match(r"月[份底初末中]?[的]", s.after):
        s.shape = "month"
    elif re.match(r"[日号]", s.after) and (re.search(r"[月]\s*$", s.before) or s.kind == "date"):
        s.shape = "day"
    elif re.match(r"[时点]", s.after) and re.search(r"([日号]|上午|下午|晚上|早上|中午|凌晨|每天|每日)\s*$", s.before):
        s.shape = "hour"
    elif re.match(r"年度", s.after) and re.search(r"\d\d$", s.before):
        s.shape = "year"
    elif m and len(lex.unit_word_at(s.after)) > len(m.group(0)):
        s.shape = "name"  # ××支行, ××所: a unit's word that starts like a measure (支, 所)
    elif m:
        s.shape = "number"
        s.measure = m.group("measure")
        s.mag = m.group("mag1") or m.group("mag2") or ""
        s.more = m.group("more") or ""
        # 个点 is not a measure: 设卡点x个 has 个, but x个点 reads 个 + 点
        if s.measure == "个点":
            s.measure = "个"
    elif s.after[:1] in ("%", "％"):
        s.shape, s.measure = "number", s.after[:1]
    elif s.kind == "number":
        s.shape = "number"
    elif s.kind == "date":
        s.shape = "date"
    elif s.kind == "name":
        s.shape = "name"
    else:
        s.shape = "other"


def cut_at_preposition(text: str) -> str:
    """The head of a right context: up to the first preposition or conjunction (对/向/并/和…)."""
    lex = lexicon()
    for k, ch in enumerate(text):
        if ch not in lex.prep_chars:
            continue
        if text[k:k + 2] in lex.prep_words or text[k - 1:k + 1] in lex.prep_words:
            continue
        return text[:k]
    return text


def verbs(text: str) -> str:
    return " ".join(w for w, t in tag(text) if t in ("v", "vn", "vd")) if text.strip() else ""


def read_context(text: str, slots: list[Slot]) -> None:
    """Fill in every slot's context (see the module docstring)."""
    sent_starts = [0] + [m.end() for m in _SENT_END.finditer(text)]
    first_line = _first_line_span(text)
    for s in slots:
        s.before = text[max(0, s.start - 8):s.start]
        s.after = text[s.end:s.end + 8]
        _shape(s)
    prev_right_end = 0
    for i, s in enumerate(slots):
        si = bisect.bisect_right(sent_starts, s.start) - 1
        s.sent_index = si
        sent_start = sent_starts[si]
        sent_end = sent_starts[si + 1] if si + 1 < len(sent_starts) else len(text)
        s.sentence = text[sent_start:sent_end].strip()
        # near left: from the last punctuation (or the previous slot's right context) to the mark
        prev = slots[i - 1] if i > 0 else None
        prev_end = prev.end if prev is not None else 0
        prev_tail = prev.end + len(prev.mag) + len(prev.more) + len(prev.measure) if prev is not None else 0
        chained = prev is not None and prev.shape == "number" and s.shape == "number" and prev.measure \
            and prev_tail == s.start and prev.sent_index == si
        if prev is not None and prev_right_end == s.start:
            # 劝停XX起居民酒席XX桌: the words between two figures belong to both
            left_limit = max(prev_tail, sent_start)
        else:
            left_limit = max(prev_end, prev_right_end, sent_start)
        bounds: list[int] = []
        for b in _BOUNDARY.finditer(text, left_limit, s.start):
            # 三、四级手术 / 重点优抚对象、困难家庭: a list of nouns without figures is one phrase
            if b.group() == "、" and not _FIGURE.search(text, bounds[-1] if bounds else left_limit, b.start()):
                continue
            bounds.append(b.end())
        nl_start = bounds[-1] if bounds else left_limit
        s.near_left = text[nl_start:s.start]
        s.far_left = text[sent_start:nl_start] if nl_start > sent_start else ""
        if chained:  # 脱贫户xx户xxx人: the second figure counts what the first counts
            s.chained = True
            s.near_left = prev.near_left
            s.far_left = prev.far_left
            s.list_head = prev.list_head
        para_start = text.rfind("\n", 0, sent_start) + 1
        s.para_left = text[max(para_start, sent_start - 150):sent_start]
        # near right: after the measure word to punctuation, the next slot or a preposition;
        # a list mark (、) ends it only when another figure follows in the same clause
        r_start = s.end + len(s.mag) + len(s.more) + len(s.measure)
        next_start = slots[i + 1].start if i + 1 < len(slots) else len(text)
        limit = min(next_start, sent_end)
        clause = _CLAUSE_END.search(text, r_start, sent_end)
        clause_end = clause.start() if clause else sent_end
        b = _BOUNDARY.search(text, r_start, limit)
        if b and b.group() == "、" and next_start >= clause_end and not _FIGURE.search(text, b.end(), clause_end):
            b = _CLAUSE_END.search(text, r_start, limit)  # 为xx户军属、烈属家庭悬挂光荣牌: one phrase
        r_end = b.start() if b else limit
        head = cut_at_preposition(text[r_start:r_end])
        if head == text[r_start:r_end] and r_end == next_start:
            head_end = next_start  # reaches the next slot: shared
        else:
            head_end = r_start + len(head)
        s.near_right = s.head_right = head
        prev_right_end = head_end
        # a purpose clause belongs to the figure: 划拨xx万元，用于物资储备
        m = re.match(r"[，,]\s*((?:专项|主要|专门|全部|统一)?用于[^，,；;。！？!?\n]*)", text[r_end:limit + 200])
        if m and (i + 1 == len(slots) or slots[i + 1].start > r_end + m.end()):
            s.near_right = head + " " + m.group(1)
            r_end = r_end + m.end()
        # far right: the rest of the sentence up to the clause of the next slot
        far_end = sent_end
        if i + 1 < len(slots) and slots[i + 1].start < sent_end:
            nb = [x.end() for x in _BOUNDARY.finditer(text, r_end, slots[i + 1].start)]
            far_end = nb[-1] if nb else r_end
        far = text[min(r_end, r_start + len(head)):far_end]
        if re.match(r"\s*[（(]\s*(含|其中|包括)", far):
            s.total = True
        far = re.sub(r"[（(][^（）()]*[)）]", "", far)
        digit = re.search(r"\d", far)
        if digit:  # stop before the clause of another figure
            cuts = [x.start() for x in _BOUNDARY.finditer(far, 0, digit.start())]
            far = far[: cuts[-1]] if cuts else ""
        s.far_right = far.split("其中", 1)[0]  # what follows 其中 is about a part, not this figure
        # 共检查车辆xx台次、人员xx人次: a list item shares the verb of the first item
        item_start = s.start - len(s.near_left) if not chained else nl_start
        if not chained and text[max(0, item_start - 1):item_start] == "、" or s.near_left.startswith("、"):
            # the verb before the list governs every item (走访慰问对象、家庭xx户)
            cl = [x.end() for x in _CLAUSE_END.finditer(text, sent_start, item_start)]
            clause_start = cl[-1] if cl else sent_start
            first_item_end = text.find("、", clause_start, s.start)
            head_text = _FIGURE.sub(" ", text[clause_start:first_item_end if first_item_end >= 0 else s.start])
            s.list_text = head_text
            s.list_head = (prev.list_head + " " if prev is not None and prev.sent_index == si else "") + verbs(head_text)
            s.list_head = s.list_head.strip()
        # total / part
        s.total = s.total or bool(_TOTAL_AT_END.search(s.near_left.strip())) or bool(
            re.match(r"\s*[，,]?\s*其中", text[r_end:r_end + 4]))
        s.part = "其中" in text[sent_start:s.start]
        # a date after 截至/截止 is the date the figures were counted to
        if s.shape in DATE_SHAPES and re.search(r"(截至|截止)", s.near_left):
            s.extra = "统计截止日期时间"
        _position(text, s, first_line)
    _own_unit_elsewhere(slots)
    _totals_of_lists(slots)
    _group_dates(text, slots)


def _first_line_span(text: str) -> tuple[int, int]:
    m = re.search(r"\S", text)
    if not m:
        return (0, 0)
    end = text.find("\n", m.start())
    return (m.start(), len(text) if end < 0 else end)


def _position(text: str, s: Slot, first_line: tuple[int, int]) -> None:
    """Words a slot's place implies: the signature's date and unit, the title's unit."""
    line_start = text.rfind("\n", 0, s.start) + 1
    line_end = text.find("\n", s.end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    tail = not text[line_end:].strip() or len(text) - line_end < 60
    lex = lexicon()
    if s.shape in ("name", "other"):
        phrase, s.unit_family = lex.unit_phrase(s.after)
        s.unit_word = lex.unit_word_at(s.after) or phrase
    if first_line[0] <= s.start < first_line[1] and first_line[1] - first_line[0] <= 60:
        s.line_pos = "title"
    if tail and s.shape in DATE_SHAPES and re.fullmatch(r"[\d年月日号xXｘＸ×*＊_＿\-－○〇□\s]+", line):
        s.extra = "报告日期落款日期成文日期"
        s.line_pos = "signature"
    elif tail and s.shape in ("name", "other") and len(line) <= 25 and not re.search(r"[，,。；;：:！？!?]", line):
        s.extra = "单位名称落款单位报告单位"
        s.line_pos = "signature"
        s.own_unit = True
    if s.unit_word and s.line_pos == "title" and line.find(s.mark) <= 1:
        s.own_unit = True  # ××学校关于……的汇报: the title opens with the writing unit
        s.extra = "单位名称报告单位"
    if s.own_unit and s.unit_word:
        fam = s.unit_family
        s.extra += " " + " ".join(w for w, f in lex.unit_family.items() if f == fam and len(w) >= 1)


def _own_unit_elsewhere(slots: list[Slot]) -> None:
    """Where the report names itself in the body: a name mark before the writing unit's
    kind of word (××学校 in a school's report) or before 领导班子/党委 …"""
    lex = lexicon()
    families = {s.unit_family for s in slots if s.own_unit and s.unit_word}
    for s in slots:
        if s.own_unit or s.shape not in ("name", "other"):
            continue
        rest = s.after[len(s.unit_word):]
        org = any(rest.startswith(w) or s.after.startswith(w) for w in lex.org_words)
        if (s.unit_word and s.unit_family in families) or (org and not s.unit_word) or \
                (org and s.unit_word and not families):
            s.own_unit = True
            fam = s.unit_family
            s.extra = ("单位名称报告单位 " + " ".join(w for w, f in lex.unit_family.items() if f == fam)).strip()


def _totals_of_lists(slots: list[Slot]) -> None:
    """共计xx人 after parts (武汉返回xx人，省内返回xx人，…): the total counts what the parts count."""
    for i, s in enumerate(slots):
        if s.shape != "number" or not s.total:
            continue
        bare = re.sub(r"(共计|合计|总计|累计|一共|总共|共|达到|达|\s)", "", s.near_left)
        if len(bare) > 1:
            continue
        parts = [p for p in slots[:i] if p.sent_index == s.sent_index and p.shape == "number"
                 and p.measure_class == s.measure_class]
        if not parts:
            continue
        words = [set(w for w, _t in tag(p.near_left) if len(w) >= 2) for p in parts]
        common = set.intersection(*words) if len(words) > 1 else words[0]
        lead = parts[0].far_left
        s.inherit = " ".join(sorted(common)) + " " + re.sub(r"(其中|截至|截止)", " ", lead)


def _group_dates(text: str, slots: list[Slot]) -> None:
    """Slots that are parts of one date (x月x日, 20xx年x月) share a group; note written-out parts
    and ranges (x月x日至x月x日)."""
    gid = 0
    i = 0
    order = ("year", "month", "day", "hour")
    groups: list[list[Slot]] = []
    while i < len(slots):
        s = slots[i]
        if s.shape not in order:
            i += 1
            continue
        group = [s]
        j = i + 1
        while j < len(slots) and slots[j].shape in order and order.index(slots[j].shape) > order.index(group[-1].shape):
            between = text[group[-1].end:slots[j].start]
            if not re.fullmatch(r"[年月日号时\d\s]{1,6}", between):
                break
            group.append(slots[j])
            j += 1
        gid += 1
        # written-out parts around the group: 2020年2月_日 → year 2020, month 2
        start, end = group[0].start, group[-1].end
        left = text[max(0, start - 12):start]
        right = text[end:end + 12]
        literal: dict[str, int] = {}
        m = re.search(r"(\d{4})年(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?$", left)
        if m:
            literal["year"] = int(m.group(1))
            if m.group(2):
                literal["month"] = int(m.group(2))
            if m.group(3):
                literal["day"] = int(m.group(3))
        else:
            m = re.search(r"(?<!\d)(\d{1,2})月$", left)
            if m:
                literal["month"] = int(m.group(1))
        m = re.match(r"[年月日号时]*(\d{1,2})([月日号])", right)
        if m and group[-1].shape in ("year", "month"):
            literal["month" if m.group(2) == "月" else "day"] = int(m.group(1))
        for g in group:
            g.date_group = gid
            g.literal_date = literal
        groups.append(group)
        i = j
    # x月x日至x月x日: two dates joined by 至 are the start and the end of one period
    for a, b in zip(groups, groups[1:]):
        if _RANGE_LINK.match(text[a[-1].end:b[0].start]) and a[-1].shape in ("day", "month") \
                and b[0].shape in ("month", "day", "year"):
            for g in a:
                g.range_role, g.range_id = "start", a[0].date_group
                g.extra = (g.extra + " 开始 起始").strip()
            for g in b:
                g.range_role, g.range_id = "end", a[0].date_group
                g.extra = (g.extra + " 结束 截止").strip()
                # the end's words are the start's: 4月10日至4月28日，县防指组织……
                g.near_left = a[0].near_left
                g.far_left = a[0].far_left
            for g in a:
                g.near_right = b[-1].near_right
                g.far_right = b[-1].far_right
