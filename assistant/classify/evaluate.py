"""Grouped cross-validation of the section classifier against keyword rules.

Two rule sets are reported beside the model: the plain baseline (the typical cues of
shared/spec/section-kinds.md, the budget's reference) and the curated cue lists of
kinds.yaml. The curated lists were read off this same corpus, so their figure is an
in-sample one, not a cross-validated one; the model uses their answer as a feature.
"""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LabelledSection:
    doc_id: str
    ord: int
    role: str
    heading: str | None
    text: str
    tokens: list[str]
    kind: str
    context: dict | None = None
    source: str = ""  # its source group (source_group): the unit of leave-one-source-out


_SEED_PAGE = re.compile(r"^(\d{3})_")


def source_group(doc) -> str:  # noqa: ANN001 - a store.StoredDoc
    """The source a report comes from, for leave-one-source-out: a seed report's seed page
    (种子000…), a 范文's topic (范文:safety), any other report's source file."""
    if doc.fanwen:
        return "范文:" + (doc.topic or doc.extra.get("topic") or "?")
    m = _SEED_PAGE.match(doc.source or "")
    if m:
        return "种子" + m.group(1)
    return "文件:" + (doc.source or doc.id)


def labelled_sections(conn: sqlite3.Connection, dirs: list[Path]) -> tuple[list[LabelledSection], list[str]]:
    """Sections of the index with a label; also the list of label problems (mismatched headings).

    Each labelled report is parsed again from its file for the sections' contexts (numbering
    runs, the part they stand in: features.section_contexts, as the index build computes
    them) and its source; the body tokens are the index's."""
    from assistant import outline
    from assistant.classify import labels as labels_mod
    from assistant.classify.features import section_contexts
    from assistant.corpus import store
    from assistant.textmap import MappedText

    labels = labels_mod.read_all(dirs)
    labelled_docs = {doc for doc, _ in labels}
    docs = conn.execute("SELECT id, doc_id, path FROM documents ORDER BY id").fetchall()
    out, problems = [], []
    for doc_no, doc_id, path in docs:
        if doc_id not in labelled_docs:
            continue
        rows = conn.execute("SELECT ord, role, heading, text, tokens FROM sections WHERE doc = ? ORDER BY id",
                            (doc_no,)).fetchall()
        doc = store.load(Path(path))
        secs = outline.sections(outline.parse(MappedText(doc.body), title_hint=doc.title or None))
        contexts = section_contexts(secs) if len(secs) == len(rows) else [None] * len(rows)
        group = source_group(doc)
        for (ord_, role, heading, text, tokens), context in zip(rows, contexts):
            lab = labels.get((doc_id, ord_))
            if lab is None:
                continue
            if lab.heading != labels_mod.section_key_heading(role, heading):
                problems.append(f"{doc_id}#{ord_}: 标注的标题“{lab.heading}”与语料中的“{heading}”不一致")
                continue
            out.append(LabelledSection(doc_id, ord_, role, heading, text, tokens.split(), lab.kind, context, group))
    return out, problems


def section_features(sections: list[LabelledSection]) -> list[dict[str, float]]:
    from assistant.classify.features import raw_features

    return [raw_features(s.heading, s.text, s.role, tokens=s.tokens, context=s.context) for s in sections]


