"""Vocabulary adaptation: rewrite a text in a unit type's own words.

Words are replaced, not substrings. The text is segmented (``assistant.segment.cut``)
and a vocabulary entry applies only where it starts and ends on a token boundary, so
居民区 keeps its 居民 and 客户经理 its 客户. Entries may span several tokens (返乡/人员,
村/小组长). At each position the longest applicable entry wins (村两委干部 before 村两委
before 两委).

Two refinements make the result pass the unit's forbidden-word check rule without
breaking words:

* a forbidden word of the unit is also replaced where segmentation glued it to a
  neighbouring token (以村/小组 → 以班级), as long as it does not lie inside a single
  token: a real word that merely contains it (客户经理) is left whole, and ``check``
  will point at it;
* ``keep`` words (村民委员会, 客户端, 人民群众…) are never changed, even where
  segmentation splits them (村民/委员会).

When a replacement ends the way the following text begins, the repeat is dropped
(村两委 + 班子成员 → 学校领导班子成员, not 学校领导班子班子成员).

The segmentation dictionary is loaded on first use, never at import.
"""

from __future__ import annotations

import bisect
import weakref
from functools import lru_cache

from assistant.units.model import Unit

_ALIGNED, _FORBIDDEN, _KEEP = 0, 1, 2


@lru_cache(maxsize=256)
def _boundaries(text: str) -> tuple[int, ...]:
    """Sorted offsets where a token starts or ends (whitespace is dropped by cut)."""
    from assistant.segment import cut

    cuts = {0, len(text)}
    pos = 0
    for token in cut(text):
        start = text.find(token, pos)
        if start < 0:  # cannot happen: tokens come in order and cover the text
            continue
        cuts.add(start)
        pos = start + len(token)
        cuts.add(pos)
    return tuple(sorted(cuts))


class _Table:
    """The unit's entries by first character, longest first: (key, value, how)."""

    def __init__(self, unit: Unit) -> None:
        forbidden = set(unit.forbidden)
        entries: dict[str, tuple[str, int]] = {
            key: (value, _FORBIDDEN if key in forbidden else _ALIGNED)
            for key, value in unit.vocabulary.items()
        }
        entries.update({word: (word, _KEEP) for word in unit.keep})
        self.by_first: dict[str, list[tuple[str, str, int]]] = {}
        for key, (value, how) in entries.items():
            self.by_first.setdefault(key[0], []).append((key, value, how))
        for items in self.by_first.values():
            items.sort(key=lambda item: -len(item[0]))


_tables: "weakref.WeakKeyDictionary[Unit, _Table]" = weakref.WeakKeyDictionary()


def _table(unit: Unit) -> _Table:
    table = _tables.get(unit)
    if table is None:
        table = _tables[unit] = _Table(unit)
    return table


def _trim_overlap(value: str, text: str, end: int) -> str:
    """Drop a tail of ``value`` that the following text repeats. Two characters at
    least: one would turn 师生 + 生活 into 师生活."""
    for k in range(min(len(value) - 1, len(text) - end), 1, -1):
        if text.startswith(value[-k:], end):
            return value[:-k]
    return value


def _scan(text: str, unit: Unit) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every vocabulary or keep entry applied to ``text``."""
    table = _table(unit).by_first
    if not text or not any(ch in table for ch in set(text)):
        return []
    cuts = _boundaries(text)
    cut_set = set(cuts)
    found = []
    i, n = 0, len(text)
    while i < n:
        chosen = None
        for key, value, how in table.get(text[i], ()):
            if not text.startswith(key, i):
                continue
            end = i + len(key)
            if how == _KEEP or (i in cut_set and end in cut_set):
                chosen = (end, value)
                break
            if how == _FORBIDDEN:
                token_end = cuts[bisect.bisect_right(cuts, i)]
                if end > token_end:  # crosses a boundary: not part of one word
                    chosen = (end, value)
                    break
        if chosen is None:
            i += 1
            continue
        end, value = chosen
        found.append((i, end, _trim_overlap(value, text, end)))
        i = end
    return found


def adapt(text: str, unit: Unit) -> str:
    """``text`` with other units' and generic words replaced by ``unit``'s own."""
    out: list[str] = []
    pos = 0
    for start, end, value in _scan(text, unit):
        out.append(text[pos:start])
        out.append(value)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def replacements(text: str, unit: Unit) -> list[tuple[int, int, str, str]]:
    """(start, end, old, new) for each word ``adapt`` replaces (to explain a change)."""
    return [(s, e, text[s:e], v) for s, e, v in _scan(text, unit) if text[s:e] != v]




# ---- who speaks: the safe part of adaptation ------------------------------------------------

_speak_tables: "weakref.WeakKeyDictionary[Unit, tuple]" = weakref.WeakKeyDictionary()


def _speak_table(unit: Unit) -> tuple:
    """(compiled pattern of every unit type's words for who speaks, word → this unit's word)."""
    hit = _speak_tables.get(unit)
    if hit is not None:
        return hit
    import re

    from assistant.units import all_units
    from assistant.units.model import SAFE_CONCEPTS

    mapping: dict[str, str] = {}
    for concept in SAFE_CONCEPTS:
        mine = unit.terms.get(concept)
        if not mine:
            continue
        for other in all_units():
            for w in other.terms.get(concept, ()):
                if w not in unit.terms.get(concept, ()):
                    mapping.setdefault(w, mine[0])
    pattern = re.compile("|".join(re.escape(w) for w in sorted(mapping, key=len, reverse=True))) if mapping else None
    table = (pattern, mapping)
    _speak_tables[unit] = table
    return table


def speak_as(text: str, unit: Unit) -> str:
    """``text`` with who speaks rewritten for ``unit`` (我镇 → 我校): the one rewriting that
    never changes what a sentence says. Another unit's whole (全镇), institutions, roles,
    people or business are not rewritten (a sentence naming them is not used)."""
    pattern, mapping = _speak_table(unit)
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: mapping[m.group()], text)


__all__ = ["adapt", "replacements", "speak_as"]
