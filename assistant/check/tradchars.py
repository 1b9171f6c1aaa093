"""Traditional characters in a simplified report, found as OpenCC (``hk2s``) finds them.

OpenCC decides what is traditional, but loading it (the library and its
dictionaries) and converting a long report takes longer than all the other
checks together. So check asks OpenCC only once per installation and keeps the
answers in the cache folder, as plain data:

* which characters OpenCC changes on their own (about 4,000 of the 28,000
  common Han characters): ``suspects`` looks for them, and a report with none
  of them needs nothing more;
* the dictionaries of OpenCC's ``hk2s`` configuration (read with the
  ``opencc_dict`` tool that ships with OpenCC). ``Tables.convert`` applies them
  as OpenCC does: normalisation, segmentation by longest match, then each stage
  of the conversion chain by longest match, the first dictionary of a group
  that matches winning. The tables are kept only after they give exactly
  OpenCC's output on every character and phrase of the dictionaries and on
  thousands of mixed lines (``_validate``); with another OpenCC that works
  differently, or without ``opencc_dict``, OpenCC itself converts, as before.

Most lines contain no phrase of any dictionary; OpenCC then changes every
character on its own, and the engine finds the changes with one regular
expression without building the converted line (``Tables.scan`` tells the
other lines apart; on those only the stretch around a phrase is converted in
full). Text with ideographic description sequences or variation selectors,
which OpenCC treats as units, is always left to OpenCC.
"""

from __future__ import annotations

import bisect
import functools

_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CACHE_VERSION = 1
_TABLES_VERSION = 2
_CONFIG = "hk2s"


@functools.lru_cache(maxsize=1)
def converter():
    """OpenCC's Traditional (Hong Kong variants too) → Simplified conversion."""
    import opencc  # not NLP: a table-driven converter; imported only when needed

    return opencc.OpenCC(_CONFIG).convert


def _compute() -> frozenset[str]:
    convert = converter()
    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1)]
    joined = "\n".join(chars)
    out = convert(joined).split("\n")
    if len(out) != len(chars):  # never expected: fall back to one by one
        return frozenset(ch for ch in chars if convert(ch) != ch)
    return frozenset(a for a, b in zip(chars, out) if a != b)


@functools.lru_cache(maxsize=1)
def _opencc_stamp() -> str:
    """Size and time of the installed OpenCC (found without importing it, which
    would cost time on every run): the cache file names change with it."""
    import os
    import sys

    stamp = "0"
    try:
        spec = None
        for finder in sys.meta_path:  # what importlib.util.find_spec does, without importing it
            find = getattr(finder, "find_spec", None)
            spec = find("opencc", None) if find is not None else None
            if spec is not None:
                break
        if spec is not None and spec.origin:
            st = os.stat(spec.origin)
            stamp = f"{st.st_size}-{int(st.st_mtime)}"
    except (ImportError, OSError, ValueError):
        pass
    return stamp


def _cache_file(kind: str = "chars", version: int = _CACHE_VERSION) -> str:
    import os

    from assistant.paths import cache_dir_name

    return os.path.join(cache_dir_name(), "check", f"hk2s-{kind}-v{version}-{_opencc_stamp()}.txt")


@functools.lru_cache(maxsize=1)
def _chars_string() -> str:
    """The characters of ``traditional_chars()``, sorted, as one string (cached on disk)."""
    path = _cache_file()
    try:
        with open(path, encoding="utf-8") as fh:
            data = fh.read()
        if data:
            return data
    except (OSError, UnicodeDecodeError):
        pass
    data = "".join(sorted(_compute()))
    _write(path, data)
    return data


def _write(path: str, data: str) -> None:
    try:
        from assistant.atomic import write_text

        write_text(path, data)
    except OSError:
        pass  # a read-only cache only costs time


def traditional_chars() -> frozenset[str]:
    """Every character that OpenCC ``hk2s`` changes on its own."""
    return frozenset(_chars_string())


@functools.lru_cache(maxsize=1)
def pattern():
    """A regex matching any of those characters (all Han characters: nothing to escape)."""
    from assistant.check.recache import compile as _rx

    return _rx("[" + _chars_string() + "]")


