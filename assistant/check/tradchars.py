"""Traditional characters in a simplified report, found with OpenCC (``hk2s``).

Converting a whole report costs time, and most reports have no traditional
character at all. So OpenCC first tells us, once, which characters it would
change on their own (about 4,000 of the 28,000 common Han characters); that set
is kept in the cache folder. A report is converted (line by line, with OpenCC's
phrase tables, so 著名 or 乾隆 stay as they are) only where such a character
occurs.
"""

from __future__ import annotations

import functools

_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CACHE_VERSION = 1


@functools.lru_cache(maxsize=1)
def converter():
    """OpenCC's Traditional (Hong Kong variants too) → Simplified conversion."""
    import opencc  # not NLP: a table-driven converter; imported only when needed

    return opencc.OpenCC("hk2s").convert


def _compute() -> frozenset[str]:
    convert = converter()
    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1)]
    joined = "\n".join(chars)
    out = convert(joined).split("\n")
    if len(out) != len(chars):  # never expected: fall back to one by one
        return frozenset(ch for ch in chars if convert(ch) != ch)
    return frozenset(a for a, b in zip(chars, out) if a != b)


def _cache_file() -> str:
    """Where the character set is kept; the name changes with the installed OpenCC
    (found without importing it, which would cost time on every run)."""
    import os
    import sys

    from assistant.paths import cache_dir_name

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
    return os.path.join(cache_dir_name(), "check", f"hk2s-chars-v{_CACHE_VERSION}-{stamp}.txt")


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
    try:
        from assistant.atomic import write_text

        write_text(path, data)
    except OSError:
        pass  # a read-only cache only costs time
    return data


def traditional_chars() -> frozenset[str]:
    """Every character that OpenCC ``hk2s`` changes on its own."""
    return frozenset(_chars_string())


@functools.lru_cache(maxsize=1)
def pattern():
    """A regex matching any of those characters (all Han characters: nothing to escape)."""
    from assistant.check.recache import compile as _rx

    return _rx("[" + _chars_string() + "]")


def suspects(text: str) -> set[str]:
    """The characters of ``text`` that may be traditional (a regex scan: far faster
    than ``set(text)`` on a long report)."""
    rx = pattern()
    if rx.search(text) is None:
        return set()
    return set(rx.findall(text))
