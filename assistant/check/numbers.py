"""Figures that do not add up: the ``numbers`` rule of ``assist check`` (also used by fill).

Four things a reader checks at once, looked for sentence by sentence in Arabic figures:

- **a total and its parts**: parts listed and then summed (``武汉返回23人，省内返回145人，
  共计380人``) must add up; parts after 其中 (``共排查120人，其中A 50人、B 80人``) must not
  add up to more than the total — unless their words show they overlap (女, 党员 …);
- **a rate and its figures**: ``排查隐患120处，整改96处，整改率85%`` — the rate's verb
  (整改) names the part, the figure before it in the same measure is the base; 96/120 is
  80%, to within the last digit written;
- **a share over 100%**: 覆盖率, 占比, 合格率 … above 100%;
- **the same quantity twice with different figures**: the same words right before a
  figure in the same measure (``共排查返乡人员120人`` … ``共排查返乡人员125人``), with no
  date, comparison or change that would explain it.

Approximate figures (余, 多, 约, 近, 超过 …) are never summed. The vocabulary (measure
words, total words, rates that cannot pass 100%, words of overlapping categories) lives in
the rule's entry in rules.yaml (:func:`builtin_options` reads it for fill). Importing this module costs only ``re``.
"""

from __future__ import annotations

import bisect
import re

from assistant.check.recache import compile as _rx  # compiled patterns kept between runs

# Words the engine needs that are no vocabulary of a report (the rest is in rules.yaml).
_FIXED: dict = {
    "approx_words": "余 多 约 近 超过 超 逾 以上 左右 上下",
    "change_words": "截至 截止 当日 当天 今日 昨日 本周 上周 本月 上月 今年 去年 上年 同比 环比 同期 较 比 增 减 新增 "
                    "减少 下降 上升 增长 提高 降低 第 首 尚 未 还 再 又 每 平均 人均 户均 最 半年 季度 计划 目标 力争 预计 "
                    "确保 争取 将 要 拟 其中 分别 不少于 不低于 至少 以上",
}
_VOCAB_KEYS = ("measures", "totals", "bounded_rates", "overlap_words", "complements", "rate_verbs")


