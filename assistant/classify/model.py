"""A linear classifier: trained with scikit-learn, stored as plain numbers in SQLite.

Stored tables (inside the index file, no pickle anywhere)::

    model_meta(key TEXT PRIMARY KEY, value TEXT)      classes, intercepts, temperature (json)
    model_features(feature TEXT PRIMARY KEY, idf REAL, weights BLOB)
                                                      weights: float32 per class, little-endian

Prediction reads only the rows of the features a section has and computes
softmax((b + x·W) / T) in plain Python.
"""

from __future__ import annotations

import array
import json
import math
import sqlite3
import sys
from dataclasses import dataclass, field

from assistant.classify.features import vectorize

MODEL_SCHEMA = """
CREATE TABLE IF NOT EXISTS model_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS model_features(feature TEXT PRIMARY KEY, idf REAL, weights BLOB) WITHOUT ROWID;
"""

MIN_DOCS = 2  # a feature must occur in sections of at least two documents (names do not generalise)
C = 10.0


@dataclass
class LinearModel:
    classes: list[str]
    intercept: list[float]
    temperature: float
    idf: dict[str, float] = field(default_factory=dict)
    weights: dict[str, list[float]] = field(default_factory=dict)

    def proba(self, feats: dict[str, float]) -> list[float]:
        x = vectorize(feats, self.idf)
        logits = list(self.intercept)
        for f, v in x.items():
            w = self.weights[f]
            for j in range(len(logits)):
                logits[j] += v * w[j]
        return softmax([z / self.temperature for z in logits])

    def predict(self, feats: dict[str, float]) -> tuple[str, float, list[float]]:
        p = self.proba(feats)
        j = max(range(len(p)), key=p.__getitem__)
        return self.classes[j], p[j], p

    # --- storage ---------------------------------------------------------------------------
    def save(self, conn: sqlite3.Connection) -> None:
        conn.executescript(MODEL_SCHEMA)
        conn.execute("DELETE FROM model_meta")
        conn.execute("DELETE FROM model_features")
        conn.executemany("INSERT INTO model_meta VALUES (?,?)", [
            ("classes", json.dumps(self.classes)),
            ("intercept", json.dumps(self.intercept)),
            ("temperature", json.dumps(self.temperature)),
        ])
        conn.executemany("INSERT INTO model_features VALUES (?,?,?)", (
            (f, self.idf[f], _pack(w)) for f, w in self.weights.items()))

    @classmethod
    def load(cls, conn: sqlite3.Connection, features: list[str] | None = None) -> "LinearModel | None":
        """Load the model; with ``features``, only those rows (what one prediction needs)."""
        try:
            meta = dict(conn.execute("SELECT key, value FROM model_meta"))
        except sqlite3.DatabaseError:
            return None
        if "classes" not in meta:
            return None
        model = cls(json.loads(meta["classes"]), json.loads(meta["intercept"]), json.loads(meta["temperature"]))
        if features is None:
            rows = conn.execute("SELECT feature, idf, weights FROM model_features")
        else:
            rows = []
            feats = list(features)
            for i in range(0, len(feats), 900):
                chunk = feats[i:i + 900]
                rows.extend(conn.execute(
                    f"SELECT feature, idf, weights FROM model_features WHERE feature IN ({','.join('?' * len(chunk))})",
                    chunk))
        for f, idf, blob in rows:
            model.idf[f] = idf
            model.weights[f] = _unpack(blob)
        return model


def _pack(values: list[float]) -> bytes:
    a = array.array("f", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def _unpack(blob: bytes) -> list[float]:
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


# --- training (scikit-learn) ------------------------------------------------------------------

def _idf(samples: list[dict[str, float]], groups: list[str]) -> dict[str, float]:
    n = len(samples)
    df: dict[str, int] = {}
    docs: dict[str, set[str]] = {}
    for feats, g in zip(samples, groups):
        for f in feats:
            df[f] = df.get(f, 0) + 1
            docs.setdefault(f, set()).add(g)
    return {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()
            if len(docs[f]) >= MIN_DOCS or f.startswith("role:")}


def _matrix(samples: list[dict[str, float]], idf: dict[str, float], cols: dict[str, int]):
    from scipy.sparse import csr_matrix

    data, indices, indptr = [], [], [0]
    for feats in samples:
        for f, v in vectorize(feats, idf).items():
            indices.append(cols[f])
            data.append(v)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(samples), len(cols)))


def _fit(samples, labels, groups):
    from sklearn.linear_model import LogisticRegression

    idf = _idf(samples, groups)
    cols = {f: i for i, f in enumerate(sorted(idf))}
    X = _matrix(samples, idf, cols)
    clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    clf.fit(X, labels)
    return clf, idf, cols


def _oof_logits(samples, labels, groups, n_splits: int = 5):
    """Out-of-fold decision values (documents never split across folds)."""
    from sklearn.model_selection import GroupKFold

    classes = sorted(set(labels))
    out = [None] * len(samples)
    splits = min(n_splits, len(set(groups)))
    for train, test in GroupKFold(n_splits=splits).split(samples, labels, groups):
        tr = [samples[i] for i in train]
        clf, idf, cols = _fit(tr, [labels[i] for i in train], [groups[i] for i in train])
        X = _matrix([samples[i] for i in test], idf, cols)
        dec = clf.decision_function(X)
        known = list(clf.classes_)
        for row, i in zip(dec, test):
            z = [row[known.index(c)] if c in known else -1e9 for c in classes]
            out[i] = z
    return classes, out


def fit_temperature(classes: list[str], logits: list[list[float]], labels: list[str]) -> float:
    """The temperature that minimises the log loss of out-of-fold predictions."""
    best_t, best = 1.0, float("inf")
    idx = {c: i for i, c in enumerate(classes)}
    for k in range(2, 61):
        t = k / 10
        nll = 0.0
        for z, y in zip(logits, labels):
            p = softmax([v / t for v in z])
            nll -= math.log(max(p[idx[y]], 1e-12))
        if nll < best:
            best, best_t = nll, t
    return best_t


def train(samples: list[dict[str, float]], labels: list[str], groups: list[str]) -> LinearModel:
    """Fit on all labelled sections; calibrate the temperature by grouped cross-validation."""
    clf, idf, cols = _fit(samples, labels, groups)
    classes = [str(c) for c in clf.classes_]
    oof_classes, oof = _oof_logits(samples, labels, groups)
    temperature = fit_temperature(oof_classes, oof, labels) if set(oof_classes) == set(classes) else 1.0
    coef = clf.coef_
    # every feature is kept (even with ~0 weights): it still counts in the L2 norm
    weights = {f: [float(coef[j, i]) for j in range(len(classes))] for f, i in cols.items()}
    return LinearModel(classes, [float(b) for b in clf.intercept_], temperature, dict(idf), weights)
