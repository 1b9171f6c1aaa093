"""The named Python engines behind rules that a pattern cannot express.

Every engine is ``engine(ctx, rule) -> iterable of Hit``. A ``Hit`` is the span
``(start, end)`` in the checked text, an optional ``detail`` for the rule's
message, an optional placeholder ``kind`` and optional certain ``edits``
``((start, end, replacement), ...)`` for ``--fix``. Engines never decide
severity, exceptions or suppression: the rule runner does that.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Iterable, Iterator, NamedTuple, Optional

from assistant.check.findings import KIND_LABELS
from assistant.check.recache import compile as _rx


class Hit(NamedTuple):
    start: int
    end: int
    detail: str = ""
    kind: Optional[str] = None
    edits: tuple = ()


class Context:
    """The text being checked, with what several engines need, computed once."""

    def __init__(self, text: str, fmt: str = "txt") -> None:
        self.text = text
        self.fmt = fmt
        self._line_starts: Optional[list[int]] = None

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        idx = bisect.bisect_right(self.line_starts, offset) - 1
        return idx + 1, offset - self.line_starts[idx] + 1

    def lines(self) -> Iterator[tuple[int, str]]:
        """(offset, line without its line break) for every line."""
        text = self.text
        starts = self.line_starts
        for k, s in enumerate(starts):
            e = starts[k + 1] - 1 if k + 1 < len(starts) else len(text)
            yield s, text[s:e].rstrip("\r")


EngineFn = Callable[[Context, object], Iterable[Hit]]
ENGINES: dict[str, EngineFn] = {}


def engine(name: str) -> Callable[[EngineFn], EngineFn]:
    def register(fn: EngineFn) -> EngineFn:
        ENGINES[name] = fn
        return fn
    return register


# --- data engines -----------------------------------------------------------

@engine("regex")
def regex_engine(ctx: Context, rule) -> Iterator[Hit]:
    """``pattern`` may be a list: each item is its own regex (an item that starts
    with a literal is searched much faster than one long alternation)."""
    template = rule.fix
    constant = template is not None and "\\" not in template
    for rx in rule.compiled:
        for m in rx.finditer(ctx.text):
            s, e = m.span()
            if s == e:
                continue
            if template is None:
                yield Hit(s, e)
            else:
                yield Hit(s, e, edits=((s, e, template if constant else m.expand(template)),))


@engine("words")
def words_engine(ctx: Context, rule) -> Iterator[Hit]:
    for m in rule.compiled.finditer(ctx.text):
        yield Hit(m.start(), m.end())


# --- placeholders -------------------------------------------------------------

@engine("placeholder")
def placeholder_engine(ctx: Context, rule) -> Iterator[Hit]:
    from assistant.check.placeholders import find_placeholders

    for ph in find_placeholders(ctx.text, ctx.fmt):
        yield Hit(ph.start, ph.end, KIND_LABELS.get(ph.kind, ""), ph.kind)


# --- half-width punctuation in Chinese -----------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_BEFORE = f"{_HAN}）》”」』】"
_AFTER = f"{_HAN}（《“「『【"
# Each pattern starts with a plain character, so the regex engine can skip
# quickly through the text; the look-behind then checks the Chinese before it.
_PUNCT = _rx(f"[,;:?!](?<=[{_BEFORE}][,;:?!])[ \\t]*(?=[{_AFTER}])")
_PUNCT_SPACED = _rx(f"[ \\t](?<=[{_BEFORE}][ \\t])[ \\t]*[,;:?!][ \\t]*(?=[{_AFTER}])")
_PARENS = _rx(f"\\(([^()\\n]{{0,200}}?[{_HAN}][^()\\n]{{0,200}}?)\\)")


@engine("punctuation")
def punctuation_engine(ctx: Context, rule) -> Iterator[Hit]:
    text = ctx.text
    for rx in (_PUNCT, _PUNCT_SPACED):
        for m in rx.finditer(text):
            s, e = m.span()
            p = s if rx is _PUNCT else s + len(m.group()) - len(m.group().lstrip(" \t"))
            full = _FULL[text[p]]
            yield Hit(p, p + 1, full, edits=((s, e, full),))
    for m in _PARENS.finditer(text):
        s, e = m.span()
        if s > 0 and text[s - 1].isascii() and text[s - 1].isalnum():
            continue  # f(参数): code, not prose
        yield Hit(s, e, "（…）", edits=((s, s + 1, "（"), (e - 1, e, "）")))


# --- traditional characters -----------------------------------------------------

@engine("traditional")
def traditional_engine(ctx: Context, rule) -> Iterator[Hit]:
    from assistant.check import tradchars

    suspects = tradchars.suspects(ctx.text)
    if not suspects:
        return
    convert = tradchars.converter()
    starts = ctx.line_starts
    text = ctx.text
    if len(suspects) > 30:  # a traditional text: convert it all in one call
        wanted = range(len(starts))
    else:  # a few stray characters: convert only their lines
        rx = re.compile("[" + re.escape("".join(sorted(suspects))) + "]")
        wanted = sorted({bisect.bisect_right(starts, m.start()) - 1 for m in rx.finditer(text)})
    spans = [(starts[i], starts[i + 1] - 1 if i + 1 < len(starts) else len(text)) for i in wanted]
    lines = [text[s:e] for s, e in spans]
    converted = convert("\n".join(lines)).split("\n")  # OpenCC keeps line breaks
    if len(converted) != len(lines):  # not expected; be safe
        converted = [convert(line) for line in lines]
    for (ls, _), line, conv in zip(spans, lines, converted):
        if conv == line:
            continue
        found = _diff_summary(line, conv)
        if found is None:
            continue
        first, last, pairs = found
        shown = "，".join(pairs[:6]) + ("……" if len(pairs) > 6 else "")
        yield Hit(ls + first, ls + last, f"应改为简体（{shown}）")


def _diff_summary(old: str, new: str) -> Optional[tuple[int, int, list[str]]]:
    """Where a conversion changed ``old``: first offset, end of the last change,
    and up to 7 distinct changes such as "關→关". Stops early on long lines."""
    pairs: dict[str, None] = {}
    if len(old) != len(new):
        import difflib

        ops = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
               if op[0] != "equal" and op[2] > op[1]]
        if not ops:
            return None
        for _, i1, i2, j1, j2 in ops[:7]:
            pairs.setdefault(f"{old[i1:i2]}→{new[j1:j2]}")
        return ops[0][1], ops[-1][2], list(pairs)
    n = len(old)
    i = 0
    while i < n and old[i] == new[i]:
        i += 1
    if i == n:
        return None
    j = n
    while old[j - 1] == new[j - 1]:
        j -= 1
    k = i
    while k < j and len(pairs) < 7:
        if old[k] != new[k]:
            pairs.setdefault(f"{old[k]}→{new[k]}")
        k += 1
    return i, j, list(pairs)


# --- the same sentence twice --------------------------------------------------------

_SENTENCE = _rx(r"[^。！？!?\n]+[。！？!?]*")
_SPACES = _rx(r"[\s\u3000]+")


@engine("duplicate-sentence")
def duplicate_sentence_engine(ctx: Context, rule) -> Iterator[Hit]:
    """A sentence (at least ``min_chars`` Chinese characters) seen before."""
    min_chars = int(rule.options.get("min_chars", 12))
    seen: dict[str, int] = {}
    for m in _SENTENCE.finditer(ctx.text):
        sentence = m.group()
        if len(sentence) < min_chars:
            continue
        key = sentence.strip()
        if " " in key or "\t" in key or "\u3000" in key:
            key = _SPACES.sub("", key)
        key = key.rstrip("。！？!?")
        if len(key) - len(key.encode("ascii", "ignore")) < min_chars:
            continue  # fewer than min_chars non-ASCII (Chinese) characters
        s = m.start() + (len(sentence) - len(sentence.lstrip()))
        first = seen.setdefault(key, s)
        if first != s:
            yield Hit(s, m.start() + len(sentence.rstrip()), str(ctx.line_col(first)[0]))


# --- numbering of headings and enumerations ------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_SP = "[ \\t\\u3000]*"
_LEVELS = (
    (1, _rx(f"^{_SP}([{_CN_NUM}]{{1,3}})([、．.])")),
    (2, _rx(f"^{_SP}([（(])([{_CN_NUM}]{{1,3}})[）)]")),
    (3, _rx(f"^{_SP}(\\d{{1,2}})([、．.])(?![\\d.．])")),
    (4, _rx(f"^{_SP}[（(](\\d{{1,2}})[）)]|^{_SP}(\\d{{1,2}})[)）]")),
)
_HEADING_START = _rx(f"^{_SP}[{_CN_NUM}（(0-9]", re.M)  # lines that may start with a number
_ENUM = _rx(f"([{_CN_NUM}])([是要])(?![是要])")
_ENUM_BEFORE = set(" \t\r\n\u3000。；;，,：:！？!?（(、“")


def _cn_int(s: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(s, 0)


def _cn_str(n: int) -> str:
    if n <= 10:
        return "零一二三四五六七八九十"[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _cn_str(tens)) + "十" + ("" if ones == 0 else _cn_str(ones))


def _heading(line: str):
    """(level, number, separator, marker end) if ``line`` starts with a numbered heading."""
    for level, rx in _LEVELS:
        m = rx.match(line)
        if not m:
            continue
        if level == 1:
            return level, _cn_int(m.group(1)), m.group(2), m.end()
        if level == 2:
            return level, _cn_int(m.group(2)), "（", m.end()
        if level == 3:
            return level, int(m.group(1)), m.group(2).replace("．", "."), m.end()
        return level, int(m.group(1) or m.group(2)), ")", m.end()
    return None


def _marker(level: int, n: int, sep: str) -> str:
    if level == 1:
        return f"{_cn_str(n)}、"
    if level == 2:
        return f"（{_cn_str(n)}）"
    if level == 3:
        return f"{n}{sep}"
    return f"（{n}）"


@engine("numbering")
def numbering_engine(ctx: Context, rule) -> Iterator[Hit]:
    last: dict[int, Optional[int]] = {1: None, 2: None, 3: None, 4: None}
    group_sep: Optional[str] = None
    first_at: dict[int, tuple[int, int]] = {}
    heading_offsets: list[int] = []
    text = ctx.text
    for m in _HEADING_START.finditer(text):
        offset = m.start()
        end = text.find("\n", offset)
        line = text[offset:end if end >= 0 else len(text)].rstrip("\r")
        h = _heading(line)
        if h is None:
            continue
        level, n, sep, mend = h
        lead = len(line) - len(line.lstrip(" \t\u3000"))
        s, e = offset + lead, offset + mend
        if level <= 2:
            heading_offsets.append(offset)
        first_at.setdefault(level, (s, e))
        prev = last[level]
        if prev is not None and n != 1 and n != prev + 1:
            here, before = _marker(level, n, sep), _marker(level, prev, sep)
            if n > prev + 1:
                missing = "、".join(f"“{_marker(level, k, sep)}”" for k in range(prev + 1, n))
                yield Hit(s, e, f"“{before}”之后是“{here}”，跳过了{missing}")
            elif n == prev:
                yield Hit(s, e, f"编号“{here}”重复")
            else:
                yield Hit(s, e, f"编号顺序错乱：“{before}”之后是“{here}”")
        if level == 3:
            if n == 1 or prev is None:
                group_sep = sep
            elif group_sep is not None and sep != group_sep:
                yield Hit(s, e, f"同一级编号混用“{n}{group_sep}”和“{n}{sep}”两种写法")
        last[level] = n
        for deeper in range(level + 1, 5):
            last[deeper] = None
        if level < 3:
            group_sep = None
    if 1 in first_at and 2 in first_at and first_at[2][0] < first_at[1][0]:
        s, e = first_at[2]
        yield Hit(s, e, "“（一）”级标题出现在任何“一、”级标题之前（层级颠倒或缺少一级标题）")
    yield from _enumerations(ctx, heading_offsets)


def _enumerations(ctx: Context, heading_offsets: list[int]) -> Iterator[Hit]:
    """一是……二是……: a lone 一是, or a skipped number."""
    for verb in "是要":
        group: list[tuple[int, int]] = []  # (number, offset)

        def close(g: list[tuple[int, int]]) -> Iterator[Hit]:
            if len(g) == 1 and g[0][0] == 1:
                s = g[0][1]
                yield Hit(s, s + 2, f"有“一{verb}”却没有“二{verb}”")

        for m in _ENUM.finditer(ctx.text):
            if m.group(2) != verb:
                continue
            b = m.start()
            if b > 0 and ctx.text[b - 1] not in _ENUM_BEFORE:
                continue  # 统一是, 唯一是: not an enumeration
            n, s = _cn_int(m.group(1)), m.start(1)
            if group:
                prev_n, prev_s = group[-1]
                k = bisect.bisect_right(heading_offsets, prev_s)
                crossed = k < len(heading_offsets) and heading_offsets[k] <= s
                if n == 1 or crossed:
                    yield from close(group)
                    group = []
                elif n != prev_n + 1:
                    if n > prev_n + 1:
                        missing = "、".join(f"“{_cn_str(k)}{verb}”" for k in range(prev_n + 1, n))
                        yield Hit(s, s + 2, f"“{_cn_str(prev_n)}{verb}”之后是“{_cn_str(n)}{verb}”，跳过了{missing}")
                    else:
                        yield Hit(s, s + 2, f"编号顺序错乱：“{_cn_str(prev_n)}{verb}”之后是“{_cn_str(n)}{verb}”")
            if group or n == 1:
                group.append((n, s))
        yield from close(group)
