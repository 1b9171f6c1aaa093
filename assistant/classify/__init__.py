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