def suspects(text: str, enough: int | None = None) -> set[str]:
    """The characters of ``text`` that may be traditional (a regex scan: far faster
    than ``set(text)`` on a long report). With ``enough``, the search stops once
    more than that many different ones are found."""
    rx = pattern()
    m = rx.search(text)
    if m is None:
        return set()
    if enough is None:
        return set(rx.findall(text))
    found = {m.group()}
    search = rx.search
    while len(found) <= enough:
        m = search(text, m.end())
        if m is None:
            break
        found.add(m.group())
    return found


# --- OpenCC's conversion from its own dictionaries -------------------------------------

def _split(d: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A dictionary as (its one-character keys, its longer keys)."""
    return {k: v for k, v in d.items() if len(k) == 1}, {k: v for k, v in d.items() if len(k) > 1}


class _Stage:
    """One step of OpenCC's conversion (a group of dictionaries): at each position
    the longest key of the first dictionary, in order, that has a key there is
    replaced by its value.

    ``single`` maps a character to the value of the first dictionary that has it
    as a key; ``plans`` maps the first character of a longer key to, for each
    dictionary in order that has a key beginning so, (its longer keys, the key
    lengths there, longest first; 1 for the character itself)."""

    def __init__(self, single: dict[str, str], plans: dict[str, list[tuple[dict, list[int]]]]) -> None:
        self.single = single
        self.plans = plans
        self.multi_first = frozenset(plans)

    @classmethod
    def of(cls, dicts: list[tuple[dict[str, str], dict[str, str]]]) -> _Stage:
        """From (one-character keys, longer keys) pairs, in order."""
        single: dict[str, str] = {}
        for one, _ in reversed(dicts):  # the first dictionary that has the character wins
            single.update(one)
        plans: dict[str, list] = {}
        firsts = {k[0] for _, multi in dicts for k in multi}
        for c in sorted(firsts):
            plan = []
            for one, multi in dicts:
                lengths = {len(k) for k in multi if k[0] == c} | ({1} if c in one else set())
                if lengths:
                    plan.append((multi, sorted(lengths, reverse=True)))
            plans[c] = plan
        return cls(single, plans)

    @functools.cached_property
    def _firsts(self):
        """A regex of the characters that begin a key of two or more characters."""
        from assistant.check.recache import compile as _rx

        return _rx("[" + _class_chars("".join(sorted(self.multi_first))) + "]")

    def convert(self, s: str) -> str:
        single = self.single
        if self.multi_first.isdisjoint(s):
            return "".join(map(single.get, s, s))
        plans = self.plans
        search = self._firsts.search
        out: list[str] = []
        i, n = 0, len(s)
        while i < n:
            m = search(s, i)
            if m is None:
                break
            p = m.start()
            if p > i:  # no key begins in s[i:p]: each character on its own
                out.append("".join(map(single.get, s[i:p], s[i:p])))
            c = s[p]
            value, size = c, 1
            for longer, lengths in plans[c]:
                for length in lengths:
                    if length == 1:
                        value = single[c]
                        break
                    if p + length <= n:
                        v = longer.get(s[p:p + length])
                        if v is not None:
                            value, size = v, length
                            break
                else:
                    continue
                break
            out.append(value)
            i = p + size
        if i < n:
            out.append("".join(map(single.get, s[i:], s[i:])))
        return "".join(out)


class Tables:
    """OpenCC ``hk2s`` as data: ``convert`` gives OpenCC's output for a line.

    ``norm`` and ``stages`` are _Stage objects; ``seg`` is the segmentation
    dictionary's keys, as (one-character keys, longer keys)."""

    def __init__(self, norm: _Stage | None, seg: tuple[frozenset, frozenset], stages: list[_Stage],
                 changed: str, images: str, special: str, triggers: list[str]) -> None:
        self.norm = norm
        self.seg = seg
        self.stages = stages
        self.image = dict(zip(changed, images))  # a character OpenCC changes on its own → its image
        self.changed_chars = changed
        self.special_chars = special
        self.triggers = triggers

    @functools.cached_property
    def seg_lengths(self) -> dict[str, list[int]]:
        lengths: dict[str, set[int]] = {}
        for part in self.seg:
            for k in part:
                lengths.setdefault(k[0], set()).add(len(k))
        return {c: sorted(ls, reverse=True) for c, ls in lengths.items()}

    # -- the exact conversion
    def convert(self, s: str) -> str:
        """What OpenCC ``hk2s`` makes of ``s`` (a text without the characters of _UNSAFE_CHARS)."""
        if self.norm is not None:
            s = self.norm.convert(s)
        out = []
        stages = self.stages
        for seg in self._segments(s):
            for stage in stages:
                seg = stage.convert(seg)
            out.append(seg)
        return "".join(out)

    def _segments(self, s: str) -> list[str]:
        """OpenCC's maximum-match segmentation: the longest key at each position is a
        segment; the characters between keys make one segment."""
        lengths_of = self.seg_lengths
        if lengths_of.keys().isdisjoint(s):
            return [s]
        one, longer = self.seg
        search = self._seg_firsts.search
        segs: list[str] = []
        buf = i = 0
        n = len(s)
        while True:
            m = search(s, i)
            if m is None:
                break
            p = m.start()
            for length in lengths_of[s[p]]:
                if p + length <= n and (s[p:p + length] in longer if length > 1 else s[p] in one):
                    if buf < p:
                        segs.append(s[buf:p])
                    segs.append(s[p:p + length])
                    i = buf = p + length
                    break
            else:
                i = p + 1
        if buf < n:
            segs.append(s[buf:])
        return segs

    @functools.cached_property
    def _seg_firsts(self):
        from assistant.check.recache import compile as _rx

        return _rx("[" + _class_chars("".join(sorted(self.seg_lengths))) + "]")

    def convert_around(self, line: str, spans: list[tuple[int, int]]) -> str:
        """``convert(line)`` for a line without special characters whose triggers
        occur at ``spans`` (sorted): only the stretch around each cluster of them is
        converted in full, every other character on its own.

        Exact: a key (at most ``longest`` characters) that matched across a cut
        far enough from every trigger would itself be a trigger there (the
        characters around a cut are changed one by one by every stage before), so
        OpenCC's segments and matches never cross the cuts. A match that begins
        in what an earlier stage put in place of a phrase may reach past it by
        less than ``longest`` characters, so the margin grows with the stages."""
        reach = self.longest * max(1, len(self.stages))
        windows: list[list[int]] = []
        for s, e in spans:
            if windows and s - reach <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], e + reach)
            else:
                windows.append([max(0, s - reach), e + reach])
        get = self.image.get
        out: list[str] = []
        pos = 0
        for a, b in windows:
            piece = line[pos:a]
            out.append("".join(map(get, piece, piece)))
            out.append(self.convert(line[a:b]))
            pos = b
        piece = line[pos:]
        out.append("".join(map(get, piece, piece)))
        return "".join(out)

    @functools.cached_property
    def longest(self) -> int:
        return max(map(len, self.triggers), default=1)

    # -- the fast path
    # Character classes with characters beyond the Basic Multilingual Plane are slow
    # to scan with (the regex engine tests those one by one at every position), so
    # each class comes in two forms, and the full one is used only for a text that
    # has such characters at all.
    @functools.lru_cache(maxsize=6)
    def _class(self, name: str, astral: bool):
        from assistant.check.recache import compile as _rx

        if name == "changed":
            chars = _class_chars(self.changed_chars, astral)
            return _rx(f"[{chars}]") if chars else None
        if name == "special":  # a special character, or one of _UNSAFE_CHARS
            chars = _class_chars("".join(sorted(set(self.special_chars) | _UNSAFE_SET)), astral)
            return _rx(f"[{chars}]") if chars else None
        # "pairs": the first two characters of a possible trigger
        first = _class_chars("".join(sorted({t[0] for t in self.triggers})), astral)
        second = _class_chars("".join(sorted({t[1] for t in self.triggers})), astral)
        return _rx(f"([{first}])(?=([{second}]))") if first and second else None

    def changed(self, text: str):
        """A regex of the characters that OpenCC changes, each on its own, into one
        character (fit for ``text``); None if there are none."""
        return self._class("changed", _astral(text))

    @functools.cached_property
    def _by_bigram(self) -> dict[str, tuple[str, ...]]:
        """The first two characters of a trigger → the triggers, longest first."""
        out: dict[str, list[str]] = {}
        for t in sorted(self.triggers, key=len, reverse=True):
            out.setdefault(t[:2], []).append(t)
        return {k: tuple(v) for k, v in out.items()}

    def scan(self, text: str) -> tuple[list[int], list[tuple[int, int]]] | None:
        """Where OpenCC does more than change characters one by one: the offsets of
        special characters (changed into more or less than one character, or
        normalised) and the spans of triggers (a longer key of a dictionary may
        match there, or after an earlier stage), both in order. None if ``text`` has
        a character of _UNSAFE_CHARS: OpenCC itself must convert it."""
        astral = _astral(text)
        specials: list[int] = []
        rx = self._class("special", astral)
        if rx is not None:
            for m in rx.finditer(text):
                if m.group() in _UNSAFE_SET:
                    return None
                specials.append(m.start())
        spans: list[tuple[int, int]] = []
        pairs = self._class("pairs", astral)
        found = pairs.findall(text) if pairs is not None else None
        if found:
            # The pairs (in order) that begin a trigger: few. Each is found from the
            # one before (none of it lies between them).
            by_bigram = self._by_bigram
            startswith, find = text.startswith, text.find
            i = -1
            for pair in filter(by_bigram.__contains__, map("".join, found)):
                i = find(pair, i + 1)
                for t in by_bigram[pair]:
                    if startswith(t, i):
                        spans.append((i, i + len(t)))
                        break
        return specials, spans


