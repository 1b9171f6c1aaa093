"""Clean a report as written into normalised text, keeping the way back.

Reports reach us copied from web pages, converted from PDF or Word, sometimes in
traditional characters. ``normalize`` turns such a text into the form every
other part of the program works on:

* one paragraph per line, no empty lines, no leading or trailing spaces;
* every heading (一、 （一） (一) 1、 1. （1） 第一， a title, 篇一) starts its own line;
  a heading that runs on into its paragraph (一、加强领导。接到通知后…) stays one line;
* site navigation, ads, download prompts, copyright and URL lines, uploader
  headers and page markers removed (patterns in ``webnoise.yaml``);
* lines hard-wrapped by a PDF conversion joined again, real paragraph breaks kept;
* traditional characters converted with OpenCC ``hk2s``, pinyin glosses left by
  a bad conversion (關(guān)) dropped, spaces inside words removed, ASCII
  punctuation inside Chinese text turned into full-width punctuation.

Placeholders (xx, ***, __, （  ）…) are kept exactly as they are.

The result is a :class:`~assistant.textmap.MappedText`: every character of the
normalised text knows the raw offset it came from, so line and column numbers
can always be given for the file as written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assistant.textmap import MappedText

_DATA = Path(__file__).with_name("webnoise.yaml")

# --- character classes ---------------------------------------------------
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULLPUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
_HAN_RX = re.compile(f"[{_HAN}]")
_SPACE = " \t\u3000\u00a0\u2002\u2003\u2009"

_CN = "一二三四五六七八九十"
# Heading markers at the start of a line (ASCII and full-width variants).
MARK_BIG = rf"[{_CN}]{{1,3}}[、.．](?!\d)"
MARK_PAREN_CN = rf"[（(][{_CN}]{{1,3}}[）)]"
MARK_NUM = r"\d{1,2}(?:[、．]|\.(?!\d)|[）)])"
MARK_PAREN_NUM = r"[（(]\d{1,2}[）)]"
MARK_ORD = rf"第[{_CN}]{{1,3}}(?:[、，,：:]|部分|章|节|条)"
MARK_SHI = rf"[{_CN}]{{1,2}}是"

HEADING_START = re.compile(rf"^(?:{MARK_BIG}|{MARK_PAREN_CN}|{MARK_NUM}|{MARK_PAREN_NUM}|{MARK_ORD})")
LIST_START = re.compile(rf"^{MARK_SHI}")
# A title line: short, no sentence punctuation, ends like a report title.
TITLE_LINE = re.compile(
    rf"^(?!{MARK_BIG}|{MARK_PAREN_CN}|{MARK_NUM}|{MARK_PAREN_NUM})"
    r"[^。！？；，：!?;:]{4,60}(?:汇报|报告|总结|情况|材料)(?:[（(][^）)]{1,20}[）)])?"
    rf"(?:篇[{_CN}]{{1,3}})?$"
)
PIAN_TITLE = re.compile(rf"^(?P<title>.{{2,60}}?)篇(?P<num>[{_CN}]{{1,3}})$")
COMPILATION_TITLE = re.compile(rf"(?:\d{{1,3}}|[{_CN}]{{1,3}})篇(?:精选|范文|汇编|合集)?$|(?:精选|汇编|合集)(?:\d+篇)?$")

# Where a heading glued into a flattened paragraph is cut out onto its own line.
# (each pattern starts with a plain character class: a leading look-behind would
# make Python's engine try every position and is much slower)
_INLINE_BIG = re.compile(rf"[。！？：；](?={MARK_PAREN_CN}|[{_CN}]{{1,3}}、)")
_INLINE_SMALL = re.compile(rf"[。！？](?={MARK_NUM}|{MARK_PAREN_NUM}|{MARK_ORD})")
_INLINE_SHI = re.compile(rf"[。！？](?={MARK_SHI})")
# A heading immediately followed by its first sub-heading, with no punctuation between.
_SUBHEAD = re.compile(
    rf"^(?:{MARK_BIG}|{MARK_PAREN_CN})[^。，；：！？,;:]{{2,30}}?(?=一是|[（(]一[）)]|[（(]1[）)]|1[、．.](?!\d))"
)

_SENT_END = "。！？!?…"
_TERMINAL = set("。！？!?；;：:…")
_GLOSS = re.compile(
    rf"[(（](?<=[{_HAN}][(（])(?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{{1,7}}[)）]"
)
_FILENAME_LINE = re.compile(r"^《?(?P<name>[^《》\n]{4,240}?)\.(?:docx?|wps|pdf)(?:》.*|_第\d+页)?$", re.I)
_PAGE_CHUNK = re.compile(r"^(\d{1,3})、")
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)")


@dataclass
class _Rules:
    noise: _PatternSet
    noise_short: _PatternSet
    end: _PatternSet
    truncation: _PatternSet
    repairs: dict[str, str]
    repair_rx: re.Pattern[str] | None
    repairs_regex: list[tuple[re.Pattern[str], str]]
    section_split: re.Pattern[str] | None
    zhu_keep: frozenset[str] = field(default_factory=frozenset)


class _PatternSet:
    """Several regular expressions searched as two alternations: anchored (^…) and free.

    Case-sensitive on purpose: re.IGNORECASE makes Python's engine give up its
    fast scan for the first character and is ten times slower on Chinese text
    (write [Cc]opyright where case matters).
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        pats = [str(p) for p in patterns if p]
        anchored = [p for p in pats if p.startswith("^")]
        free = [p for p in pats if not p.startswith("^")]
        self.anchored = re.compile("|".join(f"(?:{p})" for p in anchored)) if anchored else None
        self.free = re.compile("|".join(f"(?:{p})" for p in free)) if free else None

    def search(self, text: str) -> bool:
        return bool((self.anchored is not None and self.anchored.match(text))
                    or (self.free is not None and self.free.search(text)))


