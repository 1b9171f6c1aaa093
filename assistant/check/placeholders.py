"""Find unfilled placeholders: the marks writers leave where their own facts go.

The forms and their look-alikes are described in ``shared/spec/placeholders.md``:
runs of x/X (half or full width), ×× , asterisks, underscores, ``--`` standing
alone, 某/某某 used as a blank, ○○ 〇〇 □□ ■■, and empty brackets. Real content that
looks alike (KN95, ICU, PCR, KTV, X光, URLs and e-mail addresses, 5-7天, ——,
……, 2×3, Markdown emphasis and bullets) is left alone.

Each placeholder also gets a ``kind``: what it most likely stands for
(``number``, ``date``, ``name`` or ``other``), judged from the measure word or
noun around it.

This module is used by ``assist fill`` and ``assist draft`` as well, so it is
pure (its functions have no state and do no I/O) and imports only the standard
library and ``recache`` (which reads compiled patterns from the cache folder).
"""

from __future__ import annotations

import re

from assistant.check.frozen import Frozen
from assistant.check.recache import compile as _rx

__all__ = ["Placeholder", "find_placeholders", "KINDS"]

KINDS = ("number", "date", "name", "other")


class Placeholder(Frozen):
    """One unfilled mark: ``text[start:end]`` is the mark as written.

    Immutable and hashable, compared by value (``Frozen``)."""

    __slots__ = ("start", "end", "text", "kind")
    __match_args__ = __slots__

    def __init__(self, start: int, end: int, text: str, kind: str) -> None:
        # kind: "number" | "date" | "name" | "other"
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "kind", kind)


# --- character classes -------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Letters that make up a Latin "word" around an x: ASCII, Latin with diacritics
# (pinyin glosses such as xiāng), and full-width letters and digits.
_WORD_CHARS = frozenset("".join(
    "".join(map(chr, range(lo, hi + 1))) for lo, hi in (
        (0x41, 0x5A), (0x61, 0x7A), (0x30, 0x39), (0xC0, 0x24F), (0x1E00, 0x1EFF),
        (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))))

# One scan finds every candidate; Python then judges each one in context. The
# leading look-ahead (every possible first character) makes the scan ~5x faster.
_CANDIDATES = _rx(
    r"(?=[xXｘＸ×*＊_＿\-－○〇◯□■某（(【〔《〈\[［])"
    r"(?:(?P<x>[xXｘＸ]+)"
    r"|(?P<times>×+)"
    r"|(?P<star>[*＊]+)"
    r"|(?P<under>[_＿]+)"
    r"|(?P<dash>[-－]{2,})"
    r"|(?P<circle>[○〇◯□■]+)"
    r"|(?P<mou>某+)"
    r"|(?P<bracket>[（(【〔《〈\[][ \t\u3000]*[)）】〕》〉\]])"
    f"|(?P<label>[（(][ \\t\\u3000]*[{_HAN}]{{1,8}}[ \\t\\u3000]*[:：][ \\t\\u3000]*[)）])"
    # a template's named blank: 【单位名称】 [填写日期] 【请填写负责人姓名】
    r"|(?P<field>[【\[［〔][ \t\u3000]*(?:请?(?:填写|填入|输入|补充))?(?:本?(?:单位|部门|学校|公司|企业|村|社区|镇|乡|街道|"
    r"银行|支行|医院|机构|项目|活动|会议|文件|负责人|联系人|责任人|党支部|支部))?(?:名称|全称|简称|姓名|名字|日期|时间|年份|月份|年度|"
    r"数字|数量|人数|户数|金额|数额|地点|地址|电话|联系方式|职务)[ \t\u3000]*[】\]］〕]))"
)

# URLs, e-mail addresses and domain names are never report text. Rather than
# scanning the whole text for them, the run of URL characters around each
# candidate is looked at (much faster on long reports).
_URL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&+=%")
_DOMAIN = _rx(r"[A-Za-z0-9]\.(?:com|cn|net|org|gov|edu|info|io|cc)(?![A-Za-z0-9])")