def _astral(text: str) -> bool:
    """True if ``text`` has a character beyond the Basic Multilingual Plane (those take
    four bytes in UTF-16: much faster to find out than with a regex)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


# Characters that OpenCC handles as part of a sequence (ideographic description
# characters, variation selectors): a text with any of them goes to OpenCC.
_UNSAFE_CHARS = "".join(map(chr, [*range(0x2FF0, 0x3000), 0x31EF, *range(0xFE00, 0xFE10),
                                  *range(0xE0100, 0xE01F0)]))
_UNSAFE_SET = frozenset(_UNSAFE_CHARS)


def _class_chars(chars: str, astral: bool = True) -> str:
    """``chars`` (sorted) escaped for a ``[...]`` class; without those beyond the BMP
    unless ``astral``."""
    if not astral:
        chars = chars[:bisect.bisect_left(chars, "\U00010000")]
    for c in "\\]^-[":
        if c in chars:
            chars = chars.replace(c, "\\" + c)
    return chars




@functools.lru_cache(maxsize=1)
def tables() -> Tables | None:
    """OpenCC ``hk2s`` as checked tables (kept in the cache folder), or None when
    they cannot be had or do not give OpenCC's results: then OpenCC converts."""
    path = _cache_file("tables", _TABLES_VERSION)
    try:
        with open(path, encoding="utf-8") as fh:
            data = fh.read()
    except (OSError, UnicodeDecodeError):
        data = None
    if data is not None:
        try:
            return _parse(data)
        except ValueError:  # damaged, or "unusable" written by _build
            if data.startswith(_MAGIC + "\nunusable"):
                return None
    data = _build()
    _write(path, data)
    try:
        return _parse(data)
    except ValueError:
        return None


