"""The vocabulary of ``assist fill``, read from ``lexicon.yaml`` beside this module.

Measure words and their classes, what a field name's ending says, synonyms and
abbreviations, the words that carry no meaning, the generic words for a unit
(学校, 镇, 银行 …) — all data. This module turns the file into the lookups the
slot reader, the field reader and the scorer use; it is read once per process.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Optional

LEXICON_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lexicon.yaml")


@dataclass(frozen=True)
class Lexicon:
    measure_class: dict[str, str]  # measure word → class
    measures: tuple[str, ...]  # longest first
    related: frozenset[frozenset[str]]
    magnitudes: dict[str, int]
    name_suffixes: tuple[tuple[str, Optional[str], str], ...]
    noun_classes: tuple[tuple[str, str], ...]
    count_words: frozenset[str]
    total_words: tuple[str, ...]
    stop: frozenset[str]
    generic: frozenset[str]
    modifiers: frozenset[str]
    synonyms: dict[str, frozenset[str]]
    unit_family: dict[str, str]  # a unit's generic word or name ending → family
    unit_words: tuple[str, ...]  # every such word, longest first
    unit_name_fields: frozenset[str]
    institutions: tuple[tuple[str, str], ...]  # (word, family), longest first
    class_nouns: dict[str, str]  # 人口 → person: a noun the measure word says
    action_words: frozenset[str]
    org_words: tuple[str, ...]
    prep_chars: str
    prep_words: frozenset[str]
    idioms: tuple[str, ...]
    after_rx: "re.Pattern[str]" = field(repr=False, default=None)  # type: ignore[assignment]
    idiom_rx: "re.Pattern[str]" = field(repr=False, default=None)  # type: ignore[assignment]

    def related_classes(self, a: Optional[str], b: Optional[str]) -> bool:
        return a is not None and b is not None and frozenset((a, b)) in self.related

    def same_family(self, a: str, b: str) -> bool:
        fa, fb = self.unit_family.get(a), self.unit_family.get(b)
        return fa is not None and fa == fb

    def unit_word_at(self, text: str) -> str:
        """The unit's generic word that ``text`` starts with (学校关于… → 学校), or ''."""
        return next((w for w in self.unit_words if text.startswith(w)), "")

    def unit_phrase(self, after: str) -> tuple[str, str]:
        """The unit a name mark stands in (its words after the mark, and their family):
        ××学校 → (学校, school); ××县人民医院 → (县人民医院, hospital); ××司法所 → (司法所, bureau);
        ××镇人民政府 → (镇人民政府, town)."""
        word = self.unit_word_at(after)
        rest = after[len(word):]
        for inst, fam in self.institutions:
            if rest.startswith(inst) and (word in ("县", "区", "市", "镇", "乡", "街道") or not word):
                return word + inst, (self.unit_family.get(word, fam) if fam == "town" else fam)
        if not word:
            for inst, fam in self.institutions:  # 中心卫生院 / 司法所 straight after the mark
                if after.startswith(inst):
                    return inst, fam
            # a name's own words before its unit's word: ××化工有限公司, ××实验小学, ××第一中学
            m = _NAME_WORDS.match(after)
            for k in range(1, len(m.group(0)) + 1 if m else 0):
                w = self.unit_word_at(after[k:])
                if len(w) >= 2 and self.unit_family.get(w) not in (None, "county", "bureau"):
                    return after[:k] + w, self.unit_family[w]
            return "", ""
        return word, self.unit_family.get(word, "")

    def unit_word_ending(self, text: str) -> str:
        """The unit ending of a full name (城关镇第一小学 → 小学), or ''."""
        return next((w for w in self.unit_words if text.endswith(w) and len(text) > len(w)), "")


# What may stand between a name mark and its unit's word (化工, 实验, 第一): up to four CJK
# characters, none of them a word that ends a name (在 的 和 …)
_NAME_WORDS = re.compile(r"[^\W\d_a-zA-Z在的和与及对于是为将把向从等]{1,4}")


def _words(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def _yaml_load(path: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, read from lexicon.yaml once."""
    raw = _yaml_load(LEXICON_FILE)
    measure_class: dict[str, str] = {}
    for cls, words in raw["measures"].items():
        for w in _words(words):
            measure_class[w] = cls
    measures = tuple(sorted(measure_class, key=len, reverse=True))
    synonyms: dict[str, set[str]] = {}
    for group in raw["synonyms"]:
        ws = set(_words(group))
        for w in ws:
            synonyms.setdefault(w, set()).update(ws - {w})
    family: dict[str, str] = {}
    for fam, words in raw["unit_families"].items():
        for w in _words(words):
            family.setdefault(w, fam)
    after_rx = re.compile(
        r"^(?P<mag1>万|亿|千|百)?(?P<more>余|多)?(?P<mag2>万|亿)?(?P<measure>"
        + "|".join(map(re.escape, measures)) + ")")
    idioms = tuple(sorted(_words(raw["idioms"]), key=len, reverse=True))
    return Lexicon(
        measure_class=measure_class,
        measures=measures,
        related=frozenset(frozenset(p) for p in raw["related"]),
        magnitudes={str(k): int(v) for k, v in raw["magnitudes"].items()},
        name_suffixes=tuple((s, c, k) for s, c, k in raw["name_suffixes"]),
        noun_classes=tuple((n, c) for n, c in raw["noun_classes"]),
        count_words=frozenset(_words(raw["count_words"])),
        total_words=tuple(_words(raw["total_words"])),
        stop=frozenset(_words(raw["stop"])),
        generic=frozenset(_words(raw["generic"])),
        modifiers=frozenset(_words(raw["modifiers"])),
        synonyms={k: frozenset(v) for k, v in synonyms.items()},
        unit_family=family,
        unit_words=tuple(sorted(family, key=len, reverse=True)),
        unit_name_fields=frozenset(_words(raw["unit_name_fields"])),
        institutions=tuple(sorted(((w, fam) for fam, ws in raw["institutions"].items() for w in _words(ws)),
                                  key=lambda x: -len(x[0]))),
        action_words=frozenset(_words(raw["action_words"])),
        org_words=tuple(sorted(_words(raw["org_words"]), key=len, reverse=True)),
        class_nouns={w: cls for cls, words in raw["class_nouns"].items() for w in _words(words)},
        prep_chars=str(raw["prep_chars"]),
        prep_words=frozenset(_words(raw["prep_words"])),
        idioms=idioms,
        after_rx=after_rx,
        idiom_rx=re.compile("|".join(map(re.escape, idioms))),
    )


# ------------------------------------------------------------------ segmentation (shared, cached)
@functools.lru_cache(maxsize=50000)
def cut(text: str) -> tuple[str, ...]:
    from assistant.segment import cut as _cut

    return tuple(_cut(text)) if text.strip() else ()


@functools.lru_cache(maxsize=50000)
def tag(text: str) -> tuple[tuple[str, str], ...]:
    from assistant.segment import tag as _tag

    return tuple(_tag(text)) if text.strip() else ()