@functools.lru_cache(maxsize=1)
def rules() -> _Rules:
    """The cleaning patterns of ``webnoise.yaml``, compiled once per process."""
    from assistant.yamlfile import safe_load  # lazy

    data = safe_load(_DATA.read_text(encoding="utf-8")) or {}
    repairs = {str(k): str(v) for k, v in (data.get("repairs") or {}).items()}
    repair_rx = (re.compile("|".join(re.escape(k) for k in sorted(repairs, key=len, reverse=True)))
                 if repairs else None)
    sections = data.get("section_titles") or []
    section_split = None
    if sections:
        alts = "|".join(re.escape(s) for s in sorted(sections, key=len, reverse=True))
        # 二、存在的问题常态化疫情防控是… → cut after the phrase
        section_split = re.compile(
            rf"^(?:[{_CN}]{{1,3}}、)(?:{alts})(?=[{_HAN}])(?![及和与的等])"
        )
    keep = [str(w) for w in data.get("zhu_keep") or []]
    return _Rules(
        noise=_PatternSet(data.get("noise_lines") or []),
        noise_short=_PatternSet(data.get("noise_short") or []),
        end=_PatternSet(data.get("end_markers") or []),
        truncation=_PatternSet(data.get("truncation_markers") or []),
        repairs=repairs,
        repair_rx=repair_rx,
        repairs_regex=[(re.compile(p), r) for p, r in data.get("repairs_regex") or []],
        section_split=section_split,
        zhu_keep=frozenset(keep),
    )


