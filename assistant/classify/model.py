"""A linear classifier: trained with scikit-learn, stored as plain numbers in the index.

A linear SVM (one-vs-rest, classes balanced) on the features of
``features.py``; its decision values become probabilities through a softmax
whose temperature is fitted on out-of-fold decision values (grouped by
report), so the confidence is calibrated.

Stored with the index by its backend (``IndexWriter.save_model``, ``CorpusIndex.model``; no
pickle anywhere): the classes, intercepts and temperature, and per feature its weights, one
float32 per class, little-endian (``pack``).

Prediction reads only the rows of the features a section has and computes
softmax((b + x·W) / T) in plain Python: no scikit-learn import.
"""

from __future__ import annotations

import array
import math
import sys
from dataclasses import dataclass, field

C = 0.3
FOLDS = 5
SEED = 0  # liblinear shuffles with it: the same samples give the same model
# Kinds only a place gives: never a body section's (LinearModel.predict).
PLACE_ONLY = ("opening", "closing")
# The confidence a rule of the section's place (features.RULE_KINDS) gives the kind it decides
# (at least): the labels agree with the rules on every section they name (104 of 104 in the
# shipped corpus and the first 范文), the silver check on 99% of the gov-reports' plan items.
RULE_CONFIDENCE = 0.9


@dataclass
class LinearModel:
    classes: list[str]
    intercept: list[float]
    temperature: float
    weights: dict[str, list[float]] = field(default_factory=dict)
    _matrix: object = field(default=None, repr=False, compare=False)  # kinds_many's (columns, weights)

    def decision(self, feats: dict[str, float]) -> list[float]:
        z = list(self.intercept)
        for f, v in feats.items():
            w = self.weights.get(f)
            if w is not None:
                for j in range(len(z)):
                    z[j] += v * w[j]
        return z

    def proba(self, feats: dict[str, float]) -> list[float]:
        return softmax([v / self.temperature for v in self.decision(feats)])

    def predict(self, feats: dict[str, float]) -> tuple[str, float, list[float]]:
        """(kind, confidence, probabilities). The section's place decides what the scores
        cannot: a body section (``role:section``) is never an opening or a closing (those are
        the text before the first and after the last numbered section), and a section the
        place rules name (a ``rule:`` feature, features.RULE_KINDS: an opening, an item of a
        plans part) takes that kind. Probabilities are renormalised over the kinds allowed."""
        from assistant.classify.features import RULE, RULE_KINDS

        p = self.proba(feats)
        for kind in RULE_KINDS:
            if RULE + kind in feats and kind in self.classes:
                j = self.classes.index(kind)
                return kind, max(p[j], RULE_CONFIDENCE), p
        if "role:section" in feats:
            allowed = [j for j, c in enumerate(self.classes) if c not in PLACE_ONLY]
            total = sum(p[j] for j in allowed) or 1.0
            p = [v / total if j in allowed else 0.0 for j, v in enumerate(p)]
        j = max(range(len(p)), key=p.__getitem__)
        return self.classes[j], p[j], p


    def kinds_many(self, feats: list[dict[str, float]]) -> list[str]:
        """``predict(f)[0]`` for each of ``feats``, computed for all of them at once (each
        feature's weight row times its value, summed per section, numpy): the same kinds, up to
        the rounding of a sum."""
        import numpy as np

        from assistant.classify.features import RULE, RULE_KINDS

        if not feats:
            return []
        if self._matrix is None:
            names = list(self.weights)
            W = np.zeros((len(names) + 1, len(self.classes)), dtype=np.float64)  # the last row: no feature
            if names:
                W[:-1] = np.asarray([self.weights[f] for f in names], dtype=np.float64)
            self._matrix = ({f: i for i, f in enumerate(names)}, W)
        col, W = self._matrix
        indices: list[int] = []
        data: list[float] = []
        starts = []
        get = col.get
        for f in feats:
            starts.append(len(indices))
            for k, v in f.items():
                j = get(k)
                if j is not None:
                    indices.append(j)
                    data.append(v)
            if len(indices) == starts[-1]:  # no known feature: a zero row keeps reduceat's segments
                indices.append(len(W) - 1)
                data.append(0.0)
        rows = W[np.asarray(indices, dtype=np.int64)] * np.asarray(data, dtype=np.float64)[:, None]
        Z = (np.add.reduceat(rows, np.asarray(starts, dtype=np.int64), axis=0)
             + np.asarray(self.intercept, dtype=np.float64)) / self.temperature
        place_only = np.asarray([c in PLACE_ONLY for c in self.classes])
        out = []
        rules = [(kind, RULE + kind) for kind in RULE_KINDS if kind in self.classes]
        for i, f in enumerate(feats):
            kind = next((k for k, r in rules if r in f), None)
            if kind is None:
                z = Z[i]
                if "role:section" in f:
                    z = np.where(place_only, -np.inf, z)
                kind = self.classes[int(np.argmax(z))]
            out.append(kind)
        return out


