"""Compiled regular expressions kept between runs, as ``.pyc`` files keep bytecode.

Python compiles every regex again in each process, and a character class that
holds Chinese characters takes milliseconds to compile (the engine builds a
bitmap over the whole Basic Multilingual Plane). ``assist check`` uses a few
dozen such patterns: compiling them would cost more than checking a long
report (about 30 ms against a few for reading them back).

``compile()`` therefore keeps the regex engine's compiled code in the cache
folder and rebuilds the pattern object from it with ``_sre.compile``, the
function that ``re.compile`` itself ends with. The cache is data only (numbers
and the pattern strings), keyed by the exact Python version and the regex
engine's format numbers; the engine checks the code it is given (CPython
validates compiled code before using it). Anything unexpected (another Python,
a damaged cache file, an unknown internal API) falls back to ``re.compile``,
so the result is always the same pattern; only the time differs. A test
compares every cached pattern's matches with ``re.compile``'s.

It also adds, where CPython's compiler leaves it out, the set of characters a
match can start with (``_with_start_set``): the engine then skips quickly to
those characters instead of trying the whole pattern at every position. That
is what makes one regex with many alternatives (a rule with a list of
patterns) or a pattern that begins with a look-ahead as fast as one that
begins with a plain character class.

File format (``regex-cache.bin``): one line ``MAGIC TAB version TAB count``,
then ``count`` lines ``kind TAB flags TAB groups TAB group names TAB offset TAB
length TAB generation TAB key size`` (``kind`` is ``p`` for a pattern, ``v``
for a small string value, kept ``unicode_escape``-d in the names field), then
the keys (UTF-8, one after the other) and the compiled code of all patterns
(unsigned 32-bit numbers). Entries not used for a while are dropped when the
file is written again.

Only ``save()`` writes the cache (``assist check`` calls it); other callers only
read it.

**Private API, so only where it was verified.** ``_sre.compile``, ``re._compiler`` and
``re._parser`` are CPython's internals: a new release may change them in ways no test on
today's Python sees. So all of this (and ``engine.first_chars``, which reads patterns with
``re._parser``) is used only on the CPython versions in ``VERIFIED``, those on which the
tests that compare every cached and start-set pattern with ``re.compile`` have passed
(tests/test_check_rules.py). Elsewhere, or with ``ASSIST_REGEX_CACHE=0``, ``compile`` is
``re.compile``: the same findings, more slowly. Measured with bench/bench_check.py on a
200 KB report (the "fixed" one): 38.7 ms of CPU with the cache, 82.9 ms with plain ``re``
(1.60× and 3.37× the naive script; the budget is 2×), so the cache stays where it is verified.
"""

from __future__ import annotations

import re
import sys

# CPython versions whose regex internals the tests have checked this module against: add one
# only after tests/test_check_rules.py passes on it (the cache and start-set tests there).
VERIFIED = frozenset({(3, 11), (3, 12), (3, 13)})
_enabled: bool | None = None

_MAGIC = b"assist regex cache 4"  # bump when the start-set analysis or the entries change
_KEEP = 30  # an entry not used in the last _KEEP writes of the cache is dropped
_store: dict | None = None  # key -> entry (kind, flags, groups, names, code words or value, gen)
_blob = b""
_generation = 0
_new: dict = {}
_used: set = set()


def enabled() -> bool:
    """Whether the private-API path is used here: a verified CPython, not switched off by
    ``ASSIST_REGEX_CACHE=0``."""
    global _enabled
    if _enabled is None:
        import os

        _enabled = (sys.implementation.name == "cpython" and sys.version_info[:2] in VERIFIED
                    and os.environ.get("ASSIST_REGEX_CACHE", "1") != "0")
    return _enabled


def _version_key() -> str:
    import _sre

    return f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"


def _path() -> str:
    import os

    from assistant.paths import cache_dir_name

    return os.path.join(cache_dir_name(), "check", "regex-cache.bin")


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
    expressions (a millisecond of every run). Uses the json module's own C
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
    """The cache file's entries (read once); {} if missing, damaged or from another Python."""
    global _store, _blob, _generation
    if _store is None:
        _store = {}
        try:
            with open(_path(), "rb") as fh:
                data = fh.read()
            _store, _blob, _generation = _parse(data)
        except Exception:  # missing or damaged: compile normally
            _store, _blob, _generation = {}, b"", 0
    return _store


