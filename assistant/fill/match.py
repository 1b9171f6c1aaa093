"""Which field belongs at which placeholder — decided only when it is clear.

For every placeholder the matcher reads its context on the normalised text:

- the *near* context: the clause piece around the mark, cut at punctuation, at
  prepositions (对/向/并…) and at neighbouring placeholders, so that
  ``居家观察_人、集中观察_人`` gives each mark its own piece; words between two
  figures belong to both (``劝停XX起居民酒席XX桌``), a purpose clause to the
  figure before it (``划拨xx万元，用于物资储备``), and the items of a list share
  the first item's verb (``共检查车辆xx台次、人员xx人次``);
- the *far* context: the rest of the sentence (to the right only up to the next
  figure's clause) and, weaker, the paragraph before it;
- the *measure word* after the mark (名/人/户/份/剂次/人次…, with 万/余 before it)
  and the *shape* of the slot (a number, a year/month/day/hour of a date, a name);
- whether the sentence makes it a total (共计…，其中… / 含…) or a part (其中…).

Each field of the data is scored against it: the field name's words found in the
context (exact, by synonym, by stem, in order within a short stretch, by
rapidfuzz), the context's words the name accounts for, the measure word the name
implies (户数 → 户, 返乡人员 → persons) against the report's, and the value's
kind against the slot's (a date never fills 共xx名, a number never fills a name,
a count never a percentage). Penalties mark what is not the same quantity: a
modifier on one side only (其他, 新增, 解除…), a total after 其中, a counted
thing after 的 the name does not mention, a noun phrase with several qualifiers
the name lacks (最美巾帼扶贫志愿者 is not every 志愿者).

A field fills a placeholder only when it is compatible, scores above a floor and
beats every other field with a different value by a margin. One field may fill
several placeholders whose contexts agree; when it wins places that say
different things, it keeps the clearly best one (the others are decided again
without it) or, if none is clearly best, none of them. Everything else is left
open with the reason, because a placeholder left open is better than a wrong
figure.

Explicit marks beat inference: ``{{ 排查户数 }}`` in the report names its
field, and a data key quoting the sentence (``"共排查xx户": 120``) pins a value
to that placeholder.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from assistant.fill.data import FillData, Pin, Value

# ------------------------------------------------------------------ tuning
MIN_SCORE = 0.58  # below this a field is "not a match"
MARGIN = 0.12  # the best field must beat the runner-up by this much
MIN_RECALL = 0.7  # share of the field name's words that must be found in context

# ------------------------------------------------------------------ vocabulary
# measure words, longest first; each belongs to a class (compatible measures)
MEASURE_CLASS: dict[str, str] = {}
for _cls, _words in {
    "person": "名 人 位",
    "household": "户",
    "place": "家 所 处 座 栋 幢 间",
    "times": "次 场 轮 期 批 起 趟 遍",
    "person_times": "人次",
    "place_times": "家次 户次",
    "vehicle": "辆 台 架 艘",
    "vehicle_times": "车次 辆次 台次 架次 班次",
    "copies": "份 张 册 本 封 篇 套 幅 条 块 面",
    "money": "元",
    "dose": "剂次 剂 针",
    "percent": "% ％ 个百分点",
    "generic": "个 项 只 件 双 瓶 箱 盒 袋 桶 支 组 队 例 批次 人份",
    "tables": "桌",
    "weight": "吨 公斤 千克 斤 克",
    "volume": "升 毫升",
    "length": "米 公里 千米 平方米 平方公里 亩",
    "duration": "天 小时 分钟 周 个月",
    "age": "岁",
}.items():
    for _w in _words.split():
        MEASURE_CLASS[_w] = _cls
_MEASURES = sorted(MEASURE_CLASS, key=len, reverse=True)
_AFTER = re.compile(
    r"^(?P<mag1>万|亿|千|百)?(?P<more>余|多)?(?P<mag2>万|亿)?(?P<measure>" + "|".join(map(re.escape, _MEASURES)) + ")"
)
# generic measures fit any countable thing except these classes
_GENERIC_FORBIDDEN = {"person", "household", "money", "percent", "person_times", "dose"}

# what a field name's ending says about its value: (suffix, measure class or None, kind, total?)
_NAME_SUFFIXES: list[tuple[str, Optional[str], str]] = [
    ("人次数", "person_times", "number"), ("人次", "person_times", "number"),
    ("剂次数", "dose", "number"), ("剂次", "dose", "number"), ("剂数", "dose", "number"),
    ("车次数", "vehicle_times", "number"), ("车次", "vehicle_times", "number"), ("台次", "vehicle_times", "number"),
    ("家次", "place_times", "number"), ("户次", "place_times", "number"),
    ("人员数", "person", "number"), ("人数", "person", "number"), ("名数", "person", "number"),
    ("户数", "household", "number"), ("份数", "copies", "number"), ("张数", "copies", "number"),
    ("条数", "copies", "number"), ("幅数", "copies", "number"), ("册数", "copies", "number"),
    ("次数", "times", "number"), ("场次", "times", "number"), ("场数", "times", "number"),
    ("期数", "times", "number"), ("起数", "times", "number"), ("篇数", "copies", "number"), ("桌数", "tables", "number"),
    ("家数", "place", "number"), ("处数", "place", "number"), ("所数", "place", "number"), ("间数", "place", "number"),
    ("辆数", "vehicle", "number"), ("台数", "vehicle", "number"),
    ("组数", "generic", "number"), ("队数", "generic", "number"), ("个数", None, "number"), ("件数", None, "number"), ("例数", None, "number"), ("项数", None, "number"),
    ("金额", "money", "number"), ("资金", "money", "number"), ("经费", "money", "number"), ("费用", "money", "number"),
    ("万元", "money", "number"), ("元", "money", "number"),
    ("比例", "percent", "number"), ("比率", "percent", "number"), ("占比", "percent", "number"), ("率", "percent", "number"),
    ("数量", None, "number"), ("总数", None, "number"), ("总量", None, "number"), ("数", None, "number"),
    ("日期", None, "date"), ("时间", None, "date"), ("年份", None, "date"), ("月份", None, "date"),
    ("名称", None, "name"), ("姓名", None, "name"), ("全称", None, "name"), ("简称", None, "name"),
    ("名字", None, "name"), ("名", None, "name"),
]
# nouns that say what is counted (for a field named after the thing itself)
_NOUN_CLASS: list[tuple[str, str]] = [
    ("人员", "person"), ("干部", "person"), ("志愿者", "person"), ("党员", "person"), ("学生", "person"),
    ("师生", "person"), ("教师", "person"), ("教职工", "person"), ("医生", "person"), ("护士", "person"),
    ("民警", "person"), ("辅警", "person"), ("网格员", "person"), ("群众", "person"), ("村民", "person"),
    ("职工", "person"), ("员工", "person"), ("患者", "person"), ("密接", "person"), ("者", "person"),
    ("农户", "household"), ("住户", "household"), ("家庭", "household"),
    ("企业", "place"), ("商户", "place"), ("门店", "place"), ("药店", "place"), ("餐馆", "place"),
    ("超市", "place"), ("酒店", "place"), ("宾馆", "place"), ("网吧", "place"), ("场所", "place"),
    ("冷库", "place"), ("医院", "place"), ("学校", "place"), ("旅行社", "place"), ("景区", "place"),
    ("药房", "place"), ("诊所", "place"), ("商场", "place"), ("农贸市场", "place"), ("茶馆", "place"), ("茶楼", "place"),
    ("车辆", "vehicle"), ("宣传单", "copies"), ("倡议书", "copies"), ("宣传资料", "copies"),
    ("明白纸", "copies"), ("公开信", "copies"), ("一封信", "copies"), ("标语", "copies"), ("横幅", "copies"),
    ("慰问金", "money"), ("会议", "times"), ("床位", "copies"),
]
_TOTAL_WORDS = ("总数", "总计", "合计", "累计", "共计", "一共", "总量", "全部", "总")
_DATEY = re.compile(r"日期|时间|[年月日]$|截至|截止|成文|落款")

# words that carry no meaning for matching (weight 0) or little (generic, weight 0.3)
_STOP = set(
    "的 了 和 与 及 以及 并 或 等 对 在 将 把 为 由 从 向 于 已 已经 共 共计 合计 累计 总计 一共 达 达到 约 近 余 多 其中 "
    "目前 至今 今日 当日 当天 今年 我 我们 各 各类 各级 本 该 其 此 这 那 是 有 个 之 以 "
    "就 都 也 还 又 再 即 均 全部 所有 一 二 三 上 下 中 后 前 内 外 时 期间 以来 来 第 名 人 次 户 份 张 数 "
    "号 月 日 年 名称 姓名 数量 人数 户数 份数 总数 情况 工作".split()
)
_GENERIC = set(
    "进行 开展 组织 做好 实现 完成 落实 加强 深入 全面 及时 共同 积极 认真 严格 切实 有效 主动 统一 "
    "我镇 我县 我市 我区 我乡 我村 我局 我院 我校 我行 我委 全镇 全县 全市 全区 全乡 全村 全省 全局 全校 全行 "
    "辖区 区域 范围 相关 有关 各项 各村 社区 单位 部门 同志 负责 工作 人员 其他 其余".split()
)
# modifiers that change what is counted: present on one side only → strong penalty
_MODIFIERS = set(
    "其他 其余 另外 新增 当日 当天 解除 未 尚未 非 重点 境外 省外 省内 市外 县外 外地 本地 外来 第一 第二 第三 首 "
    "阳性 阴性 确诊 疑似 无症状 密接 次密接 在校 住校 走读 居家 集中 留观 外省 中高风险 低风险 日均 单日 最大 "
    "男 女".split()
)
_SYNONYM_GROUPS = [
    "发放 分发 派发 发出 散发 印发 下发 发送",
    "排查 摸排 摸底 筛查 核查 摸底排查 排摸",
    "返乡 返回 回乡 返程 回流 返",
    "宣传单 宣传资料 宣传册 传单 明白纸 宣传页 宣传材料 资料",
    "倡议书 倡仪书 倡议",
    "一封信 公开信",
    "消毒液 消毒水",
    "志愿者 志愿服务者 志愿人员",
    "出动 派出 投入 抽调",
    "检查 督查 巡查 抽查",
    "张贴 粘贴",
    "标语 横幅 条幅",
    "召开 举行 组织召开",
    "会议 会",
    "设立 设置 建立",
    "卡点 检查点 监测点 检测点 卡口",
    "劝返 劝回",
    "劝停 劝阻",
    "聚餐 酒席 宴席",
    "关停 关闭 停业 暂停营业",
    "核酸检测 核酸 核酸采样 采样",
    "慰问 看望",
    "资金 经费 款 金额",
    "拨付 划拨 下拨",
    "登记 登记造册 录入",
    "测温 测量体温 体温检测 体温测量 检测体温",
    "车辆 车",
    "户 家庭 住户 农户",
    "企业 公司",
    "商户 经营户 商家",
    "场所 经营场所",
    "党员 党员干部",
    "医务人员 医护人员",
    "总数 共计 合计 累计 总计 一共 总",
    "日期 时间",
    "截至 截止 截止到",
    "报告 汇报",
    "人员 人数",
    "人口 居民",
    "观察 隔离观察 留观",
    "口罩 医用口罩",
    "学校 中学 小学 学院 校",
    "地区 市区 区域 地方",
]
SYNONYMS: dict[str, set[str]] = {}
for _g in _SYNONYM_GROUPS:
    _ws = set(_g.split())
    for _w in _ws:
        SYNONYMS.setdefault(_w, set()).update(_ws - {_w})

_BOUNDARY = re.compile(r"[，,；;。！？!?：:、\n\r（）()【】\[\]]")
_SENT_END = re.compile(r"[。；;！？!?\n]")
_JINJA = re.compile(r"\{\{\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}")
_NAME_SUFFIX_SET = sorted(
    "省 市 县 区 镇 乡 村 街道 社区 公司 集团 局 委 办 学校 学院 小学 中学 医院 卫生院 中心 站 所 院 队 组 小区 支行 分行 "
    "银行 政府 人民政府 党委 委员会 同志 路 街 巷 大街 大道 路口".split(), key=len, reverse=True)


# ------------------------------------------------------------------ data types
@dataclass
class Slot:
    """One placeholder with everything the matcher reads around it."""

    index: int
    start: int  # offsets of the mark in the normalised text
    end: int
    mark: str
    kind: str  # what check says it stands for: number, date, name, other
    shape: str = "number"  # number, year, month, day, hour, date, name, other
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
    para_left: str = ""
    extra: str = ""  # words the position implies (落款 → 报告日期)
    sentence: str = ""
    sent_index: int = 0
    total: bool = False
    part: bool = False
    explicit: Optional[str] = None  # {{ name }}
    date_group: Optional[int] = None  # slots of one date share this id
    literal_date: dict = field(default_factory=dict)  # parts written out next to the marks: {"month": 2}

    @property
    def measure_class(self) -> Optional[str]:
        return MEASURE_CLASS.get(self.measure)

    @property
    def near_text(self) -> str:
        """Near context (both sides; for a name, what follows the mark; words the position implies)."""
        extra = "\u3000" + self.after[:4] if self.shape in ("name", "other") else ""
        return (self.near_left + "\u3000" + self.mag + self.measure + "\u3000" + self.near_right + extra
                + "\u3000" + self.extra)


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


@dataclass
class Decision:
    """What the matcher decided for one slot."""

    slot: Slot
    field: Optional[str] = None
    value: Optional[Value] = None
    text: Optional[str] = None  # what replaces the mark (None: left open)
    reason: str = ""
    score: float = 0.0
    via: str = ""  # explicit, pin or match
    runner_up: Optional[str] = None

    @property
    def filled(self) -> bool:
        return self.text is not None


@dataclass
class MatchResult:
    decisions: list[Decision]
    unused_pins: list[Pin]
    unused_fields: list[str]


# ------------------------------------------------------------------ placeholders
def find_slots(text: str, fmt: str = "txt") -> list[Slot]:
    """The placeholders of a normalised text (check's finder plus ``{{ name }}``), with context."""
    from assistant.check.placeholders import find_placeholders

    found = find_placeholders(text, fmt=fmt)
    slots: list[Slot] = []
    jinja = [(m.start(), m.end(), m.group(1).strip()) for m in _JINJA.finditer(text)]
    for s, e, name in jinja:
        slots.append(Slot(0, s, e, text[s:e], "other", explicit=re.sub(r"\s+", "", name)))
    for p in found:
        if any(s <= p.start < e for s, e, _ in jinja):
            continue
        slots.append(Slot(0, p.start, p.end, text[p.start:p.end], getattr(p, "kind", "other") or "other"))
    slots.sort(key=lambda s: s.start)
    for i, s in enumerate(slots):
        s.index = i
    _read_context(text, slots)
    return slots


def _shape(s: Slot) -> None:
    """What the slot stands for, from the text right after it (and check's kind)."""
    m = _AFTER.match(s.after)
    if s.explicit:
        s.shape = "explicit"
    elif re.match(r"[年]", s.after):
        s.shape = "year"
    elif re.match(r"[月]", s.after) and not re.match(r"月[份底初末中]?[的]", s.after):
        s.shape = "month"
    elif re.match(r"[日号]", s.after) and (re.search(r"[月]\s*$", s.before) or s.kind == "date"):
        s.shape = "day"
    elif re.match(r"[时点]", s.after) and re.search(r"[日号]\s*$", s.before):
        s.shape = "hour"
    elif m:
        s.shape = "number"
        s.measure = m.group("measure")
        s.mag = m.group("mag1") or m.group("mag2") or ""
        s.more = m.group("more") or ""
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


_PREP_CHARS = "对向在将把为从于给并和及与由以"
_PREP_WORDS = set(
    "对接 对照 对象 针对 相对 绝对 面对 应对 核对 对比 对应 对口 对外 对内 为主 为民 因为 作为 成为 行为 认为 "
    "以上 以下 以来 以后 以前 以内 以外 可以 所以 用以 予以 加以 难以 及时 及早 在岗 在位 在线 在校 在职 在外 "
    "在内 在家 存在 正在 现在 实在 所在 将近 即将 从业 从严 从事 服从 由于 于是 等于 属于 给予 与会 参与 合并 "
    "并发 和谐 总和 缓和 外来 来往 往来 以往 往返 向好 方向 导向 去向 动向 流向 走向 志向 转向 定向 双向 与其".split())


def _cut_at_preposition(text: str) -> str:
    """The head of a right context: up to the first preposition or conjunction (对/向/并/和…)."""
    for k, ch in enumerate(text):
        if ch not in _PREP_CHARS:
            continue
        if text[k:k + 2] in _PREP_WORDS or text[k - 1:k + 1] in _PREP_WORDS:
            continue
        return text[:k]
    return text


def _verbs(text: str) -> str:
    return " ".join(w for w, t in _tag(text) if t in ("v", "vn", "vd")) if text.strip() else ""


def _read_context(text: str, slots: list[Slot]) -> None:
    import bisect

    sent_starts = [0] + [m.end() for m in _SENT_END.finditer(text)]
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
        prev_end = slots[i - 1].end if i > 0 else 0
        prev = slots[i - 1] if i > 0 else None
        if prev is not None and prev_right_end == s.start:
            # 劝停XX起居民酒席XX桌: the words between two figures belong to both
            left_limit = max(prev.end + len(prev.mag) + len(prev.more) + len(prev.measure), sent_start)
        else:
            left_limit = max(prev_end, prev_right_end, sent_start)
        bounds = [b.end() for b in _BOUNDARY.finditer(text, left_limit, s.start)]
        nl_start = bounds[-1] if bounds else left_limit
        s.near_left = text[nl_start:s.start]
        s.far_left = text[sent_start:nl_start] if nl_start > sent_start else ""
        para_start = text.rfind("\n", 0, sent_start) + 1
        s.para_left = text[max(para_start, sent_start - 150):sent_start]
        # near right: after the measure word to punctuation, the next slot or a preposition
        r_start = s.end + len(s.mag) + len(s.more) + len(s.measure)
        next_start = slots[i + 1].start if i + 1 < len(slots) else len(text)
        limit = min(next_start, sent_end)
        b = _BOUNDARY.search(text, r_start, limit)
        r_end = b.start() if b else limit
        head = _cut_at_preposition(text[r_start:r_end])
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
        far = text[r_end:far_end]
        if re.match(r"\s*[（(]\s*(含|其中|包括)", far):
            s.total = True
        far = re.sub(r"[（(][^（）()]*[)）]", "", far)
        digit = re.search(r"\d", far)
        if digit:  # stop before the clause of another figure
            cuts = [x.start() for x in _BOUNDARY.finditer(far, 0, digit.start())]
            far = far[: cuts[-1]] if cuts else ""
        s.far_right = far
        # 共检查车辆xx台次、人员xx人次: a list item shares the verb of the first item
        item_start = s.start - len(s.near_left)
        if prev is not None and text[max(0, item_start - 1):item_start] == "、" and \
                not re.search(r"[，,；;。：:！？!?\n]", text[prev.end:item_start]):
            s.list_head = prev.list_head or _verbs(prev.near_left)
        # total / part
        s.total = s.total or bool(re.search(r"(共计|合计|总计|累计|一共|总共|共)$", s.near_left.strip())) or bool(
            re.match(r"\s*[，,]?\s*其中", text[r_end:r_end + 4]))
        s.part = "其中" in text[sent_start:s.start]
        # a date after 截至/截止 is the date the figures were counted to
        if s.shape in _DATE_SHAPES and re.search(r"(截至|截止)", s.near_left):
            s.extra = "统计截止日期时间"
        # a date or a name on a line of its own at the end is the signature (落款)
        line_start = text.rfind("\n", 0, s.start) + 1
        line_end = text.find("\n", s.end)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end].strip()
        tail = not text[line_end:].strip() or len(text) - line_end < 60
        if tail and s.shape in _DATE_SHAPES and re.fullmatch(r"[\d年月日号xXｘＸ×*＊_＿\-－○〇□\s]+", line):
            s.extra = "报告日期落款日期成文日期"
        elif tail and s.shape in ("name", "other") and len(line) <= 25 and not re.search(r"[，,。；;：:！？!?]", line):
            s.extra = "单位名称落款单位报告单位"
    _group_dates(text, slots)


