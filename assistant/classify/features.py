"""Features of a section, computed the same way for training and prediction.

Heading tokens and heading character bigrams count more than body tokens and
body character bigrams; digits fold into one symbol so figures do not matter,
and the section's structural role (opening/section/closing) is a feature.
"""

from __future__ import annotations

import math
import re

HEADING_WEIGHT = 3.0
_DIGITS = re.compile(r"\d+(\.\d+)?")
_PUNCT = re.compile(r"^[\W_]+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
MAX_BODY_CHARS = 3000  # long sections: the beginning says what they are about


def _norm_token(t: str) -> str | None:
    t = t.strip()
    if not t or _PUNCT.match(t):
        return None
    return _DIGITS.sub("0", t)


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def raw_features(heading: str | None, body: str, role: str, tokens: list[str] | None = None) -> dict[str, float]:
    """Feature → weight (before IDF and normalisation)."""
    from assistant import segment

    heading = heading or ""
    body = body[:MAX_BODY_CHARS]
    feats: dict[str, float] = {f"role:{role}": 1.0}
    for t in segment.cut(heading) if heading else []:
        n = _norm_token(t)
        if n:
            feats["h:" + n] = feats.get("h:" + n, 0.0) + HEADING_WEIGHT
    for g in _bigrams(heading):
        feats["hc:" + g] = feats.get("hc:" + g, 0.0) + HEADING_WEIGHT
    for t in tokens if tokens is not None else segment.cut(body):
        n = _norm_token(t)
        if n:
            feats["b:" + n] = feats.get("b:" + n, 0.0) + 1.0
    for g in _bigrams(body):
        feats["c:" + g] = feats.get("c:" + g, 0.0) + 1.0
    # sublinear term frequency
    return {k: (1.0 + math.log(v)) if v >= 1 else v for k, v in feats.items()}


def vectorize(feats: dict[str, float], idf: dict[str, float]) -> dict[str, float]:
    """Apply IDF (unknown features dropped) and L2-normalise."""
    vec = {k: v * idf[k] for k, v in feats.items() if k in idf}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {k: v / norm for k, v in vec.items()}
