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
from collections.abc import Iterator
from itertools import accumulate, compress, repeat
from operator import ne

from assistant.check.findings import KIND_LABELS
from assistant.check.recache import compile as _rx


def Hit(start: int, end: int, detail: str = "", kind: str | None = None, edits: tuple = ()) -> tuple:
    """A hit: the tuple (start, end, detail, kind, edits). Engines may also make the
    tuples themselves (quicker in a loop over thousands of matches)."""
    return (start, end, detail, kind, edits)


class Context:
    """The text being checked, with what several engines need, computed once."""

    def __init__(self, text: str, fmt: str = "txt") -> None:
        self.text = text
        self.fmt = fmt
        self._line_starts: list[int] | None = None

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


# EngineFn: (Context, rule) -> iterable of Hit
ENGINES: dict = {}


def engine(name: str):
    def register(fn):
        ENGINES[name] = fn
        return fn
    return register


# --- data engines -----------------------------------------------------------

@engine("regex")
def regex_engine(ctx: Context, rule) -> list:
    """``pattern`` may be a list: each item is its own regex (an item that starts
    with a literal is searched much faster than one long alternation)."""
    template = rule.fix
    text = ctx.text
    hits: list = []
    for rx in rule.compiled:
        if template is None:
            hits += [(s, e, "", None, ()) for s, e in map(_span, rx.finditer(text)) if s != e]
        elif "\\" not in template:  # a constant replacement
            hits += [(s, e, "", None, ((s, e, template),)) for s, e in map(_span, rx.finditer(text))
                     if s != e]
        else:
            for m in rx.finditer(text):
                s, e = m.span()
                if s != e:
                    hits.append((s, e, "", None, ((s, e, m.expand(template)),)))
    if len(rule.compiled) > 1 and hits:
        # the items searched one by one: keep what one alternation of them would find (a match
        # that starts inside an earlier one is dropped), so both ways give the same findings
        hits.sort(key=_start_of)
        kept, end = [], -1
        for hit in hits:
            if hit[0] >= end:
                kept.append(hit)
                end = hit[1]
        hits = kept
    return hits


def _start_of(hit: tuple) -> int:
    return hit[0]


_span = re.Match.span
_start = re.Match.start


@engine("words")
def words_engine(ctx: Context, rule) -> list:
    return [(s, e, "", None, ()) for s, e in map(_span, rule.compiled.finditer(ctx.text))]


_WITH = re.compile("[与和同跟]")
_PARTNER_AFTER = re.compile(r"[^，。；\n]{0,12}?(?:沟通|协作|合作|联动|对接|会商|协调|配合|共建)")


@engine("marks")
def marks_engine(ctx: Context, rule) -> list:
    """``marks``: word → what it says about the word (the detail of its finding); every
    occurrence as a word, longest word first (a trie pattern, compiled once per rule).
    ``partners``: words that name another unit as a partner (邀请, 联合, 配合…): a mark
    they introduce, in the same clause and close after them, is not flagged."""
    details = rule.options["marks"]
    partner = rule.options.get("_partner")
    text = ctx.text
    if rule.compiled.search(text) is None:
        return []
    hits = _all_marks(rule, text)
    # a mark counts where it is a word (业主 is none in 企业主要负责人): the lines that hold
    # one are segmented, and only those (the segmenter loads on the first such line)
    from assistant.units.fitness import token_cuts

    out = []
    starts = ctx.line_starts
    for s, e in hits:
        k = bisect.bisect_right(starts, s) - 1
        ls = starts[k] if k >= 0 else 0
        le = text.find("\n", ls)
        le = len(text) if le < 0 else le
        cuts = token_cuts(text[ls:le])
        if s - ls not in cuts or e - ls not in cuts:
            continue
        if partner is not None and partner.search(text[max(ls, s - 10):s]):
            continue  # another unit as a partner (邀请派出所民警, 联合村两委): the unit's own sentence
        if _WITH.search(text[max(ls, s - 6):s]) and _PARTNER_AFTER.match(text, e):
            continue  # 加强与交警、派出所的沟通协作: the same, said after the unit
        if _named_or_visited(rule, text, ls, le, s, e, details[text[s:e]]):
            continue
        out.append((s, e, details[text[s:e]], None, ()))
    if len(out) > 1:  # a mark inside a longer one that is a word there too (局机关 in 局机关干部)
        out = [h for h in out if not any(o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
                                         for o in out)]
    weak = rule.options.get("weak")
    if weak and out:
        out = _weak_alone_dropped(text, out, frozenset(weak))
    return out