def builtin_options() -> dict:
    """The ``numbers`` rule's vocabulary as rules.yaml gives it (for callers outside check:
    its own entry is read, not every rule)."""
    import os

    import yaml

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    start = text.find("\n- id: numbers\n")
    end = text.find("\n- id: ", start + 1)
    block = text[start:end if end >= 0 else len(text)]
    rules = yaml.load(block, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or [{}]  # noqa: S506
    return {k: rules[0][k] for k in _VOCAB_KEYS if k in rules[0]}


_CLAUSE_SPLIT = _rx(r"[，,、：:]")
# a heading starts a part of the report: 一、 / （一） / # … / a short line without a full stop
_SECTION = _rx(r"^[ \t\u3000]*(?:#|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|[^\n。；;]{1,30}$)",
                      re.M)
REPEAT_SPAN = 2000  # characters: a figure said again further away is another passage's business
_PAREN = _rx(r"[（(][^（）()\n]{0,80}[）)]")


def _words(value) -> list[str]:
    if value is None:
        return []
    return value.split() if isinstance(value, str) else [str(v) for v in value]


class Figure:
    """A figure: offsets of the number (not the measure), value, measure word, approximate?"""

    __slots__ = ("start", "end", "value", "measure", "approx", "decimals")

    def __init__(self, start: int, end: int, value: int, measure: str, approx: bool, decimals: int) -> None:
        self.start, self.end, self.value = start, end, value
        self.measure, self.approx, self.decimals = measure, approx, decimals


class Inconsistency:
    """What does not add up: shown at ``start``–``end`` (the wrong figure), made of ``spans``.
    (Plain classes: ``dataclasses`` costs check more to import than this rule's work.)"""

    __slots__ = ("kind", "start", "end", "spans", "message")

    def __init__(self, kind: str, start: int, end: int, spans: list, message: str) -> None:
        self.kind, self.start, self.end, self.spans, self.message = kind, start, end, spans, message

    @property
    def key(self) -> tuple:
        return (self.kind, self.message)


class Vocabulary:
    def __init__(self, options: Optional[Mapping] = None) -> None:
        opts = dict(_FIXED)
        opts.update({k: v for k, v in (options or {}).items() if k in _VOCAB_KEYS})
        if any(k not in opts for k in _VOCAB_KEYS):
            opts = {**builtin_options(), **opts}
        measures = sorted(set(_words(opts["measures"])), key=len, reverse=True)
        self.measures = frozenset(measures) | {"%", "％"}
        self.longest = max(map(len, self.measures))
        self.totals = sorted(_words(opts["totals"]), key=len, reverse=True)
        self.bounded = sorted(_words(opts["bounded_rates"]), key=len, reverse=True)
        self.overlap = _words(opts["overlap_words"])
        self.complements = [tuple(w.split("/")) for w in _words(opts.get("complements")) if "/" in w]
        self.rate_verbs = {}
        for w in _words(opts.get("rate_verbs")):
            stem, _, verbs = w.partition("=")
            self.rate_verbs[stem] = tuple(verbs.split("|")) if verbs else (stem,)
        self.approx = _words(opts["approx_words"])
        self.change = _words(opts["change_words"])
        self.total_rx = _rx("(?:" + "|".join(map(re.escape, self.totals)) + r")(?![享同建治青产性识赢创谋商筑护抓管用])"
                                   r"[^，,；;。\d]{0,8}$")
        self.rate_rx = _rx(
            r"(?P<stem>[\u4e00-\u9fff]{1,6}?)(?P<word>率|占比|比例)(?:为|达|达到|是|约|近)?\s*(?P<num>\d+(?:\.\d+)?)\s*[%％]")


_VOCAB: dict[int, Vocabulary] = {}


def vocabulary(options: Optional[Mapping] = None) -> Vocabulary:
    key = id(options) if options is not None else 0
    v = _VOCAB.get(key)
    if v is None:
        v = _VOCAB[key] = Vocabulary(options)
    return v


SCALE = 10000  # figures are kept as integers in ten-thousandths: sums stay exact without decimal


def _dec(text: str) -> Optional[int]:
    try:
        return round(float(text) * SCALE)
    except ValueError:
        return None


_APPROX_BEFORE = ("约", "近", "超过", "逾", "超", "大约", "将近")
_APPROX_AFTER = ("余", "多", "以上", "左右")
# words that end in 约/近/超 and say nothing approximate: 签约6200人, 节约3万元, 就近12处
_NOT_APPROX = frozenset("签约 节约 预约 制约 履约 违约 合约 公约 特约 邀约 相约 缔约 集约 附近 就近 邻近 最近 赶超".split())


_NUMBER = _rx(r"\d+(?:\.\d+)?")


def all_figures(text: str, vocab: Vocabulary) -> list[Figure]:
    """Every figure with a measure word in the text: one pass of a plain digit pattern (a
    regex with the measures in it scans several times slower), the measure looked up."""
    out = []
    measures = vocab.measures
    longest = vocab.longest
    n = len(text)
    for m in _NUMBER.finditer(text):
        s, e = m.span()
        if s and text[s - 1] in ".．":
            continue
        j = e + 1 if e < n and text[e] == " " else e
        mag = text[j] if j < n and text[j] in "万亿" else ""
        j += len(mag)
        more = text[j] if j < n and text[j] in "余多" else ""
        j += len(more)
        for k in range(longest, 0, -1):
            measure = text[j:j + k]
            if measure in measures:
                break
        else:
            continue
        num = m.group()
        v = _dec(num)
        if v is None:
            continue
        if mag:
            v *= 10000 if mag == "万" else 100000000
        before = text[max(0, s - 2):s]
        approx = bool(more) or text.startswith(_APPROX_AFTER, j + len(measure)) or \
            (before.endswith(_APPROX_BEFORE) and before not in _NOT_APPROX)
        out.append(Figure(s, e, v, "%" if measure == "％" else measure, approx,
                          len(num) - num.index(".") - 1 if "." in num else 0))
    return out


def _plain(v: float) -> str:
    """A scaled figure as written (53600000 → 5360)."""
    if abs(v) >= 100000000 * SCALE:  # 102.75亿 as a report writes it, not 10275000000
        return f"{v / SCALE / 100000000:.4f}".rstrip("0").rstrip(".") + "亿"
    s = f"{v / SCALE:.4f}".rstrip("0").rstrip(".")
    return s




def _clause_start(text: str, sent_start: int, pos: int) -> int:
    lo = max(sent_start, pos - 200)
    return max(max(text.rfind(c, lo, pos) for c in "，,、：:") + 1, lo)


_TRIGGER = _rx(r"共计|合计|总计|总共|一共|共有|其中|分别为|分别是|率|占比|比例|已|共(?![享同建治青产性识赢创谋商筑护抓管用])")
# 征求意见32条，已采纳35条: what was done to the things just counted cannot outnumber them
_DONE_PART = _rx(r"已(?:经|全部)?(?:完成|全部)?(?P<verb>整改|办结|化解|采纳|销号|答复|回复|办复|结案|处置|解决|修复|清理|改造|落实|调解)")
_ENDS = "。；;！？!?\n"


_NEXT_END = _rx(r"[。；;！？!?\n]")
_SENT_MAX = 600  # a sentence longer than this is read in a window of this size around the figure


def _sentence(text: str, pos: int) -> tuple[int, int]:
    lo = max(0, pos - _SENT_MAX)
    s0 = max(max(text.rfind(c, lo, pos) for c in _ENDS) + 1, lo)  # (rfind: a $-anchored search is quadratic)
    m = _NEXT_END.search(text, pos, pos + _SENT_MAX)
    return s0, (m.end() if m else min(len(text), pos + _SENT_MAX))


def inconsistencies(text: str, options: Optional[Mapping] = None) -> list[Inconsistency]:
    """Every place where the text's own figures do not agree (see the module docstring).

    Only what can hold a finding is looked at closely: sentences with a total word, 其中
    or a rate, and figures whose eight characters before them occur again."""
    vocab = vocabulary(options)
    out: list[Inconsistency] = []
    if not re.search(r"\d", text):
        return out
    # 1. totals and rates, sentence by sentence (a note in brackets is masked: it is no part of
    #    a list — （由退伍军人、党员组成）, （含16家旅行社）)
    last_end = -1
    for m in _TRIGGER.finditer(text):
        if m.start() < last_end:
            continue
        s0, s1 = _sentence(text, m.start())
        last_end = s1
        sent = text[s0:s1]
        if not re.search(r"\d", sent):
            continue
        masked = _PAREN.sub(lambda x: "\u3000" * len(x.group()), sent)
        figs = all_figures(masked, vocab)
        if not figs:
            continue
        found: list[Inconsistency] = []
        if len(figs) > 1:
            _sums(masked, 0, figs, vocab, found)
            if not found:
                _done_parts(masked, figs, found)
        _rates(masked, 0, len(masked), figs, vocab, found)
        for f in found:
            f.start += s0
            f.end += s0
            f.spans = [(a + s0, b + s0) for a, b in f.spans]
        out += found
    # 2. the same words before a figure twice: only figures whose last eight characters before
    #    them repeat are read closely
    windows: dict[str, list[int]] = {}
    for m in _NUMBER.finditer(text):
        s = m.start()
        if s >= 8:
            windows.setdefault(text[s - 8:s], []).append(s)
            if "现有" in text[s - 8:s]:  # 公司现有员工418人 … 公司现有员工426人: a stock, said anywhere
                windows.setdefault(text[text.rfind("现有", s - 8, s) - 2:s], []).append(s)
    starts = sorted({x for xs in windows.values() if len(xs) > 1 for x in xs})
    if starts:
        sections = [m.start() for m in _SECTION.finditer(text)]
        seen: dict[tuple, tuple[Figure, int]] = {}
        for s in starts:
            s0, s1 = _sentence(text, s)
            figs = [f for f in all_figures(text[s:s1], vocab) if f.start == 0]
            for f in figs:
                f.start += s
                f.end += s
            _repeats(text, s0, figs, vocab, seen, out, bisect.bisect_right(sections, s0))
    # 3. a change said with both figures (8600人次，较上年同期的7200人次增长25.6%): the rate must be theirs
    if "较" in text or "比" in text:
        for m in _GROWTH.finditer(text):
            _growth(text, m, vocab, out)
    if "由" in text or "从" in text:
        for m in _FROM_TO.finditer(text):
            _from_to(text, m, vocab, out)
    # 4. shares of one whole said together (分别占……的42%、35%、31%): at most 100%
    if "分别" in text:
        for m in _SHARES.finditer(text):
            _shares(text, m, out)
    # 5. an average said beside its total and its count (累计供餐14.1万人次，平均每天供餐1900人次 in 86天)
    if "平均每" in text:
        for m in _AVERAGE.finditer(text):
            _average(text, m, vocab, out)
    out.sort(key=lambda f: f.start)
    return out


# 较上年（同期）的B增长P%: the earlier figure, the direction and the rate said of the change
_GROWTH = _rx(r"(?:较|比|同比)(?:上年|去年|上一年|前一年|上期|上季度|上月|上半年)(?:同期)?的?\s*(?P<b>\d+(?:\.\d+)?)"
              r"[^，,。；;！？\d]{1,4}?[，,]?\s*(?:同比)?(?P<dir>增长|增加|上升|提高|下降|减少|降低)了?\s*(?P<p>\d+(?:\.\d+)?)\s*"
              r"(?P<u>[%％]|个百分点)")


def _growth(text: str, m: "re.Match[str]", vocab: Vocabulary, out: list[Inconsistency]) -> None:
    """The rate of 「A，较上年的B增长P%」 when A and B are figures of one measure before it in its
    sentence: P must be (A − B) / B, as rounded to the decimals it is written with."""
    s0, _ = _sentence(text, m.start())
    figs = all_figures(text[s0:m.end("p")], vocab)
    b = next((f for f in figs if f.start + s0 == m.start("b")), None)
    if b is None or b.approx or not b.value:
        return
    a = next((f for f in reversed(figs) if f.end + s0 <= m.start() and f.measure == b.measure), None)
    if a is None or a.approx:
        return
    between = text[a.end + s0:m.start()]
    if re.search(r"[。；;]|其中|分别", between) or len(between) > 12:
        return  # not the figure the change is of
    _check_change(m, s0, b, a, f"由 {_plain(a.value)}{a.measure} 和 {_plain(b.value)}{b.measure} 算得", out,
                  [(a.start + s0, a.end + s0), (b.start + s0, b.end + s0)])


def rounds_to(value: float, stated: float, decimals: int) -> bool:
    """Whether a computed rate ``value`` is the ``stated`` one, written with ``decimals``
    places (with a little slack for a writer who rounded the figures first)."""
    return abs(value - stated) <= 0.5 * 10 ** -decimals + 0.06


def _check_change(m: "re.Match[str]", s0: int, before: Figure, after: Figure, said: str,
                  out: list[Inconsistency], spans: list[tuple[int, int]]) -> None:
    """The rate P (group ``p``) of a change (group ``dir``: 增长, 下降…) from ``before`` to
    ``after`` must be theirs, as rounded to the decimals it is written with; a change the other
    way round is another sentence's business."""
    points = m.group("u") == "个百分点"
    if points != (before.measure == after.measure == "%"):
        return  # 个百分点 is a change of two rates; a rate's change in % is another sentence's
    change = (after.value - before.value) / SCALE if points else (after.value - before.value) / before.value * 100
    down = m.group("dir") in ("下降", "减少", "降低")
    p = m.group("p")
    decimals = len(p) - p.index(".") - 1 if "." in p else 0
    unit = "个百分点" if points else "%"
    if change and (change < 0) != down:
        # 较上年的9起同比下降25% where 12 is more than 9: the change is the other way
        real = "下降" if change < 0 else "增长"
        out.append(Inconsistency("growth", m.start("dir"), m.end("p"), [*spans, (m.start("dir"), m.end("p"))],
                                 f"{said}{real} {abs(change):.{max(decimals, 1)}f}{unit}，文中写的是{m.group('dir')} {p}{unit}"))
        return
    if rounds_to(abs(change), float(p), decimals):
        return
    ps, pe = m.start("p"), m.end("p")
    out.append(Inconsistency("growth", ps, pe, [*spans, (ps, pe)],
                             f"{said}{m.group('dir')} {abs(change):.1f}{unit}，文中写的是 {p}{unit}"))


# 由（上年同期的）B增至A，（同比）增长P%: the rate of the change from B to A
_FROM_TO = _rx(r"(?:由|从)[^，,。；;！？\d]{0,8}?(?P<b>\d+(?:\.\d+)?)[^，,。；;！？\d]{0,4}?"
               r"(?:增加|增长|增|提高|提升|上升|升|下降|降低|减少|降|减)(?:到|至)\s*(?P<a>\d+(?:\.\d+)?)"
               r"[^，,。；;！？\d]{0,4}?[，,]?\s*(?:同比|比上年|较上年)?(?P<dir>增长|增加|上升|提高|提升|下降|减少|降低)了?"
               r"\s*(?P<p>\d+(?:\.\d+)?)\s*(?P<u>[%％]|个百分点)")


def _from_to(text: str, m: "re.Match[str]", vocab: Vocabulary, out: list[Inconsistency]) -> None:
    """The rate of 「由B增至A，增长P%」: P must be (A − B) / B, as rounded to the decimals it is
    written with."""
    s0, _ = _sentence(text, m.start())
    figs = all_figures(text[s0:m.end("p")], vocab)
    b = next((f for f in figs if f.start + s0 == m.start("b")), None)
    a = next((f for f in figs if f.start + s0 == m.start("a")), None)
    if a is None or b is None or a.approx or b.approx or not b.value or a.measure != b.measure:
        return
    _check_change(m, s0, b, a, f"由 {_plain(b.value)}{b.measure} 到 {_plain(a.value)}{a.measure} 算得", out,
                  [(b.start + s0, b.end + s0), (a.start + s0, a.end + s0)])


# the parts of one whole named as such (三类产业面积, 第一、二、三产业增加值) and their shares of it:
# 分别占……的42%、35%、31% (shares of several wholes, 分别占全部投资的62.5%、45.4% of overlapping
# kinds or of targets, say nothing of a sum)
_SHARES = _rx(r"(?:[两二三四五六七八九十]+(?:类|大|种|项|个|部分|次)|第一、二、三|一、二、三|一二三)[^，,。；;！？\d]{0,12}?"
              r"分别占[^，,。；;！？\d]{1,16}?的\s*"
              r"(?P<list>\d+(?:\.\d+)?[%％](?:\s*[、和及与]\s*\d+(?:\.\d+)?[%％]){1,8})(?![\d.]*[%％]?以上|左右)")


def _shares(text: str, m: "re.Match[str]", out: list[Inconsistency]) -> None:
    """Shares of one whole (三类产业面积分别占全村的42%、35%、31%) add up to at most 100%, as
    rounded to the decimals they are written with."""
    if re.search(r"计划|任务|目标|指标", m.group()):
        return  # 分别占年度计划的133.3%、113.5%: how much of each plan was done, no parts of one whole
    parts = re.findall(r"\d+(?:\.\d+)?", m.group("list"))
    total = sum(float(x) for x in parts)
    slack = sum(0.5 * 10 ** -(len(x) - x.index(".") - 1 if "." in x else 0) for x in parts)
    if total <= 100 + slack + 1e-9:
        return
    out.append(Inconsistency("shares", m.start("list"), m.end("list"), [m.span("list")],
                             f"各部分占比合计 {total:g}%，超过 100%"))


_AVERAGE = _rx(r"平均每(?P<per>[\u4e00-\u9fff])[\u4e00-\u9fff]{0,8}?(?:约|近|达|为)?\s*(?P<p>\d+(?:\.\d+)?)")
_TOTAL_BEFORE = re.compile(r"(?:共计|合计|总计|累计|共|总)[^，,。；;\d]{0,8}$")
_APPROX_BEFORE_RX = re.compile(r"(?:约|近|超过|逾|左右)$")


def _average(text: str, m: "re.Match[str]", vocab: Vocabulary, out: list[Inconsistency]) -> None:
    """An average beside the total and the count it is of, in its sentence: 累计供餐14.1万人次，
    平均每天供餐1900人次 with 共供应午餐86天 must be 14.1万 / 86."""
    s0, s1 = _sentence(text, m.start())
    figs = all_figures(text[s0:s1], vocab)
    avg = next((f for f in figs if f.start + s0 == m.start("p")), None)
    if avg is None or not avg.value:
        return
    before = [f for f in figs if f.end + s0 <= m.start()]
    per = m.group("per")
    # the count: a whole number of what the average is per (86天, 214件), measure word or not
    counts = [c for c in re.finditer(r"(?<![\d.])(\d+)(?=" + re.escape(per) + ")", text[s0:m.start()])
              if not _APPROX_BEFORE_RX.search(text[s0:s0 + c.start()])]
    total = [f for f in before if f.measure == avg.measure and not f.approx
             and _TOTAL_BEFORE.search(text[s0:f.start + s0])]
    if len(counts) != 1 or len(total) != 1 or not int(counts[0].group(1)):
        return
    n, t = counts[0], total[0]
    mean = t.value / int(n.group(1))
    tolerance = 0.10 if avg.approx or text[m.start("p") - 1:m.start("p")] in ("约", "近") else 0.03
    if abs(mean - avg.value) <= max(tolerance * avg.value, 0.5 * 10 ** -avg.decimals * SCALE):
        return
    mag = text[avg.end + s0:avg.end + s0 + 1]
    scale = 10000 if mag == "万" else 100000000 if mag == "亿" else 1
    shown = f"{mean / SCALE / scale:.{max(avg.decimals, 1)}f}".rstrip("0").rstrip(".")
    out.append(Inconsistency("average", avg.start + s0, avg.end + s0,
                             [(t.start + s0, t.end + s0), (n.start() + s0, n.end() + s0), (avg.start + s0, avg.end + s0)],
                             f"总数除以{n.group(1)}{per}是每{per}约 {shown}{mag if scale > 1 else ''}{avg.measure}，"
                             f"文中写的是 {text[avg.start + s0:avg.end + s0]}{mag if scale > 1 else ''}{avg.measure}"))


def _sums(text: str, s0: int, figs: list[Figure], vocab: Vocabulary, out: list[Inconsistency]) -> None:
    counts = [f for f in figs if f.measure != "%"]
    for k, total in enumerate(counts):
        cs = _clause_start(text, s0, total.start)
        lead = text[cs:total.start]
        said_total = bool(vocab.total_rx.match(lead.lstrip()))
        if k + 1 < len(counts) and _RESPECTIVELY.match(text, total.end, counts[k + 1].start):
            # 转移群众1850人，分别为6月中旬520人、6月下旬730人…: the parts are the whole of it
            _listed_parts(text, total, counts[k + 1:], out)
            continue
        if not said_total:
            # 全年受理信访件64件，其中…: a figure that 其中 follows is a total too (unless it ends a
            # list: 引入企业11家、公司1家，其中… speaks of the whole list)
            if k + 1 < len(counts) and re.match(r"[^，,；;。]{0,4}[，,]\s*其中", text[total.end:counts[k + 1].start]) \
                    and text[cs - 1:cs] != "、" and not re.search(r"[\d%](?![年月日号时])[^，,；;。]{0,3}[，,]\s*$", text[s0:cs]):
                _sub_parts(text, total, counts[k + 1:], vocab, out)
            continue
        # parts listed before: the clauses just before, one figure each in the same measure
        parts: list[Figure] = []
        edge = cs  # the clause before this one must end with the next part
        for f in reversed(counts[:k]):
            if f.measure != total.measure:
                break
            fcs = _clause_start(text, s0, f.start)
            if vocab.total_rx.match(text[fcs:f.start].lstrip()):
                break  # another total
            if parts and _clause_start(text, s0, parts[-1].start) <= f.start:
                break  # two figures in one clause: not a plain list
            if re.search(r"[\u4e00-\u9fff\d]", re.sub(r"[余多]?" + re.escape(f.measure), "", text[f.end:edge], count=1)):
                break  # a clause without a figure between: not one list
            parts.append(f)
            edge = fcs
            if "其中" in text[fcs:f.start]:
                break
        parts.reverse()
        if len(parts) >= 2 and not total.approx and not any(p.approx for p in parts):
            sub = sum(p.value for p in parts)
            if sub != total.value:
                out.append(Inconsistency(
                    "sum", total.start, total.end, [(p.start, p.end) for p in parts] + [(total.start, total.end)],
                    f"前面各项相加是 {_plain(sub)}{total.measure}，这里写的合计是 {_plain(total.value)}{total.measure}"))
                continue
        # parts after 其中: together they cannot exceed the total
        rest = counts[k + 1:]
        after = text[total.end:rest[0].start] if rest else ""
        if not rest or "其中" not in after or re.search(r"[。；;]", after):
            continue
        _sub_parts(text, total, rest, vocab, out)


_RESPECTIVELY = _rx(r"[^，,；;。\d]{0,4}[，,：:]?\s*(?:其中)?分别(?:为|是)[：:]?")


def _listed_parts(text: str, total: Figure, rest: list[Figure], out: list[Inconsistency]) -> None:
    """A figure and the parts 分别为 lists after it (one list, 、 between, one measure): their sum
    is the figure."""
    subs: list[Figure] = []
    prev_end = None
    for f in rest:
        if f.measure != total.measure:
            break
        if subs and re.sub(r"[^、，,；;。]", "", text[subs[-1].end:f.start]) != "、":
            break
        label = text[prev_end:f.start] if prev_end is not None else text[total.end:f.start]
        if not re.search(r"[\u4e00-\u9fff]", re.sub(r"分别(?:为|是)|^[余多]?" + re.escape(f.measure), "", label)):
            return  # 分别为A、B…32.3亿元、15.5亿元: figures of things named before, not parts with names
        subs.append(f)
        prev_end = f.end
    if len(subs) < 2 or total.approx or any(p.approx for p in subs):
        return
    tail = text[subs[-1].end:subs[-1].end + len(total.measure) + 3].lstrip()
    if not re.match(r"[余多]?" + re.escape(total.measure) + r"\s*(?:$|[。；;！!\n])", tail):
        return  # the list goes on after it (，其他200份): not the whole of it
    sub = sum(p.value for p in subs)
    if sub != total.value:
        out.append(Inconsistency(
            "sum", total.start, total.end, [(total.start, total.end)] + [(p.start, p.end) for p in subs],
            f"“分别为”各项相加是 {_plain(sub)}{total.measure}，与总数 {_plain(total.value)}{total.measure} 不符"))


def _done_parts(text: str, figs: list[Figure], out: list[Inconsistency]) -> None:
    """排查隐患32处，已整改35处: a figure after 已整改 (a verb of finishing what was found) that
    is larger than the figure of the clause just before it, in the same measure."""
    for k, f in enumerate(figs):
        if k == 0 or f.measure == "%" or f.approx:
            continue
        cs = _clause_start(text, 0, f.start)
        m = _DONE_PART.search(text, cs, f.start)
        if m is None:
            continue
        base = figs[k - 1]
        if base.measure != f.measure or base.approx or base.end > cs or _clause_start(text, 0, base.start) < \
                _clause_start(text, 0, cs - 1) or re.search(r"[；;。]", text[base.end:cs]):
            continue  # only the figure of the clause just before, in the same sentence part
        if m.group("verb") in text[_clause_start(text, 0, base.start):base.start]:
            continue  # 整改12处，已整改15处: two figures of one verb are no part and whole
        if any(g.measure == f.measure for g in figs[:k - 1]) or "\u3000" in text[f.end:f.end + 4]:
            continue  # 新发现20个，遗留15个，已整改30个: of both; 35处（含上年5处）: a note says why
        if f.value > base.value:
            out.append(Inconsistency(
                "sum", f.start, f.end, [(base.start, base.end), (f.start, f.end)],
                f"已{m.group('verb')}的 {_plain(f.value)}{f.measure}多于前面的 {_plain(base.value)}{base.measure}"))


def _sub_parts(text: str, total: Figure, rest: list[Figure], vocab: Vocabulary, out: list[Inconsistency]) -> None:
    """共排查120人，其中A 70人、B 65人: the parts after 其中 cannot add up to more than the total."""
    subs: list[Figure] = []
    sep = None
    for f in rest:
        if f.measure != total.measure:
            break
        if subs:  # the list goes on with the separator it started with (、 or ，)
            gap = re.sub(r"[^、，,；;。]", "", text[subs[-1].end:f.start])
            if sep is None:
                sep = gap
            if gap != sep or not gap or gap[0] in "；;。":
                break
        subs.append(f)
    if not subs or total.approx or any(p.approx for p in subs):
        return
    words = text[total.end:subs[-1].end]
    if any(w in words for w in vocab.overlap if w != "其中"):
        return  # 女党员、少数民族党员: categories that overlap
    sub = sum(p.value for p in subs)
    said = [text[_clause_start(text, 0, p.start):p.start] for p in subs]
    whole = len(subs) >= 2 and any(all(any(w in d for d in said) for w in pair) for pair in vocab.complements)
    if whole and sub != total.value:  # 一般程序41起、简易程序17起: complementary kinds cover the total
        out.append(Inconsistency(
            "sum", total.start, total.end, [(total.start, total.end)] + [(p.start, p.end) for p in subs],
            f"“其中”各项相加是 {_plain(sub)}{total.measure}，与总数 {_plain(total.value)}{total.measure} 不符"))
    elif sub > total.value:
        last = subs[-1]
        out.append(Inconsistency(
            "sum", last.start, last.end, [(total.start, total.end)] + [(p.start, p.end) for p in subs],
            f"“其中”各项相加是 {_plain(sub)}{total.measure}，超过了总数 {_plain(total.value)}{total.measure}"))


def _rates(text: str, s0: int, s1: int, figs: list[Figure], vocab: Vocabulary, out: list[Inconsistency]) -> None:
    for m in vocab.rate_rx.finditer(text, s0, s1):
        stated = _dec(m.group("num"))
        if stated is None:
            continue
        num_start = m.start("num")
        name = m.group("stem") + m.group("word")
        rate = next((f for f in figs if f.start == num_start), None)
        stem = m.group("stem")
        bounded = next((b for b in vocab.bounded if name.endswith(b)), None)
        if bounded is None and name.endswith(("整改完成率", "整改到位率", "办结完成率", "销号完成率")):
            # 整改完成率 is the 整改率 said in full: it cannot pass 100% either (not so 化解完成率
            # of a debt plan)
            stem = stem[:-2]
            bounded = next((b for b in vocab.bounded if (stem + "率").endswith(b)), None)
        if bounded and stated > 100 * SCALE and (rate is None or not rate.approx):
            out.append(Inconsistency("share", num_start, m.end("num"), [(num_start, m.end("num"))],
                                     f"{bounded}不会超过 100%，这里写的是 {_plain(stated)}%"))
            continue
        if m.group("word") != "率" or rate is None or rate.approx:
            continue
        if not bounded and not stem.endswith(_PART_VERBS):
            continue  # only rates of a part in its whole (整改率, 合格率, 改造率 …), not 增长率
        verb = stem[-2:]
        if len(verb) < 2 or verb in ("增长", "下降", "提高", "降低", "使用", "利用", "发生", "死亡", "出生", "增幅"):
            continue
        verbs = next((v for k, v in vocab.rate_verbs.items() if stem.endswith(k)), (verb,))
        # the part: a figure before the rate in a clause that says the verb (not 不合格 for 合格率)
        part = None
        for f in reversed([f for f in figs if f.end <= m.start() and f.measure != "%"]):
            cs = _clause_start(text, s0, f.start)
            ce = _CLAUSE_SPLIT.search(text, f.end, m.start())
            clause = text[cs:f.start] + text[f.end:ce.start() if ce else m.start()]
            i = next((clause.find(v) for v in verbs if v in clause), -1)
            if i >= 0 and not (i > 0 and clause[i - 1] in "不未非"):
                part = f
                break
        if part is None or part.approx:
            continue
        base = None
        if not bounded:
            # 改造率, 完成率: the figure of the clause just before the part's, whatever its size
            # (计划投资76.95亿元，完成投资102.75亿元，完成率133.54%)
            before = [f for f in figs if f.end <= part.start and f.measure != "%"]
            prev = before[-1] if before else None
            pcs = _clause_start(text, s0, part.start)
            if prev is None or prev.measure != part.measure or prev.approx or prev.value == 0 or \
                    _clause_start(text, s0, prev.start) < _clause_start(text, s0, max(pcs - 1, s0)) or \
                    re.search(r"[；;。]", text[prev.end:pcs]):
                continue
            base = prev
        for f in ([] if base is not None else
                  reversed([f for f in figs if f.end <= part.start and f.measure == part.measure])):
            bcs = _clause_start(text, s0, f.start)
            if any(v in text[bcs:f.start] for v in verbs):
                break  # 办复建议216件、提案186件: two figures of the same verb are no part and whole
            if f.value >= part.value and not f.approx:
                base = f
                break
        if base is None or base.value == 0:
            continue
        if re.search(r"新增|新纳入|新识别", text[_clause_start(text, s0, base.start):base.start]) and \
                not re.search(r"新增|新纳入|新识别", text[_clause_start(text, s0, part.start):part.start]):
            continue  # 新增监测对象7147人、消除风险3688人: the rate may be of all, not of the new ones
        computed = part.value / base.value * 100 * SCALE
        unit = SCALE / 10 ** rate.decimals
        if abs(computed - stated) > unit + SCALE * 0.05:
            shown = round(computed / SCALE, 1) * SCALE
            out.append(Inconsistency(
                "rate", num_start, m.end("num"), [(base.start, base.end), (part.start, part.end), (num_start, m.end("num"))],
                f"{_plain(part.value)}÷{_plain(base.value)} 是 {_plain(shown)}%，这里写的{name}是 {_plain(stated)}%"))


# rates of a part done in a whole found, besides the bounded ones of rules.yaml (改造率 of
# 排查危房15户，改造12户): checked against their figures, never capped at 100% (完成率 may pass it)
_PART_VERBS = tuple("改造 完成 处理 解决 修复 清理 安置 治理 落实 验收 销号 采纳 答复 回复 办理 处置 清零 清收 化解 整治 消除".split())


_STOCK = _rx(r"^[\u4e00-\u9fff]{2,8}现有[\u4e00-\u9fff]{2,8}$")  # 公司现有员工, 全村现有党员


_LEFT_CUT = _rx(r"^(?:共计|合计|总计|累计|共有|共|一共|总共|全年|目前|现有|已|达到|达)+")


def _repeats(text: str, s0: int, figs: list[Figure], vocab: Vocabulary,
             seen: dict[tuple, tuple[Figure, int]], out: list[Inconsistency], section: int) -> None:
    """The same words right before a figure, twice in one section, with different figures."""
    for f in figs:
        if f.approx or f.measure == "%":
            continue
        cs = _clause_start(text, s0, f.start)
        left = re.sub(r"\s+", "", text[cs:f.start])
        left = _LEFT_CUT.sub("", left)
        stock = _STOCK.search(left)
        if len(re.findall(r"[\u4e00-\u9fff]", left)) < (4 if stock else 8) or re.search(r"[\dxX×*＊_“”《》]", left):
            continue
        near = text[cs:f.end + (0 if stock else 6)]  # 现有员工418人，其中…: what follows a stock is its parts
        if any(w in near for w in vocab.change) or re.search(r"\d+\s*[年月日号时]", text[s0:f.start]):
            continue
        key = (-1 if stock else section, left, f.measure)  # what a unit has now is one figure in the whole report
        prev = seen.get(key)
        if prev is None:
            seen[key] = (f, text.count("\n", 0, f.start) + 1)
            continue
        pf, line = prev
        if not stock and f.start - pf.start > REPEAT_SPAN or re.search(r"[；;]", text[pf.end:f.start]) and \
                "\n" not in text[pf.end:f.start]:  # 面向X，……；面向Y，……: parallel items
            seen[key] = (f, text.count("\n", 0, f.start) + 1)
            continue
        if pf.value != f.value:
            out.append(Inconsistency(
                "repeat", f.start, f.end, [(pf.start, pf.end), (f.start, f.end)],
                f"第 {line} 行“{left}”写的是 {_plain(pf.value)}{f.measure}，这里是 {_plain(f.value)}{f.measure}"))
