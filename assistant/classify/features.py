"""Features of a section, computed the same way for training and prediction.

Blocks, each L2-normalised on its own so that a long body cannot drown the
heading: heading tokens and heading character bigrams; body tokens (digits
folded into one symbol, sublinear counts); the keyword cues of kinds.yaml (how
many heading cues and body cues of each kind occur); and the section's place
in its report — structural role, relative position, which run of numbering it
belongs to and of how many, and whether it is the last (a report whose numbering
restarts at （一） has moved on to problems or plans, and its last run, when it is the
smaller part of the report and speaks more of plans than the rest, is most often the
plans), what the heading of the part it stands in says (20xx年工作安排: plans; 工作回顾:
work done), and how much of its text speaks of plans or of problems; plus the answer of the
keyword baseline (classify.keywords) as one feature.

Training also sees every section as it reads alone (``alone``: no place features), so that
a paragraph classified alone keeps its kind; and a few kinds are the place's, not the
words' (``RULE_KINDS``, and a body section is never an opening or a closing:
model.LinearModel.predict).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Sequence

_DIGITS = re.compile(r"\d+(\.\d+)?")
_PUNCT = re.compile(r"^[\W_]+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PLAN = re.compile(r"进一步|继续|持续|将|要|下一步|下步|计划|力争|确保")
_PROBLEM = re.compile(r"不足|不够|不强|不高|不到位|薄弱|欠缺|难以|困难|问题|未|缺乏|滞后|压力")
MAX_BODY_TOKENS = 800
# Only the start of a long body is segmented when its tokens are not given: the first
# MAX_BODY_TOKENS tokens come from far fewer characters than this.
MAX_BODY_CHARS = 4000
# Kinds a section's place decides, not its words (classify.model.LinearModel.predict):
# - next_steps: parts whose items take the part's kind whatever their topic (LABELLING.md: an
#   item of a plans part is next_steps). A problems part is never split into its items
#   (outline.sections keeps it whole), so it needs no rule.
# - opening: the text before the first numbered heading is the opening (section-kinds.md);
#   a model that also learns texts alone (``alone``) must not take an opening for a closing
#   because it does not say 现将……汇报如下.
PART_RULE = ("next_steps",)
RULE_KINDS = ("opening", "next_steps")
RULE = "rule:"
SINGLE_ROLE = "single"  # the role of a text classified alone (classify --single)
BLOCK_WEIGHTS = {"heading": 1.0, "body": 1.0, "cues": 1.0}


@lru_cache(maxsize=1)
def cue_lists() -> tuple[list[str], list[str], list[list[int]], list[str], list[list[int]], object, object]:
    """The curated cues of kinds.yaml for counting them all in one pass: (kinds, body cues,
    per kind the indexes of its body cues, heading cues, per kind the indexes of its heading
    cues, an Aho-Corasick automaton over the body cues, one over the heading cues). An
    automaton is None without pyahocorasick, or where one pass would not count as
    ``str.count`` does (a cue with …… or one that overlaps itself): then ``str.count``."""
    from assistant.classify import GAP, kind_table

    kt = kind_table()
    kinds = list(kt)
    body = sorted({c for s in kt.values() for c in (s.get("body") or []) if c})
    head = sorted({c for s in kt.values() for c in (s.get("heading") or []) if c})
    bidx = {c: i for i, c in enumerate(body)}
    hidx = {c: i for i, c in enumerate(head)}
    per_body = [[bidx[c] for c in (kt[k].get("body") or []) if c] for k in kinds]
    per_head = [[hidx[c] for c in (kt[k].get("heading") or []) if c] for k in kinds]

    def automaton(cues: list[str]):  # noqa: ANN202
        if any(GAP in c or any(c[:i] == c[-i:] for i in range(1, len(c))) for c in cues):
            return None
        try:
            import ahocorasick
        except ImportError:
            return None
        a = ahocorasick.Automaton()
        for i, c in enumerate(cues):
            a.add_word(c, i)
        a.make_automaton()
        return a

    return kinds, body, per_body, head, per_head, automaton(body), automaton(head)


def cue_counts(heading: str, body: str) -> tuple[list[int], list[int]]:
    """Per kind (kind_table order): how many of its heading cues occur in ``heading``, and the
    sum over its body cues of their occurrences in ``body`` (each at most BODY_CAP): one pass
    over each text (an Aho-Corasick automaton), the same figures as ``str.count`` per cue."""
    kinds, body_cues, per_body, head_cues, per_head, ab, ah = cue_lists()
    if ab is not None:
        counts = [0] * len(body_cues)
        for _, i in ab.iter(body) if body else ():
            counts[i] += 1
    else:
        counts = [body.count(c) for c in body_cues]
    if ah is not None:
        hit = [0] * len(head_cues)
        for _, i in ah.iter(heading) if heading else ():
            hit[i] = 1
    else:
        hit = [int(c in heading) for c in head_cues]
    cap = BODY_CAP
    return ([sum(hit[i] for i in idx) for idx in per_head],
            [sum(counts[i] if counts[i] < cap else cap for i in idx) for idx in per_body])


BODY_CAP = 5  # at most this many occurrences of one body cue count (features and keywords.predict)


_BODY_FEATURE: dict[str, str | None] = {}


def _body_feature(t: str) -> str | None:
    """``"b:" + _norm_token(t)`` (None for no feature), remembered per token."""
    f = _BODY_FEATURE.get(t, 0)
    if f == 0:
        if len(_BODY_FEATURE) > 500_000:
            _BODY_FEATURE.clear()
        n = _norm_token(t)
        f = _BODY_FEATURE[t] = "b:" + n if n else None
    return f  # type: ignore[return-value]


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


def _normalised(block: dict[str, float], weight: float) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in block.values())) or 1.0
    return {k: weight * v / norm for k, v in block.items()}


def context_of(numbers: Sequence[str | None], containers: Sequence[object] | None = None) -> list[dict]:
    """Per section of one report: its relative position, its numbering run, how many runs
    the report has, and whether it is in the last run while that run is the smaller part
    of the report.

    A run ends where a numbering style starts again at or below the value it had reached
    under the same container (``containers``: per section, a key of the heading whose
    children it is, None at the top; items under 开学前 and then 开学后 numbered 1. 2. …
    each are one list, not two parts). A last run that holds more than half of the report's
    sections is its main body, not the plans at its end.
    """
    from assistant.outline import match_heading

    out = []
    run = 0
    last: dict[tuple, int] = {}
    n = len(numbers)
    if containers is None:
        containers = [None] * n
    for i, (number, container) in enumerate(zip(numbers, containers)):
        if number:
            h = match_heading(number + "节")
            if h is not None and h.value is not None:
                key = (container, h.style)
                if key in last and h.value <= last[key]:
                    run += 1
                last[key] = h.value
        out.append({"run": run, "position": i / max(n - 1, 1)})
    in_last = sum(1 for c in out if c["run"] == run)
    for c in out:
        c["runs"] = run + 1
        c["last"] = c["run"] == run and in_last <= n / 2
    return out


def plan_density(text: str) -> float:
    """Plan words (将, 继续, 进一步, 下一步…) per hundred characters."""
    return len(_PLAN.findall(text)) / max(len(text) / 100, 1.0)


def section_contexts(secs: Sequence) -> list[dict]:
    """``context_of`` for the ``outline.sections()`` of one report, with what the heading of
    the part each section stands in says of it (``part``: next_steps, problems, review, None).

    The last run is flagged only when it speaks more of plans than the rest of the report's
    body does: numbering that starts again in an excerpt, or in a list of measures, is not
    the plans part of a report."""
    out = context_of([s.number for s in secs], [s.container_line for s in secs])
    for c, s in zip(out, secs):
        c["part"] = s.part
    last = [i for i, c in enumerate(out) if c["last"]]
    rest = [i for i, (c, s) in enumerate(zip(out, secs)) if not c["last"] and s.role == "section"]
    if last and rest:
        def mean(idx: list[int]) -> float:
            return sum(plan_density(secs[i].text) for i in idx) / len(idx)

        if mean(last) <= mean(rest):
            for i in last:
                out[i]["last"] = False
    return out


def raw_features(heading: str | None, body: str, role: str, tokens: list[str] | None = None,
                 context: dict | None = None) -> dict[str, float]:
    """Feature → value for one section (``tokens``: the body's jieba tokens, if known)."""
    from assistant import segment

    heading = heading or ""
    head: dict[str, float] = {}
    for t in segment.cut(heading) if heading else []:
        n = _norm_token(t)
        if n:
            head["h:" + n] = head.get("h:" + n, 0.0) + 1.0
    for g in _bigrams(heading):
        head["hc:" + g] = head.get("hc:" + g, 0.0) + 1.0
    toks = tokens if tokens is not None else segment.cut(body[:MAX_BODY_CHARS])
    counts = Counter(map(_body_feature, toks[:MAX_BODY_TOKENS]))  # in order of first use
    counts.pop(None, None)
    bodyf = {k: 1.0 + math.log(v) for k, v in counts.items()}
    cues: dict[str, float] = {}
    hcs, bcs = cue_counts(heading, body)
    for kind, hc, bc in zip(cue_lists()[0], hcs, bcs):
        if hc:
            cues["kh:" + kind] = float(hc)
        if bc:
            cues["kb:" + kind] = math.log(1 + bc)
    ctx: dict[str, float] = {}
    if context is not None:
        ctx[f"run:{min(context['run'], 2)}"] = 1.0
        ctx[f"pos:{int(context['position'] * 3.999)}"] = 1.0
        runs = context.get("runs", 1)
        if runs > 1 and role == "section":
            # which run of how many: the part headings (二、存在的问题 三、下步打算) of many
            # reports are lost in their web pages, and the numbering restarting is what is
            # left of them; the last run is most often the plans
            ctx[f"runof:{min(context['run'], 2)}/{min(runs, 3)}"] = 1.0
            if context.get("last"):
                ctx["last_run"] = 1.0
        part = context.get("part")
        if part:
            # the heading of the part it stands in (2023年工作安排, 存在的问题, 工作回顾)
            ctx["part:" + part] = 1.0
            if part in PART_RULE:
                ctx[RULE + part] = 1.0
    per100 = max(len(body) / 100, 1.0)
    ctx["plan"] = min(len(_PLAN.findall(body)) / per100, 3.0) / 3.0
    ctx["problem"] = min(len(_PROBLEM.findall(body)) / per100, 3.0) / 3.0
    from assistant.classify.keywords import predict_from_counts

    # the keyword baseline's own answer is one more feature (the model learns when to trust it);
    # not for a text alone (the rules take openings and closings from the place only)
    feats = {f"role:{role}": 1.0}
    if role == "opening":
        feats[RULE + "opening"] = 1.0
    if role != SINGLE_ROLE:
        feats["base:" + predict_from_counts(hcs, bcs, role)] = 1.0  # = keywords.predict(heading, body, role)
    for name, block in (("heading", head), ("body", bodyf), ("cues", cues)):
        feats.update(_normalised(block, BLOCK_WEIGHTS[name]))
    feats.update(ctx)  # one-hot and [0, 1] values: already on the scale of the blocks
    return feats


# Features of a section's place in its report (role, position, numbering runs, part): what a
# section classified alone (``assist classify --single``) does not have.
_PLACE = ("role:", "pos:", "run:", "runof:", "last_run", "part:", RULE, "base:")


def alone(feats: dict[str, float]) -> dict[str, float]:
    """The features of the same text classified alone: without its place in a report
    (training adds these so that an opening paragraph alone still reads as an opening), nor
    the keyword rules' answer (which takes an opening or closing from the place)."""
    out = {k: v for k, v in feats.items() if not k.startswith(_PLACE)}
    out["role:" + SINGLE_ROLE] = 1.0
    return out