_MAGIC = f"assist hk2s tables {_TABLES_VERSION}"


def _parse(data: str) -> Tables:
    """Read what ``_serialise`` wrote; ValueError if it is not exactly that."""
    lines = data.split("\n")
    if not lines or lines[0] != _MAGIC or lines[-1] != "end":
        raise ValueError("not a tables file")
    pos = 1

    def take() -> str:
        nonlocal pos
        if pos >= len(lines):
            raise ValueError("truncated")
        pos += 1
        return lines[pos - 1]

    def head(name: str) -> list[int]:
        parts = take().split(" ")
        if parts[0] != name or not all(p.isdigit() for p in parts[1:]):
            raise ValueError(f"expected {name}")
        return [int(p) for p in parts[1:]]

    def pairs(keys, values: str) -> dict[str, str]:
        values = values.split("\t") if values else []
        if len(keys) != len(values) or not all(values):
            raise ValueError("keys and values differ")
        return dict(zip(keys, values))

    def stage(name: str) -> _Stage:
        (count,) = head(name)
        single = pairs(take(), take())  # the characters, one string; their values
        multis = []
        for _ in range(count):
            keys = take()
            multi = pairs(keys.split("\t") if keys else [], take())
            if multi and min(map(len, multi)) < 2:
                raise ValueError("short key among the longer ones")
            multis.append(multi)
        plans = {}
        for entry in filter(None, take().split("\t")):
            c, colon, rest = entry[0], entry[1:2], entry[2:]
            if colon != ":":
                raise ValueError("bad plan")
            plan = []
            for part in rest.split(";"):
                n, *lengths = map(int, part.split(","))
                plan.append((multis[n], lengths))
            plans[c] = plan
        return _Stage(single, plans)

    (has_norm,) = head("norm")
    norm = stage("stage") if has_norm else None
    head("seg")
    seg_one = frozenset(take())
    seg_longer = take()
    seg = (seg_one, frozenset(seg_longer.split("\t")) if seg_longer else frozenset())
    (count,) = head("stages")
    stages = [stage("stage") for _ in range(count)]
    head("changed")
    changed, images = take(), take()
    if len(changed) != len(images):
        raise ValueError("changed and images differ")
    head("special")
    special = take()
    head("triggers")
    triggers = take().split("\t")
    if triggers == [""]:
        triggers = []
    if (triggers and min(map(len, triggers)) < 2) or take() != "end" or pos != len(lines):
        raise ValueError("bad triggers or trailing data")
    return Tables(norm, seg, stages, changed, images, special, triggers)


