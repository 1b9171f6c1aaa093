"""Section kinds: a keyword baseline, features, a linear model exported without pickle.

Training uses scikit-learn (at index build time, or in ``assist eval classify``);
prediction is a sparse dot product in plain Python over coefficients stored in
SQLite, so classifying never imports scikit-learn.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

KINDS_FILE = Path(__file__).with_name("kinds.yaml")


@lru_cache(maxsize=1)
def kind_table() -> dict[str, dict]:
    """Core kinds in taxonomy order: id → {label, heading cues, body cues}."""
    from assistant.yamlfile import safe_load

    return safe_load(KINDS_FILE.read_text(encoding="utf-8"))


def core_kinds() -> list[str]:
    return list(kind_table())


GAP = "……"  # in a cue: its two parts in that order, anything between (现将……汇报如下)


def cue_count(cue: str, text: str) -> int:
    """How often ``cue`` occurs in ``text`` (a cue with …… counts once when its parts occur in order)."""
    if GAP not in cue:
        return text.count(cue)
    pos = 0
    for part in (p for p in cue.split(GAP) if p):
        pos = text.find(part, pos)
        if pos < 0:
            return 0
        pos += len(part)
    return 1