def pack(values: list[float]) -> bytes:
    a = array.array("f", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def unpack(blob: bytes) -> list[float]:
    a = array.array("f")
    a.frombytes(blob)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tolist()


def softmax(z: list[float]) -> list[float]:
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


# --- training (scikit-learn, imported only here) ---------------------------------------------

def _vectorize(samples: list[dict[str, float]]):
    """A CSR matrix of the samples and its column of each feature (in order of first use;
    DictVectorizer does the same and sorts, several times slower)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    indices: list[int] = []
    data: list[float] = []
    indptr = [0]
    for f in samples:
        for k, v in f.items():
            j = vocab.get(k)
            if j is None:
                j = vocab[k] = len(vocab)
            indices.append(j)
            data.append(v)
        indptr.append(len(indices))
    # liblinear accepts 32-bit indices only
    X = csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                    np.asarray(indptr, dtype=np.int32)), shape=(len(samples), len(vocab)))
    return X, vocab


def _fit(samples: list[dict[str, float]], labels: list[str]):
    from sklearn.svm import LinearSVC

    from assistant.classify.features import alone

    # each section also as it reads alone (classify --single): same kind, no place in a report
    samples = list(samples) + [alone(f) for f in samples]
    labels = list(labels) + list(labels)
    X, vocab = _vectorize(samples)
    clf = LinearSVC(C=C, class_weight="balanced", random_state=SEED)
    clf.fit(X, labels)
    return clf, vocab


def _to_model(clf, vocab: dict[str, int], temperature: float) -> LinearModel:  # noqa: ANN001
    classes = [str(c) for c in clf.classes_]
    coef = clf.coef_
    intercept = [float(b) for b in clf.intercept_]
    if len(classes) == 2:  # binary: one row of weights for the second class
        coef = [[-v for v in coef[0]], list(coef[0])]
        intercept = [-intercept[0], intercept[0]]
        cols = [list(c) for c in zip(*coef)]
    else:
        cols = coef.T.tolist()
    weights = {f: cols[i] for f, i in vocab.items()}
    return LinearModel(classes, intercept, temperature, weights)


def fit_temperature(classes: list[str], decisions: list[list[float]], labels: list[str]) -> float:
    """The softmax temperature that minimises the log loss of out-of-fold decisions."""
    import numpy as np

    idx = {c: i for i, c in enumerate(classes)}
    Z = np.asarray(decisions, dtype=np.float64)
    y = np.asarray([idx[lab] for lab in labels])
    rows = np.arange(len(y))
    best_t, best = 1.0, float("inf")
    for k in range(1, 101):
        t = k / 50
        S = Z / t
        S -= S.max(axis=1, keepdims=True)
        logp = S[rows, y] - np.log(np.exp(S).sum(axis=1))
        nll = float(-np.maximum(logp, math.log(1e-12)).sum())
        if nll < best:
            best, best_t = nll, t
    return best_t


def train_apart(samples: list[dict[str, float]], labels: list[str], groups: list[str]) -> LinearModel:
    """``train``, in a forked process where fork is safe (Linux): the same model, and the
    caller's process never loads scikit-learn (a build keeps its memory for the corpus)."""
    if not sys.platform.startswith("linux"):
        return train(samples, labels, groups)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, multiprocessing.get_context("fork")) as pool:
        return pool.submit(train, samples, labels, groups).result()


def train(samples: list[dict[str, float]], labels: list[str], groups: list[str],
          calibrate: bool = True) -> LinearModel:
    """Fit on all labelled sections; with ``calibrate``, fit the temperature on grouped folds."""
    clf, vec = _fit(samples, labels)
    model = _to_model(clf, vec, 1.0)
    if calibrate and len(set(groups)) >= 2:
        from sklearn.model_selection import GroupKFold

        decisions: list[list[float] | None] = [None] * len(samples)
        for tr, te in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(samples, labels, groups):
            fold = _to_model(*_fit([samples[i] for i in tr], [labels[i] for i in tr]), 1.0)
            for i in te:
                z = fold.decision(samples[i])
                decisions[i] = [z[fold.classes.index(c)] if c in fold.classes else -10.0 for c in model.classes]
        model.temperature = fit_temperature(model.classes, decisions, labels)  # type: ignore[arg-type]
    return model
