"""Speaking as a unit: the one rewriting a sentence from another unit type's report may take.

Who speaks is rewritten (我镇 → 我校: every unit type's ``terms.self`` words → the unit's
first one); nothing else is. Rewriting another unit's whole (全镇), institutions, roles,
people or business into ours (村民 → 师生, 村两委 → 学校领导班子) writes sentences no school
would: a draft does not take such a sentence at all (``assistant.units.fitness``).
"""

from __future__ import annotations

import weakref

from assistant.units.model import Unit


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
    hits = [m for m in pattern.finditer(text)]
    if not hits:
        return text
    # a word, not a piece of one: 本行业 holds no 本行
    from assistant.units.fitness import token_cuts

    cuts = token_cuts(text)
    out, pos = [], 0
    for m in hits:
        s, e = m.span()
        if s in cuts and e in cuts:
            out.append(text[pos:s])
            out.append(mapping[m.group()])
            pos = e
    out.append(text[pos:])
    return "".join(out)


__all__ = ["speak_as"]
