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
numbers only (json + base64), nothing that is executed.

Only ``save()`` writes the cache (``assist check`` calls it); other callers only
read it.
"""

from __future__ import annotations

import re
import sys
from typing import Optional

_VERSION = 1
_store: Optional[dict] = None
_new: dict = {}


def _version_key() -> str:
    import _sre

    return f"{_VERSION}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"


def _path():
    from assistant.paths import cache_dir

    return cache_dir() / "check" / "regex-cache.json"


def _load() -> dict:
    global _store
    if _store is None:
        _store = {}
        try:
            import json

            data = json.loads(_path().read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == _version_key():
                _store = data.get("patterns") or {}
        except Exception:  # missing or damaged: compile normally
            _store = {}
    return _store


def _encode(code: list) -> str:
    from array import array
    from base64 import b64encode

    return b64encode(array("I", code).tobytes()).decode("ascii")


def _decode(text: str) -> list:
    from array import array
    from base64 import b64decode

    return array("I", b64decode(text)).tolist()


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