def _named_or_visited(rule, text: str, ls: int, le: int, s: int, e: int, detail: str) -> bool:
    """Whether the mark text[s:e] names a unit the sentence speaks of, not the writer: the unit
    named just before it (银行柜员 in a police report), a unit the sentence visits (金融知识进校园…
    向学生讲解 in a bank's), a unit the writer acts on in its clause (督促学校落实校长陪餐 in a
    regulator's), or each unit's own (各村党支部书记是本村防汛第一责任人 in a town's)."""
    owners = rule.options.get("owners") or {}
    owner = rule.options.get("_owner")
    a = max((x.end() for x in _SENTENCE_END.finditer(text, ls, s)), default=ls)
    b = _SENTENCE_END.search(text, e, le)
    sentence = text[a:b.start() if b else le]
    own = rule.options.get("_own")
    if owner is not None and own is not None:
        m = owner.search(text, max(ls, s - 8), s)
        # (社区网格员逐楼栋排查 alone is the community's own sentence: the writer must be in it too)
        if m is not None and owners.get(m.group(), "") in detail and own.search(
                text[a:m.start()] + "\n" + text[e:b.start() if b else le]):
            return True
    visit = rule.options.get("_visit")
    if visit is not None:
        for m in visit.finditer(sentence):
            label = _owner_of(m.group(), owners) or ("学校" if m.group().endswith(("校园", "课堂")) else "")
            if label and label in detail:
                return True
    acted_on = rule.options.get("_object")
    if acted_on is not None:
        c = max((x.end() for x in _CLAUSE_START.finditer(text, a, s)), default=a)
        for m in acted_on.finditer(text, c, s):
            label = _owner_of(m.group(), owners)
            if label and label in detail:
                return True
    word = text[s:e]
    if word.startswith("本") and len(word) >= 2 and "各" + word[1:] in text[a:s]:
        return True  # 各村…本村: each village's own
    return False


def _owner_of(found: str, owners: dict[str, str]) -> str:
    """The unit type of the name ``found`` ends with (…走进滨河小学 → 学校), or ''."""
    return next((label for name, label in owners.items() if found.endswith(name)), "")


def _all_marks(rule, text: str) -> list[tuple[int, int]]:
    """Every occurrence of every mark, overlapping ones too (发放贷款 holds 放贷 and 贷款: the
    segmenter decides which is a word), left to right; an Aho-Corasick automaton made once
    per rule, or the trie pattern's matches at each position without pyahocorasick."""
    a = rule.options.get("_automaton")
    if a is None:
        try:
            import ahocorasick
        except ImportError:
            a = False
        else:
            a = ahocorasick.Automaton()
            for w in rule.options["marks"]:
                a.add_word(w, len(w))
            a.make_automaton()
        rule.options["_automaton"] = a
    if a is False:
        return [m.span() for m in rule.compiled.finditer(text)]
    return sorted((e + 1 - n, e + 1) for e, n in a.iter(text))


_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


def _weak_alone_dropped(text: str, hits: list, weak: frozenset) -> list:
    """The hits without the weak marks that stand alone in their sentence: a word other
    units' reports name too (学生, 小区, 银行卡) says a sentence is another unit's only beside
    a second, different mark."""
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    by_sentence: dict[int, set[str]] = {}
    keys = []
    for s, e, *_ in hits:
        k = bisect.bisect_left(ends, s)
        keys.append(k)
        by_sentence.setdefault(k, set()).add(text[s:e])
    return [h for h, k in zip(hits, keys) if text[h[0]:h[1]] not in weak or len(by_sentence[k]) >= 2
            or _subject(text, h[0])]


