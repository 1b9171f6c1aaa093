"""Assignment: which field goes where, decided over the whole report at once.

Every placeholder group (a slot, or the parts of one date) is scored against every
field (:mod:`assistant.fill.scoring`). The pairs that are plausible at all form a
bipartite graph; on each connected part the matching of greatest total score is found
(the Hungarian method, as ``scipy.optimize.linear_sum_assignment`` does, written out
here so that fill needs no scipy at start-up): one field for one quantity, so a field
that clearly belongs elsewhere is no rival here.

The margin is taken on the assignment: a pair fills its slot when the field is at
least as good as anything else this slot could take and this slot is the best place for
the field — even with a modest score, as long as it clears the floor — unless a *real*
rival exists: another field almost as good here that is not clearly placed elsewhere
(「在「A」与「B」之间无法确定」), or another place almost as good for this field that
has nothing better of its own (「字段「A」放在这里和第 N 行「…」都说得通」). Places
that say the same thing share their field (the same figure written twice); the end of
a period takes the period its start took.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from assistant.fill.fields import Candidate
from assistant.fill.scoring import FLOOR, MARGIN, MIN_SCORE, Score, rank, same_quantity
from assistant.fill.slots import NAME_SUFFIXES, Slot, probe

TOP_K = 6  # edges kept per group and per field
EXACT_LIMIT = 80  # larger parts are matched greedily (best pairs first)


@dataclass
class Option:
    cand: Candidate
    score: float
    parts: Score


@dataclass
class GroupState:
    key: tuple
    members: list[Slot]
    probe: Slot
    options: list[Option] = field(default_factory=list)  # best first
    clashes: list[Candidate] = field(default_factory=list)
    chosen: Optional[Option] = None
    reason: str = ""
    runner_up: Optional[str] = None
    shared_from: Optional[tuple] = None

    def score_of(self, name: str) -> float:
        return next((o.score for o in self.options if o.cand.name == name), 0.0)


def hungarian(weights: list[list[float]]) -> list[int]:
    """Rows to columns maximising the total weight (len(rows) ≤ len(cols)); -1 where a row
    takes nothing. ``weights[i][j]`` ≤ 0 means the pair is not allowed (a row may stay
    empty: dummy columns of weight 0 are added)."""
    n = len(weights)
    if n == 0:
        return []
    m = len(weights[0]) + n  # one dummy column per row
    inf = float("inf")
    big = 1e6
    # cost = -weight; forbidden = big; dummy = 0
    cost = [[(-w if w > 0 else big) for w in row] + [0.0] * n for row in weights]
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            row = cost[i0 - 1]
            ui0 = u[i0]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out = [-1] * n
    real = len(weights[0])
    for j in range(1, m + 1):
        if p[j] and j <= real and weights[p[j] - 1][j - 1] > 0:
            out[p[j] - 1] = j - 1
    return out


def _components(states: list[GroupState]) -> list[tuple[list[GroupState], list[str]]]:
    """Connected parts of the group–field graph."""
    parent: dict[object, object] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for st in states:
        find(("g", st.key))
        for o in st.options:
            a, b = find(("g", st.key)), find(("f", o.cand.name))
            if a != b:
                parent[a] = b
    parts: dict[object, tuple[list[GroupState], list[str]]] = {}
    for st in states:
        root = find(("g", st.key))
        parts.setdefault(root, ([], []))[0].append(st)
        for o in st.options:
            names = parts[root][1]
            if o.cand.name not in names:
                names.append(o.cand.name)
    return list(parts.values())


def _solve(states: list[GroupState], names: list[str]) -> dict[tuple, str]:
    col = {n: j for j, n in enumerate(names)}
    if len(states) <= EXACT_LIMIT and len(names) <= 2 * EXACT_LIMIT:
        weights = [[0.0] * len(names) for _ in states]
        for i, st in enumerate(states):
            for o in st.options:
                # strong pairs weigh more than two weak ones: one sure place for 党员总数 beats
                # two doubtful places for 党员总数 and 离退休党员
                weights[i][col[o.cand.name]] = ((o.score - FLOOR) / (1 - FLOOR)) ** 2 + 1e-6
        picks = hungarian(weights)
        return {st.key: names[j] for st, j in zip(states, picks) if j >= 0}
    # greedy: best pairs first
    pairs = sorted(((o.score, st.key, o.cand.name) for st in states for o in st.options), reverse=True)
    taken_g: dict[tuple, str] = {}
    taken_f: set[str] = set()
    for _s, g, f in pairs:
        if g not in taken_g and f not in taken_f:
            taken_g[g] = f
            taken_f.add(f)
    return taken_g


def _prune(states: list[GroupState]) -> None:
    """Keep each group's best TOP_K options and each field's best TOP_K groups."""
    by_field: dict[str, list[tuple[float, tuple]]] = {}
    for st in states:
        for o in st.options:
            by_field.setdefault(o.cand.name, []).append((o.score, st.key))
    keep_f = {f: {k for _s, k in sorted(v, key=lambda x: -x[0])[:TOP_K]} for f, v in by_field.items()}
    for st in states:
        st.options = [o for i, o in enumerate(st.options) if i < TOP_K or st.key in keep_f[o.cand.name]]


def same_value(a: Candidate, b: Candidate) -> bool:
    x, y = a.value, b.value
    return not x.empty and not y.empty and x.kind == y.kind and x.text == y.text and x.unit == y.unit


def decide(groups: dict[tuple, list[Slot]], cands: list[Candidate],
           where: Callable[[Slot], str]) -> dict[tuple, GroupState]:
    """The decision for every group: a chosen field, or a reason (``where`` names a place)."""
    states: dict[tuple, GroupState] = {}
    for key, members in groups.items():
        pr = probe(members)
        st = GroupState(key, members, pr)
        ranked = rank(pr, cands, clashes=st.clashes)
        st.options = [Option(c, s, parts) for s, c, parts in ranked if s >= FLOOR]
        st.runner_up = ranked[0][1].name if ranked else None
        st.reason = _no_match_reason(st, ranked)
        states[key] = st
    live = [st for st in states.values() if st.options]
    _prune(live)
    assigned: dict[tuple, str] = {}
    for part_states, names in _components(live):
        assigned.update(_solve(part_states, names))
    holder: dict[str, tuple] = {f: g for g, f in assigned.items()}
    rivals_of: dict[tuple, str] = {}  # a place that another place's field could as well be
    # accept each pair, or name the rival
    for g, fname in assigned.items():
        st = states[g]
        opt = next(o for o in st.options if o.cand.name == fname)
        if (opt.score < MIN_SCORE and not _mutual_best(st, opt, states)) or "字段名的词在上下文中找不全" in opt.parts.notes:
            # a field whose own words are not all around the figure (对公存款余额 at 各项存款余额xx亿元)
            # is never sure, however alone it is
            st.reason = f"没有匹配的字段（最接近的是「{fname}」，但不够确定）"
            continue
        rival = _field_rival(st, opt, holder, states)
        if rival is not None:
            st.reason = f"在「{fname}」与「{rival.name}」之间无法确定"
            st.runner_up = rival.name
            continue
        place = _place_rival(st, opt, assigned, states, holder)
        if place is not None:
            st.reason = (f"字段「{fname}」放在这里和{where(place.members[0])}都说得通，无法确定是哪一处")
            st.runner_up = fname
            rivals_of[place.key] = (f"字段「{fname}」放在这里和{where(st.members[0])}都说得通，无法确定是哪一处")
            continue
        st.chosen = opt
        st.reason = ""
    # the same quantity written again shares its field; a period's end takes its start's period
    chosen_at = {f: g for g, f in assigned.items() if states[g].chosen is not None}
    for st in states.values():
        if st.chosen is not None or not st.options:
            continue
        for o in st.options:
            g = chosen_at.get(o.cand.name)
            if g is None:
                continue
            other = states[g]
            range_end = other.probe.range_id is not None and st.probe.range_id == other.probe.range_id \
                and o.cand.value.kind == "range"
            if not range_end and (o.score < MIN_SCORE or not same_quantity(st.probe, other.probe)):
                continue
            better = [x for x in st.options if x.cand.name != o.cand.name and x.score > o.score - MARGIN
                      and not same_value(x.cand, o.cand) and chosen_at.get(x.cand.name) is None]
            if better and not range_end:
                continue
            st.chosen, st.shared_from, st.reason = o, g, ""
            break
        if st.chosen is None and st.options and not st.reason:
            st.reason = _no_match_reason(st, [(o.score, o.cand, o.parts) for o in st.options])
    for key, why in rivals_of.items():
        st = states[key]
        if st.chosen is None and (not st.reason or st.reason.startswith("没有匹配的字段")):
            st.reason = why
    for st in states.values():
        if st.chosen is None and not st.reason:
            st.reason = "没有匹配的字段"
        if st.chosen is None and st.reason.startswith("没有匹配的字段") and st.options:
            top = st.options[0]
            g = holder.get(top.cand.name)
            if g is not None and g != st.key and states[g].chosen is not None and top.score >= MIN_SCORE:
                st.reason = (f"没有匹配的字段（最接近的「{top.cand.name}」已填在"
                             f"{where(states[g].members[0])}，那里更合适）")
    return states


def _mutual_best(st: GroupState, opt: Option, states: dict[tuple, GroupState]) -> bool:
    """The field is this group's best, and this group is the field's best place."""
    if st.options[0].cand.name != opt.cand.name:
        return False
    for other in states.values():
        if other is st:
            continue
        if other.score_of(opt.cand.name) > opt.score:
            return False
    return not opt.parts.penalized


def _alt(st: GroupState, exclude: set[str], holder: dict[str, tuple], allow: set[str]) -> float:
    """The best score ``st`` could take instead: a field not excluded that is free (or freed)."""
    for o in st.options:
        if o.cand.name in exclude:
            continue
        h = holder.get(o.cand.name)
        if h is None or h == st.key or o.cand.name in allow:
            return o.score
    return 0.0


def _field_rival(st: GroupState, opt: Option, holder: dict[str, tuple],
                 states: dict[tuple, GroupState]) -> Optional[Candidate]:
    """Another field almost as good here: swapping it in costs the whole assignment less
    than the margin (a field held elsewhere counts what its place would lose)."""
    s = opt.score
    for o in st.options:
        if o.cand.name == opt.cand.name or o.score <= s - MARGIN or same_value(o.cand, opt.cand):
            continue
        h = holder.get(o.cand.name)
        if h is None or h == st.key:
            delta = s - o.score
        else:
            there = states[h]
            delta = s + there.score_of(o.cand.name) - o.score - _alt(there, {o.cand.name}, holder, {opt.cand.name})
        if delta < MARGIN:
            return o.cand
    return None


def _place_rival(st: GroupState, opt: Option, assigned: dict[tuple, str],
                 states: dict[tuple, GroupState], holder: dict[str, tuple]) -> Optional[GroupState]:
    """Another place almost as good for this field: moving the field there costs the whole
    assignment less than the margin (what that place holds now, what this place takes instead)."""
    s = opt.score
    for other in states.values():
        if other is st:
            continue
        t = other.score_of(opt.cand.name)
        if t <= s - MARGIN or t < FLOOR:
            continue
        if other.probe.range_id is not None and other.probe.range_id == st.probe.range_id:
            continue
        if same_quantity(st.probe, other.probe):
            continue  # the same thing said twice: it will share the field
        own = assigned.get(other.key)
        own_score = other.score_of(own) if own is not None and own != opt.cand.name else 0.0
        delta = s + own_score - t - _alt(st, {opt.cand.name}, holder, {own} if own else set())
        if delta < MARGIN:
            return other
    return None


def _no_match_reason(st: GroupState, ranked: list) -> str:
    if not ranked or ranked[0][0] < FLOOR:
        if st.clashes:
            c = st.clashes[0]
            pr = st.probe
            follow = next((x for x in NAME_SUFFIXES if pr.after.startswith(x)), pr.after[:2])
            return (f"「{c.name}」的值“{c.value.text}”接上后面的“{follow}”读不通，"
                    f"请改写原文（如删去“{follow}”）或换一种写法")
        hint = f"（最接近的是「{ranked[0][1].name}」，但不够确定）" if ranked and ranked[0][0] >= 0.35 else ""
        return "没有匹配的字段" + hint
    return ""