_DATE_SHAPES = ("year", "month", "day", "hour", "date")


def _group_dates(text: str, slots: list[Slot]) -> None:
    """Slots that are parts of one date (x月x日, 20xx年x月) share a group; note written-out parts."""
    gid = 0
    i = 0
    order = ("year", "month", "day", "hour")
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
        i = j


# ------------------------------------------------------------------ candidates
@functools.lru_cache(maxsize=20000)
def _cut_cached(text: str) -> tuple[str, ...]:
    from assistant.segment import cut

    return tuple(cut(text))


@functools.lru_cache(maxsize=20000)
def _tag(text: str) -> tuple[tuple[str, str], ...]:
    from assistant.segment import tag

    return tuple(tag(text))


def _seg(text: str) -> list[str]:
    return list(_cut_cached(text))


def _parse_name(name: str) -> tuple[str, Optional[str], Optional[str], str, str]:
    """(stem, measure class, expected kind, exact measure, magnitude) from a field name."""
    n = re.sub(r"\s+", "", name)
    measure, mag = "", ""
    m = re.search(r"[（(]\s*(万|亿)?\s*([^()（）]{0,4}?)\s*[)）]$", n)
    if m:
        mag = m.group(1) or ""
        unit = m.group(2)
        n = n[: m.start()]
        if unit in MEASURE_CLASS:
            measure = unit
    m = re.search(r"([支桌批轮座栋幢例项箱瓶盒袋桶套双件只组队篇册本封幅面条处所间家辆台架艘份张次场期起户])数$", n)
    matched_suffix = False
    if not measure and m and len(n) > len(m.group(0)):
        measure = m.group(1)  # 支数 → 支, 户数 → 户 (人数 and 个数 say less: 名/位, any)
        n = n[: -len(m.group(0))]
        matched_suffix = True
    cls: Optional[str] = MEASURE_CLASS.get(measure) if measure else None
    expect: Optional[str] = "number" if measure else None
    for suffix, c, kind in ([] if matched_suffix else _NAME_SUFFIXES):
        if n.endswith(suffix) and len(n) > len(suffix):
            if suffix == "万元":
                mag = "万"
            cls = cls or c
            expect = expect or kind
            if not measure:  # 户数 → 户, 组数 → 组, 人次 → 人次
                word = suffix[:-1] if suffix.endswith("数") else suffix
                measure = word if word in MEASURE_CLASS else ""
            n = n[: -len(suffix)]
            break
    if cls is None:
        for noun, c in _NOUN_CLASS:
            if n.endswith(noun):
                cls = c
                break
    if n.endswith("万") and len(n) > 1:
        mag, n = "万", n[:-1]
    return n, cls, expect, measure, mag


