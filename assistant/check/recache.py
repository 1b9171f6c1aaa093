"""Compiled regular expressions kept between runs, as ``.pyc`` files keep bytecode.

Python compiles every regex again in each process, and a character class that
holds Chinese characters takes milliseconds to compile (the engine builds a
bitmap over the whole Basic Multilingual Plane). ``assist check`` uses a few
dozen such patterns, which cost more than the check itself on a short report.

``compile()`` therefore keeps the regex engine's compiled code in the cache
folder, keyed by the exact Python version and the regex engine's format number,
and rebuilds the pattern object from it. Anything unexpected (another Python,
a damaged cache file, an unknown internal API) falls back to ``re.compile``, so
the result is always the same pattern; only the time differs. The cache holds
numbers only (json, the code as hexadecimal digits), nothing that is executed.

Only ``save()`` writes the cache (``assist check`` calls it); other callers only
read it.
"""

from __future__ import annotations

import re
import sys

_VERSION = 2
_store: dict | None = None
_new: dict = {}


def _version_key() -> str:
    import _sre

    return f"{_VERSION}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"


def _path() -> str:
    import os

    from assistant.paths import cache_dir_name

    return os.path.join(cache_dir_name(), "check", "regex-cache.json")


class _JsonContext:
    """What the json module's C scanner reads from a JSONDecoder (plain json only)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str):
        raise ValueError(f"not plain json: {name}")


def loads_json(text: str):
    """``json.loads(text)`` for check's cache files (json written by ``json.dumps``),
    without importing the json package, whose import compiles several regular
    expressions (a few milliseconds of every run). Uses the json module's own C
    scanner; falls back to ``json.loads``. Raises ValueError for damaged data."""
    try:
        import _json

        value, end = _json.make_scanner(_JsonContext)(text, 0)
    except Exception:  # damaged data, or no C accelerator: the json module decides
        import json

        return json.loads(text)  # raises ValueError (JSONDecodeError) if damaged
    if end != len(text) and text[end:].strip(" \t\n\r"):
        raise ValueError("extra data after the json value")
    return value


def _load() -> dict:
    global _store
    if _store is None:
        _store = {}
        try:
            with open(_path(), encoding="utf-8") as fh:
                data = loads_json(fh.read())
            if isinstance(data, dict) and data.get("version") == _version_key():
                _store = data.get("patterns") or {}
        except Exception:  # missing or damaged: compile normally
            _store = {}
    return _store


def _encode(code: list) -> str:
    from array import array

    return array("I", code).tobytes().hex()


def _decode(text: str) -> list:
    return memoryview(bytes.fromhex(text)).cast("I").tolist()


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, from the cache when possible."""
    flags = int(flags)
    key = f"{flags}:{pattern}"
    entry = _load().get(key) or _new.get(key)
    if entry is not None:
        try:
            import _sre

            final_flags, code, groups, groupindex, indexgroup = entry
            return _sre.compile(pattern, final_flags, _decode(code), groups, groupindex,
                                tuple(indexgroup))
        except Exception:
            pass
    try:
        import _sre
        from re import _compiler, _parser  # CPython 3.11+

        if _sre.CODESIZE != 4:
            raise ImportError
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        fast = _with_start_set(code, parsed, flags | parsed.state.flags)
        if fast is not code:
            try:
                _sre.compile(pattern, flags | parsed.state.flags, fast, parsed.state.groups - 1,
                             dict(parsed.state.groupdict), (None,) * parsed.state.groups)
                code = fast
            except Exception:  # the engine's validator refused it: keep CPython's own code
                pass
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry = [flags | parsed.state.flags, _encode(code), parsed.state.groups - 1, groupindex, indexgroup]
        compiled = _sre.compile(pattern, entry[0], code, entry[2], groupindex, tuple(indexgroup))
    except re.error:
        raise
    except Exception:  # another Python: no cache, same result
        return re.compile(pattern, flags)
    _new[key] = entry
    return compiled


def _with_start_set(code: list, parsed, flags: int) -> list:
    """``code`` with the set of characters a match can start with in its INFO
    block, where CPython's compiler put neither a literal prefix nor a set.

    The regex engine then skips through the text to such a character and tries
    the pattern only there (as it does for a pattern that starts with ``[...]``),
    several times faster on a long report. CPython finds that set only when the
    pattern itself starts with a character class; ``(?=[xX*_])(?:...)``, an
    alternation of several items, or a ``^`` in multi-line mode get nothing.
    The set is a sound over-approximation (see ``_start_items``), so the
    matches are the same; a test compares them with ``re.compile`` on the seeds.
    """
    from re import _compiler, _constants as C

    if len(code) < 5 or code[0] != C.INFO:
        return code
    if code[1] != 4 or code[2] != 0 or code[3] == 0 or flags & re.IGNORECASE:
        return code  # already has a prefix or set, or may match the empty string
    items = _start_items(list(parsed), C)
    if not items:
        return code
    charset, hascased = _compiler._optimize_charset(items)
    if hascased:
        return code
    info = [C.INFO, 0, C.SRE_INFO_CHARSET, code[3], code[4]]
    _compiler._compile_charset(charset, flags, info)
    info[1] = len(info) - 1
    return info + code[5:]


def _start_items(items: list, C):
    """The characters (as ``[...]`` class items) that a match of ``items`` (a parsed
    pattern) must start with, or None if not known. Zero-width assertions are
    skipped (or, for a look-ahead that starts with a known set, give that set);
    any construct not understood gives None."""
    for k, (op, av) in enumerate(items):
        if op is C.AT or op is C.ASSERT_NOT or (op is C.ASSERT and av[0] < 0):
            continue  # zero width: ^ $ \b, negative look-arounds, look-behinds
        if op is C.ASSERT:  # a look-ahead: the match starts where it matches
            sub = _start_items(list(av[1]), C)
            if sub is not None:
                return sub
            continue
        if op is C.LITERAL:
            return [(C.LITERAL, av)]
        if op is C.IN:
            if any(o is not C.LITERAL and o is not C.RANGE for o, _ in av):
                return None
            return list(av)
        if op is C.BRANCH:
            out: list = []
            for alt in av[1]:
                sub = _start_items(list(alt), C)
                if sub is None:
                    return None
                out += sub
            return out
        if op is C.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                return None
            return _start_items(list(av[-1]), C)
        if op is C.MAX_REPEAT or op is C.MIN_REPEAT:
            lo, _, body = av
            sub = _start_items(list(body), C)
            if sub is None:
                return None
            if lo == 0:
                rest = _start_items(items[k + 1:], C)
                return None if rest is None else sub + rest
            return sub
        return None
    return None


def cached(key: str, compute):
    """A small json-able value kept in the same cache (e.g. a pattern's first characters)."""
    store = _load()
    full = "value:" + key
    if full in store:
        return store[full]
    if full in _new:
        return _new[full]
    value = compute()
    _new[full] = value
    return value


def save() -> None:
    """Write newly compiled patterns to the cache (atomically; errors ignored)."""
    global _store
    if not _new:
        return
    try:
        import json

        from assistant.atomic import write_text

        merged = dict(_load())
        merged.update(_new)
        write_text(_path(), json.dumps({"version": _version_key(), "patterns": merged},
                                       ensure_ascii=False))
        _store = merged
        _new.clear()
    except Exception:
        pass
