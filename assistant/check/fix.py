"""``--fix``: apply only the certain edits that findings carry.

Only rules whose fix cannot change meaning carry edits: half-width punctuation
between Chinese characters (→ full width) and pinyin glosses such as ``關(guān)``
(the gloss is removed). Edits of different findings never overlap; if they
ever did, the later finding is left for the user.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from assistant.check.findings import Finding

RULE_LABELS = {"punctuation": "半角标点改为全角", "pinyin-gloss": "删去拼音注音"}


def apply_fixes(text: str, findings: Iterable[Finding]) -> tuple[str, Counter]:
    """The fixed text and, per rule id, how many findings were fixed."""
    chosen: list[tuple[int, int, str]] = []
    counts: Counter = Counter()
    taken_until = -1
    for f in sorted((f for f in findings if f.edits), key=lambda f: min(e[0] for e in f.edits)):
        edits = sorted(f.edits)
        if edits[0][0] < taken_until or any(a[1] > b[0] for a, b in zip(edits, edits[1:])):
            continue
        chosen.extend(edits)
        taken_until = max(taken_until, edits[-1][1])
        counts[f.rule] += 1
    if not chosen:
        return text, counts
    chosen.sort()
    out: list[str] = []
    pos = 0
    for s, e, replacement in chosen:
        out.append(text[pos:s])
        out.append(replacement)
        pos = e
    out.append(text[pos:])
    return "".join(out), counts


def describe(counts: Counter) -> str:
    """'半角标点改为全角 12 处，删去拼音注音 3 处'."""
    return "，".join(f"{RULE_LABELS.get(rule, rule)} {n} 处" for rule, n in sorted(counts.items()))
