"""Making a corpus sentence reusable: figures become ``xx``, local names ``××``.

Part-of-speech tags from jieba (ns place, nr person, nt organisation) find the
names; places that are part of the common story (武汉, 湖北, 全国…) and the
administrative suffix of a local name (新江镇 → ××镇) are kept. Arabic
figures become placeholders of the form ``assist check`` knows (xx名, x月x日,
20xx年), except stock figures of the phrasing itself (24小时, 100%).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, compress, count
from typing import Iterable, Sequence

from assistant import segment

KEEP_NAMES = {
    "武汉", "湖北", "中国", "全国", "国家", "中央", "党中央", "国务院", "中华", "中华人民共和国", "省委", "省政府",
    "市委", "市政府", "县委", "县政府", "区委", "区政府", "镇党委", "镇政府", "乡党委", "乡政府", "党委", "政府",
    "上海", "北京", "吉林", "境外", "国外", "疫区", "湖北省", "武汉市", "新冠", "新型冠状病毒", "人民", "群众",
    "居民", "村民", "村委", "居委", "社区", "街道", "乡镇", "村", "镇", "县", "市", "区", "省", "乡",
    "卫健委", "疾控中心", "卫生院", "派出所", "公安局", "教育局", "市场监管局", "人民政府",
}
ADMIN_SUFFIX = re.compile(r"(省|市|县|区|镇|乡|村|街道|社区|小区|街|路|组|屯|寨|场|站|局|委|所|院|校|学校|中学|小学|幼儿园|医院|银行|支行|分行|公司|集团)$")
NAME_TAGS = {"ns", "nr", "nrt", "nrfg", "nt", "nz"}
_DIGIT = re.compile(r"\d")
_FIGURE = re.compile(r"\d+(?:[.,，]\d+)*")
_STOCK = re.compile(r"^(24小时|100%|100％|1米|一米)$")
_STOCK_BEFORE = ("消毒液",)  # 84消毒液 is a product name, not a figure
_PLACEHOLDER = "xx"


_YEAR = re.compile(r"(19|20)\d\d")
_DAY = re.compile(r"\d{1,2}")
_DIGITS = re.compile(r"\d+")


def _figure(token: str, nxt: str) -> str:
    """Replace Arabic figures inside ``token`` given the token after it."""
    if _STOCK.match(token + (nxt[:2] if nxt.startswith("小时") else "")) or (token == "24" and nxt.startswith("小时")):
        return token
    if token == "84" and nxt.startswith(_STOCK_BEFORE) or token.startswith("84消毒"):
        return token
    if token in ("100", "100%") and nxt.startswith(("%", "％")) or token in ("100%", "100％"):
        return token
    if _YEAR.fullmatch(token) and nxt.startswith("年"):
        return "20xx"
    if nxt.startswith(("月", "日", "时", "号")) and _DAY.fullmatch(token):
        return "x"
    return _FIGURE.sub(_PLACEHOLDER, token)


# _figure looks at no more than this many characters of the next token (小时, 消毒液…), so
# its answers can be kept for (token, start of the next token)
NEXT_CHARS = max(map(len, ("小时", "%", "年", "月", *_STOCK_BEFORE)))
_figure_of = lru_cache(maxsize=1 << 16)(_figure)

_NAME_RUN = re.compile(r"(××)+")


def _fold_names(text: str) -> str:
    """Runs like "××××" that adjacent names leave, as one ××."""
    return _NAME_RUN.sub("××", text) if "××××" in text else text


def _digit_words(text: str, words: Sequence[str]) -> Iterable[int]:
    """Indices of the words that hold a digit, in order (``_DIGIT.search(word)``)."""
    if "".join(words) != text:
        return [i for i, w in enumerate(words) if not w.isalpha() and _DIGIT.search(w)]
    # the words join into the text: find the digit runs in the text, then their words
    ends = list(accumulate(map(len, words)))
    out: list[int] = []
    for m in _DIGITS.finditer(text):
        first = bisect_right(ends, m.start())
        last = bisect_right(ends, m.end() - 1)
        if out and out[-1] >= first:
            first = out[-1] + 1
        out.extend(range(first, last + 1))
    return out


def neutralize_words(text: str, words: list[str], names: dict[str, str], figures: set[str]) -> str:
    """``neutralize(text, pairs)`` where ``words``, the words of ``pairs``, join into
    ``text`` (whitespace tokens left out), ``names`` maps each of them that is a local
    name to its replacement (``local_name(word, tag)`` for its tag; a word that is not in
    ``names`` is not one) and ``figures`` holds those of them that have a digit.

    A word's replacement depends on the word and its tag alone, so a table of them
    serves every sentence; a word with a figure is a figure, whatever its tag.
    """
    if not words:
        return ""
    if not figures.isdisjoint(words):
        out = list(words) if names.keys().isdisjoint(words) else list(map(names.get, words, words))
        last = len(words) - 1
        for i in compress(count(), map(figures.__contains__, words)):
            out[i] = _figure_of(words[i], words[i + 1][:NEXT_CHARS] if i < last else "")
        text = "".join(out)
    elif names.keys().isdisjoint(words):
        text = "".join(words)
    else:
        text = "".join(map(names.get, words, words))
    return _fold_names(text)


def neutralize(text: str, tagged: list[tuple[str, str]] | None = None) -> str:
    """The sentence with its own facts replaced by placeholders."""
    pairs = tagged if tagged is not None else segment.tag(text)
    if not pairs:
        return ""
    words, tags = zip(*pairs)
    has_digit = _DIGIT.search(text) is not None  # the words are those of ``text``
    has_name = not NAME_TAGS.isdisjoint(tags)
    if not has_digit and not has_name:  # nothing to replace (most sentences)
        text = "".join(words)
        return _fold_names(text)
    out = list(words)
    last = len(words) - 1
    figures: set[int] = set()
    if has_digit:
        for i in _digit_words(text, words):
            out[i] = _figure(words[i], words[i + 1] if i < last else "")
            figures.add(i)
    if has_name:
        for i in compress(count(), map(NAME_TAGS.__contains__, tags)):
            if i not in figures:
                w = words[i]
                name = local_name(w, tags[i])
                if name is not None:
                    out[i] = name
    text = "".join(out)
    return _fold_names(text)


# Words jieba tags as names that are ordinary words in these reports.
_NOT_NAMES = {"周密", "马上", "高度", "常态", "严格", "全面", "联防", "联控", "网格", "春节", "元宵", "清明",
              "新春", "党员", "干部", "书记", "镇长", "县长", "市长", "主任", "同志", "老师", "医生", "护士",
              "武汉市", "湖北省", "新冠肺炎", "肺炎", "冠状病毒", "核酸", "口罩", "中共", "共产党", "中国共产党",
              "公安", "民警", "交警", "卫健", "卫健局", "教体局", "教育", "疾控", "防控办", "指挥部", "领导小组",
              "金融", "人民银行", "银行", "农商行", "信用社", "国有", "海关", "边检", "铁路", "民航", "高铁",
              "朋友圈", "微信", "微信群", "抖音", "钉钉", "QQ", "qq",
              # ordinary words jieba tags as names in this corpus (counted on the shipped reports)
              "师生", "张贴", "普及", "安保", "上门", "党组织", "关怀", "文明", "施策", "齐全", "严峻性",
              "安全感", "大型超市", "超市", "公共场所", "场所", "党委会", "农贸市场", "集贸市场"}


# Common surnames: a word tagged as a person name must start with one (jieba's HMM tags
# many unknown words nr, e.g. 通知书).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
    "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
    "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲"
    "虞敖巩明佘池查麻苑迟邝荀"
)


def local_name(word: str, tag: str) -> str | None:
    """What ``neutralize`` puts for ``word`` (a word without figures) tagged ``tag``: ×× and
    the word's administrative suffix if it is a local name (新江镇 → ××镇), else None."""
    if tag not in NAME_TAGS or word in KEEP_NAMES or len(word) < 2 or not _looks_local(word, tag):
        return None
    m = ADMIN_SUFFIX.search(word)
    return "××" + (m.group(1) if m and len(word) > len(m.group(1)) else "")


def _looks_local(word: str, tag: str) -> bool:
    if word in _NOT_NAMES:
        return False
    if tag in ("nr", "nrt", "nrfg") and not (word[0] in _SURNAMES and 2 <= len(word) <= 3):
        return False
    if tag == "nz" and not ADMIN_SUFFIX.search(word):
        return False  # nz (other proper noun) is mostly terms; only local bodies go
    return True
