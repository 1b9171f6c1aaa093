"""Classifying the sections of a user's report with the model stored in the index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import InputError

if TYPE_CHECKING:
    from assistant.backends import CorpusIndex

# Below this (calibrated) confidence a section is marked for the writer to check. Chosen on
# out-of-fold predictions of the shipped corpus (5 grouped splits): at 0.7 about one
# section in six is marked and half of the model's errors are among them (at 0.5: one in
# thirteen, a quarter of the errors); the unmarked sections are about 90% right.
LOW_CONFIDENCE = 0.7


@dataclass
class Prediction:
    heading: str | None
    line: int
    role: str
    kind: str
    subkind: str | None
    confidence: float
    low_confidence: bool

    def to_json(self) -> dict:
        return {"heading": self.heading, "line": self.line, "kind": self.kind, "subkind": self.subkind,
                "confidence": round(self.confidence, 3), "low_confidence": self.low_confidence,
                "role": self.role}


class Classifier:
    """Predicts kinds with the model of an index (loads only the features it needs)."""

    def __init__(self, ix: "CorpusIndex") -> None:
        self.ix = ix

    def _features_and_model(self, items: list[tuple]):
        """Features of each (heading, body, role[, context]) and the model rows they need."""
        from assistant.classify.features import raw_features

        feats = [raw_features(*item[:3], context=item[3] if len(item) > 3 else None) for item in items]
        return feats, self.ix.model({f for fs in feats for f in fs})

    def proba_many(self, items: list[tuple]) -> list[dict[str, float]]:
        """(heading, body, role[, context]) → {kind: probability} per item (empty without a model)."""
        feats, model = self._features_and_model(items)
        if model is None:
            return [{} for _ in items]
        return [dict(zip(model.classes, model.proba(f))) for f in feats]

    def predict_many(self, items: list[tuple]) -> list[tuple[str, float]]:
        """(heading, body, role[, context]) → (kind, confidence) for each item."""
        feats, model = self._features_and_model(items)
        if model is None:
            raise InputError("语料索引中没有分类模型（语料库缺少 labels.tsv 标注）")
        return [model.predict(f)[:2] for f in feats]


def subkind_for(kind: str, heading: str | None, body: str, unit: str | None = None,
                topic: str | None = None) -> str | None:
    """A plugin kind under ``kind`` (the unit's, the topic's — every topic's when none is given;
    every plugin's when neither is given) whose cue words occur in the heading (or body), if any."""
    from assistant.units import all_topics, all_units, get_topic, get_unit

    owners = ([get_unit(unit)] if unit else []) + ([get_topic(topic)] if topic else list(all_topics()))
    if not unit and not topic:
        owners = [*all_units(), *all_topics()]
    best, best_score = None, 0
    for k in (k for u in owners for k in u.kinds):
        if k.parent != kind:
            continue
        cues = list(getattr(k, "cues", []) or []) + [k.label]
        score = sum(3 for c in cues if c and heading and c in heading) + sum(1 for c in cues if c and c in body)
        if score > best_score:
            best, best_score = k.id, score
    return best if best_score >= 2 else None


def classify_text(ix: "CorpusIndex", norm, single: bool = False, unit: str | None = None,  # noqa: ANN001
                  topic: str | None = None):
    """Predictions for the sections of a normalised report (or the whole text with ``single``)."""
    from assistant import outline
    from assistant.classify.features import SINGLE_ROLE, section_contexts

    if single:
        line = norm.raw_line_col(0)[0] if norm.text else 1
        items = [(None, norm.text, SINGLE_ROLE, line, None)]
        tree = None
    else:
        tree = outline.parse(norm)
        secs = outline.sections(tree)
        items = [(s.heading, s.text, s.role, s.line, s.node) for s in secs]
    if not items:
        return tree, []
    contexts = [None] if single else section_contexts(secs)
    preds = Classifier(ix).predict_many([(h, b, r, c) for (h, b, r, _, _), c in zip(items, contexts)])
    out = []
    for (h, b, r, line, node), (kind, conf) in zip(items, preds):
        sub = subkind_for(kind, h, b, unit, topic)
        p = Prediction(h, line, r, kind, sub, conf, conf < LOW_CONFIDENCE)
        out.append(p)
        if node is not None:
            for n in node.walk():
                n.kind, n.subkind, n.confidence = kind, sub, conf
    return tree, out


def classify_path(path: str, dirs: "list[Path] | object", single: bool = False, unit: str | None = None):
    tree, preds, _ = classify_file(path, dirs, single, unit)
    return tree, preds


def classify_file(path: str, dirs: "list[Path] | object", single: bool = False, unit: str | None = None,
                  topic: str | None = None):
    """(outline, predictions, topic) of a report file with the model of the corpus ``dirs``
    (folders or a backends.Corpus); the topic given, else the one its text is about (None
    when nothing stands out)."""
    from assistant.backends import as_corpus
    from assistant.normalize import normalize
    from assistant.reader import read_document

    doc = read_document(path)
    norm = normalize(doc.text, doc.fmt)
    topic = topic or report_topic(norm.text)
    with as_corpus(dirs).open_index() as ix:
        tree, preds = classify_text(ix, norm, single, unit, topic)
        return tree, preds, topic


def report_topic(text: str) -> str | None:
    """The topic a report's text is about (its first line weighs as a title)."""
    from assistant.units import guess_topic

    first = text.lstrip().split("\n", 1)[0][:80]
    return guess_topic(text, first)