def metrics(y_true: list[str], y_pred: list[str], classes: list[str]) -> dict:
    n = len(y_true)
    acc = sum(a == b for a, b in zip(y_true, y_pred)) / max(n, 1)
    f1s = {}
    for c in classes:
        tp = sum(a == c and b == c for a, b in zip(y_true, y_pred))
        fp = sum(a != c and b == c for a, b in zip(y_true, y_pred))
        fn = sum(a == c and b != c for a, b in zip(y_true, y_pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    present = [c for c in classes if c in set(y_true)]
    macro = sum(f1s[c] for c in present) / max(len(present), 1)
    confusion = {c: {d: sum(a == c and b == d for a, b in zip(y_true, y_pred)) for d in classes} for c in classes}
    return {"n": n, "accuracy": acc, "macro_f1": macro, "f1": f1s, "confusion": confusion}


def shuffled_group_folds(groups: list[str], n_splits: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """k folds of whole documents, the documents dealt out in a shuffled order (one seed,
    one split): (train indices, test indices) per fold."""
    docs = sorted(set(groups))
    random.Random(seed).shuffle(docs)
    fold = {d: i % n_splits for i, d in enumerate(docs)}
    return [([i for i, g in enumerate(groups) if fold[g] != f], [i for i, g in enumerate(groups) if fold[g] == f])
            for f in range(n_splits)]


def cross_validate(sections: list[LabelledSection], n_splits: int = 5, repeats: int = 1, seed: int = 0,
                   progress=None) -> dict:  # noqa: ANN001
    """Grouped k-fold by document for the model; the baseline needs no training.

    The figures are those of scikit-learn's GroupKFold split. With ``repeats`` > 1 the
    cross-validation is run again on repeats - 1 more splits, the documents shuffled with
    seeds ``seed``, ``seed + 1`` …, and the mean, spread and range of accuracy and macro-F1
    over all the splits are reported too (one split of 33 reports moves the figures by a
    point or two). ``progress(done, total)`` is called after each split.
    """
    from sklearn.model_selection import GroupKFold

    from assistant.classify import core_kinds, keywords
    from assistant.classify.model import train

    feats = section_features(sections)
    ys = [s.kind for s in sections]
    groups = [s.doc_id for s in sections]
    pred = [""] * len(sections)
    conf = [0.0] * len(sections)
    splits = min(n_splits, len(set(groups)))
    for tr, te in GroupKFold(n_splits=splits).split(feats, ys, groups):
        model = train([feats[i] for i in tr], [ys[i] for i in tr], [groups[i] for i in tr])
        for i in te:
            pred[i], conf[i], _ = model.predict(feats[i])
    if progress:
        progress(1, repeats)
    runs = [pred]  # the predictions of each split, GroupKFold's first
    for r in range(1, repeats):
        other = [""] * len(sections)
        for tr, te in shuffled_group_folds(groups, splits, seed + r - 1):
            # the argmax does not depend on the softmax temperature: no calibration needed
            model = train([feats[i] for i in tr], [ys[i] for i in tr], [groups[i] for i in tr], calibrate=False)
            for i in te:
                other[i] = model.predict(feats[i])[0]
        runs.append(other)
        if progress:
            progress(r + 1, repeats)
    base = [keywords.predict_plain(s.heading, s.text, s.role) for s in sections]
    rules = [keywords.predict(s.heading, s.text, s.role) for s in sections]
    classes = [k for k in core_kinds() if k in set(ys) | set(pred) | set(base) | set(rules)]
    body = [i for i, s in enumerate(sections) if s.role == "section"]
    from assistant.classify.api import LOW_CONFIDENCE

    low = [i for i in range(len(sections)) if conf[i] < LOW_CONFIDENCE]
    wrong = sum(ys[i] != pred[i] for i in range(len(sections)))
    repeated = None
    if repeats > 1:
        import statistics

        per = [metrics(ys, p, classes) for p in runs]
        accs, f1s = [m["accuracy"] for m in per], [m["macro_f1"] for m in per]
        repeated = {"splits": len(runs), "seed": seed,
                    "accuracy": {"mean": statistics.mean(accs), "sd": statistics.pstdev(accs),
                                 "min": min(accs), "max": max(accs)},
                    "macro_f1": {"mean": statistics.mean(f1s), "sd": statistics.pstdev(f1s),
                                 "min": min(f1s), "max": max(f1s)}}
    return {
        "folds": splits,
        "repeated": repeated,
        "documents": len(set(groups)),
        "model": metrics(ys, pred, classes),
        "baseline": metrics(ys, base, classes),
        "rules": metrics(ys, rules, classes),
        "model_body_only": metrics([ys[i] for i in body], [pred[i] for i in body], classes),
        "baseline_body_only": metrics([ys[i] for i in body], [base[i] for i in body], classes),
        "rules_body_only": metrics([ys[i] for i in body], [rules[i] for i in body], classes),
        "low_confidence": {"threshold": LOW_CONFIDENCE, "n": len(low),
                           "accuracy": (sum(ys[i] == pred[i] for i in low) / len(low)) if low else None,
                           # how many of the model's errors the flag catches
                           "errors_flagged": (sum(ys[i] != pred[i] for i in low) / wrong) if wrong else None},
        "classes": classes,
        "errors": [{"doc": sections[i].doc_id, "ord": sections[i].ord, "heading": sections[i].heading,
                    "label": ys[i], "predicted": pred[i], "confidence": round(conf[i], 3)}
                   for i in range(len(sections)) if ys[i] != pred[i]],
    }


def _fit_predict(feats: list[dict[str, float]], ys: list[str], train_idx: list[int],
                 test_idx: list[int]) -> list[str]:
    """Kinds for ``test_idx`` by a model trained on ``train_idx`` (the argmax does not depend
    on the softmax temperature: no calibration)."""
    from assistant.classify.model import train

    model = train([feats[i] for i in train_idx], [ys[i] for i in train_idx], ["_"] * len(train_idx),
                  calibrate=False)
    return [model.predict(feats[i])[0] for i in test_idx]


def leave_one_source_out(sections: list[LabelledSection], feats: list[dict[str, float]] | None = None,
                         progress=None) -> dict:  # noqa: ANN001
    """Each source (source_group) predicted by a model trained on all the other sources: the
    figure for reports the model never saw (another site, another topic). Per source and
    pooled over all sections."""
    from assistant.classify import core_kinds

    feats = feats if feats is not None else section_features(sections)
    ys = [s.kind for s in sections]
    sources = sorted({s.source for s in sections})
    pred = [""] * len(sections)
    per: dict[str, dict] = {}
    for k, src in enumerate(sources, 1):
        te = [i for i, s in enumerate(sections) if s.source == src]
        tr = [i for i, s in enumerate(sections) if s.source != src]
        for i, p in zip(te, _fit_predict(feats, ys, tr, te)):
            pred[i] = p
        if progress:
            progress(k, len(sources))
    classes = [k for k in core_kinds() if k in set(ys) | set(pred)]
    for src in sources:
        idx = [i for i, s in enumerate(sections) if s.source == src]
        m = metrics([ys[i] for i in idx], [pred[i] for i in idx], classes)
        per[src] = {"n": m["n"], "reports": len({sections[i].doc_id for i in idx}),
                    "accuracy": m["accuracy"], "macro_f1": m["macro_f1"]}
    return {"sources": per, "model": metrics(ys, pred, classes), "classes": classes,
            "errors": [{"doc": sections[i].doc_id, "ord": sections[i].ord, "source": sections[i].source,
                        "heading": sections[i].heading, "label": ys[i], "predicted": pred[i]}
                       for i in range(len(sections)) if ys[i] != pred[i]]}


def learning_curve(sections: list[LabelledSection], feats: list[dict[str, float]] | None = None,
                   repeats: int = 3, seed: int = 0, progress=None) -> list[dict]:  # noqa: ANN001
    """Leave-one-source-out with fewer training sources: for each left-out source, models
    trained on k of the other sources (``repeats`` random choices of k, seeded), for
    k = 1, 2, 4, … and all of them; accuracy and macro-F1 pooled over the left-out sources,
    averaged over the choices. How the figure grows with each new source."""
    from assistant.classify import core_kinds

    feats = feats if feats is not None else section_features(sections)
    ys = [s.kind for s in sections]
    sources = sorted({s.source for s in sections})
    most = len(sources) - 1
    sizes = sorted({k for k in (1, 2, 4, 8, 16, 32) if k < most} | {most}) if most >= 1 else []
    classes = list(core_kinds())
    rng = random.Random(seed)
    plan = [(k, r) for k in sizes for r in range(1 if k == most else repeats)]
    out = []
    done = 0
    for k in sizes:
        accs, f1s, trained_on = [], [], []
        for r in range(1 if k == most else repeats):
            pred: dict[int, str] = {}
            for src in sources:
                others = [o for o in sources if o != src]
                chosen = set(others if k == most else rng.sample(others, k))
                tr = [i for i, s in enumerate(sections) if s.source in chosen]
                te = [i for i, s in enumerate(sections) if s.source == src]
                if len({ys[i] for i in tr}) < 2:
                    continue
                pred.update(zip(te, _fit_predict(feats, ys, tr, te)))
                trained_on.append(len({sections[i].doc_id for i in tr}))
            idx = sorted(pred)
            m = metrics([ys[i] for i in idx], [pred[i] for i in idx], classes)
            accs.append(m["accuracy"])
            f1s.append(m["macro_f1"])
            done += 1
            if progress:
                progress(done, len(plan))
        out.append({"sources": k, "reports": sum(trained_on) / max(len(trained_on), 1),
                    "accuracy": sum(accs) / len(accs), "macro_f1": sum(f1s) / len(f1s), "runs": len(accs)})
    return out


def format_sources(loso: dict, curve: list[dict] | None) -> str:
    m = loso["model"]
    lines = [f"留一来源验证（每次留出一个来源：种子网页、一个专题的范文、一份外部语料；{len(loso['sources'])} 个来源，{m['n']} 节）",
             f"  模型                   准确率 {m['accuracy']:.3f}   宏平均F1 {m['macro_f1']:.3f}   (n={m['n']})"]
    for src, r in loso["sources"].items():
        lines.append(f"    {src:<18} {r['reports']:>3} 篇 {r['n']:>4} 节   准确率 {r['accuracy']:.3f}   宏平均F1 {r['macro_f1']:.3f}")
    if curve:
        lines.append("  学习曲线（用 k 个来源训练，预测留出的来源；随机选取取平均）：")
        for c in curve:
            lines.append(f"    k={c['sources']:<3} 平均 {c['reports']:.0f} 篇训练报告   准确率 {c['accuracy']:.3f}   "
                         f"宏平均F1 {c['macro_f1']:.3f}")
    return "\n".join(lines)


def format_report(res: dict) -> str:
    lines = [f"分组交叉验证（按报告分组，{res['folds']} 折，{res['documents']} 篇报告，{res['model']['n']} 节）"]
    for name, key in (("模型", "model"), ("关键词基线", "baseline"), ("整理后的关键词规则*", "rules"),
                      ("模型（仅正文节）", "model_body_only"), ("关键词基线（仅正文节）", "baseline_body_only"),
                      ("整理后的关键词规则*（仅正文节）", "rules_body_only")):
        m = res[key]
        lines.append(f"  {name:<20} 准确率 {m['accuracy']:.3f}   宏平均F1 {m['macro_f1']:.3f}   (n={m['n']})")
    gain = res["model"]["accuracy"] - res["baseline"]["accuracy"]
    lines.append(f"  模型比关键词基线高 {gain * 100:.1f} 个百分点（关键词基线只用 section-kinds.md 列出的典型词）")
    lines.append("  * 整理后的词表是对照本语料整理的，这一行是样本内的数字，不是交叉验证；模型把它的判断当作一个特征")
    rep = res.get("repeated")
    if rep:
        a, f = rep["accuracy"], rep["macro_f1"]
        lines.append(f"  模型，{rep['splits']} 种分组划分（GroupKFold 及随机种子 {rep['seed']} 起 {rep['splits'] - 1} 种）："
                     f"准确率均值 {a['mean']:.3f}（标准差 {a['sd']:.3f}，{a['min']:.3f}–{a['max']:.3f}）   "
                     f"宏平均F1均值 {f['mean']:.3f}（{f['min']:.3f}–{f['max']:.3f}）")
    lc = res["low_confidence"]
    if lc["n"]:
        caught = f"；模型判错的节有 {lc['errors_flagged']:.0%} 被标为置信度低" if lc["errors_flagged"] is not None else ""
        lines.append(f"  置信度低（<{lc['threshold']}）的节：{lc['n']} 个，其中判断正确 {lc['accuracy']:.2f}{caught}")
    classes = res["classes"]
    lines.append("混淆矩阵（行=标注，列=预测，模型）：")
    short = [c[:6] for c in classes]
    lines.append(" " * 12 + " ".join(f"{c:>6}" for c in short))
    for c in classes:
        row = res["model"]["confusion"][c]
        lines.append(f"{c[:11]:<12}" + " ".join(f"{row[d]:>6}" for d in classes))
    return "\n".join(lines)