_CLAUSE_START = re.compile(r"[。！？；!?;\n，,：:]")
_LIST_MARK = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]|[一二三四五六七八九十]是|第[一二三四五六七八九十]+[，,、]?)")
# what comes before a word that is no subject: a preposition, a verb that takes it as its object
_NOT_SUBJECT = re.compile(r"[为向对给在与和及跟同把被让由从经]|组织|联合|邀请|配合|协助|督促|指导|要求|动员|发动|依托|通过|会同|"
                          r"联系|协调|带领|指挥|部署|安排|引导|帮助|服务|面向|覆盖|走访|慰问|培训")


def _subject(text: str, s: int) -> bool:
    """Whether the word at ``s`` opens its clause (a subject: 网格员逐户排查…, 社区网格员…,
    本所全体民警…), after at most a few words that name whose it is."""
    k = max((m.end() for m in _CLAUSE_START.finditer(text, max(0, s - 30), s)), default=max(0, s - 30))
    prefix = _LIST_MARK.sub("", text[k:s].strip(" \t\u3000"))
    return len(prefix) <= 4 and not _NOT_SUBJECT.search(prefix)


# --- placeholders -------------------------------------------------------------

@engine("placeholder")
def placeholder_engine(ctx: Context, rule) -> list:
    from assistant.check.placeholders import placeholder_spans

    labels = KIND_LABELS
    return [(s, e, labels.get(kind, ""), kind, ()) for s, e, kind in placeholder_spans(ctx.text, ctx.fmt)]


# --- half-width punctuation in Chinese -----------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_BEFORE = f"{_HAN}）》”」』】"
_AFTER = f"{_HAN}（《“「『【"
# One pattern for each punctuation mark (and each kind of space): a pattern that
# starts with one plain character is searched many times faster than one that
# starts with a class; the look-behind then checks the Chinese before it. Their
# matches cannot overlap (between Chinese and a mark there is only white space),
# so together they find what one pattern with a class would.
_PUNCT = tuple(_rx(f"{re.escape(c)}(?<=[{_BEFORE}]{re.escape(c)})[ \\t]*(?=[{_AFTER}])")
               for c in ",;:?!")
_PUNCT_SPACED = tuple(
    _rx(f"{c}(?<=[{_BEFORE}]{c})[ \\t]*[,;:?!][ \\t]*(?=[{_AFTER}])") for c in (" ", "\\t"))
_PARENS = _rx(f"\\(([^()\\n]{{0,200}}?[{_HAN}][^()\\n]{{0,200}}?)\\)")
# Chinese punctuation typed twice (，， 。。 、，): one pattern per first mark (see _PUNCT)
_DOUBLED = tuple(_rx(f"{c}[，。、；：]+") for c in "，。、；：")
# paired marks, checked within a line (a paragraph): an opening mark never closed, a closing
# one never opened — but 1）2） and 一） are list numbers, not brackets
_PAIRS = {"（": "）", "(": ")", "“": "”", "《": "》", "【": "】", "‘": "’"}
_CLOSERS = {"）": "（", ")": "（", "”": "“", "》": "《", "】": "【", "’": "‘"}
_PAIR_MARK = _rx("[（()）“”《》【】‘’]")
_LIST_CLOSE = _rx(r"(?:^|[\s，。；：、])[ \t\u3000]*(?:\d{1,2}|[一二三四五六七八九十]{1,3}|[a-zA-Z①-⑳])$", re.M)


