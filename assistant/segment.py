"""Word segmentation: jieba's algorithm and dictionary plus our domain dictionary.

rjieba (a Rust port of jieba with the same dictionary) is used when it is
installed: it loads in ~0.2 s and segments ~20× faster than pure-Python jieba
(see bench/bench_segment.py). Pure-Python jieba is the fallback, with the same
domain dictionary, so tokens agree either way (tests/test_segment.py).

Importing this module is cheap; the dictionary loads on first use.
"""

from __future__ import annotations

import re
import threading
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable

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
    text back), as a list, with no per-call checks (for hot loops such as the index build)."""
    _load()
    return _backend.lcut if _backend_name == "jieba" else _backend.cut  # jieba.cut is a generator


def raw_tagger() -> Callable[[str], list[tuple[str, str]]] | None:
    """The backend's (word, tag) function whose words are exactly ``raw_cutter()``'s, or None.

    rjieba's tag is its cut followed by a dictionary look-up of each word, so one call
    gives both the tokens and the tags that ``tag`` would give for the same text (the
    index build uses this to segment each sentence once). jieba's POS tagger segments
    by a different algorithm: None there.
    """
    _load()
    return _backend.tag if _backend_name == "rjieba" else None


_first, _second = itemgetter(0), itemgetter(1)
_DIGIT = re.compile(r"\d")
_DIGIT_LINE = re.compile(r"[^\n]*\d[^\n]*")  # a line with a digit


class WordTags:
    """The tag ``raw_tagger()`` gives each word seen so far (see ``word_tags``).

    ``tag``: word → tag; ``names``: word → ``name(word, tag)`` for the words where that is
    not None (for the phrase table: the local names and what replaces them); ``figures``:
    the words with a decimal digit; ``digits``: the words of digits only (``str.isdigit``).
    A caller can ask whether a sentence has such a word without looking at each one.
    """

    __slots__ = ("_tagger", "cut", "name", "_name_tags", "tag", "names", "figures", "digits", "pending")

    def __init__(self, tagger: Callable[[str], list[tuple[str, str]]], cut: Callable[[str], list[str]],
                 name: Callable[[str, str], str | None], name_tags: frozenset[str]) -> None:
        self._tagger = tagger
        self.cut = cut  # the cutter whose words the tagger tags
        self.name = name
        self._name_tags = name_tags  # name(word, tag) is None for any other tag
        self.tag: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.figures: set[str] = set()
        self.digits: set[str] = set()
        self.pending: set[str] = set()  # words the tagger splits when alone: learnt in context

    def learn(self, words: set[str]) -> None:
        """Tag the ``words`` not known yet: all in one tagger call, one word per line.

        The tagger never joins across a line break, and a word that comes back as one
        token has the tag it has anywhere. A word it splits when alone (some words of the
        HMM, e.g. 天内) goes to ``pending``: ``learn_text`` learns it from its sentence.
        """
        new = words.difference(self.tag)  # a plain dict: set.difference looks each word up
        if self.pending:
            new.difference_update(self.pending)
        if not new:
            return
        order = list(new)
        joined = "\n".join(order)
        pairs = self._tagger(joined)
        if len(pairs) == 2 * len(order) - 1 and list(map(_first, pairs[::2])) == order:
            # one token per word, one per line break
            tagged = pairs[::2]
            self.tag.update(tagged)
            name, names = self.name, self.names
            for w, t in compress(tagged, map(self._name_tags.__contains__, map(_second, tagged))):
                v = name(w, t)
                if v is not None:
                    names[w] = v
            self.figures.update(_DIGIT_LINE.findall(joined))
            self.digits.update(filter(str.isdigit, order))
            return
        # some word came back as more than one token: the line breaks still tell the words
        # apart (unless a word is a carriage return, which joins the break into \r\n)
        groups: list[list[tuple[str, str]]] = [[]]
        for p in pairs:
            if p[0] == "\n":
                groups.append([])
            else:
                groups[-1].append(p)
        if len(groups) != len(order):
            groups = [self._tagger(w) for w in order]
        for w, g in zip(order, groups):
            if len(g) == 1 and g[0][0] == w:
                self._add(w, g[0][1])
            else:
                self.pending.add(w)

    def knows(self, words: list[str]) -> bool:
        """Whether every one of ``words`` is tagged, after learning the new ones."""
        tag = self.tag
        for w in words:
            if w not in tag:
                self.learn(set(words))
                return all(map(tag.__contains__, words))
        return True

    def learn_text(self, text: str) -> list[tuple[str, str]]:
        """``raw_tagger()(text)``, remembering the tags of its words."""
        pairs = self._tagger(text)
        for w, t in pairs:
            if w not in self.tag:
                self._add(w, t)
                self.pending.discard(w)
        return pairs

    def _add(self, w: str, t: str) -> None:
        self.tag[w] = t
        name = self.name(w, t)
        if name is not None:
            self.names[w] = name
        if _DIGIT.search(w):
            self.figures.add(w)
        if w.isdigit():
            self.digits.add(w)


def word_tags(name: Callable[[str, str], str | None], name_tags: Iterable[str]) -> WordTags | None:
    """A fresh word → tag table for ``raw_tagger()``, or None when there is no tagger.

    rjieba's tag is its cut followed by a look-up of each word (in the dictionary, or by
    its characters when not there), so a word's tag does not depend on the text around
    it: ``raw_cutter()`` and this table give what ``raw_tagger()`` gives, and cutting is
    about twice as fast as tagging (it makes no tag strings and tuples), while a corpus
    has a few thousand distinct words. The table is only valid while the dictionary does
    not change; take a new one after ``add_word`` or ``load_userdict``.
    """
    tagger = raw_tagger()
    return None if tagger is None else WordTags(tagger, raw_cutter(), name, frozenset(name_tags))


def tag(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech) pairs; jieba's tags (ns place, nr person, nt organisation…)."""
    _load()
    if _backend_name == "jieba":
        import jieba.posseg as pseg

        return [(p.word, p.flag) for p in pseg.cut(text) if p.word.strip()]
    return [(w, t) for w, t in _backend.tag(text) if w.strip()]