@functools.lru_cache(maxsize=1)
def _opencc() -> Callable[[str], str]:
    import opencc  # lazy

    try:
        return opencc.OpenCC("hk2s").convert
    except Exception:  # some builds want the file name
        return opencc.OpenCC("hk2s.json").convert


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC ``hk2s`` (``t2s`` misses 衞 and friends)."""
    return _opencc()(text)


# --- small MappedText helpers ---------------------------------------------
def _sub(mt: MappedText, rx: re.Pattern[str], repl) -> MappedText:  # noqa: ANN001
    if not rx.search(mt.text):
        return mt
    if isinstance(repl, str) and "\\" not in repl:
        fixed = repl
        repl = lambda m: fixed  # noqa: E731  (skips re's template expansion)
    return mt.sub(rx, repl)


def _cat(parts: list[MappedText]) -> MappedText:
    """Concatenate pieces of the same raw text."""
    if len(parts) == 1:
        return parts[0]
    origin: list[int] = []
    for p in parts:
        origin.extend(p.origin[:-1])
    origin.append(parts[-1].origin[-1])
    return MappedText(parts[0].raw, "".join(p.text for p in parts), origin)


def _strip(mt: MappedText) -> MappedText:
    t = mt.text
    s = len(t) - len(t.lstrip(_SPACE + "\r\n\u200b"))
    e = len(t.rstrip(_SPACE + "\r\n\u200b"))
    if s == 0 and e == len(t):
        return mt
    if e <= s:
        return mt.slice(s, s)
    return mt.slice(s, e)


def _split_at(mt: MappedText, cuts: list[int]) -> list[MappedText]:
    out: list[MappedText] = []
    prev = 0
    for c in cuts:
        if 0 < c < len(mt.text) and c > prev:
            out.append(mt.slice(prev, c))
            prev = c
    out.append(mt.slice(prev, len(mt.text)))
    return out


def _width(text: str) -> int:
    """Display width, roughly: CJK characters (3 bytes in UTF-8) count 2, ASCII 1."""
    n = len(text)
    return n + (len(text.encode("utf-8")) - n) // 2


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")


def _is_fullpunct(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff65" or ch in "“”‘’—…·")


def _is_wide(ch: str) -> bool:
    return _is_cjk(ch) or _is_fullpunct(ch)


# --- inline cleanup (whole text, one pass each) ------------------------------
_W = f"{_HAN}{_FULLPUNCT}"
_SPACES_RX = re.compile("[ \u3000\u00a0\u2002\u2003\u2009]+")  # not tabs: they part table cells
_PAREN_PAIR_RX = re.compile(rf"\(([^()\n]{{0,80}})\)")
# ASCII punctuation touching Chinese text (1,000 and 9:30 are left alone)
_PUNCT_RX = re.compile(rf"[,;:?!()](?<=[{_W}].)|[,;:()](?=[{_W}])")
_LOOSE_PUNCT_RX = re.compile(r"[,;]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _delete_spans(mt: MappedText, spans: list[tuple[int, int]]) -> MappedText:
    """Remove the given (start, end) spans of the text, keeping the origin map."""
    if not spans:
        return mt
    t, o = mt.text, mt.origin
    texts: list[str] = []
    origin: list[int] = []
    last = 0
    for s, e in spans:
        texts.append(t[last:s])
        origin.extend(o[last:s])
        last = e
    texts.append(t[last:])
    origin.extend(o[last:])
    return MappedText(mt.raw, "".join(texts), origin)


# Template marks ({{ 人数 }}, {% if … %}) are placeholders: kept exactly as written.
_PROTECTED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def _protected_spans(t: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(t)] if "{" in t else []


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _clean_spaces(mt: MappedText) -> MappedText:
    """Drop spaces inside Chinese text: 村 两委 干部 → 村两委干部, 总数 400 张 → 总数400张."""
    t = mt.text
    spans: list[tuple[int, int]] = []
    n = len(t)
    keep = _protected_spans(t)
    for m in _SPACES_RX.finditer(t):
        s, e = m.span()
        if s == 0 or e == n or (keep and _inside(s, keep)):
            continue
        left, right = t[s - 1], t[e]
        if left == "\n" or right == "\n":
            continue  # line edges are stripped later
        if _is_cjk(left) or _is_cjk(right):
            spans.append((s, e))
        elif _is_fullpunct(left) != _is_fullpunct(right):
            spans.append((s, e))  # "， 不" → "，不"; the gap of "（  ）" stays
    return _delete_spans(mt, spans)


def _fullwidth_punct(mt: MappedText) -> MappedText:
    """, ; : ? ! ( ) inside Chinese text → ，；：？！（）; same length, origins kept."""
    keep = _protected_spans(mt.text)
    if keep:  # convert around the template marks only
        parts: list[str] = []
        last = 0
        for s, e in keep:
            parts.append(_fullwidth_text(mt.text[last:s]))
            parts.append(mt.text[s:e])
            last = e
        parts.append(_fullwidth_text(mt.text[last:]))
        t = "".join(parts)
    else:
        t = _fullwidth_text(mt.text)
    return mt if t == mt.text else MappedText(mt.raw, t, mt.origin)


def _fullwidth_text(t: str) -> str:
    if "(" in t:
        def pair(m: re.Match) -> str:
            inner = m.group(1)
            s, e = m.span()
            if (_HAN_RX.search(inner) or (s > 0 and _is_wide(t[s - 1]))
                    or (e < len(t) and _is_wide(t[e]))):
                return "（" + inner + "）"
            return m.group()

        t = _PAREN_PAIR_RX.sub(pair, t)
    t = _PUNCT_RX.sub(lambda m: _FULL[m.group()], t)
    if "," in t or ";" in t:
        # "19.5%,22.3%的企业": not touching a Chinese character, but in Chinese text
        def near(m: re.Match) -> str:
            s = m.start()
            if 0 < s < len(t) - 1 and t[s - 1].isdigit() and t[s + 1].isdigit():
                return m.group()
            return _FULL[m.group()] if _HAN_RX.search(t, max(0, s - 20), s + 21) else m.group()

        t = _LOOSE_PUNCT_RX.sub(near, t)
    return t


_LEADING_JUNK = re.compile(rf"^(?:[•●◆■▪]\s*|[?？](?=[{_HAN}]))")


# --- the pipeline ---------------------------------------------------------
@dataclass
class _Line:
    mt: MappedText
    width: int = 0  # display width before cleanup (for hard-wrap detection)


def _lines_of(mt: MappedText) -> list[MappedText]:
    out: list[MappedText] = []
    pos = 0
    t = mt.text
    n = len(t)
    while pos <= n:
        nl = t.find("\n", pos)
        if nl < 0:
            nl = n
        out.append(mt.slice(pos, nl))
        pos = nl + 1
    return out


def _ends_terminal(text: str) -> bool:
    if not text:
        return True
    ch = text[-1]
    if ch in _TERMINAL:
        return True
    if ch in "”’」』)）" and len(text) > 1 and text[-2] in _SENT_END:
        return True
    return False


def _is_heading(text: str) -> bool:
    return bool(HEADING_START.match(text))


def is_title_line(text: str) -> bool:
    """A line that looks like the title of a report (or of a compilation)."""
    return bool(TITLE_LINE.match(text) or PIAN_TITLE.match(text) or
                (len(text) <= 40 and COMPILATION_TITLE.search(text) and not _ends_terminal(text)))


def _page_chunks(lines: list[_Line]) -> tuple[list[_Line], bool]:
    """Join the numbered page chunks of a document-store preview ("1、…", "2、…").

    Such pages show a Word file as numbered blocks cut at arbitrary points
    (mid-word). A run of at least three consecutive numbers starting at 1,
    long blocks, most of them ending mid-sentence, is one text.
    """
    out: list[_Line] = []
    i = 0
    flattened = False
    while i < len(lines):
        m = _PAGE_CHUNK.match(lines[i].mt.text)
        if m and m.group(1) == "1":
            j = i
            k = 1
            run: list[int] = []
            while j < len(lines):
                mm = _PAGE_CHUNK.match(lines[j].mt.text)
                if not mm or int(mm.group(1)) != k:
                    break
                run.append(j)
                k += 1
                j += 1
            texts = [lines[r].mt.text for r in run]
            if (len(run) >= 3 and sum(map(len, texts)) / len(texts) >= 100
                    and sum(not _ends_terminal(t) for t in texts[:-1]) >= 0.6 * (len(texts) - 1)):
                parts = []
                for r in run:
                    mt = lines[r].mt
                    mm = _PAGE_CHUNK.match(mt.text)
                    parts.append(mt.slice(mm.end(), len(mt.text)))
                out.append(_Line(_cat(parts), 10 ** 6))
                flattened = True
                i = j
                continue
        out.append(lines[i])
        i += 1
    return out, flattened


def _wrap_width(lines: list[_Line]) -> int | None:
    """The line width of a hard-wrapped text, or None when lines are paragraphs."""
    widths = sorted(ln.width for ln in lines if ln.width >= 10)
    if len(widths) < 8:
        return None
    w = widths[int(len(widths) * 0.8)]
    if not 30 <= w <= 130:
        return None
    near = sum(1 for x in widths if abs(x - w) <= 0.15 * w)
    return w if near >= 0.4 * len(widths) else None


_CONTINUATION = re.compile(r"^(?:同时|此外|另外|其中|并且|而且|但是|因此)[，,]")


def _should_join(a: _Line, b: _Line, wrap: int | None) -> bool:
    at, bt = a.mt.text, b.mt.text
    if not at or not bt:
        return False
    if bt[0] in "》」』）)】，、；：。":
        return True
    if _is_heading(bt) or LIST_START.match(bt) or is_title_line(bt):
        return False
    if at[-1] in "；;":
        return True
    full = wrap is not None and a.width >= 0.85 * wrap
    if _ends_terminal(at):
        # a full line ending a sentence, then "同时，…": the paragraph goes on
        return full and at[-1] == "。" and bool(_CONTINUATION.match(bt))
    if is_title_line(at) and not (wrap and a.width >= 0.85 * wrap):
        return False
    if _is_heading(at) or LIST_START.match(at):
        return full  # a run-on heading wrapped like its paragraph
    if at[-1] in "，,、（(《“":
        return True
    return full


def _join(a: MappedText, b: MappedText) -> MappedText:
    at, bt = a.text, b.text
    if at.endswith("。") and bt.startswith("》") and at.count("《") > at.count("》"):
        a = a.slice(0, len(at) - 1)
    if at and bt and at[-1].isascii() and at[-1].isalpha() and bt[0].isascii() and bt[0].isalpha():
        return _cat([a, MappedText(a.raw, " ", [a.origin[-1], a.origin[-1]]), b])
    return _cat([a, b])


def _split_known_titles(lines: list[MappedText], titles: list[str]) -> list[MappedText]:
    if not titles:
        return lines
    rx = re.compile("|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)))
    out: list[MappedText] = []
    for mt in lines:
        t = mt.text
        cuts: list[int] = []
        for m in rx.finditer(t):
            if t.count("《", 0, m.start()) > t.count("》", 0, m.start()):
                continue  # inside a book-title mark: a reference, not a title
            cuts.extend((m.start(), m.end()))
        out.extend(_split_at(mt, cuts) if cuts else [mt])
    return out


def _drop_toc(lines: list[MappedText], titles: list[str]) -> list[MappedText]:
    """Drop a table of contents: 目录 followed by titles that appear again below."""
    out: list[MappedText] = []
    i = 0
    known = set(titles)
    while i < len(lines):
        t = lines[i].text.strip()
        if t in ("目录", "目 录") and i + 1 < len(lines):
            j = i + 1
            seen: set[str] = set()
            while j < len(lines):
                tj = lines[j].text.strip()
                if not (tj in known or is_title_line(tj)) or tj in seen:
                    break
                seen.add(tj)
                j += 1
            if seen:
                i = j
                continue
        out.append(lines[i])
        i += 1
    return out


def _split_headings(mt: MappedText, r: _Rules) -> list[MappedText]:
    t = mt.text
    cuts = [m.end() for m in _INLINE_BIG.finditer(t)]
    cuts += [m.end() for m in _INLINE_SMALL.finditer(t)]
    parts = _split_at(mt, sorted(set(cuts))) if cuts else [mt]
    out: list[MappedText] = []
    for p in parts:
        while True:
            m = _SUBHEAD.match(p.text)
            if m and len(p.text) > m.end() + 4:
                out.append(p.slice(0, m.end()))
                p = p.slice(m.end(), len(p.text))
                continue
            if r.section_split is not None and len(p.text) > 30:
                m = r.section_split.match(p.text)
                if m:
                    out.append(p.slice(0, m.end()))
                    p = p.slice(m.end(), len(p.text))
                    continue
            break
        out.append(p)
    return out


_ZHU = re.compile("著")
_MD_HIDDEN = re.compile(r"(?<!\*)\*\*(?!\*)|<!--.{0,2000}?-->", re.S)
_WRAPPED_HEADING = re.compile(
    r"^(?P<lead>[ \t\u3000]*)(?:【|「|〖|\*\*)"
    rf"(?P<inner>[ \t]*(?:{MARK_BIG}|{MARK_PAREN_CN}|{MARK_NUM}|{MARK_PAREN_NUM}|{MARK_ORD}|{MARK_SHI})[^\n*【】「」〖〗]*?)"
    r"(?:】|」|〗|\*\*)(?P<tail>[：:。]?)[ \t\u3000]*$", re.M)
_MD_HEADINGS = re.compile(r"^[ \t]*#{1,6}[ \t]+(?=[^\s#])", re.M)
_MD_MARKS = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]*|[-+*][ \t]+(?=\S))", re.M)


def _fix_zhu(mt: MappedText, r: _Rules) -> MappedText:
    """著 as the aspect particle (随著, 带著) → 着; 显著, 著名… keep 著."""
    t = mt.text

    def repl(m: re.Match) -> str:
        i = m.start()
        if t[max(0, i - 1):i + 1] in r.zhu_keep or t[i:i + 2] in r.zhu_keep:
            return "著"
        return "着"

    new = _ZHU.sub(repl, t)
    return mt if new == t else MappedText(mt.raw, new, mt.origin)


def _apply_repairs(mt: MappedText, r: _Rules) -> MappedText:
    """Literal repairs; characters the repair keeps map back to themselves exactly."""
    t, o = mt.text, mt.origin
    matches = list(r.repair_rx.finditer(t)) if r.repair_rx is not None else []
    if not matches:
        return mt
    import difflib  # lazy, and only when a repair applies

    texts: list[str] = []
    origin: list[int] = []
    last = 0
    for m in matches:
        s, e = m.span()
        texts.append(t[last:s])
        origin.extend(o[last:s])
        key, new = m.group(), r.repairs[m.group()]
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, key, new, autojunk=False).get_opcodes():
            if tag == "equal":
                origin.extend(o[s + i1:s + i2])
            else:
                span = max(i2 - i1, 1)
                origin.extend(o[min(s + i1 + k * span // max(j2 - j1, 1), e - 1)] for k in range(j2 - j1))
        texts.append(new)
        last = e
    texts.append(t[last:])
    origin.extend(o[last:])
    return MappedText(mt.raw, "".join(texts), origin)


# Characters of the 通用规范汉字表 that OpenCC still maps (乾安县, 於 a surname, 蒜薹, 昇腾, 濛溪河,
# 礐石): in a simplified text they are names and stay; in a traditional one they are converted
# with the rest (乾淨 → 干净). The check's traditional rule passes them (rules.yaml) for the same reason.
KEEP_IN_SIMPLIFIED = frozenset("乾於薹昇濛喆堃淼礐")
_TRADITIONAL_TEXT = 20  # other characters changed: from this many on the text is traditional


def _convert(mt: MappedText) -> MappedText:
    conv = to_simplified(mt.text)
    if conv == mt.text:
        return mt
    if len(conv) == len(mt.text):
        changed = [i for i, (a, b) in enumerate(zip(mt.text, conv)) if a != b]
        kept = [i for i in changed if mt.text[i] in KEEP_IN_SIMPLIFIED]
        if kept and len(changed) - len(kept) < _TRADITIONAL_TEXT:
            chars = list(conv)
            for i in kept:
                chars[i] = mt.text[i]
            conv = "".join(chars)
            if conv == mt.text:
                return mt
        return MappedText(mt.raw, conv, mt.origin)
    return mt.convert(to_simplified)  # a phrase changed length: map line by line


def _delete_matches(mt: MappedText, rx: re.Pattern[str]) -> MappedText:
    return _delete_spans(mt, [m.span() for m in rx.finditer(mt.text)])


def normalize(text: str, fmt: str = "txt") -> MappedText:
    """Normalise a report as written (see the module docstring)."""
    r = rules()
    mt = MappedText(text)
    mt = _sub(mt, re.compile(r"\r\n?|\u2028|\u2029"), "\n")
    mt = _sub(mt, re.compile("[\u200b\u200c\u200d\ufeff\u00ad]"), "")
    if r.repair_rx is not None:
        mt = _apply_repairs(mt, r)
    for rx, rep in r.repairs_regex:
        mt = _sub(mt, rx, rep)
    mt = _sub(mt, re.compile(r"</?(?:p|br|div|span|strong|b|em|font|section)\b[^>\n]{0,80}>", re.I), "")
    mt = _sub(mt, re.compile(r"&nbsp;|&#160;"), " ")
    if "![" in mt.text:  # Markdown images (debris of a converted page: ![]() |): no text of a report
        mt = _delete_matches(mt, _MD_IMAGE)
    mt = _delete_matches(mt, _GLOSS)
    if not mt.text.isascii():
        mt = _convert(mt)
        if "著" in mt.text:
            mt = _fix_zhu(mt, r)
    if fmt == "md":  # heading hashes, quote marks and list bullets (not ***, *月*日)
        mt = _sub(mt, _MD_MARKS, "")
        mt = _sub(mt, _MD_HIDDEN, "")  # **bold** marks (not the placeholder ***), <!-- comments -->
    elif "#" in mt.text and len(_MD_HEADINGS.findall(mt.text)) >= 2:
        mt = _sub(mt, _MD_HEADINGS, "")  # Markdown pasted into a .txt: its ## headings are headings
    # a numbered heading wrapped whole in 【】「」〖〗 or bold marks: 【一、加强组织领导】 → 一、加强组织领导
    mt = _sub(mt, _WRAPPED_HEADING, lambda m: m.group("lead") + m.group("inner"))
    mt = _clean_spaces(mt)
    mt = _fullwidth_punct(mt)

    # --- line stage -------------------------------------------------------
    raw_lines = [_strip(x) for x in _lines_of(mt)]

    titles: list[str] = []
    for x in raw_lines:
        m = _FILENAME_LINE.match(x.text) if _maybe_filename(x.text) else None
        if m:
            for t in re.split(r"[+＋]", m.group("name")):
                t = _strip(MappedText(t)).text
                if len(t) >= 6 and t not in titles:
                    titles.append(t)

    # end of content: page furniture after an end marker
    cut = len(raw_lines)
    for i, x in enumerate(raw_lines):
        if x.text and len(x.text) <= 100 and r.end.search(x.text):
            rest = raw_lines[i + 1:]
            if not any(len(y.text) >= 50 and "。" in y.text and not _is_noise(y.text, r) for y in rest):
                cut = i
                break
    truncated = any(r.truncation.search(x.text) for x in raw_lines if 0 < len(x.text) <= 100)
    skip = _front_matter(raw_lines)
    lines: list[_Line] = []
    for x in raw_lines[skip:cut]:
        t = x.text
        if not t or _is_noise(t, r) or (_maybe_filename(t) and _FILENAME_LINE.match(t)):
            continue
        lines.append(_Line(x, _width(t)))

    lines, flattened = _page_chunks(lines)
    # identical consecutive lines (a title repeated by the page) count once
    dedup: list[_Line] = []
    for ln in lines:
        if dedup and dedup[-1].mt.text == ln.mt.text:
            continue
        dedup.append(ln)
    lines = dedup

    wrap = None if flattened else _wrap_width(lines)
    for ln in lines:
        if _LEADING_JUNK.match(ln.mt.text):
            ln.mt = _strip(_sub(ln.mt, _LEADING_JUNK, ""))

    # hard wraps
    joined: list[_Line] = []
    for ln in lines:
        if not ln.mt.text:
            continue
        if joined and _should_join(joined[-1], ln, wrap):
            prev = joined[-1]
            prev.mt = _join(prev.mt, ln.mt)
            prev.width = ln.width  # the join is as "full" as its last line
            continue
        joined.append(ln)

    paras = [ln.mt for ln in joined]
    paras = _split_known_titles(paras, titles)
    paras = [_strip(p) for p in paras]
    paras = [p for p in paras if p.text]
    paras = _drop_toc(paras, titles)
    out: list[MappedText] = []
    for p in paras:
        out.extend(_split_headings(p, r))
    if flattened:
        # a page that lost its paragraph breaks: 一是/二是… start paragraphs again
        out = [q for p in out for q in _split_at(p, [m.end() for m in _INLINE_SHI.finditer(p.text)])]
    out = [_strip(p) for p in out]
    out = [p for p in out if p.text]
    if truncated and out:
        last = out[-1]
        k = max(last.text.rfind(c) for c in "。！？")
        if k < 0:
            out.pop()
        elif k + 1 < len(last.text):
            out[-1] = last.slice(0, k + 1)
    final: list[MappedText] = []
    for p in out:
        if final and final[-1].text == p.text and len(p.text) <= 60:
            continue
        final.append(p)
    return _assemble(mt.raw, final)


_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*[:：]")


def _front_matter(lines: list[MappedText]) -> int:
    """How many lines a YAML front matter block at the start takes (0 if none): a line
    ``---``, a first ``key: value`` line, then up to a closing ``---`` within 60 lines
    (Markdown notes and the corpus's own files begin so)."""
    first = next((i for i, x in enumerate(lines) if x.text), None)
    if first is None or lines[first].text not in ("---", "－－－"):
        return 0
    inner = [i for i in range(first + 1, min(len(lines), first + 61)) if lines[i].text]
    if not inner or not _FRONT_KEY.match(lines[inner[0]].text):
        return 0
    for i in inner:
        if lines[i].text in ("---", "－－－", "..."):
            return i + 1
    return 0


def _maybe_filename(text: str) -> bool:
    if len(text) > 260:
        return False
    low = text.lower()
    return ".doc" in low or ".pdf" in low or ".wps" in low


def _is_noise(text: str, r: _Rules) -> bool:
    if len(text) > 400:
        return False  # a real paragraph: page furniture is never that long
    if r.noise.search(text):
        return True
    return len(text) <= 60 and r.noise_short.search(text)


def _assemble(raw: str, lines: list[MappedText]) -> MappedText:
    if not lines:
        return MappedText(raw, "", [len(raw)])
    texts: list[str] = []
    origin: list[int] = []
    for i, ln in enumerate(lines):
        if i:
            texts.append("\n")
            origin.append(lines[i - 1].origin[-1])
        texts.append(ln.text)
        origin.extend(ln.origin[:-1])
    origin.append(lines[-1].origin[-1])
    return MappedText(raw, "".join(texts), origin)