def make_candidate(name: str, value: Value, extra_names: Sequence[str] = (), measure: str = "",
                   ftype: str = "") -> Candidate:
    """A field ready for matching: its words, what it counts, what kind of value it expects."""
    names = [name] + [x for x in extra_names if x and x != name]
    stem, cls, expect, exact, mag = _parse_name(name)
    if measure:
        exact = exact or measure
        cls = MEASURE_CLASS.get(measure, cls)
    if value.unit and value.unit in MEASURE_CLASS:
        exact = value.unit
        cls = MEASURE_CLASS[value.unit]
    if ftype in ("number", "date", "name"):
        expect = ftype
    elif ftype == "text":
        expect = "name"
    if value.kind == "number":
        expect = "number" if expect != "date" else expect
    elif value.kind == "date":
        expect = "date"
    elif value.kind in ("name", "text"):
        expect = "name"
    if expect is None and _DATEY.search(stem):
        expect = "date"
    token_sets: list[list[tuple[str, float]]] = []
    modifiers: set[str] = set()
    for nm in names:
        st = _parse_name(nm)[0] if nm != name else stem
        toks: dict[str, float] = {}
        for tok in _seg(st):
            if tok in _STOP or re.fullmatch(r"[\d\W_]+", tok):
                continue
            toks[tok] = 0.3 if tok in _GENERIC else 1.0
            if tok in _MODIFIERS:
                modifiers.add(tok)
        for mod in _MODIFIERS:
            if mod in st and len(mod) >= 2:
                modifiers.add(mod)
        if toks:
            token_sets.append(sorted(toks.items(), key=lambda kv: -len(kv[0])))
    total = any(w in re.sub(r"\s+", "", name) for w in _TOTAL_WORDS)
    tokens = token_sets[0] if token_sets else []
    return Candidate(name, value, names, tokens, modifiers, cls, exact, mag, expect, total, token_sets[1:])


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


