"""The keyword-rule baseline: cue words in the heading (strong) and body (weak).

It proposes labels for a person to confirm and is the baseline the model must
beat by at least ten points (``assist eval classify``).
"""

from __future__ import annotations

from assistant.classify import kind_table

HEADING_WEIGHT = 3.0
BODY_CAP = 5  # at most this many occurrences of one body cue count


def scores(heading: str | None, body: str, role: str = "section") -> dict[str, float]:
    if role in ("opening", "closing"):
        return {role: 1.0}
    heading = heading or ""
    out: dict[str, float] = {}
    for kind, spec in kind_table().items():
        if kind in ("opening", "closing"):
            continue
        s = sum(HEADING_WEIGHT for cue in spec.get("heading") or [] if cue in heading)
        s += sum(min(body.count(cue), BODY_CAP) for cue in spec.get("body") or []) * 0.2
        if s:
            out[kind] = s
    return out


def predict(heading: str | None, body: str, role: str = "section") -> str:
    sc = scores(heading, body, role)
    if not sc:
        return "operations"
    return max(sc.items(), key=lambda kv: kv[1])[0]