def _parse(data: bytes) -> tuple[dict, bytes, int]:
    head, _, rest = data.partition(b"\n")
    magic, version, generation, count = head.split(b"\t")
    if magic != _MAGIC or version.decode("unicode_escape") != _version_key():
        raise ValueError("another version")
    count = int(count)
    lines = rest.split(b"\n", count)
    if len(lines) != count + 1:
        raise ValueError("truncated")
    rows = [line.split(b"\t") for line in lines[:count]]
    keys_size = sum(int(row[7]) for row in rows)
    keys, blob = lines[count][:keys_size], lines[count][keys_size:]
    if len(keys) != keys_size or len(blob) % 4:
        raise ValueError("damaged file")
    words = len(blob) // 4
    store = {}
    pos = 0
    for kind, flags, groups, names, offset, length, gen, key_size in rows:
        key = keys[pos:pos + int(key_size)].decode("utf-8")
        pos += int(key_size)
        offset, length = int(offset), int(length)
        if kind == b"p":
            if offset < 0 or length < 1 or offset + length > words:
                raise ValueError("code outside the file")
            store[key] = ("p", int(flags), int(groups), names.decode("unicode_escape"),
                          (offset, length), int(gen))
        elif kind == b"v":
            value = None if names == b"-" else names[1:].decode("unicode_escape")
            store[key] = ("v", 0, 0, value, None, int(gen))
        else:
            raise ValueError("unknown entry")
    return store, blob, int(generation)


def _names(groupindex: dict) -> str:
    return ",".join(f"{name}={index}" for name, index in groupindex.items())


def _groupindex(names: str) -> dict:
    out = {}
    for item in names.split(",") if names else ():
        name, _, index = item.partition("=")
        if not name.isidentifier() or not index.isdigit():
            raise ValueError("bad group name")
        out[name] = int(index)
    return out