def _serialise(norm: _Stage | None, seg, stages: list[_Stage], changed, images, special,
               triggers) -> str:
    def stage(st: _Stage) -> list[str]:
        multis: list[dict] = []
        for plan in st.plans.values():
            for multi, _ in plan:
                if all(multi is not m for m in multis):
                    multis.append(multi)
        index = {id(m): n for n, m in enumerate(multis)}
        plans = "\t".join(c + ":" + ";".join(",".join(map(str, [index[id(multi)], *lengths]))
                                              for multi, lengths in plan)
                          for c, plan in st.plans.items())
        out = [f"stage {len(multis)}", "".join(st.single), "\t".join(st.single.values())]
        for multi in multis:
            out += ["\t".join(multi), "\t".join(multi.values())]
        return out + [plans]

    lines = [_MAGIC, f"norm {0 if norm is None else 1}"] + (stage(norm) if norm is not None else [])
    lines += ["seg", "".join(sorted(seg[0])), "\t".join(sorted(seg[1])), f"stages {len(stages)}"]
    for st in stages:
        lines += stage(st)
    lines += ["changed", changed, images, "special", special, "triggers", "\t".join(triggers), "end"]
    return "\n".join(lines)


# --- building the tables (once per OpenCC installation) ---------------------------------

def _build() -> str:
    """The tables file's text: read, derived and checked against OpenCC; or a file
    that says "unusable" (and why) so that the next run does not try again."""
    try:
        norm, seg, stages = _read_config()
        norm = [_split(d) for d in norm]
        seg = _split(seg)
        stages = [[_split(d) for d in dicts] for dicts in stages]
        derived = _derive(norm, seg, stages)
        text = _serialise(_Stage.of(norm) if norm else None, (frozenset(seg[0]), frozenset(seg[1])),
                          [_Stage.of(d) for d in stages], *derived)
        problem = _validate(_parse(text))  # exactly what later runs will read
        if problem:
            return f"{_MAGIC}\nunusable: {problem}"
        return text
    except Exception as exc:  # no opencc_dict, another config format ...: OpenCC converts
        return f"{_MAGIC}\nunusable: {type(exc).__name__}: {exc}".replace("\r", " ")