# ------------------------------------------------------------------ scoring
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


# how much a word found in each part of the context counts
_W_NEAR, _W_SYN, _W_SUBSEQ, _W_FAR_LEFT, _W_FAR_RIGHT, _W_PARA = 1.0, 0.9, 0.7, 0.6, 0.45, 0.35


def _credit(tok: str, slot: Slot) -> float:
    """How well one word of a field name is found in a slot's context (0–1).

    A compound the segmenter keeps whole (全校师生, 检查人员) is also tried as two
    halves; its generic half (全校, 人员) counts only when found."""
    best = _credit1(tok, slot)
    if best >= _W_SYN or len(tok) < 4:
        return best
    for k in range(2, len(tok) - 1):
        parts = [(tok[:k], 0.3 if tok[:k] in _GENERIC or tok[:k] in _STOP else 1.0),
                 (tok[k:], 0.3 if tok[k:] in _GENERIC or tok[k:] in _STOP else 1.0)]
        cr = [(w, _credit1(t, slot)) for t, w in parts]
        den = sum(w for w, c in cr if w >= 1.0 or c > 0)
        if den and all(w < 1.0 or c > 0 for w, c in cr):
            best = max(best, 0.95 * sum(w * c for w, c in cr) / den)
    return best


def _credit1(tok: str, slot: Slot) -> float:
    near = slot.near_text
    if _has(tok, near):
        return _W_NEAR
    syns = SYNONYMS.get(tok, ())
    if any(_has(s, near) for s in syns):
        return _W_SYN
    for suf in ("人员", "人数", "情况"):  # stems: 返乡人员 against 返乡xx人
        if tok.endswith(suf) and len(tok) > len(suf) + 1 and _has(tok[: -len(suf)], near):
            return _W_SYN
    if slot.list_head and (_has(tok, slot.list_head) or any(_has(x, slot.list_head) for x in syns)):
        return _W_SYN
    if _subsequence(tok, near):
        return _W_SUBSEQ
    best = 0.0
    for text, w in ((slot.far_left, _W_FAR_LEFT), (slot.far_right, _W_FAR_RIGHT), (slot.para_left, _W_PARA)):
        if _has(tok, text) or any(_has(x, text) for x in syns):
            best = max(best, w)
    if best:
        return best
    if len(tok) >= 3:
        from rapidfuzz import fuzz

        r = fuzz.partial_ratio(tok, near) / 100.0
        if r >= 0.75:
            return 0.75 * r
    return 0.0