def _code_of(entry) -> list:
    from array import array

    offset, length = entry[4]
    code = array("I")
    if code.itemsize != 4:
        raise ValueError("no 32-bit array type")
    code.frombytes(_blob[4 * offset:4 * (offset + length)])
    return code.tolist()


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, from the cache when possible."""
    if not enabled():
        return re.compile(pattern, flags)
    flags = int(flags)
    key = f"{flags}:{pattern}"
    entry = _load().get(key)
    if entry is not None and entry[0] == "p":
        try:
            import _sre

            final_flags, groups, groupindex = entry[1], entry[2], _groupindex(entry[3])
            indexgroup = [None] * (groups + 1)
            for name, index in groupindex.items():
                indexgroup[index] = name
            compiled = _sre.compile(pattern, final_flags, _code_of(entry), groups, groupindex,
                                    tuple(indexgroup))
            _used.add(key)
            return compiled
        except Exception:  # damaged entry, or an engine that refuses it: compile it anew
            pass
    new = _new.get(key)
    if new is not None:
        try:
            import _sre

            final_flags, groups, groupindex, code = new
            indexgroup = [None] * (groups + 1)
            for name, index in groupindex.items():
                indexgroup[index] = name
            return _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
        except Exception:
            pass
    try:
        import _sre
        from re import _compiler, _parser  # CPython 3.11+

        if _sre.CODESIZE != 4:
            raise ImportError
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        final_flags = flags | parsed.state.flags
        groups = parsed.state.groups - 1
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        fast = _with_start_set(code, parsed, final_flags)
        if fast is not code:
            try:
                _sre.compile(pattern, final_flags, fast, groups, groupindex, tuple(indexgroup))
                code = fast
            except Exception:  # the engine's validator refused it: keep CPython's own code
                pass
        compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
    except re.error:
        raise
    except Exception:  # another Python: no cache, same result
        return re.compile(pattern, flags)
    _new[key] = (final_flags, groups, groupindex, code)
    return compiled


def _with_start_set(code: list, parsed, flags: int) -> list:
    """``code`` with the set of characters a match can start with in its INFO
    block, where CPython's compiler put neither a literal prefix nor a set.

    The regex engine then skips through the text to such a character and tries
    the pattern only there (as it does for a pattern that starts with ``[...]``),
    several times faster on a long report. CPython finds that set only when the
    pattern itself starts with a character class; ``(?=[xX*_])(?:...)``, an
    alternation of several items, or a ``^`` in multi-line mode get nothing.
    The set is a sound over-approximation (see ``start_items``), so the
    matches are the same; a test compares them with ``re.compile`` on the seeds.
    """
    from re import _compiler, _constants as C

    if len(code) < 5 or code[0] != C.INFO:
        return code
    if code[1] != 4 or code[2] != 0 or code[3] == 0 or flags & re.IGNORECASE:
        return code  # already has a prefix or set, or may match the empty string
    items = start_items(list(parsed), C)
    if not items:
        return code
    charset, hascased = _compiler._optimize_charset(items)
    if hascased:
        return code
    info = [C.INFO, 0, C.SRE_INFO_CHARSET, code[3], code[4]]
    _compiler._compile_charset(charset, flags, info)
    info[1] = len(info) - 1
    return info + code[5:]


def start_items(items: list, C):
    """The characters (as ``[...]`` class items) that a match of ``items`` (a parsed
    pattern) must start with, or None if not known. Zero-width assertions are
    skipped (or, for a look-ahead that starts with a known set, give that set);
    any construct not understood gives None."""
    for k, (op, av) in enumerate(items):
        if op is C.AT or op is C.ASSERT_NOT or (op is C.ASSERT and av[0] < 0):
            continue  # zero width: ^ $ \b, negative look-arounds, look-behinds
        if op is C.ASSERT:  # a look-ahead: the match starts where it matches
            sub = start_items(list(av[1]), C)
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
                sub = start_items(list(alt), C)
                if sub is None:
                    return None
                out += sub
            return out
        if op is C.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                return None
            return start_items(list(av[-1]), C)
        if op is C.MAX_REPEAT or op is C.MIN_REPEAT:
            lo, _, body = av
            sub = start_items(list(body), C)
            if sub is None:
                return None
            if lo == 0:
                rest = start_items(items[k + 1:], C)
                return None if rest is None else sub + rest
            return sub
        return None
    return None


def cached(key: str, compute):
    """A small string value (or None) kept in the same cache, e.g. a pattern's
    first characters."""
    if not enabled():
        return compute()
    full = "value:" + key
    entry = _load().get(full)
    if entry is not None and entry[0] == "v":
        _used.add(full)
        return entry[3]
    if full in _new:
        return _new[full]
    value = compute()
    if value is not None and not isinstance(value, str):
        raise TypeError("recache.cached keeps strings only")
    _new[full] = value
    return value


def save() -> None:
    """Write newly compiled patterns to the cache (atomically; errors ignored)."""
    global _store, _blob, _generation
    if not _new or not enabled():
        return
    try:
        from array import array

        from assistant.atomic import write_bytes

        store = _load()
        generation = _generation + 1
        blob = array("I")
        lines = []
        keys = []

        def put(kind: str, key: str, flags: int, groups: int, names: str, code, gen: int) -> None:
            offset = len(blob)
            if code is not None:
                blob.extend(code)
            keys.append(key.encode("utf-8"))
            lines.append(b"\t".join((kind.encode(), b"%d" % flags, b"%d" % groups,
                                     names.encode("unicode_escape"), b"%d" % offset,
                                     b"%d" % (len(blob) - offset), b"%d" % gen,
                                     b"%d" % len(keys[-1]))))

        for key, entry in store.items():
            gen = generation if key in _used else entry[5]
            if key in _new or gen < generation - _KEEP:
                continue
            if entry[0] == "p":
                put("p", key, entry[1], entry[2], entry[3], _code_of(entry), gen)
            else:
                put("v", key, 0, 0, "-" if entry[3] is None else "=" + entry[3], None, gen)
        for key, new in _new.items():
            if key.startswith("value:"):
                put("v", key, 0, 0, "-" if new is None else "=" + new, None, generation)
            else:
                final_flags, groups, groupindex, code = new
                put("p", key, final_flags, groups, _names(groupindex), code, generation)
        if blob.itemsize != 4:
            return
        head = b"\t".join((_MAGIC, _version_key().encode("unicode_escape"), b"%d" % generation,
                           b"%d" % len(lines)))
        data = b"\n".join([head, *lines, b"".join(keys) + blob.tobytes()])
        write_bytes(_path(), data)
        _store, _blob, _generation = _parse(data)
        _new.clear()
    except Exception:
        pass