def _read_config() -> tuple[list[dict], dict, list[list[dict]]]:
    """The dictionaries of OpenCC's ``hk2s`` configuration, in the order it uses them."""
    import json
    import os

    import opencc

    config = opencc.OpenCC(_CONFIG).config  # the config file's path, as OpenCC resolved it
    folder = os.path.dirname(config)
    with open(config, encoding="utf-8") as fh:
        cfg = json.load(fh)
    known = {"name", "normalization", "segmentation", "conversion_chain"}
    if set(cfg) - known:
        raise ValueError(f"unknown config keys {sorted(set(cfg) - known)}")

    def files(spec) -> list[str]:
        if not isinstance(spec, dict):
            raise ValueError("dict spec is not a mapping")
        if spec.get("type") == "ocd2" and set(spec) <= {"type", "file", "may_output_tofu"}:
            return [spec["file"]]
        if spec.get("type") == "group" and set(spec) <= {"type", "dicts", "match_policy"} \
                and spec.get("match_policy", "short_circuit") == "short_circuit":
            return [f for d in spec["dicts"] for f in files(d)]
        raise ValueError(f"unsupported dict {spec!r}")

    norm = [_dump(os.path.join(folder, f)) for item in cfg.get("normalization", [])
            for f in files(item["dict"])]
    segmentation = cfg["segmentation"]
    if segmentation.get("type") != "mmseg":
        raise ValueError("segmentation is not mmseg")
    seg_files = files(segmentation["dict"])
    if len(seg_files) != 1:
        raise ValueError("segmentation by a group")
    seg = _dump(os.path.join(folder, seg_files[0]))
    stages = [[_dump(os.path.join(folder, f)) for f in files(item["dict"])]
              for item in cfg["conversion_chain"]]
    return norm, seg, stages


