"""The section structure of a report: title, opening, numbered sections, closing.

Works on normalised text (one paragraph per line, see assistant.normalize) and
reports line numbers of the file as written, through the ``MappedText`` origin
map. Numbering styles recognised, from the most major to the most minor::

    一、 一. 一．          cn
    （一） (一)            paren_cn
    第一， 第一、 第一部分   ordinal
    1、 1. 1．            arabic
    （1） (1)             paren_arabic
    一是 二是              shi
    ① ②                  circled

Nesting is inferred with a stack: a heading of a style already open closes
everything below it (a sibling); a new style nests under the current heading
unless it is more major than the open ones by the usual order above (so a
``二、`` after ``（三） 1、`` goes back to the top level).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from assistant.textmap import MappedText

CN_DIGITS = "〇零一二三四五六七八九十百两"
_CN = f"[{CN_DIGITS}]{{1,3}}"

# style -> (rank, regex matching the number marker at the start of a line)
# "part": an unnumbered part heading (PART_LINE), above every numbering style.
PART_RANK = 0
STYLES: dict[str, tuple[int, re.Pattern[str]]] = {
    "cn": (1, re.compile(rf"^(?P<num>{_CN})\s*[、.．]\s*(?!\d(?![\dxX×]{{3}}\s*年)|{_CN}[、月季]|{_CN}(?:是|要|则|来|方面))")),
    "paren_cn": (2, re.compile(rf"^[（(]\s*(?P<num>{_CN})\s*[）)]\s*[、.．]?")),
    "ordinal": (2, re.compile(rf"^第(?P<num>{_CN})(?:部分|[，,、：:．.]|是)\s*")),
    "arabic": (3, re.compile(r"^(?P<num>\d{1,2})\s*(?:[、．]|\.(?!\d)|\.(?=(?:19|20)\d{2}年))\s*(?![%％])")),
    "paren_arabic": (4, re.compile(r"^[（(]\s*(?P<num>\d{1,2})\s*[）)]\s*[、.．]?")),
    "shi": (5, re.compile(rf"^(?P<num>{_CN})是\s*[，,：:]?")),
    "circled": (6, re.compile(r"^(?P<num>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
    # 【一】坚持党建引领 (a number in lenticular brackets, the heading after it)
    "lenticular": (1, re.compile(rf"^【\s*(?P<num>{_CN})\s*】\s*")),
    # 1) 严把进货查验关 (a closing parenthesis alone after the number)
    "arabic_close": (4, re.compile(r"^(?P<num>\d{1,2})\s*[)）]\s*(?![%％])")),
}

# An unnumbered part heading on a line of its own (2023年工作回顾 / 2024年工作安排 / 加强政府自身建设 /
# 存在的问题 / 下一步工作打算): long reports name their parts so and number the items inside.
PART_LINE = re.compile(
    r"^(?:(?:\d{4}|20[xX×]{2}|[今明去上本]|过去(?:一|两|三|四|五)|今后(?:一|两|三|四|五))年.{0,14}|"
    r"(?:过去|今后)(?:一|两|三|四|五)年.{0,14}|(?:本届|新一届|上一届).{0,4}政府.{0,8}|"
    r"[“\"]?十[一二三四五]五[”\"]?时期.{0,10}|(?:主要|重点)?)"
    r"(?:工作回顾|回顾|工作安排(?:建议)?|重点工作(?:安排|任务)?(?:建议)?|主要工作|工作任务|目标任务|主要任务|"
    r"工作重点|工作建议|工作思路|(?:总体要求|奋斗目标|主要目标)(?:和|及|与)(?:主要|重点)?(?:任务|工作)|"
    r"存在的(?:主要)?问题|(?:下一步|下步)(?:工作)?(?:打算|安排|计划|措施|思路)|工作打算|工作计划)$"
    r"|^(?:全面|切实|持续|不断|大力)?加强政府自身建设$|^回顾(?:\d{4}|20[xX×]{2})年(?:工作)?$"
)
PART_MAX = 30

_CN_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}

# A heading runs up to the first sentence end (or colon); longer ones are cut at a clause.
_HEAD_END = re.compile(r"[。！？；：:!?;]")
_CLAUSE_END = re.compile(r"[，,]")
MAX_HEADING = 40

# Phrases that open the closing paragraph of a report.
_CLOSING_CUES = re.compile(
    r"^(总之|总的来说|总而言之|综上|当前，?疫情|下一步，|今后，|在今后的工作中|在下一步工作中|"
    r"我们将|我们坚信|我们相信|我们有信心|我(镇|县|区|市|乡|村|局|委|校|院|行|公司|社区)将|"
    r"疫情防控工作任重道远|疫情就是命令|防控疫情，人人有责|以上汇报|特此汇报|特此报告|"
    r"虽然目前|尽管目前|坚持就是胜利|防控疫情，需|众志成城|"
    r"下一步.{0,12}(中|将|，)|.{0,12}下一步将|目前.{0,16}(取得了?|成效).{0,40}(将|继续)|"
    r"(各位代表|同志们)[！!，,].{0,60}让我们|各位领导[，,！!]|同志们[，,！!]|.{0,80}谢谢(大家|各位)?[！!。]?$|"
    r"下步，|以上报告|.{0,40}请予?审议|.{0,30}(责任|使命)重于泰山)"
)
# A last paragraph of resolve (2025年，我们将在县委、县政府的坚强领导下，……): a closing, when it is
# short and lists nothing
_RESOLVE = re.compile(r"^.{0,40}在.{0,40}(?:坚强|正确|统一)领导下")
_ENUMERATES = re.compile(r"[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d][）)]|(?:^|[。；])\s*\d[、.．]")
RESOLVE_MAX = 150
# Or a short paragraph of resolve without a leader named (新的一年，县人民法院将以更加昂扬的精神
#状态，奋力推进……；社区将以这次专项整治为契机，……常抓不懈): someone will, in words of resolve
# rather than of work to do
_WILL = re.compile(r"(?:^|[。！!；;])\s*(?:(?:新的一年|下半年|明年|来年|今后|当前|目前|\d{4}年|20[xX×]{2}年)[，,])?"
                   r"[^。；;：:]{0,40}?将")
_RESOLVE_WORDS = re.compile(r"一如既往|始终|坚定不移|奋力|再上新台阶|新台阶|新贡献|更大贡献|新的更大|坚强保证|坚强保障|"
                            r"底线|常抓不懈|久久为功|持之以恒|锲而不舍|毫不松懈|只有起点|没有终点|为.{2,30}(?:作出|提供|贡献)")
# A closing that opens with the plans for the next period at length (下一步，我们将……一是……):
# that paragraph is the report's 下步打算 section, what follows it the closing.
_NEXT_LEAD = re.compile(r"^(?:(?:下一步|下步|今后)(?:工作中)?[，,]|(?:下一步|下步|今后|下半年|明年|\d{4}年|20[xX×]{2}年)[，,]?"
                        r".{0,30}?(?:将|要|继续|重点|计划))")
NEXT_MIN = 60  # characters: a plan paragraph this long is a section, not a closing line
_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?\s*$|^\s*(?:\d{4}|20[xX×]{2}|[xX×*＊]{2,4})\s*年.{0,6}月.{0,6}日?\s*$")
_TITLE_CUES = re.compile(r"(汇报|报告|总结|情况|工作|措施|做法|通报|材料|发言)")


def cn_number(text: str) -> int | None:
    """Value of a small Chinese numeral (一 … 九十九) or an Arabic/circled one."""
    if text.isdecimal():  # not isdigit(): ① is a digit, int() refuses it
        return int(text)
    if len(text) == 1 and "①" <= text <= "⑳":
        return ord(text) - ord("①") + 1
    if not text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_VALUES.get(tens, None) if tens else 1
        o = _CN_VALUES.get(ones, None) if ones else 0
        if t is None or o is None:
            return None
        return t * 10 + o
    if len(text) == 1:
        return _CN_VALUES.get(text)
    return None


@dataclass
class Heading:
    """A numbered line: its style, number and heading text (the part before the body)."""

    style: str
    number: str  # the marker as written in normalised text, e.g. "一、" or "（二）"
    value: int | None
    heading: str  # heading text without marker and trailing punctuation
    rest: str  # what follows the heading on the same line (body text)


# Every numbering style starts with one of these characters: a cheap first test.
_HEAD_FIRST = set(CN_DIGITS + "（(第【0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")


def _starts_heading_text(c: str) -> bool:
    """Whether heading text can start with ``c``: a CJK character, an ASCII letter or digit,
    an opening quote or bracket, or a placeholder mark (x × * ＊ _)."""
    return "\u4e00" <= c <= "\u9fff" or (c.isascii() and c.isalnum()) or c in "“\"《【×*＊_"


# The styles a line can be tried for, by its first character (in STYLES order).
_STYLES_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _c in _HEAD_FIRST:
    _STYLES_BY_FIRST[_c] = [
        (_style, _rx) for _style, (_, _rx) in STYLES.items()
        if {"cn": _c in CN_DIGITS, "shi": _c in CN_DIGITS, "ordinal": _c == "第",
            "paren_cn": _c in "（(", "paren_arabic": _c in "（(", "arabic": _c.isdecimal(),
            "circled": "①" <= _c <= "⑳", "lenticular": _c == "【", "arabic_close": _c.isdecimal()}[_style]]
del _c


def match_heading(line: str) -> Heading | None:
    """Recognise a numbered heading at the start of ``line``."""
    if not line:
        return None
    styles = _STYLES_BY_FIRST.get(line[0])
    if not styles:
        return None
    for style, rx in styles:
        m = rx.match(line)
        if not m:
            continue
        after = line[m.end():]
        if not after.strip() or not _starts_heading_text(after.lstrip()[0]):
            continue
        value = cn_number(m.group("num"))
        if value is None or value == 0:
            continue
        heading, rest = split_heading(after.strip())
        return Heading(style, m.group(0).strip(), value, heading, rest)
    return None


def split_heading(text: str) -> tuple[str, str]:
    """Split a line after its number into (heading, rest of the paragraph)."""
    m = _HEAD_END.search(text)
    if m and m.start() <= MAX_HEADING and len(_CLAUSE_END.findall(text[: m.start()])) <= 1:
        return text[: m.start()].strip(), text[m.end():].strip()
    if not m and len(text) <= MAX_HEADING and len(_CLAUSE_END.findall(text)) <= 1:
        return text.rstrip("。，,；;").strip(), ""
    m = _CLAUSE_END.search(text)
    if m and m.start() <= MAX_HEADING:
        return text[: m.start()].strip(), text[m.end():].strip()
    return text[:MAX_HEADING].strip() + "…", text[MAX_HEADING:].strip()


@dataclass
class Node:
    """A section of the outline. ``role`` is opening, section or closing."""

    role: str
    level: int
    number: str | None
    heading: str | None
    line: int  # 1-based line in the file as written
    style: str | None = None
    value: int | None = None
    kind: str | None = None
    subkind: str | None = None
    confidence: float | None = None
    start: int = 0  # offset of the first line in the normalised text
    end: int = 0  # offset just past the last line of its own body (children excluded)
    end_all: int = 0  # offset just past its last descendant
    end_line: int = 0
    children: list["Node"] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)  # own body (normalised)
    has_rest: bool = False  # paragraphs[0] is the text after the heading on its own line
    # what an unheaded section split off the end says it is by its lead (下一步，我们将…:
    # next_steps), read as a part heading would be (Section.part)
    lead_part: str | None = None

    def walk(self) -> Iterator["Node"]:
        yield self
        for c in self.children:
            yield from c.walk()

    def own_text(self) -> str:
        return "\n".join(p for p in self.paragraphs if p)

    def to_json(self) -> dict:
        return {
            "level": self.level,
            "number": self.number,
            "heading": self.heading,
            "line": self.line,
            "end_line": self.end_line,
            "role": self.role,
            "kind": self.kind,
            "subkind": self.subkind,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "children": [c.to_json() for c in self.children],
        }


@dataclass
class Outline:
    title: str | None
    title_line: int | None
    sections: list[Node]  # top level, opening first and closing last when present
    norm: MappedText | None = None  # the normalised text the offsets refer to

    def walk(self) -> Iterator[Node]:
        for s in self.sections:
            yield from s.walk()

    def to_json(self) -> dict:
        return {"title": self.title, "title_line": self.title_line,
                "sections": [s.to_json() for s in self.sections]}


def _rank(style: str | None) -> int:
    if style == "lead":
        return LEAD_RANK
    if style == "lead_sub":
        return LEAD_SUB_RANK
    return PART_RANK if style in ("part", "ordinal_part") else STYLES[style][0]


# An unnumbered heading on a line of its own, a lead phrase before its paragraph (强化组织领导，
# 压实禁毒责任。 / 下一步工作打算。): bold in the original, its number lost or never written.
# Read as headings only in a report without numbered headings (一、（一）1. 第一), and only where
# there are at least two, each followed by a paragraph much longer than itself.
LEAD_RANK = 1
LEAD_SUB_RANK = 4  # under 一、 and （一）, beside (1)
_ADDRESSEE = re.compile(r"(各位|同志们|领导|代表|委员|主任|书记)[^，。]{0,8}[：:]$")
_LEAD_LINE = re.compile(r"^[\u4e00-\u9fff“][^。；;！？!?\d]{3,28}[。：:]?$")


def _lead_lines(lines: list[tuple[int, str]], heads: list[Heading | None]) -> tuple[set[int], str]:
    """Offsets of the lines that are unnumbered lead-phrase headings (see _LEAD_LINE), and the
    style they take: ``lead`` (top level) in a report without numbered headings; ``lead_sub``
    (items under the numbered heading they stand in, 一、工作开展情况 → 抓实产业发展，夯实增收基础。)
    in a numbered one, where a part holds at least two of them. ``heads``: match_heading of
    each line."""
    blocks: dict[int, set[int]] = {}
    block = 0
    numbered = False
    for k, ((off, line), h) in enumerate(zip(lines, heads)):
        if h is not None and h.style != "shi":
            numbered = True
            block += 1
            continue
        t = line.strip()
        if h is None and k + 1 < len(lines) and _LEAD_LINE.match(t) and t.count("，") <= 2 and \
                not _ADDRESSEE.search(t) and not t.endswith(("汇报", "报告", "总结")) and \
                getattr(heads[k + 1], "style", "shi") == "shi":
            nxt = lines[k + 1][1].strip()
            if len(nxt) >= max(40, 2 * len(t)):
                blocks.setdefault(block, set()).add(off)
    if not numbered:
        found = blocks.get(0, set())
        return (found, "lead") if len(found) >= 2 else (set(), "lead")
    found = {off for b, offs in blocks.items() if b > 0 and len(offs) >= 2 for off in offs}
    return found, "lead_sub"


# a paragraph led by a heading of two balanced phrases: 坚持疏堵结合，破解充电难题。社区……
_INLINE_LEAD = re.compile(r"^([\u4e00-\u9fff“”]{3,10}，[\u4e00-\u9fff“”]{3,10})。(?=.{40})")


def _inline_leads(lines: list[tuple[int, str]], heads: list[Heading | None]) -> dict[int, tuple[str, str]]:
    """Offset → (lead, rest) of the paragraphs that open with an unnumbered heading of two
    balanced phrases (坚持统筹推进，压实各方责任。 then the paragraph), where at least three such
    paragraphs follow each other: one alone is an ordinary first sentence, a run of them is a
    list of items whose numbers were lost."""
    out: dict[int, tuple[str, str]] = {}
    run: list[tuple[int, str, str]] = []

    def close() -> None:
        if len(run) >= 3:
            out.update((off, (lead, rest)) for off, lead, rest in run)
        run.clear()

    for (off, line), h in zip(lines, heads):
        m = _INLINE_LEAD.match(line.strip()) if h is None else None
        if m is None:
            close()
            continue
        run.append((off, m.group(1), line.strip()[m.end():].strip()))
    close()
    return out


# the issuing unit's name on a line of its own, above the title
_ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff（）()·]{3,30}(?:局|政府|委员会|委|办公室|公司|集团|学校|小学|中学|学院|医院|卫生院|"
                          r"中心|支行|分行|银行|派出所|法院|检察院|所|社区|村委会|街道办事处|办事处|党委|党组|总支|支部)$")
_TITLE_WORDS = re.compile(r"总结|汇报|报告|情况的?$")


def _is_title(line: str) -> bool:
    s = line.strip()
    return (0 < len(s) <= 60 and not s.endswith(("。", "；", "，", "：", ":"))
            and match_heading(s) is None and bool(_TITLE_CUES.search(s)))


def parse(norm: MappedText, title_hint: str | None = None) -> Outline:
    """Parse the outline of a normalised report."""
    lines = [(off, line) for off, line in norm.lines() if line.strip()]

    def raw_line(off: int) -> int:
        return norm.raw_line_col(off)[0]

    idx = 0
    title = None
    title_line = None
    if title_hint:
        title = title_hint
    elif lines and _is_title(lines[0][1]):
        title, title_line = lines[0][1].strip(), raw_line(lines[0][0])
        idx = 1
    elif len(lines) > 1 and _ISSUER_LINE.match(lines[0][1].strip()) and _is_title(lines[1][1]):
        # 临溪县人力资源和社会保障局 / 2023年…工作总结: the issuing unit's line above the title
        title, title_line = lines[1][1].strip(), raw_line(lines[1][0])
        idx = 2
    # A repeated title line (common in web copies) is not body text.
    while idx < len(lines) and title and lines[idx][1].strip() == title:
        idx += 1

    sections: list[Node] = []
    stack: list[Node] = []
    current: Node | None = None  # receives body paragraphs
    opening: Node | None = None
    end_text = len(norm.text)

    body = lines[idx:]
    heads = [match_heading(line) for _, line in body]  # each line's numbered heading, matched once
    lead, lead_style = _lead_lines(body, heads)
    # (in a report with numbered headings: an unnumbered one is read paragraph by paragraph)
    inline = _inline_leads(body, heads) if any(h is not None and h.style != "shi" for h in heads) else {}
    for (off, line), h in zip(body, heads):
        if h is None and len(line) <= PART_MAX and PART_LINE.match(line.strip()) and not _TITLE_WORDS.search(line):
            h = Heading("part", "", None, line.strip(), "")
        elif h is None and off in lead:
            h = Heading(lead_style, "", None, line.strip().rstrip("。：:"), "")
        elif h is None and off in inline:
            h = Heading("lead_sub", "", None, *inline[off])  # items under the numbered heading
        elif h is not None and h.style == "ordinal" and h.number.endswith("部分"):
            # 第一部分 主要工作开展情况: a part, above the 一、 inside it
            h = Heading("ordinal_part", h.number, h.value, h.heading, h.rest)
        if h is not None:
            rank = _rank(h.style)
            open_styles = [n.style for n in stack]
            if h.style in open_styles:
                while stack and stack[-1].style != h.style:
                    stack.pop()
                stack.pop()
            else:
                while stack and _rank(stack[-1].style) > rank:
                    stack.pop()
            node = Node("section", len(stack) + 1, h.number or None, h.heading, raw_line(off), h.style, h.value,
                        start=off)
            if h.rest:
                node.paragraphs.append(h.rest)
                node.has_rest = True
            (stack[-1].children if stack else sections).append(node)
            stack.append(node)
            current = node
            continue
        if current is None:
            if opening is None:
                opening = Node("opening", 1, None, None, raw_line(off), kind="opening", start=off)
            opening.paragraphs.append(line.strip())
            opening.end = off + len(line)
            continue
        current.paragraphs.append(line.strip())
        current.end = off + len(line)

    if not sections and opening is not None and len(opening.paragraphs) >= 3:
        opening, sections = _paragraph_sections(opening, norm, raw_line)
    # The closing: trailing paragraphs of the last section that read as a closing, or a date line.
    closing = _split_closing(sections, norm, raw_line)
    # plans laid out in the closing: only in a report with no plans section of its own (a
    # closing 今后，我们将…… after 三、下一步工作打算 is the closing)
    has_plans = any(_PART_PLANS.search(n.heading or "") for top in sections for n in top.walk())
    plans = _split_plans(closing, norm, raw_line) if closing is not None and not has_plans else None
    if closing is not None and not closing.paragraphs:
        closing = None
    sections = _split_problems(sections, norm, raw_line)
    if plans is not None:
        sections.append(plans)
    if opening is not None:
        # Addressee lines (各位领导：) belong to the opening; a title-less opening that is a
        # single short title-like line is the title.
        if title is None and len(opening.paragraphs) > 1 and _is_title(opening.paragraphs[0]):
            title = opening.paragraphs.pop(0)
            title_line = opening.line
            opening.line = raw_line(norm.text.find(opening.paragraphs[0], opening.start))
        sections.insert(0, opening)
    if closing is not None:
        sections.append(closing)
    _finish(sections, norm, end_text)
    return Outline(title, title_line, sections, norm)


UNNUMBERED_HEADING_MAX = 20


def _paragraph_sections(opening: Node, norm: MappedText, raw_line) -> tuple[Node, list[Node]]:  # noqa: ANN001
    """A report without numbered headings: the first paragraph opens, each further paragraph
    is a section; a short first sentence (加强组织领导，部署防控工作全天候。…) is its heading."""
    paras = opening.paragraphs
    new_opening = Node("opening", 1, None, None, opening.line, kind="opening", start=opening.start)
    n_open = 1
    # an addressee line (市纪委： / 各位领导：) is not the opening paragraph itself
    while n_open < len(paras) - 2 and len(paras[n_open - 1]) <= 20 and paras[n_open - 1].endswith(("：", ":")):
        n_open += 1
    new_opening.paragraphs = paras[:n_open]
    sections: list[Node] = []
    pos = opening.start
    for p in paras[:n_open]:
        pos = norm.text.find(p, pos) + len(p)
    for p in paras[n_open:]:
        off = norm.text.find(p, pos)
        pos = off + len(p)
        m = _HEAD_END.search(p)
        heading = None
        rest = p
        if m and m.start() <= UNNUMBERED_HEADING_MAX and p[m.start()] == "。" and len(_CLAUSE_END.findall(p[: m.start()])) <= 1:
            heading, rest = p[: m.start()], p[m.end():].strip()
        node = Node("section", 1, None, heading, raw_line(off), start=off, end=off + len(p),
                    lead_part="next_steps" if heading is None and _NEXT_LEAD.match(p) else None)
        node.paragraphs = [rest] if rest else []
        node.has_rest = bool(heading and rest)
        sections.append(node)
    return new_opening, sections


def _split_closing(sections: list[Node], norm: MappedText, raw_line) -> Node | None:  # noqa: ANN001
    if not sections:
        return None
    last = sections[-1]
    while last.children:
        last = last.children[-1]
    paras = last.paragraphs
    # A top-level section keeps at least its first paragraph; an item keeps the text on its line.
    first_movable = 1 if (last.level == 1 or last.has_rest) else 0
    cut = None
    for i in range(len(paras) - 1, first_movable - 1, -1):
        p = paras[i]
        if _CLOSING_CUES.search(p) or _DATE_LINE.match(p) or (
                (_RESOLVE.match(p) or (_WILL.search(p) and _RESOLVE_WORDS.search(p)))
                and len(p) <= RESOLVE_MAX and not _ENUMERATES.search(p)):
            cut = i
            continue
        # a signature line (unit name) right before a date
        if cut is not None and i == cut - 1 and len(p) <= 25 and not p.endswith("。"):
            cut = i
            continue
        break
    if cut is None or cut < first_movable:
        return None
    moved = paras[cut:]
    del paras[cut:]
    off = norm.text.find(moved[0], last.start)
    node = Node("closing", 1, None, None, raw_line(max(off, 0)), kind="closing", start=max(off, 0))
    node.paragraphs = moved
    return node


# A paragraph that turns from what was done to what is still wrong, with no heading of its
# own (同时，我们也清醒地看到，……还存在一些困难和问题：一是……): the problems part of a report that
# states its problems at the end of its review part.
PROBLEMS_LEAD = re.compile(
    r"^(?:各位代表[！!，,]\s*)?.{0,24}?(?:同时|但|当然|然而|不过|在.{1,6}成绩的同时).{0,16}?"
    r"(?:清醒|深刻|客观|也)?(?:地)?(?:看到|认识到|意识到|看出|感到)"
    r"|^(?:当前|目前|但|但是|同时|然而|不过)[，,].{0,30}?(?:仍然|仍|还|也)存在"
    r"|^.{0,30}?虽然.{0,30}?但.{0,30}?(?:还有|仍有|还存在|仍存在|存在)(?:不少|一些|较大的?|明显)?(?:差距|不足|问题|短板)"
)
PROBLEMS_WORDS = re.compile(r"问题|不足|困难|挑战|短板|差距|薄弱|不够")


def _split_plans(closing: Node, norm: MappedText, raw_line) -> Node | None:  # noqa: ANN001
    """The leading paragraphs of the closing that lay out the next period's work at length
    (_NEXT_LEAD, at least NEXT_MIN characters): taken out of the closing as a section of their
    own (all of it, when the report ends with its plans)."""
    paras = closing.paragraphs
    n = 0
    while n < len(paras) and _NEXT_LEAD.match(paras[n]) and len(paras[n]) >= NEXT_MIN:
        n += 1
    if n == 0:
        return None
    node = Node("section", 1, None, None, closing.line, start=closing.start, lead_part="next_steps")
    node.paragraphs = paras[:n]
    rest = paras[n:]
    closing.paragraphs = rest  # none left: the report ends with its plans
    if rest:
        off = norm.text.find(rest[0], closing.start)
        closing.start = max(off, 0)
        closing.line = raw_line(closing.start)
    return node


def _split_problems(sections: list[Node], norm: MappedText, raw_line) -> list[Node]:  # noqa: ANN001
    """Move the trailing paragraphs of a top-level section that start with a problems lead
    (PROBLEMS_LEAD, problems named within its first 80 characters) into a section of their
    own after it, when another top-level section follows (the review part of a long report
    ends with what is still wrong, then the plans part starts), or at the end of the last
    section unless that section is itself about problems."""
    out: list[Node] = []
    for k, node in enumerate(sections):
        out.append(node)
        if node.role != "section":
            continue
        if k + 1 < len(sections) and sections[k + 1].role != "section":
            continue
        last = node
        while last.children:
            last = last.children[-1]
        if k + 1 >= len(sections) and re.search(r"问题|不足|短板|差距|困难", last.heading or ""):
            continue  # the report's own problems part, at its end: its paragraphs stay in it
        paras = last.paragraphs
        first_movable = 1 if (last is node or last.has_rest) else 0
        cut = next((i for i in range(first_movable, len(paras))
                    if PROBLEMS_LEAD.match(paras[i]) and PROBLEMS_WORDS.search(paras[i][:80])), None)
        if cut is None:
            continue
        moved = paras[cut:]
        del paras[cut:]
        off = norm.text.find(moved[0], last.start)
        prob = Node("section", 1, None, None, raw_line(max(off, 0)), start=max(off, 0))
        prob.paragraphs = moved
        out.append(prob)
    return out


def _finish(nodes: list[Node], norm: MappedText, end_text: int) -> None:
    """Fill ``end_all`` and ``end_line`` from the order of nodes in the text."""
    flat = []
    for n in nodes:
        flat.extend(n.walk())
    flat.sort(key=lambda n: n.start)
    for i, n in enumerate(flat):
        nxt = flat[i + 1].start if i + 1 < len(flat) else end_text
        n.end = max(n.end, n.start) if n.end else nxt
        n.end = min(nxt, max(n.end, n.start))
    for n in reversed(flat):
        n.end_all = max([n.end] + [c.end_all for c in n.children])
        pos = max(n.start, n.end_all - 1)
        n.end_line = norm.raw_line_col(pos)[0]


# --- sections for classification -----------------------------------------------------------

_CONTAINER = re.compile(
    r"^(主要)?(工作)?(开展|进展|落实|推进)?(情况|做法|举措|措施|工作)$|^(主要|具体)?(工作)?(做法|举措|措施)(及|和|与)?(成效|成果|经验)?$|"
    r"^(主要)?(应对|防控)(工作)?(措施|举措|做法)$|^(基本|工作)情况$|^(主要)?工作(开展情况|成效|亮点)$|^.{0,6}(工作)?开展情况$"
)
# Sections about problems or next steps stay whole even when they have numbered items.
_KEEP_WHOLE = re.compile(r"问题|不足|困难|短板|差距|打算|下一步|下步|计划|建议|展望|思路|意见|"
                         # 三、初步成效 with 1. 2. 3.: the outcomes are one section (not 主要做法和成效)
                         r"^(?:初步|主要|取得的?|工作|阶段性|整治|建设)?(?:成效|成绩|效果)$")


@dataclass
class Section:
    """A unit of classification: the opening, a body section, or the closing.

    ``text`` is the section's lines exactly as in the normalised text (heading
    line included), so line numbers can be counted inside it.
    """

    role: str
    heading: str | None
    number: str | None
    level: int
    line: int
    text: str
    node: Node
    start: int  # offset of ``text`` in the normalised text
    # the heading whose children these are, when sections() replaced a container by its
    # children (their numbering starts again under each container: not a new part)
    container: Node | None = None
    # what its part heading says of every item in it (a container's heading: 2023年工作安排 →
    # next_steps, 存在的问题 → problems, 工作回顾 → review: work done), or None
    part: str | None = None

    @property
    def container_line(self) -> int | None:
        """The line of ``container`` (what the index stores), or None."""
        return self.container.line if self.container is not None else None


def sections(outline: Outline) -> list[Section]:
    """The sections a report is classified by.

    Top-level sections, except that a container is replaced by its children: a
    generic heading (工作开展情况、主要做法…) or an unnumbered part heading (20xx年工作安排)
    with two or more children, or any
    heading with three or more children unless it is about problems or next
    steps (those stay whole: their items are problems or plans, whatever topic).
    """
    text = outline.norm.text if outline.norm is not None else ""
    out: list[Section] = []

    def add(node: Node, end: int, container: Node | None = None, part_node: Node | None = None) -> None:
        body = text[node.start:end].strip("\n")
        part_node = part_node or container
        part = part_kind(part_node.heading, after_review) if part_node is not None else None
        out.append(Section(node.role, node.heading, node.number, node.level, node.line, body, node, node.start,
                           container, part))

    after_review = False  # a part that reviews the work done came before (工作回顾)
    for node in outline.sections:
        if node.role != "section":
            add(node, node.end_all)
            continue
        kind = part_kind(node.heading, after_review)
        after_review = after_review or kind == "review"
        heading = (node.heading or "").strip("。：:")
        # an unnumbered part heading (20xx年工作回顾) is a container, as a generic heading is
        generic = len(node.children) >= 2 and (bool(_CONTAINER.match(heading)) or
                                               (node.style in ("part", "ordinal_part") and not _KEEP_WHOLE.search(heading)))
        broad = len(node.children) >= 3 and not _KEEP_WHOLE.search(heading)
        # 存在问题及下步打算 with （一）存在问题 （二）下步打算: each item is what it says
        combined = len(node.children) >= 2 and bool(re.search(r"问题|不足", heading)) and bool(_PART_PLANS.search(heading))
        if generic or broad or combined:
            if node.own_text().strip():
                add(node, node.children[0].start, node)
            for child in node.children:
                add(child, child.end_all, node)
        else:
            # a part kept whole (下一步工作打算, 今后五年的目标任务) is its own part
            add(node, node.end_all, part_node=node if PART_LINE.match(heading) else None)
            if node.lead_part and out[-1].part is None:
                out[-1].part = node.lead_part
    return out


# What a part heading says of the items under it. Plans: the work still to do (2023年工作安排,
# 今后五年目标任务, 下一步工作打算); problems; review: the work done (工作回顾, 工作完成情况,
# 主要成效). A heading that reviews (回顾, 完成情况, 成效) is never plans.
_PART_PLANS = re.compile(r"安排|打算|计划|下一步|下步|今后|目标任务|主要任务|重点任务|重点工作|工作重点|工作任务|"
                         r"工作思路|建议|展望|努力方向")
_PART_PROBLEMS = re.compile(r"存在的(?:主要)?问题|问题(?:和|与|及)不足|不足(?:和|与|之处)|困难和问题|主要问题$")
_PART_REVIEW = re.compile(r"回顾|完成情况|开展情况|工作情况|成效|成绩|主要做法|做法(?:和|与|及)|工作总结")


_PART_AFTER_REVIEW = re.compile(r"^(?:\d{4}|20[xX×]{2}|[今明]|新的一)年.{0,6}(?:主要|重点)工作")


def part_kind(heading: str | None, after_review: bool = False) -> str | None:
    """What a part heading says of its items: next_steps, problems (the kinds they take),
    review (work done: any body kind or results) or None. ``after_review``: a part that
    reviews the work done comes before this one, so a year's 主要工作 is the year ahead
    (2024年工作回顾 …, then 2025年主要工作)."""
    h = (heading or "").strip("。：:")
    if not h:
        return None
    if _PART_PROBLEMS.search(h) or re.search(r"问题|不足", h) and _PART_PLANS.search(h):
        if _PART_PLANS.search(h):
            return None  # 存在问题及下步打算: its items say which they are
        return "problems"
    if _PART_REVIEW.search(h):
        return "review"
    if _PART_PLANS.search(h) or (after_review and _PART_AFTER_REVIEW.search(h)):
        return "next_steps"
    return None