def _unmatched_pairs(text: str) -> list:
    """(start, end, detail) of each paired mark whose partner is not on its line."""
    out: list = []
    if not any(c in text for c in "（()）“”《》【】‘’"):
        return out
    stack: list[tuple[str, int]] = []
    line_start, line_end = 0, -1
    for m in _PAIR_MARK.finditer(text):
        c, i = m.group(), m.start()
        if i > line_end:  # a new line: what is still open on the last one was never closed
            out += [(j, j + 1, f"没有配对的「{_PAIRS[o]}」") for o, j in stack]
            stack = []
            line_start = text.rfind("\n", 0, i) + 1
            line_end = text.find("\n", i)
            if line_end < 0:
                line_end = len(text)
        if c in _PAIRS:
            stack.append(("（" if c == "(" else c, i))
            continue
        want = _CLOSERS[c]
        if stack and stack[-1][0] == want:
            stack.pop()
        elif any(o == want for o, _ in stack):  # （“…）: the inner one is the stray
            while stack and stack[-1][0] != want:
                o, j = stack.pop()
                out.append((j, j + 1, f"没有配对的「{_PAIRS[o]}」"))
            stack.pop()
        elif not (want == "（" and _LIST_CLOSE.search(text, line_start, i)):
            out.append((i, i + 1, f"前面没有配对的「{want if c != ')' else '('}」"))
    out += [(j, j + 1, f"没有配对的「{_PAIRS[o]}」") for o, j in stack]
    return out


@engine("punctuation")
def punctuation_engine(ctx: Context, rule) -> list:
    text = ctx.text
    full = _FULL
    hits = []
    for mark, rx in zip(",;:?!", _PUNCT):
        if mark in text:
            wide = full[mark]
            detail = f"半角“{mark}”应为全角“{wide}”"
            hits += [(s, s + 1, detail, None, ((s, e, wide),)) for s, e in map(_span, rx.finditer(text))]
    for rx in _PUNCT_SPACED:
        for m in rx.finditer(text):
            s, e = m.span()
            p = s + len(m.group()) - len(m.group().lstrip(" \t"))
            hits.append((p, p + 1, f"半角“{text[p]}”应为全角“{full[text[p]]}”", None, ((s, e, full[text[p]]),)))
    for m in _PARENS.finditer(text):
        s, e = m.span()
        if s > 0 and text[s - 1].isascii() and text[s - 1].isalnum():
            continue  # f(参数): code, not prose
        hits.append((s, e, "半角括号“(…)”应为全角“（…）”", None, ((s, s + 1, "（"), (e - 1, e, "）"))))
    for mark, rx in zip("，。、；：", _DOUBLED):
        if mark in text:  # no fix: which mark was meant is the writer's call
            for s, e in map(_span, rx.finditer(text)):
                same = text.count(mark, s, e) == e - s
                hits.append((s, e, f"重复，只需一个“{mark}”" if same else "两个标点连用，请删去多余的", None, ()))
    hits += [(s, e, detail, None, ()) for s, e, detail in _unmatched_pairs(text)]
    return hits


# --- traditional characters -----------------------------------------------------