def _dump(path: str) -> dict[str, str]:
    """An .ocd2 dictionary as {key: default value}, read with OpenCC's own tool."""
    import os
    import subprocess
    import tempfile

    import opencc

    # Only the tool installed with the OpenCC package itself (never one found on PATH).
    here = os.path.join(os.path.dirname(opencc.__file__), "clib", "bin")
    tool = next((os.path.join(here, n) for n in ("opencc_dict", "opencc_dict.exe")
                 if os.path.isfile(os.path.join(here, n))), None)
    if tool is None:
        raise FileNotFoundError("opencc_dict is not installed with OpenCC")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "dict.txt")
        subprocess.run([tool, "-i", path, "-o", out, "-f", "ocd2", "-t", "text"], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        with open(out, encoding="utf-8") as fh:
            text = fh.read()
    result: dict[str, str] = {}
    for line in text.split("\n"):
        if not line:
            continue
        key, tab, values = line.partition("\t")
        value = values.split(" ")[0]
        if not tab or not key or not value or "\r" in line or "\t" in values or key in result:
            raise ValueError(f"unexpected line in {os.path.basename(path)}: {line!r}")
        result[key] = value
    if not result:
        raise ValueError(f"{os.path.basename(path)} is empty")
    return result


def _derive(norm, seg, stages) -> tuple[str, str, str, list[str]]:
    """What the fast path needs: the characters changed into one other character
    (and their images), the characters that send a line to ``convert``, and the
    strings (triggers) whose presence may make a longer key match. Arguments
    are lists of (one-character keys, longer keys) pairs."""
    stage_objs = [_Stage.of(d) for d in stages]
    universe = {k for ds in (norm, [seg], *stages) for one, _ in ds for k in one}
    special = {k for one, _ in norm for k in one}  # normalised characters: always converted in full
    # the character each character becomes before each stage (special ones left out)
    maps: list[dict[str, str]] = []
    current = {c: c for c in universe}
    for stage in stage_objs:
        maps.append(current)
        nxt = {}
        for c, v in current.items():
            w = stage.single.get(v, v)
            if len(w) == 1:
                nxt[c] = w
            else:
                special.add(c)
        current = nxt
    final = {c: v for c, v in current.items() if c not in special}
    changed = "".join(sorted(c for c, v in final.items() if v != c))
    images = "".join(final[c] for c in changed)
    # Longer keys: of the segmentation and of the normalisation as they are; of a
    # stage, in every form that the stages before it make into that key.
    triggers: set[str] = set(seg[1])
    for _, longer in norm:
        triggers.update(longer)
    for before, dicts in zip(maps, stages):
        inverse: dict[str, set[str]] = {}
        for c, v in before.items():
            if c not in special:
                inverse.setdefault(v, set()).add(c)
        for _, longer in dicts:
            for key in longer:
                options = []
                for ch in key:
                    pre = set(inverse.get(ch, ()))
                    if ch not in before and ch not in special:  # a character no stage touches
                        pre.add(ch)
                    options.append(sorted(pre))
                count = 1
                for o in options:
                    count *= len(o)
                if count > 256:
                    raise ValueError(f"too many forms of {key!r}")
                triggers.update(_products(options))
    return changed, images, "".join(sorted(special)), sorted(triggers)


def _products(options: list[list[str]]) -> list[str]:
    out = [""]
    for o in options:
        out = [a + b for a in out for b in o]
    return out


def _validate(tables: Tables) -> str | None:
    """Compare the tables with OpenCC itself; the first difference, or None."""
    import random
    from bisect import bisect_right

    convert = converter()
    stages = ([tables.norm] if tables.norm is not None else []) + tables.stages
    parts = [st.single for st in stages] + [m for st in stages for plan in st.plans.values()
                                             for m, _ in plan]
    chars = sorted({c for d in parts for k, v in d.items() for c in k + v} | tables.seg[0]
                   | {c for k in tables.seg[1] for c in k})
    keys = sorted({k for d in parts for k in d if len(k) > 1} | tables.seg[1])
    rng = random.Random(20240601)
    pool = chars + list("，。、 a1“”（）\r\t")
    mixed = []
    for _ in range(2000):
        parts_ = []
        for _ in range(rng.randint(1, 8)):
            r = rng.random()
            if r < 0.35:
                parts_.append(rng.choice(keys))
            elif r < 0.5:
                k = rng.choice(keys)
                parts_.append(k[rng.randrange(len(k)):] if rng.random() < 0.5 else k[:rng.randint(1, len(k))])
            else:
                parts_.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 3))))
        mixed.append("".join(parts_))
    for _ in range(300):  # long lines: phrases far apart and close together (convert_around)
        parts_ = []
        for _ in range(rng.randint(2, 12)):
            parts_.append(rng.choice(keys))
            parts_.append("".join(rng.choice(pool) for _ in range(rng.choice((0, 1, 3, 9, 10, 11, 19, 20, 21, 40)))))
        mixed.append("".join(parts_))
    lines = [line for line in chars + keys + mixed if not _UNSAFE_SET.intersection(line)]
    text = "\n".join(lines)
    expected = convert(text)
    # No key holds a line break, so the lines can be converted all in one
    if tables.convert(text) != expected:
        for line, want in zip(lines, expected.split("\n")):
            got = tables.convert(line)
            if got != want:
                return f"convert({line!r}) = {got!r}, OpenCC: {want!r}"
        return "the lines convert differently together"
    expected = expected.split("\n")
    if len(expected) != len(lines):
        return "line count differs"
    found = tables.scan(text)
    if found is None:
        return "unsafe characters in the sample"
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    specials = {bisect_right(starts, i) - 1 for i in found[0]}
    spans: dict[int, list[tuple[int, int]]] = {}
    for s, e in found[1]:
        k = bisect_right(starts, s) - 1
        spans.setdefault(k, []).append((s - starts[k], e - starts[k]))
    get = tables.image.get
    one_by_one = "".join(map(get, text, text)).split("\n")
    for k, (line, want) in enumerate(zip(lines, expected)):
        if k in specials:
            continue
        got = tables.convert_around(line, spans[k]) if k in spans else one_by_one[k]
        if got != want:
            return f"{line!r} in parts: {got!r}, OpenCC: {want!r}"
    return None