_IDIOMS = {"第一时间", "重中之重", "集中精力", "第一责任人", "第一线", "一线", "首要"}


_IDIOM_RX = re.compile("|".join(sorted(_IDIOMS, key=len, reverse=True)))


def _tokens_of(text: str) -> list[str]:
    text = _IDIOM_RX.sub(" ", text)
    return _seg(text) if text.strip() else []


def _name_head(slot: Slot) -> str:
    """What a name placeholder names: the word right after it (XX县 → 县, xx交界口 → 交界口)."""
    suf = next((x for x in _NAME_SUFFIX_SET if slot.after.startswith(x)), "")
    if suf:
        return suf
    toks = _seg(slot.after[:6]) if slot.after.strip() else []
    return toks[0] if toks and re.match(r"[\u4e00-\u9fff]", toks[0]) else ""


def _context_tokens(slot: Slot) -> list[tuple[str, float]]:
    """Content words of the near context, with weights (generic words count less)."""
    toks: dict[str, float] = {}
    parts = (slot.near_left, slot.near_right)
    if slot.shape in ("name", "other"):  # a name: what it names, not what the sentence says about it
        parts = (_name_head(slot),)
    for part in parts:
        for tok in _tokens_of(part):
            if tok in _STOP or re.fullmatch(r"[\d\W_a-zA-Z×＊]+", tok):
                continue
            w = 0.3 if tok in _GENERIC else 1.0
            toks[tok] = max(toks.get(tok, 0.0), w)
    return list(toks.items())


def _explained(tok: str, cand: Candidate) -> float:
    """How well a context word is accounted for by the field's name(s)."""
    joined = "".join(cand.names)
    if tok in joined:
        return 1.0
    if any(s in joined for s in SYNONYMS.get(tok, ())):
        return 0.9
    for ft, _w in cand.tokens:
        if len(ft) >= 2 and ft in tok:
            return 0.8
        if len(tok) >= 2 and any(tok in syn for syn in SYNONYMS.get(ft, ())):
            return 0.8  # 体温 and 测量 of 测量体温, a synonym of the field's 测温
    shared = sum(1 for ch in set(tok) if ch in joined)
    return 0.5 if len(tok) >= 3 and shared / len(set(tok)) >= 0.66 else 0.0


# measure classes that a user may well mix up (人数 for 人次, 车辆 for 车次)
_RELATED = {frozenset(p) for p in (("person", "person_times"), ("vehicle", "vehicle_times"),
                                    ("place", "place_times"), ("household", "place_times"))}


def _measure_fit(slot: Slot, cand: Candidate) -> Optional[float]:
    """1 exact measure word, 0.9 same class, 0.5 unknown, lower for near classes, None for a clash."""
    sc = slot.measure_class
    if slot.shape != "number":
        return 0.5
    if (sc == "percent") != (cand.measure_class == "percent" or cand.value.unit == "%"):
        return None  # a count never fills a percentage, nor a rate a count
    if cand.measure and slot.measure:
        if cand.measure == slot.measure:
            return 1.0
        cc = MEASURE_CLASS.get(cand.measure)
        if cc == sc and cc != "generic":
            return 0.9
        if "个" in (cand.measure, slot.measure):  # the all-purpose classifier
            other = sc if cand.measure == "个" else cc
            return None if other in _GENERIC_FORBIDDEN else 0.6
        if frozenset((cc, sc)) in _RELATED:
            return 0.4
        return None
    if cand.measure_class is None or sc is None:
        return 0.5
    if cand.measure_class == sc:
        return 0.9
    if frozenset((cand.measure_class, sc)) in _RELATED:
        return 0.4
    if sc == "generic" and cand.measure_class not in _GENERIC_FORBIDDEN:
        return 0.6
    if cand.measure_class == "generic" and sc not in _GENERIC_FORBIDDEN:
        return 0.6
    return None


_VERB_TAGS = ("v", "vn", "vd", "p", "c", "r", "d", "m", "t", "u", "x")