# Markdown constructs that use * and _ (only for fmt == "md").
_MD_STRONG = _rx(r"(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1")
# *强调* : at least two characters inside, not starting or ending with punctuation
# (CommonMark flanking), so *月*日 and *个,*人 stay placeholders.
_MD_PUNCT = r"\s*_,.;:!?，。、；：！？（）()《》“”"
_MD_EM = _rx(rf"(?<![*\w])([*_])(?=[^{_MD_PUNCT}])([^*_\n]{{2,}}?)(?<=[^{_MD_PUNCT}])\1(?![*_])")
_MD_CODE = _rx(r"^(```|~~~).*?^\1[^\n]*$|`[^`\n]+`", re.M | re.S)
_MD_TABLE_RULE = _rx(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_TASK = _rx(r"^[ \t]*[-*+][ \t]+\[ \]", re.M)
_MD_LINK_EMPTY = _rx(r"!?\[\]\(")

_MD_IMAGE = _rx(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)")
# 标题_第1页: the page header of a document-sharing site, not a blank before 第
_PAGE_MARK = _rx(r"[ \t\u3000]*第[ \t\u3000]*\d+[ \t\u3000]*[页頁]")
# A user name field of a document-sharing site, whose name the site masks with *: 上传人:汽***
_MASKED_NAME_LABEL = _rx(
    r"(?:上[传傳]|分享|[贡貢][献獻]|[发發][布佈])(?:人|者|用[户戶])[ \t\u3000]*[:：][ \t\u3000]*[^\s:：，。；,;*＊]{0,12}$"
    r"|(?:用[户戶]名?|[会會]员|網友|网友|昵称|暱稱)[ \t\u3000]*[:：][ \t\u3000]*[^\s:：，。；,;*＊]{0,12}$")

# A line that is only a separator (***, ---, ___, — — …) is not a blank.
_SEPARATOR_LINE = _rx(r"^[ \t\u3000]*(?:[*＊\-－_＿=~·][ \t\u3000]*){3,}$")
_BULLET = _rx(r"^[ \t\u3000]*[*＊][ \t\u3000]+", re.M)

# --- vocabulary for deciding kind and look-alikes -----------------------------

# Acronyms that may be glued to an x-run in real reports ("ktvx家" = "KTV x 家").
_KNOWN_WORDS = {
    "ktv", "icu", "pcr", "ct", "led", "app", "hr", "gdp", "cpi", "ppi", "qq", "vip",
    "suv", "atm", "pos", "wifi", "kn95", "n95", "ai", "it", "5g", "4g", "ip", "id",
}
# After a single X these are real words: X光, X射线, X线, X轴, X染色体.
_X_REAL_AFTER = ("光", "射线", "射線", "线", "線", "轴", "軸", "染色体", "染色體", "波段")
# “X”即…: a letter named in a policy's formula (1+N+X), then defined
_X_DEFINED = ("即", "为", "為", "指", "是", "代表")

_DATE_NEXT = set("年月日号號时時")
_NUMBER_NEXT = set(
    "名人个個户戶次家元万萬千亿億百余餘馀多%％份条條处處张張辆輛台臺套间間项項"
    "支所起剂劑期批轮輪天周週米吨噸座栋棟幅箱件瓶顶頂场場篇位只隻头頭亩畝斤倍例"
    "级級层層届屆段车車管组組类類种種岁歲警辅輔箱袋包双雙块塊架部辆吨"
)
_NUMBER_NEXT2 = ("小时", "小時", "公里", "公斤", "公顷", "公頃", "平方", "人次", "万人", "萬人")
_NOT_NUMBER_NEXT2 = ("人员", "人員", "人民", "人口", "人大", "人社", "所有", "部门", "部門",
                     "家属", "家屬", "家庭", "天府", "支部", "支行", "起草", "周边", "周邊",
                     "场所", "場所", "处理", "處理", "部署", "名称", "名稱", "名单", "名單")
_NAME_NEXT_MULTI = (
    "小区", "小區", "人民", "社区", "社區", "街道", "公司", "集团", "集團", "分局", "分行", "支行",
    "商务", "商務", "学院", "學院", "学校", "學校", "大学", "大學", "中学", "中學", "小学", "小學",
    "幼儿园", "幼兒園", "医院", "醫院", "卫生院", "衛生院", "事务所", "事務所", "红十字会",
    "紅十字會", "机场", "機場", "市场", "市場", "工业园", "工業園", "驾校", "駕校", "同志",
    "书记", "書記", "县长", "縣長", "市长", "市長", "镇长", "鎮長", "乡长", "鄉長", "局长",
    "局長", "主任", "领导", "領導", "总书记", "總書記", "地区", "地區", "城市", "专班",
    "專班", "党委", "黨委", "党支部", "黨支部", "总支", "總支", "支部", "中心", "单位", "單位",
    "企业", "企業", "银行", "銀行", "酒店", "宾馆", "賓館", "地市", "地籍", "班子",
)
_NAME_NEXT1 = set("县縣市区區省州乡鄉镇鎮村街路局委厅廳校院站馆館园園厂廠店行社町屯港湾灣岛島寺庙廟盟旗")
# Looked for a few characters further on: "xx配气站", "某教育总支".
_NAME_SUFFIXES = tuple(sorted(set(_NAME_NEXT_MULTI) | {
    "县", "縣", "市", "区", "區", "省", "州", "乡", "鄉", "镇", "鎮", "村", "局", "委",
    "厅", "廳", "校", "院", "站", "馆", "館", "园", "園", "厂", "廠", "公司", "集团",
}, key=len, reverse=True))
_PERSON_BEFORE = ("总经理", "總經理", "经理", "經理", "书记", "書記", "县长", "縣長", "市长",
                  "市長", "局长", "局長", "主任", "校长", "校長", "院长", "院長", "部长", "部長")
_PLACE_BEFORE = set("来來赴至从從由")
_PLACE_BEFORE2 = ("离开", "離開", "来自", "來自")
_NUMBER_BEFORE = ("共", "计", "計", "达", "達", "约", "約", "近", "超", "第", "累计", "累計",
                  "合计", "合計", "增加", "减少", "減少")

# 某 followed by these is ordinary language, not a blank: 某些, 某种, 某一 …
_MOU_REAL_AFTER = set("些种種一个個位项項方段次处處天日时時人事物类類件样樣")
_MOU_DI_NAME = set("市县縣州籍省")  # 某地市, 某地籍 … are blanks; 某地 alone is not

_CN_DIGITS = set("零一二三四五六七八九十百千两兩")
_CLOSE_QUOTES = set("”\"'』」’")
_BREAK_BEFORE_MOJIBAKE = set(" \t\r\n\u3000，。、；：,;:.!！？《》“”")


def find_placeholders(text: str, fmt: str = "txt") -> list[Placeholder]:
    """Every unfilled placeholder in ``text``, in order of position.

    ``fmt`` is the document format ("txt", "md", "docx", "html"); Markdown
    emphasis, bullets, tables and code are left alone when it is "md".
    """
    return [Placeholder(s, e, text[s:e], kind) for s, e, kind in placeholder_spans(text, fmt)]


def placeholder_spans(text: str, fmt: str = "txt") -> list[tuple[int, int, str]]:
    """``find_placeholders`` as (start, end, kind) tuples (what ``assist check`` uses:
    quicker than making a Placeholder object for each)."""
    if not text:
        return []
    skip = _skip_spans(text, fmt)
    result: list[tuple[int, int, str]] = []
    for m in _CANDIDATES.finditer(text):
        start, end = m.span()
        if skip and _inside(skip, start, end):
            continue
        group = m.lastgroup
        found = _JUDGES[group](text, start, end, fmt)
        if found and group in _URL_GROUPS and _in_url(text, start, end):
            continue  # (judged first: most candidates are turned down, and cheaply)
        for s, e in found:
            result.append((s, e, _kind(text, s, e, group)))
    return result


# --- judges: from one candidate, the placeholder spans it really holds ---------

def _in_formula(text: str, start: int, end: int) -> bool:
    """A single X joined by a plus sign to a figure or letter: 1+N+X, 5+X, X+1 (a model's
    name, not a blank)."""
    return (start > 0 and text[start - 1] in "+＋") or (end < len(text) and text[end] in "+＋")


def _judge_x(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    # Extend to the whole Latin "word" the x-run sits in.
    ws, we = start, end
    while ws > 0 and text[ws - 1] in _WORD_CHARS:
        ws -= 1
    while we < len(text) and text[we] in _WORD_CHARS:
        we += 1
    if ws == start and we == end:  # the word is nothing but x's
        if end - start == 1 and (text.startswith(_X_REAL_AFTER, end)
                                 or _between_digits(text, start, end)
                                 or _in_formula(text, start, end)
                                 or (text[end:end + 1] == "-" and _ascii_letter_at(text, end + 1))  # X-Flash
                                 or (text[start - 1:start] in "“\"‘「" and text[end:end + 1] in _CLOSE_QUOTES
                                     and text.startswith(_X_DEFINED, end + 1))):  # “X”即……
            return []
        return [(start, end)]
    before, after = text[ws:start], text[end:we]
    # "20xx年": digits then x's at the end of the word.
    if before.isdigit() and not after and before.isascii():
        if end - start == 1 and len(before) >= 3 and not before.startswith(("19", "20")) \
                and text[end:end + 1] not in _DATE_NEXT:
            return []  # “415X”, “453X”: a programme's code, not a blank
        return [(start, end)]
    # "ktvx家": a known acronym glued to the x-run (or "xxKTV").
    if not after and before.lower() in _KNOWN_WORDS:
        return [(start, end)]
    if not before and after.lower() in _KNOWN_WORDS:
        return [(start, end)]
    return []


def _judge_times(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    if end - start >= 2:
        return [(start, end)]
    if _between_digits(text, start, end):  # 2×3
        return []
    nxt = text[end:end + 1]
    if nxt and (nxt in _DATE_NEXT or nxt in _NUMBER_NEXT or nxt in _NAME_NEXT1
                or text.startswith(_NAME_NEXT_MULTI, end)):
        return [(start, end)]
    return []  # 巴渝巧姐×菜乡结绳: a "cross-over" sign between two names


def _judge_star(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    if _separator_line(text, start):
        return []
    if _masked_name(text, start):
        return []  # 上传人:汽***: a site's masked user name (web-leftover's to report)
    if end - start == 1 and _BULLET.match(text, _line_start(text, start)) \
            and text[_line_start(text, start):start].strip(" \t\u3000") == "":
        return []
    if _ascii_alnum_at(text, start - 1) and _ascii_alnum_at(text, end):
        return []  # lao****ou, 138****5678: a masked name or number
    if _between_digits(text, start, end):
        return []  # 2*3
    return [(start, end)]


def _judge_under(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    if _separator_line(text, start):
        return []
    if _ascii_alnum_at(text, start - 1) or _ascii_alnum_at(text, end):
        return []  # snake_case, report.docx_第1页, file names
    if end - start == 1 and _after_mojibake(text, start):
        return []
    if end - start == 1 and _PAGE_MARK.match(text, end):
        return []  # 工作总结_第1页: a document site's page header (web-leftover's to report)
    return [(start, end)]


def _judge_dash(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    if _separator_line(text, start):
        return []
    if fmt == "md" and _MD_TABLE_RULE.match(_line_at(text, start)):
        return []
    if _ascii_alnum_at(text, start - 1) or _ascii_alnum_at(text, end):
        return []  # --fix, a--b
    if text[max(0, start - 2):start].endswith(("<!", "!")) or text[end:end + 1] == ">":
        return []  # <!-- html comment -->, arrows
    prev = _prev_visible(text, start)
    nxt = _next_visible(text, end)
    if prev.isdigit() and nxt.isdigit():
        return []  # 5--7天 (a range)
    if end - start == 2 and _is_han(text[start - 1:start]) and _is_han(text[end:end + 1]) \
            and text[end] not in _NUMBER_NEXT and text[end] not in _NAME_NEXT1 \
            and not text.startswith(_NAME_NEXT_MULTI, end):
        return []  # 宁莞高速--潮州东联络线: a dash between two names
    return [(start, end)]


def _is_han(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def _ascii_letter_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalpha()


def _judge_circle(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    prev, nxt = text[start - 1:start], text[end:end + 1]
    mark = text[start:end]
    if "〇" in mark and (prev in _CN_DIGITS or nxt in _CN_DIGITS):
        return []  # 二〇二三年: a zero
    if end - start >= 2:
        return [(start, end)]
    if nxt and (nxt in _DATE_NEXT or nxt in _NUMBER_NEXT):
        return [(start, end)]
    return []  # a single ○ / □ is a bullet or a tick box


def _judge_mou(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    if end - start >= 2:
        return [(start, end)]  # 某某学院, 某某同志
    nxt = text[end:end + 1]
    if not nxt or nxt in _MOU_REAL_AFTER or text.startswith("部分", end):
        return []
    if nxt == "地":
        return [(start, end)] if text[end + 1:end + 2] in _MOU_DI_NAME else []
    # A name follows that ends like an organisation or a place: 某教育总支, 某县.
    window = _han_run(text, end, 8)
    for i in range(len(window)):
        if window.startswith(_NAME_SUFFIXES, i):
            return [(start, end)]
    return []


def _judge_bracket(text: str, start: int, end: int, fmt: str) -> list[tuple[int, int]]:
    if _ascii_alnum_at(text, start - 1) and text[start] in "([":
        return []  # f(), list[]
    if fmt == "md":
        line_start = _line_start(text, start)
        if text[start] == "[" and (_MD_TASK.match(text, line_start) or _MD_LINK_EMPTY.match(text, start)):
            return []
    return [(start, end)]


_JUDGES = {
    "x": _judge_x, "times": _judge_times, "star": _judge_star, "under": _judge_under,
    "dash": _judge_dash, "circle": _judge_circle, "mou": _judge_mou,
    "bracket": _judge_bracket, "label": _judge_bracket, "field": _judge_bracket,
}


# --- kind: what the mark most likely stands for --------------------------------

def _kind(text: str, start: int, end: int, group: str) -> str:
    mark = text[start:end]
    if group == "mou":
        return "name"
    if group == "field":  # 【单位名称】: the words say what goes there
        if re.search(r"日期|时间|年份|月份|年度", mark):
            return "date"
        if re.search(r"数字|数量|人数|户数|金额|数额|电话", mark):
            return "number"
        return "name"
    if group in ("bracket", "label"):
        if mark[0] == "〔":
            return "date"  # 国办发〔〕6号: the year of a document number
        if mark[0] == "《" or group == "label":
            return "name"
        return "other"
    if group == "x" and end - start >= 5:
        return "number"  # xxxxxxx: a phone number
    # What follows, skipping line breaks and one closing quote.
    pos = end
    while pos < len(text) and text[pos] in " \t\r\n\u3000":
        pos += 1
    if pos < len(text) and text[pos] in _CLOSE_QUOTES:
        pos += 1
    nxt = text[pos:pos + 1]
    if nxt in _DATE_NEXT and nxt:
        return "date"
    if text.startswith(_NAME_NEXT_MULTI, pos):
        return "name"
    if nxt.isdigit() or text.startswith(_NUMBER_NEXT2, pos):
        return "number"
    if nxt and nxt in _NUMBER_NEXT and not text.startswith(_NOT_NUMBER_NEXT2, pos):
        return "number"
    if nxt and nxt in _NAME_NEXT1:
        return "name"
    before = text[max(0, start - 4):start]
    if before.endswith(_PERSON_BEFORE):
        return "name"
    if before[-1:] in _PLACE_BEFORE or before.endswith(_PLACE_BEFORE2):
        return "name"
    window = _han_run(text, pos, 8)
    for i in range(len(window)):
        if window.startswith(_NAME_SUFFIXES, i):
            return "name"
    if before.endswith(_NUMBER_BEFORE):
        return "number"
    return "other"


# --- helpers ---------------------------------------------------------------

_URL_GROUPS = frozenset({"x", "star", "under", "dash"})


def _in_url(text: str, start: int, end: int) -> bool:
    """True if text[start:end] sits in a URL, an e-mail address or a domain name."""
    s, e = start, end
    while s > 0 and text[s - 1] in _URL_CHARS:
        s -= 1
    while e < len(text) and text[e] in _URL_CHARS:
        e += 1
    run = text[s:e]
    if "://" in run or run.startswith("www.") or _DOMAIN.search(run):
        return True
    at = run.find("@")
    return at > 0 and "." in run[at:]


def _skip_spans(text: str, fmt: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if "![" in text:  # Markdown images, or their debris in copied text: ![]() holds no blanks
        spans += [m.span() for m in _MD_IMAGE.finditer(text)]
    if fmt == "md":
        spans += [m.span() for m in _MD_CODE.finditer(text)]
        spans += [(m.start(1), m.start(2)) for m in _MD_STRONG.finditer(text)]
        spans += [(m.end(2), m.end()) for m in _MD_STRONG.finditer(text)]
        spans += [(m.start(1), m.start(2)) for m in _MD_EM.finditer(text)]
        spans += [(m.end(2), m.end()) for m in _MD_EM.finditer(text)]
    spans.sort()
    return spans


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    # spans are sorted by start; few of them, so a binary search is enough.
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][0] <= start:
            lo = mid + 1
        else:
            hi = mid
    for s, e in spans[max(0, lo - 8):lo]:
        if s <= start and end <= e:
            return True
    return False


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_at(text: str, pos: int) -> str:
    s = _line_start(text, pos)
    e = text.find("\n", pos)
    return text[s:e if e >= 0 else len(text)].rstrip("\r")


def _masked_name(text: str, pos: int) -> bool:
    """True if the stars at ``pos`` mask a user name after a site's label (上传人:汽***)."""
    line_start = max(_line_start(text, pos), pos - 24)
    return _MASKED_NAME_LABEL.search(text, line_start, pos) is not None


def _separator_line(text: str, pos: int) -> bool:
    return bool(_SEPARATOR_LINE.match(_line_at(text, pos)))


def _ascii_alnum_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


def _prev_visible(text: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000":
        i -= 1
    return text[i] if i >= 0 else ""


def _next_visible(text: str, pos: int) -> str:
    i = pos
    while i < len(text) and text[i] in " \t\u3000":
        i += 1
    return text[i] if i < len(text) else ""


def _between_digits(text: str, start: int, end: int) -> bool:
    return _prev_visible(text, start).isdigit() and _next_visible(text, end).isdigit()


def _han_run(text: str, pos: int, limit: int) -> str:
    """Up to ``limit`` Han characters starting at ``pos`` (stops at anything else)."""
    e = pos
    stop = min(len(text), pos + limit)
    while e < stop and ("\u4e00" <= text[e] <= "\u9fff" or "\u3400" <= text[e] <= "\u4dbf"
                        or "\uf900" <= text[e] <= "\ufaff"):
        e += 1
    return text[pos:e]


def _after_mojibake(text: str, pos: int) -> bool:
    """True if a '?' replacement mark stands just before ``pos`` in the same run of
    characters: the underscore is then a byte of garbled text, not a blank."""
    i = pos - 1
    stop = max(0, pos - 8)
    while i >= stop:
        ch = text[i]
        if ch == "?" or ch == "\ufffd":
            return True
        if ch in _BREAK_BEFORE_MOJIBAKE:
            return False
        i -= 1
    return False
