"""Keyword rules: cue words in the heading (strong) and body (weak).

Two rule sets share one scorer:

- ``predict_plain``: the plain keyword baseline, with only the typical cues of
  shared/spec/section-kinds.md (``spec`` in kinds.yaml). It is the baseline the
  model must beat by at least ten points (``assist eval classify``).
- ``predict``: the project's curated cue lists (``heading`` / ``body``), which were
  read off the corpus. They propose labels for a person to confirm, classify when a
  corpus has no model, and their answer is one of the model's features.

Opening and closing come from the outline (the section's role), not from cues.
"""

from __future__ import annotations

from assistant.classify import cue_count, kind_table

HEADING_WEIGHT = 3.0
BODY_CAP = 5  # at most this many occurrences of one body cue count (= features.BODY_CAP)
BODY_WEIGHT = 0.2
DEFAULT = "operations"  # what a section with no cue at all is taken for
# A heading that states a shortfall names its topic too (宣传力度不够, 信息化程度不高): the
# shortfall decides, so a problems cue in the heading outweighs a topic cue there.
HEADING_FIRST = {"problems": 1.5}


def _scores(heading: str | None, body: str, role: str, heading_key: str, body_key: str) -> dict[str, float]:
    if role in ("opening", "closing"):
        return {role: 1.0}
    heading = heading or ""
    out: dict[str, float] = {}
    for kind, spec in kind_table().items():
        if kind in ("opening", "closing"):
            continue
        w = HEADING_WEIGHT * HEADING_FIRST.get(kind, 1.0)
        s = sum(w for cue in spec.get(heading_key) or [] if cue_count(cue, heading))
        s += sum(min(cue_count(cue, body), BODY_CAP) for cue in spec.get(body_key) or []) * BODY_WEIGHT
        if s:
            out[kind] = s
    return out


def _best(sc: dict[str, float]) -> str:
    if not sc:
        return DEFAULT
    return max(sc.items(), key=lambda kv: kv[1])[0]


def scores(heading: str | None, body: str, role: str = "section") -> dict[str, float]:
    """Kind → score by the curated cues."""
    return _scores(heading, body, role, "heading", "body")


def predict(heading: str | None, body: str, role: str = "section") -> str:
    """The kind the curated cues give (their counts taken in one pass: features.cue_counts)."""
    if role in ("opening", "closing"):
        return role
    from assistant.classify.features import cue_counts

    return predict_from_counts(*cue_counts(heading or "", body), role)


def predict_from_counts(heading_hits: list[int], body_sums: list[int], role: str = "section") -> str:
    """``predict`` from ``features.cue_counts``: per kind, the heading cues that occur and the
    capped sum of its body cues' occurrences (what ``scores`` adds up, in the same order)."""
    if role in ("opening", "closing"):
        return role
    from assistant.classify.features import cue_lists

    out: dict[str, float] = {}
    for kind, hc, bc in zip(cue_lists()[0], heading_hits, body_sums):
        if kind in ("opening", "closing"):
            continue
        s = HEADING_WEIGHT * HEADING_FIRST.get(kind, 1.0) * hc if hc else 0
        s += bc * BODY_WEIGHT
        if s:
            out[kind] = s
    return _best(out)


def predict_plain(heading: str | None, body: str, role: str = "section") -> str:
    """The kind the spec's typical cues give (the plain baseline): the same scoring,
    each cue counting in the heading and in the body."""
    return _best(_scores(heading, body, role, "spec", "spec"))