def _qualifiers(slot: Slot, cand: Candidate) -> list[str]:
    """Words of the counted noun phrase that the field does not account for.

    The phrase is the list item (after 、) or the run of non-verbs before the field's
    word nearest the mark: 湖北返乡人员 → 湖北; 最美巾帼扶贫志愿者 → 最美 巾帼 扶贫."""
    for part, from_end in ((slot.near_left, True), (slot.head_right, False)):
        if not part.strip():
            continue
        toks = list(_tag(_IDIOM_RX.sub(" ", part)))
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
            if w in _STOP or w in _GENERIC or _explained(w, cand) >= 0.8 or re.fullmatch(r"[\d\W_]+", w):
                if w in _STOP and not in_list:
                    break
                continue
            quals.append(w)
        return quals[::-1]
    return []


def _kind_ok(slot: Slot, cand: Candidate) -> Optional[str]:
    """None if the value may go there, else why not (Chinese)."""
    v = cand.value
    shape = slot.shape
    kind = v.kind if not v.empty else (cand.expect or "")
    if shape == "number":
        if kind in ("date", "name", "text"):
            return "类型不符"
        return None
    if shape in _DATE_SHAPES:
        if kind == "date":
            return None
        if kind == "number" and _DATEY.search(cand.name) and shape != "date":
            return None
        if kind == "" and _DATEY.search(cand.name):
            return None
        return "类型不符"
    if shape in ("name", "other"):
        # a number goes only where a measure word or check says a number stands
        if kind in ("name", "text") or (shape == "other" and kind == "date") or (kind == "" and cand.expect != "number"):
            return None
        return "类型不符"
    return None  # explicit: anything


def _recall(tokens: list[tuple[str, float]], slot: Slot) -> float:
    """Share of a name's words found around the slot; generic words (单位, 工作…) count only when found."""
    credits = [(w, _credit(t, slot)) for t, w in tokens]
    total_w = sum(w for w, c in credits if w >= 1.0 or c > 0)
    return sum(w * c for w, c in credits) / total_w if total_w else 0.0


@dataclass
class Score:
    total: float = 0.0
    recall: float = 0.0
    precision: float = 0.0
    fit: float = 0.0
    notes: list[str] = field(default_factory=list)


def score(slot: Slot, cand: Candidate, ctx_tokens: Optional[list[tuple[str, float]]] = None) -> Score:
    """How well a field fits a slot, with the parts (total 0 when incompatible)."""
    out = Score()
    why = _kind_ok(slot, cand)
    if why is not None:
        out.notes.append(why)
        return out
    fit = _measure_fit(slot, cand)
    if fit is None:
        out.notes.append("量词不符")
        return out
    out.fit = fit
    if not cand.tokens and not cand.alt_tokens:
        return out
    out.recall = recall = max([_recall(cand.tokens, slot)] + [0.97 * _recall(t, slot) for t in cand.alt_tokens])
    if recall < MIN_RECALL:
        out.total = 0.5 * recall
        out.notes.append("字段名的词在上下文中找不全")
        return out
    ctx = ctx_tokens if ctx_tokens is not None else _context_tokens(slot)
    ctx_w = sum(w for _, w in ctx)
    out.precision = precision = (sum(w * _explained(t, cand) for t, w in ctx) / ctx_w) if ctx_w else 0.5
    if slot.shape in _DATE_SHAPES:  # few fields are dates: the words around a date matter less
        out.precision = precision = max(precision, 0.5)
    s = 0.5 * recall + 0.35 * precision + 0.15 * fit
    if slot.shape in ("name", "other", "explicit") or slot.shape in _DATE_SHAPES:
        out.total = s
        return out
    # a modifier on one side only changes what is counted (其他 / 新增 / 解除 …)
    ctx_toks = {t for t, _ in ctx}
    ctx_text = slot.near_left + slot.near_right
    for mod in _MODIFIERS:
        in_ctx = any(t == mod or (t.startswith(mod) and len(mod) >= 2) for t in ctx_toks) or \
            (len(mod) >= 2 and mod in ctx_text and mod not in "".join(_IDIOMS))
        in_field = mod in cand.modifiers or any(mod in n for n in cand.names)
        if in_ctx == in_field:
            continue
        if in_field and (mod in slot.far_left or mod in slot.extra):
            continue
        s *= 0.6
        out.notes.append(f"修饰词“{mod}”不一致")
    if slot.part and cand.total:
        s *= 0.6
        out.notes.append("“其中”之后不应是总数")
    quals = _qualifiers(slot, cand)
    if len(quals) >= 2:  # 最美巾帼扶贫志愿者 is not every 志愿者
        s *= 0.6
        out.notes.append("计数对象更具体：" + "".join(quals))
    # 有x位正式员工的家属: what is counted comes after 的
    if "的" in slot.head_right:
        head = slot.head_right.rsplit("的", 1)[1]
        head_toks = [t for t in _tokens_of(head) if t not in _STOP and not re.fullmatch(r"[\d\W_]+", t)]
        if head_toks and min(_explained(t, cand) for t in head_toks[:1]) < 0.8:
            s *= 0.5
            out.notes.append(f"计数的是“{head_toks[0]}”")
    out.total = s
    return out


# ------------------------------------------------------------------ values into slots
def _strip_overlap(value: str, following: str) -> str:
    """Drop the end of a value that the report writes right after the mark (120户 + 户… → 120)."""
    for k in range(min(len(value) - 1, len(following)), 0, -1):
        tail = value[-k:]
        if following.startswith(tail) and not re.search(r"\d", tail):
            return value[:-k]
    return value


def _strip_lead(value: str, preceding: str) -> str:
    for k in range(min(len(value) - 1, len(preceding)), 0, -1):
        head = value[:k]
        if preceding.endswith(head) and not re.search(r"\d", head):
            return value[k:]
    return value