@engine("traditional")
def traditional_engine(ctx: Context, rule) -> list:
    from assistant.check import tradchars

    text = ctx.text
    suspects = tradchars.suspects(text, 30)
    if not suspects:
        return []
    starts = ctx.line_starts
    if len(suspects) > 30:  # a traditional text: every line
        wanted = range(len(starts))
    else:  # a few stray characters: only their lines
        rx = re.compile("[" + re.escape("".join(sorted(suspects))) + "]")
        wanted = sorted({bisect.bisect_right(starts, m.start()) - 1 for m in rx.finditer(text)})
    last = len(starts) - 1
    spans = [(starts[i], starts[i + 1] - 1 if i < last else len(text)) for i in wanted]
    tables = tradchars.tables()
    found = None if tables is None else tables.scan(text)
    if found is None:  # OpenCC converts the lines
        lines = [text[s:e] for s, e in spans]
        convert = tradchars.converter()
        converted = convert("\n".join(lines)).split("\n")  # OpenCC keeps line breaks
        if len(converted) != len(lines):  # not expected; be safe
            converted = [convert(line) for line in lines]
        hits = [_traditional_hit(ls, line, conv)
                for (ls, _), line, conv in zip(spans, lines, converted) if conv != line]
        return [h for h in hits if h is not None]
    # The same from OpenCC's tables (see tradchars). On most lines OpenCC changes
    # each character on its own: the changes are read off the matches of one regex.
    # Lines with a special character are converted in full, lines with a phrase
    # around the phrase.
    specials, phrases = found
    full = {bisect.bisect_right(starts, i) - 1 for i in specials}
    around: dict[int, list[tuple[int, int]]] = {}
    for s, e in phrases:
        k = bisect.bisect_right(starts, s) - 1
        around.setdefault(k, []).append((s - starts[k], e - starts[k]))
    changed = tables.changed(text)
    if changed is None and not full and not around:
        return []
    search = changed.search if changed is not None else None
    findall = changed.findall if changed is not None else None
    image = tables.image
    rfind = text.rfind
    converted_lines = full | around.keys()
    hits = []
    for k, (ls, le) in zip(wanted, spans):
        if k in converted_lines:
            line = text[ls:le]
            conv = tables.convert(line) if k in full else tables.convert_around(line, around[k])
            if conv != line:
                hit = _traditional_hit(ls, line, conv)
                if hit is not None:
                    hits.append(hit)
            continue
        m = search(text, ls, le) if search is not None else None
        if m is None:
            continue
        # The first change; the first seven different characters changed; the last
        # change (looked for from the end of the line, in growing pieces).
        first = m.start()
        seen = {m.group(): None}
        while len(seen) < 7:
            m = search(text, m.end(), le)
            if m is None:
                break
            seen[m.group()] = None
        hi, size = le, 16
        while True:
            lo = hi - size if hi - size > first else first
            tail = findall(text, lo, hi)
            if tail:
                last = rfind(tail[-1], lo, hi)
                break
            hi, size = lo, size * 4
        pairs = [f"{c}→{image[c]}" for c in seen]
        shown = "，".join(pairs[:6]) + ("……" if len(pairs) > 6 else "")
        hits.append((first, last + 1, f"应改为简体（{shown}）", None, ()))
    return hits


def _traditional_hit(ls: int, line: str, conv: str) -> tuple | None:
    found = _diff_summary(line, conv)
    if found is None:
        return None
    first, last, pairs = found
    shown = "，".join(pairs[:6]) + ("……" if len(pairs) > 6 else "")
    return Hit(ls + first, ls + last, f"应改为简体（{shown}）")


def _diff_summary(old: str, new: str) -> tuple[int, int, list[str]] | None:
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
    if old == new:
        return None
    i = _next_diff(old, new, 0, len(old))
    j = _last_diff(old, new, i) + 1
    k = i
    while k < j and len(pairs) < 7:
        pairs.setdefault(f"{old[k]}→{new[k]}")
        k = _next_diff(old, new, k + 1, j)
    return i, j, list(pairs)


def _next_diff(a: str, b: str, lo: int, hi: int) -> int:
    """The first k in [lo, hi) with a[k] != b[k] (a and b of equal length), or hi.
    Halves compared as slices: the character loop runs in C, not in Python."""
    end = lo + 8 if lo + 8 < hi else hi
    while lo < end:  # differences are often dense (a traditional text): look nearby first
        if a[lo] != b[lo]:
            return lo
        lo += 1
    while hi - lo > 8:
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        elif a[lo] != b[lo]:
            return lo
        else:
            hi = mid
    while lo < hi and a[lo] == b[lo]:
        lo += 1
    return lo


def _last_diff(a: str, b: str, lo: int) -> int:
    """The last k >= lo with a[k] != b[k] (one is known to exist at lo)."""
    hi = len(a)  # a[hi:] == b[hi:]
    while hi - lo > 8:
        mid = (lo + hi) // 2
        if a[mid:hi] == b[mid:hi]:
            hi = mid
        elif a[hi - 1] != b[hi - 1]:
            return hi - 1
        else:
            lo = mid
    while a[hi - 1] == b[hi - 1]:
        hi -= 1
    return hi - 1


# --- the same sentence twice --------------------------------------------------------

# A sentence: [^。！？!?\n]+[。！？!?]* ; split by it (as a group), a text gives its
# sentences and the text between them.
_SENTENCES = _rx(r"([^。！？!?\n]+[。！？!?]*)")
_SPACES = _rx(r"[\s\u3000]+")


