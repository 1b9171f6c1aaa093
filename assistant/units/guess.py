"""Which unit type wrote a report: aliases in the title, the unit's own words in the text.

Score per unit = 10 × length of the longest alias or label found in the title (so
市卫生健康委 is health, not city) + 8 × that length for the writer named at the start of
the text (涪陵区妇联坚决贯彻… names 妇联; 按照县委部署 names no one) + for each of its self-references (terms ``self`` and
``whole``: 我校, 全行, 全村…) 3 × occurrences + for each other word it owns (``people``,
``leaders``, ``cadres``… and ``cues``) 1 × occurrences, every count capped at 10 so
that one word repeated cannot outweigh the rest. Counting substrings needs no
segmentation. The best score wins; no clue at all gives ``default``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.units.model import Unit

TITLE_WEIGHT = 10
SUBJECT_WEIGHT = 8
SELF_WEIGHT = 3
CUE_WEIGHT = 1
CAP = 10
SELF_CONCEPTS = ("self", "whole")


# The writer as the subject of the opening sentence: "XX党委高度重视", "XX两委班子坚决贯彻".
_SUBJECT = re.compile(r"([^，。；：,.;:!?！？\s]{2,24}?)(?:高度重视|坚决贯彻|深入贯彻|认真贯彻|积极响应|迅速行动|第一时间)")


def opening_subject(text: str) -> str:
    """Who the first sentence says acted (empty if it does not say)."""
    m = _SUBJECT.search(text[:300])
    return m.group(1) if m else ""


def _longest(names: tuple[str, ...], text: str) -> int:
    return next((len(n) for n in names if n in text), 0)  # names are longest first


@lru_cache(maxsize=64)
def _profile(unit: Unit) -> tuple[tuple[str, ...], dict[str, int]]:
    names = tuple(sorted({unit.label, *unit.aliases}, key=len, reverse=True))
    weights: dict[str, int] = {}
    for concept, words in unit.terms.items():
        w = SELF_WEIGHT if concept in SELF_CONCEPTS else CUE_WEIGHT
        for word in words:
            weights[word] = max(weights.get(word, 0), w)
    for word in unit.cues:
        weights.setdefault(word, CUE_WEIGHT)
    return names, weights


def scores(title: str, text: str, units: list[Unit]) -> dict[str, int]:
    result: dict[str, int] = {}
    title = title or ""
    text = text or ""
    subject = opening_subject(text)
    for unit in units:
        names, weights = _profile(unit)
        score = TITLE_WEIGHT * _longest(names, title) + SUBJECT_WEIGHT * _longest(names, subject)
        for word, weight in weights.items():
            count = text.count(word)
            if count:
                score += weight * min(count, CAP)
        result[unit.name] = score
    return result


def guess_unit(title: str, text: str, default: str = "") -> str:
    from assistant.units import all_units

    units = all_units()
    ranked = scores(title, text, units)
    best = max(ranked.items(), key=lambda kv: kv[1], default=(default, 0))
    return best[0] if best[1] > 0 else default