def render(slot: Slot, cand: Candidate) -> tuple[Optional[str], str]:
    """The text that replaces the mark, or (None, why not)."""
    v = cand.value
    if v.empty:
        return None, f"字段「{cand.name}」还没有值"
    shape = slot.shape
    if shape in ("year", "month", "day", "hour"):
        if v.kind == "number":
            n = v.text
            if not re.fullmatch(r"\d{1,4}", n):
                return None, f"字段「{cand.name}」的值不是{_PART_NAME[shape]}"
            num = int(n)
            ok = {"year": 1900 <= num <= 2100, "month": 1 <= num <= 12, "day": 1 <= num <= 31, "hour": 0 <= num <= 24}
            if not ok[shape]:
                return None, f"字段「{cand.name}」的值不像{_PART_NAME[shape]}"
            return n, ""
        part = v.part(shape)
        if part is None:
            return None, f"字段「{cand.name}」的值没有{_PART_NAME[shape]}"
        for key, lit in slot.literal_date.items():
            have = getattr(v, key, None)
            if have is not None and have != lit:
                return None, f"字段「{cand.name}」的日期与报告中写明的{_PART_NAME[key]}（{lit}）不一致"
        if shape == "year":
            digits = re.search(r"(\d+)$", slot.before)
            if digits:
                if not part.startswith(digits.group(1)):
                    return None, f"字段「{cand.name}」的年份与报告中的“{digits.group(1)}”对不上"
                part = part[len(digits.group(1)):]
        return part, ""
    text = v.text
    if shape == "number":
        if v.kind != "number":
            return None, f"字段「{cand.name}」的值不是数字"
        if v.unit and v.unit != "%" and slot.measure and v.unit != slot.measure:
            if MEASURE_CLASS.get(v.unit) != MEASURE_CLASS.get(slot.measure):
                return None, f"字段「{cand.name}」的单位“{v.unit}”与报告中的“{slot.measure}”不符"
        has_mag = re.search(r"(万|亿)余?多?$", text)
        if slot.mag:
            if has_mag:
                if has_mag.group(1) != slot.mag:
                    return None, f"字段「{cand.name}」的数量级与报告中的“{slot.mag}”不符"
                text = text[: has_mag.start()] + text[has_mag.end(1):]
            elif cand.mag != slot.mag:
                return None, f"报告中是“{slot.mag}{slot.measure}”，字段「{cand.name}」的值没有写明单位“{slot.mag}”"
        elif cand.mag and not has_mag:
            text = text + cand.mag
        if slot.more:
            text = re.sub(r"(余|多)$", "", text)
        if v.unit == "%" and slot.measure in ("%", "％"):
            text = text.rstrip("%％")
        elif v.unit and not slot.measure and not slot.after.startswith(v.unit):
            text = text + v.unit
        return text, ""
    if shape == "date":
        return (v.text if v.kind == "date" else None), ("" if v.kind == "date" else f"字段「{cand.name}」的值不是日期")
    # names, other, explicit
    if v.kind == "date" and shape == "explicit":
        return v.text, ""
    text = _strip_overlap(text, slot.after)
    text = _strip_lead(text, slot.before)
    if shape == "explicit" and v.kind == "number" and v.unit:
        text = text + v.unit
    return text, ""


_PART_NAME = {"year": "年份", "month": "月份", "day": "日", "hour": "时"}


def _name_suffix_fit(slot: Slot, cand: Candidate) -> Optional[float]:
    """For a name slot: 1 if the value ends with what follows the mark (翁源县 in XX县), None if it clashes."""
    v = cand.value
    if v.empty or v.kind not in ("name", "text"):
        return 0.0
    after_suffix = next((s for s in _NAME_SUFFIX_SET if slot.after.startswith(s)), None)
    value_suffix = next((s for s in _NAME_SUFFIX_SET if v.text.endswith(s)), None)
    if after_suffix and value_suffix:
        if v.text.endswith(slot.after[: len(v.text)]) or after_suffix == value_suffix or \
                slot.after.startswith(value_suffix):
            return 1.0
        return None
    return 0.0


# ------------------------------------------------------------------ deciding
def match(text: str, data: FillData, *, fmt: str = "txt", unit: object = None,
          slots: Optional[list[Slot]] = None) -> MatchResult:
    """Decide, for every placeholder of a normalised text, what (if anything) fills it."""
    slots = find_slots(text, fmt) if slots is None else slots
    cands = candidates_from(data, unit)
    by_name = {re.sub(r"\s+", "", c.name): c for c in cands}
    for c in cands:
        for n in c.names:
            by_name.setdefault(re.sub(r"\s+", "", n), c)
    decisions: dict[int, Decision] = {}
    used: set[str] = set()

    # 1. explicit {{ name }}
    for s in slots:
        if s.explicit is None:
            continue
        c = by_name.get(s.explicit)
        if c is None:
            decisions[s.index] = Decision(s, reason=f"数据中没有字段「{s.explicit}」", via="explicit")
            continue
        txt, why = render(s, c)
        decisions[s.index] = Decision(s, c.name, c.value, txt, why, 1.0, "explicit")
        used.add(c.name)

    # 2. sentence pins
    unused_pins = []
    for pin in data.pins:
        hits = _pin_hits(text, slots, pin)
        if not hits:
            unused_pins.append(pin)
        for run in hits:
            for s, v in zip(run, pin.values):
                if s.index in decisions and decisions[s.index].via == "explicit":
                    continue
                c = Candidate(pin.key, v, [pin.key])
                txt, why = render(s, c)
                if txt is None and s.shape == "number" and v.kind == "number":
                    txt, why = v.text + ("" if not v.unit or s.measure else v.unit), ""
                decisions[s.index] = Decision(s, pin.key, v, txt, why, 1.0, "pin")

    # 3. inference, a date group at a time; a field that wins places whose contexts
    #    disagree keeps the clearly best one, or none when that is not clear
    rest = [s for s in slots if s.index not in decisions]
    groups: dict[tuple, list[Slot]] = {}
    for s in rest:
        groups.setdefault(_group_key(s), []).append(s)
    excluded: dict[tuple, set[str]] = {}
    blocked: dict[tuple, str] = {}
    inferred: dict[tuple, list[Decision]] = {}
    todo = list(groups)
    for _round in range(8):
        for key in todo:
            inferred[key] = _decide_group(groups[key], cands, excluded.get(key, ()))
        flat = [d for key in groups for d in inferred[key] if key not in blocked]
        exclude, block = _conflicts(flat)
        todo = []
        for key, fname in exclude.items():
            excluded.setdefault(key, set()).add(fname)
            todo.append(key)
        for key, fname in block.items():
            blocked[key] = fname
        if not todo:
            break
    for key, fname in blocked.items():
        for d in inferred[key]:
            d.text = None
            d.reason = f"报告中多处都像字段「{fname}」，上下文不同，无法确定是哪一处"
    for key in groups:
        for d in inferred[key]:
            decisions[d.slot.index] = d
    for d in decisions.values():
        if d.filled and d.field:
            used.add(d.field)
    unused_fields = [c.name for c in cands if c.name not in used and not c.value.empty]
    return MatchResult([decisions[s.index] for s in slots], unused_pins, unused_fields)