@engine("duplicate-sentence")
def duplicate_sentence_engine(ctx: Context, rule) -> list:
    """A sentence (at least ``min_chars`` Chinese characters) seen before.

    The steps run over all sentences at once (``map`` over string methods), and
    offsets are looked up only for the repeated ones: a long report has
    thousands of sentences and few repeats."""
    min_chars = int(rule.options.get("min_chars", 12))
    text = ctx.text
    parts = _SENTENCES.split(text)  # [between, sentence, between, sentence, ..., between]
    sentences = parts[1::2]
    keys = list(map(str.strip, sentences))
    if " " in text or "\t" in text or "\u3000" in text:
        keys = [_SPACES.sub("", k) if " " in k or "\t" in k or "\u3000" in k else k for k in keys]
    keys = list(map(str.rstrip, keys, repeat("。！？!?", len(keys))))
    # A sentence counts if its key has at least min_chars non-ASCII (Chinese)
    # characters (then the sentence, never shorter than its key, is long enough
    # too): whether it counts depends on its key alone, so its first occurrence
    # among those that count is its first occurrence. Found for all at once.
    n = len(keys)
    first = dict(zip(reversed(keys), range(n - 1, -1, -1)))  # key → where it first occurs
    repeats: list[tuple[int, int]] = []
    for i in compress(range(n), map(ne, map(first.__getitem__, keys), range(n))):
        key = keys[i]
        if len(key) - len(key.encode("ascii", "ignore")) >= min_chars:
            repeats.append((i, first[key]))
    if not repeats:
        return []
    ends = list(accumulate(map(len, parts)))  # ends[2 * i] is where sentence i starts

    def begin(i: int) -> int:  # where sentence i starts, leading white space skipped
        sentence = sentences[i]
        return ends[2 * i] + len(sentence) - len(sentence.lstrip())

    return [(begin(i), ends[2 * i] + len(sentences[i].rstrip()), str(ctx.line_col(begin(j))[0]), None, ())
            for i, j in repeats]


# --- numbering of headings and enumerations ------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_SP = "[ \\t\\u3000]*"
_LEVELS = (
    (1, _rx(f"^{_SP}([{_CN_NUM}]{{1,3}})([、．.])")),
    (2, _rx(f"^{_SP}([（(])([{_CN_NUM}]{{1,3}})[）)]")),
    (3, _rx(f"^{_SP}(\\d{{1,2}})([、．.])(?:(?![\\d.．])|(?=(?:19|20)\\d{{2}}年))")),  # 33.2025年…: a year after it
    (4, _rx(f"^{_SP}[（(](\\d{{1,2}})[）)]|^{_SP}(\\d{{1,2}})[)）]")),
    # 第一，…… 第二，…… at the start of paragraphs (not 第一、二、三产业: a list of numbers)
    (5, _rx(f"^{_SP}第([{_CN_NUM}]{{1,3}})[，,、](?![{_CN_NUM}])")),
)
_HEADING_START = _rx(f"^{_SP}[{_CN_NUM}（(0-9第]", re.M)  # lines that may start with a number
_HEADING_FIRST = frozenset(f" \t\u3000{_CN_NUM}（(0123456789第")
# what may wrap a heading line: Markdown emphasis or a heading mark, 【】 (no number of its own)
_WRAP = _rx(r"(?:#{1,6}[ \t]+|\*\*|__|【|〖)[ \t\u3000]*")
_WRAP_FIRST = frozenset("#*_【〖")
# 一是, 二要 …: ([一-十])([是要])(?![是要]), one pattern for each verb (a pattern that
# starts with one character is searched many times faster); the number is the
# character before the match.
_ENUM_BY_VERB = tuple((verb, _rx(f"{verb}(?<=[{_CN_NUM}]{verb})(?![是要])")) for verb in "是要")
_ENUM_BEFORE = set(" \t\r\n\u3000。；;，,：:！？!?（(、“")


