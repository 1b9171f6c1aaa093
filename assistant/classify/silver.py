"""The silver check: section kinds on real reports nobody on the project wrote.

``../shared/data/gov-reports`` holds real 政府工作报告 (read in place, never copied: see its
README). Their part headings give silver labels for every section under them:

    review part (2023年工作回顾, 过去五年工作回顾 …)      results or a body kind (work done)
    plans part (2024年工作安排, 重点工作, 今后五年目标任务 …)  next_steps
    a problems paragraph (同时，我们也清醒地看到……问题)     problems

Sections before the first part, in other parts (政府自身建设) and the opening and closing are
not counted. Each report goes through the importer as ``assist corpus add`` would take it
(cleaned, one report per file, byline and back matter cut), then the outline and the
classifier of an index, as ``assist classify`` would see the stored report.

The part headings are found here with their own patterns (``REVIEW``, ``PLANS``), not with
the outline's ``part_kind``; a section of a plans part that the outline recognises as such
is decided by the part rule (features.PART_RULE), so the check also reports the figure of the
model alone, without that rule.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

ENV = "ASSIST_GOV_REPORTS"
REVIEW = re.compile(r"回顾")
PLANS = re.compile(r"安排|重点工作|主要工作|目标任务|主要任务|重点任务|工作任务|工作重点|工作建议|工作思路|今后五年|奋斗目标")
DEFAULT_REPORTS = 120
NOT_REVIEW = ("problems", "next_steps", "opening", "closing")


def gov_reports_dir() -> Path | None:
    """The gov-reports folder (``$ASSIST_GOV_REPORTS``, else ../shared/data/gov-reports beside
    the project), or None when it is absent (a user's clone)."""
    env = os.environ.get(ENV)
    if env:
        p = Path(env)
        return p if p.is_dir() else None
    root = Path(__file__).resolve().parents[2]
    p = root.parent / "shared" / "data" / "gov-reports"
    return p if p.is_dir() else None


def report_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*/*.md") if p.is_file())


def sample(files: list[Path], n: int | None, seed: int = 0) -> list[Path]:
    """``n`` of the files (all when n is None or larger), chosen with ``seed``, in path order."""
    if n is None or n >= len(files):
        return list(files)
    return sorted(random.Random(seed).sample(list(files), n))


def _part_of(heading: str | None, seen_review: bool) -> str | None:
    h = heading or ""
    if REVIEW.search(h) and not PLANS.search(h.split("回顾")[-1]):
        return "review"
    if seen_review and PLANS.search(h):
        return "plans"
    return None


def silver_sections(path: Path) -> list[tuple]:
    """(heading, body, role, context, silver) for each counted section of one report file,
    silver being review, plans or problems."""
    from assistant import outline
    from assistant.classify.features import section_contexts
    from assistant.corpus.importer import front_matter, split_reports
    from assistant.normalize import normalize
    from assistant.reader import read_document
    from assistant.textmap import MappedText

    doc = read_document(str(path))
    norm = normalize(doc.text, doc.fmt)
    meta = front_matter(doc.text)
    pieces = split_reports(norm, whole=True, title=meta.get("title", ""))
    if not pieces:
        return []
    body = pieces[0].text.text
    tree = outline.parse(MappedText(body), title_hint=pieces[0].title or None)
    top: dict[int, str | None] = {}
    seen_review = False
    for node in tree.sections:
        if node.role != "section":
            continue
        if node.heading is None and node.number is None and node.paragraphs \
                and outline.PROBLEMS_LEAD.match(node.paragraphs[0]):
            part = "problems"
        else:
            part = _part_of(node.heading, seen_review)
            seen_review = seen_review or part == "review"
        for n in node.walk():
            top[id(n)] = part
    secs = outline.sections(tree)
    contexts = section_contexts(secs)
    out = []
    for s, c in zip(secs, contexts):
        part = top.get(id(s.node)) if s.role == "section" else None
        if part:
            out.append((s.heading, s.text, s.role, c, part))
    return out


def correct(silver: str, kind: str) -> bool:
    if silver == "review":
        return kind not in NOT_REVIEW
    return kind == {"plans": "next_steps", "problems": "problems"}[silver]


def check(model, files: list[Path], progress=None) -> dict:  # noqa: ANN001 - a model.LinearModel
    """Silver accuracy of ``model`` on the reports ``files``: overall, per part, and without
    the part rule (the model's own answer for the same sections)."""
    from assistant.classify.features import RULE, raw_features

    per: dict[str, list[int]] = {"review": [0, 0], "plans": [0, 0], "problems": [0, 0]}
    bare = [0, 0]
    by_rule = 0
    predicted: dict[str, int] = {}
    reports = 0
    for k, path in enumerate(files, 1):
        items = silver_sections(path)
        if items:
            reports += 1
        for heading, body, role, context, silver in items:
            feats = raw_features(heading, body, role, context=context)
            kind = model.predict(feats)[0]
            ruled = RULE + "next_steps" in feats  # the part rule (openings are not counted)
            by_rule += ruled
            own = model.predict({f: v for f, v in feats.items() if f != RULE + "next_steps"})[0] if ruled else kind
            ok = correct(silver, kind)
            per[silver][0] += ok
            per[silver][1] += 1
            bare[0] += correct(silver, own)
            bare[1] += 1
            predicted[kind] = predicted.get(kind, 0) + 1
        if progress:
            progress(k, len(files))
    right = sum(v[0] for v in per.values())
    total = sum(v[1] for v in per.values())
    return {"reports": reports, "files": len(files), "sections": total,
            "accuracy": right / total if total else None,
            "parts": {p: {"n": v[1], "accuracy": v[0] / v[1] if v[1] else None} for p, v in per.items()},
            "without_part_rule": bare[0] / bare[1] if bare[1] else None,
            "decided_by_part_rule": by_rule, "predicted": predicted}


def format_check(res: dict, folder: Path) -> str:
    parts = res["parts"]
    names = {"review": "工作回顾（成效或正文类型）", "plans": "工作安排（下步打算）", "problems": "存在问题段（存在问题）"}
    lines = [f"银标检验（{folder}：{res['reports']} 篇真实政府工作报告，{res['sections']} 节；按所在部分的标题给银标）",
             f"  准确率 {res['accuracy']:.3f}；不用部分规则（仅模型）{res['without_part_rule']:.3f}；"
             f"由部分规则决定的节 {res['decided_by_part_rule']} 个"]
    for p, name in names.items():
        r = parts[p]
        if r["n"]:
            lines.append(f"    {name:<16} {r['n']:>5} 节   准确率 {r['accuracy']:.3f}")
    return "\n".join(lines)
