"""Word segmentation: jieba's algorithm and dictionary plus our domain dictionary.

rjieba (a Rust port of jieba with the same dictionary) is used when it is
installed: it loads in ~0.2 s and segments ~20× faster than pure-Python jieba
(see bench/bench_segment.py). Pure-Python jieba is the fallback, with the same
domain dictionary, so tokens agree either way (tests/test_segment.py).

Importing this module is cheap; the dictionary loads on first use.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

_lock = threading.Lock()
_backend = None  # the module or object with cut/tag/add_word
_backend_name = ""
_loaded_dicts: set[str] = set()


def _domain_dicts() -> list[Path]:
    from assistant.paths import shipped

    return [shipped("corpus") / "domain_dict.txt"]


def read_dict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba-format user dictionary (``word [freq] [tag]``, # comments)."""
    entries: list[tuple[str, int | None, str | None]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else None)
        entries.append((parts[0], freq, tag))
    return entries


def _load(prefer: str | None = None) -> None:
    global _backend, _backend_name
    with _lock:
        if _backend is not None and (prefer is None or prefer == _backend_name):
            return
        if prefer in (None, "rjieba"):
            try:
                import rjieba

                _backend, _backend_name = rjieba, "rjieba"
            except ImportError:
                if prefer == "rjieba":
                    raise
        if _backend is None or prefer == "jieba":
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            _backend, _backend_name = jieba, "jieba"
        _loaded_dicts.clear()
    for path in _domain_dicts():
        if path.is_file():
            load_userdict(path)


def use_backend(name: str) -> None:
    """Force ``"rjieba"`` or ``"jieba"`` (tests compare the two)."""
    global _backend
    _backend = None
    _load(name)


def backend_name() -> str:
    _load()
    return _backend_name


def add_word(word: str, freq: int | None = None, tag: str | None = None) -> None:
    _load()
    _backend.add_word(word, freq, tag)


def load_userdict(path: Path) -> None:
    """Add the words of a jieba-format dictionary file (once per file)."""
    key = str(Path(path).resolve())
    if key in _loaded_dicts:
        return
    _loaded_dicts.add(key)
    for word, freq, tag in read_dict(path):
        add_word(word, freq, tag)


def cut(text: str) -> list[str]:
    """Tokens of ``text`` (HMM on for unknown words), whitespace dropped."""
    _load()
    return [t for t in _backend.cut(text) if t.strip()]


def raw_cutter() -> Callable[[str], list[str]]:
    """The backend's own cut function: every token, whitespace included ("".join gives the
    text back), with no per-call checks (for hot loops such as the index build)."""
    _load()
    return _backend.cut


def raw_tagger() -> Callable[[str], list[tuple[str, str]]] | None:
    """The backend's (word, tag) function whose words are exactly ``raw_cutter()``'s, or None.

    rjieba's tag is its cut followed by a dictionary look-up of each word, so one call
    gives both the tokens and the tags that ``tag`` would give for the same text (the
    index build uses this to segment each sentence once). jieba's POS tagger segments
    by a different algorithm: None there.
    """
    _load()
    return _backend.tag if _backend_name == "rjieba" else None


def tag(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech) pairs; jieba's tags (ns place, nr person, nt organisation…)."""
    _load()
    if _backend_name == "jieba":
        import jieba.posseg as pseg

        return [(p.word, p.flag) for p in pseg.cut(text) if p.word.strip()]
    return [(w, t) for w, t in _backend.tag(text) if w.strip()]