_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _cn_int(s: str) -> int:
    digits = _CN_DIGIT
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
        if level == 5:
            return level, _cn_int(m.group(1)), "第", m.end()
        return level, int(m.group(1) or m.group(2)), ")", m.end()
    return None


def _marker(level: int, n: int, sep: str) -> str:
    if level == 1:
        return f"{_cn_str(n)}、"
    if level == 2:
        return f"（{_cn_str(n)}）"
    if level == 3:
        return f"{n}{sep}"
    if level == 5:
        return f"第{_cn_str(n)}"
    return f"（{n}）"


def _slip(level: int, prev: int, n: int, sep: str) -> str:
    """What is wrong with number ``n`` after ``prev`` in a list of ``level``'s style: a skip, a
    repeat or the order."""
    here, before = _marker(level, n, sep), _marker(level, prev, sep)
    if n > prev + 1:
        missing = "、".join(f"“{_marker(level, k, sep)}”" for k in range(prev + 1, n))
        return f"“{before}”之后是“{here}”，跳过了{missing}"
    if n == prev:
        return f"编号“{here}”重复"
    return f"编号顺序错乱：“{before}”之后是“{here}”"


@engine("numbering")
def numbering_engine(ctx: Context, rule) -> Iterator[tuple]:
    last: dict[int, int | None] = {1: None, 2: None, 3: None, 4: None, 5: None}
    repeated: dict[int, bool] = {}  # the level's last heading repeated the number before it
    group_sep: str | None = None
    first_at: dict[int, tuple[int, int]] = {}
    heading_offsets: list[int] = []
    text = ctx.text
    match = _HEADING_START.match
    size = len(text)
    for offset in ctx.line_starts:
        if offset < size and text[offset] in _WRAP_FIRST:
            # **一、2024年工作回顾**, ## 二、…, 【三、…】: the number inside the wrapping
            w = _WRAP.match(text, offset)
            if w is not None and w.end() < size and text[w.end()] in _HEADING_FIRST:
                offset = w.end()
                end = text.find("\n", offset)
                if _heading(text[offset:end if end >= 0 else len(text)]) is None:
                    continue
        # = the matches of _HEADING_START.finditer(text): at most one a line, at its start
        elif offset >= size or text[offset] not in _HEADING_FIRST or match(text, offset) is None:
            continue
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
        was_repeat, repeated[level] = repeated.get(level, False), prev is not None and n == prev
        if prev is not None and n != 1 and n != prev + 1 and not (was_repeat and n == prev + 2):
            # (一)(二)(二)(四): the second (二) is the slip, found once; (四) follows (三) as meant
            yield Hit(s, e, _slip(level, prev, n, sep))
        if level == 3:
            if n == 1 or prev is None:
                group_sep = sep
            elif group_sep is not None and sep != group_sep:
                yield Hit(s, e, f"同一级编号混用“{n}{group_sep}”和“{n}{sep}”两种写法")
        last[level] = n
        for deeper in range(level + 1, 6):
            last[deeper] = None
            repeated[deeper] = False
        if level < 3:
            group_sep = None
    if 1 in first_at and 2 in first_at and first_at[2][0] < first_at[1][0]:
        s, e = first_at[2]
        yield Hit(s, e, "“（一）”级标题出现在任何“一、”级标题之前（层级颠倒或缺少一级标题）")
    yield from _enumerations(ctx, heading_offsets)
    yield from _inline_items(ctx)


# items numbered inside one paragraph: （一）…。（二）…。（三）… each after a sentence's end
_INLINE_AFTER_END = _rx(r"[。；;！？!?][ \t\u3000]*[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]")
_INLINE_ITEM = _rx(r"(?:^|(?<=[。；;！？!?]))[ \t\u3000]*[（(](?:([一二三四五六七八九十]{1,3})|(\d{1,2}))[）)]", re.M)