def _pin_hits(text: str, slots: list[Slot], pin: Pin) -> list[list[Slot]]:
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


def _probe(members: list[Slot]) -> Slot:
    """The slot whose context stands for a group (a date's parts are read as one date)."""
    import dataclasses

    lead = members[0]
    if len(members) == 1:
        return lead
    return dataclasses.replace(lead, end=members[-1].end, kind="date", near_right=members[-1].near_right,
                               after=members[-1].after, far_right=members[-1].far_right)


def rank(probe: Slot, cands: list[Candidate], exclude: Iterable[str] = (),
         clashes: Optional[list[Candidate]] = None) -> list[tuple[float, Candidate, Score]]:
    """Every compatible field with its score, best first.

    Name fields that match by meaning but whose value does not fit what follows the mark
    (城关第一小学 before 学校) are left out, and appended to ``clashes`` when given.
    """
    ctx = _context_tokens(probe)
    scored: list[tuple[float, Candidate, Score]] = []
    skip = set(exclude)
    for c in cands:
        if c.name in skip:
            continue
        sc = score(probe, c, ctx)
        if probe.shape in ("name", "other"):
            fit = _name_suffix_fit(probe, c)
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
    return _prefer_specific(probe, scored)


def _decide_group(members: list[Slot], cands: list[Candidate], exclude: Iterable[str] = ()) -> list[Decision]:
    probe = _probe(members)
    clashes: list[Candidate] = []
    scored = rank(probe, cands, exclude, clashes)
    if (not scored or scored[0][0] < MIN_SCORE) and clashes:
        c = clashes[0]
        follow = next((x for x in _NAME_SUFFIX_SET if probe.after.startswith(x)), probe.after[:2])
        reason = (f"「{c.name}」的值“{c.value.text}”接上后面的“{follow}”读不通，"
                  f"请改写原文（如删去“{follow}”）或换一种写法")
        return [Decision(m, reason=reason, score=0.0, via="match") for m in members]
    if not scored or scored[0][0] < MIN_SCORE:
        hint = f"（最接近的是「{scored[0][1].name}」，但不够确定）" if scored and scored[0][0] >= 0.35 else ""
        return [Decision(m, reason="没有匹配的字段" + hint, score=scored[0][0] if scored else 0.0, via="match")
                for m in members]
    best_score, best, _ = scored[0]
    rivals = [(sc, c) for sc, c, _ in scored[1:] if best_score - sc < MARGIN and not _same_value(c.value, best.value)]
    if rivals:
        other = rivals[0][1]
        return [Decision(m, reason=f"在「{best.name}」与「{other.name}」之间无法确定", score=best_score,
                         via="match", runner_up=other.name) for m in members]
    out = []
    for m in members:
        txt, why = render(m, best)
        out.append(Decision(m, best.name, best.value, txt, why, best_score, "match",
                            scored[1][1].name if len(scored) > 1 else None))
    return out


def _prefer_specific(slot: Slot, scored: list[tuple[float, Candidate, Score]]) -> list[tuple[float, Candidate, Score]]:
    """When one field's words are a subset of another's and the context holds the extra words too,
    the more specific field wins (返乡人员 vs 武汉返乡人员 at 其中武汉返乡人员xx名)."""
    if len(scored) < 2:
        return scored
    out = []
    for sc, c, parts in scored:
        ctoks = {t for t, w in c.tokens if w >= 1.0}
        demote = False
        for sc2, c2, _ in scored:
            if c2 is c:
                continue
            c2toks = {t for t, w in c2.tokens if w >= 1.0}
            if ctoks and (ctoks < c2toks or (_covered(ctoks, c2) and len(c2toks) > len(ctoks))):
                extra = [t for t in c2toks if t not in ctoks and not _covered({t}, c)]
                if extra and all(_credit(t, slot) >= _W_SYN for t in extra):
                    demote = True
                    break
        if demote:
            parts.notes.append("有更具体的字段")
        out.append((sc * 0.75 if demote else sc, c, parts))
    out.sort(key=lambda x: -x[0])
    return out


def _covered(toks: set[str], c: Candidate) -> bool:
    joined = "".join(c.names)
    return all(t in joined for t in toks)


def _same_value(a: Value, b: Value) -> bool:
    return not a.empty and not b.empty and a.kind == b.kind and a.text == b.text and a.unit == b.unit


def _near_key(slot: Slot) -> frozenset[str]:
    return frozenset(t for t, w in _context_tokens(slot) if w >= 1.0)


def _agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two contexts say the same thing: the same words, or one's words all in the other's."""
    if not a or not b:
        return a == b
    return a <= b or b <= a or len(a & b) / len(a | b) >= 0.5


def _group_key(slot: Slot) -> tuple:
    return ("d", slot.date_group) if slot.date_group else ("s", slot.index)


def _conflicts(decisions: list[Decision]) -> tuple[dict[tuple, str], dict[tuple, str]]:
    """Fields that won places whose contexts disagree.

    Returns (exclude, block): ``exclude[group] = field`` where the field clearly belongs
    elsewhere (decide that group again without it), ``block[group] = field`` where it is
    not clear which place is the field's (leave them open).
    """
    wins: dict[str, dict[tuple, Decision]] = {}
    for d in decisions:
        if d.via == "match" and d.field and d.filled:
            wins.setdefault(d.field, {}).setdefault(_group_key(d.slot), d)
    exclude: dict[tuple, str] = {}
    block: dict[tuple, str] = {}
    for fname, groups in wins.items():
        if len(groups) < 2:
            continue
        ranked = sorted(groups.items(), key=lambda kv: -kv[1].score)
        top_key, top = ranked[0]
        top_ctx = _near_key(top.slot)
        others = [(k, d) for k, d in ranked[1:] if not _agree(top_ctx, _near_key(d.slot))]
        if not others:
            continue
        for k, d in others:
            if top.score - d.score >= MARGIN:
                exclude[k] = fname
            else:
                block[k] = fname
                block[top_key] = fname
    return exclude, block