def _inline_items(ctx: Context) -> Iterator[tuple]:
    """A paragraph that numbers its items inline (（一）开设安全课程。…。（二）开展应急演练。…): a
    repeated or skipped number among them (the numbers at the start of lines are the headings'
    to check). Each kind of number (（一）, （1）) is its own list; a list starts at its 1."""
    text = ctx.text
    # only the lines where a numbered item follows a sentence's end (one scan of the text)
    hits = [m.start() for m in _INLINE_AFTER_END.finditer(text)]
    if not hits:
        return
    starts = ctx.line_starts
    lines = sorted({bisect.bisect_right(starts, h) - 1 for h in hits})
    bounds = [*starts, len(text) + 1]
    for k in lines:
        ls, le = bounds[k], bounds[k + 1] - 1
        if le - ls < 12:
            continue
        items = [(m.start(1) if m.group(1) else m.start(2), m) for m in _INLINE_ITEM.finditer(text, ls, le)]
        inline = [m for _, m in items if m.start() > ls and text[ls:m.start()].strip(" \t\u3000")]
        if not inline:
            continue
        for cn in (True, False):
            seq = [(m, _cn_int(m.group(1)) if cn else int(m.group(2))) for _, m in items
                   if (m.group(1) if cn else m.group(2))]
            if len(seq) < 2 or seq[0][1] != 1:
                continue
            for (pm, prev), (m, n) in zip(seq, seq[1:]):
                if m not in inline or n == 1 or n == prev + 1:
                    continue
                s = m.start() + len(m.group()) - len(m.group().lstrip(" \t\u3000"))
                yield Hit(s, m.end(), _slip(2 if cn else 4, prev, n, ""))


def _duplicate_min() -> int:
    """The duplicate-sentence rule's min_chars (rules.yaml): a shorter repeat is numbering's to name."""
    from assistant.check.engine import builtin_rules

    rule = next((r for r in builtin_rules() if r.id == "duplicate-sentence"), None)
    return rule.options.get("min_chars", 12) if rule is not None else 12


def _enumerations(ctx: Context, heading_offsets: list[int]) -> Iterator[tuple]:
    """一是……二是……: a lone 一是, or a skipped number."""
    text = ctx.text
    found = []  # (verb, number, offset), in order for each verb
    for verb, rx in _ENUM_BY_VERB:
        if verb not in text:
            continue
        for v in map(_start, rx.finditer(text)):
            b = v - 1
            if b > 0 and text[b - 1] not in _ENUM_BEFORE:
                continue  # 统一是, 唯一是: not an enumeration
            found.append((verb, text[b], b))
    for verb in "是要":
        group: list[tuple[int, int]] = []  # (number, offset)

        def close(g: list[tuple[int, int]]) -> Iterator[tuple]:
            if len(g) == 1 and g[0][0] == 1:
                s = g[0][1]
                yield Hit(s, s + 2, f"有“一{verb}”却没有“二{verb}”")

        for v, number, s in found:
            if v != verb:
                continue
            n = _cn_int(number)
            if group:
                prev_n, prev_s = group[-1]
                k = bisect.bisect_right(heading_offsets, prev_s)
                crossed = k < len(heading_offsets) and heading_offsets[k] <= s
                if n == 1 or crossed:
                    yield from close(group)
                    group = []
                elif n == prev_n and s - prev_s >= _duplicate_min() and text.startswith(text[prev_s:s], s):
                    pass  # the item pasted twice: the duplicate-sentence rule names it
                elif n != prev_n + 1:
                    if n > prev_n + 1:
                        missing = "、".join(f"“{_cn_str(k)}{verb}”" for k in range(prev_n + 1, n))
                        yield Hit(s, s + 2, f"“{_cn_str(prev_n)}{verb}”之后是“{_cn_str(n)}{verb}”，跳过了{missing}")
                    else:
                        yield Hit(s, s + 2, f"编号顺序错乱：“{_cn_str(prev_n)}{verb}”之后是“{_cn_str(n)}{verb}”")
            if group or n == 1:
                group.append((n, s))
        yield from close(group)


# --- figures that do not add up ------------------------------------------------

@engine("numbers")
def numbers_engine(ctx: Context, rule) -> list:
    from assistant.check.numbers import inconsistencies

    return [(f.start, f.end, f.message, None, ()) for f in inconsistencies(ctx.text, rule.options)]
