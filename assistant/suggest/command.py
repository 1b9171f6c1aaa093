"""``assist suggest``'s work, for the typer command and the fast path alike."""

from __future__ import annotations

import json
import sys
from typing import Optional


def run_suggest(query: Optional[str], kind: Optional[str], unit: Optional[str], topic: Optional[str], n: int,
                corpus: Optional[str], fmt: str) -> int:
    """Print the ``n`` best phrasings for ``query`` (text or json); the exit code."""
    from assistant.classify import core_kinds, kind_table
    from assistant.corpus.chosen import chosen_corpus
    from assistant.errors import InputError
    from assistant.suggest.rank import Suggester

    if kind is not None:
        kinds = core_kinds()
        if kind not in kinds:
            from assistant.units import all_units

            parents = {k.id: k.parent for u in all_units() for k in u.kinds}
            if kind not in parents:
                raise InputError(f"未知的节类型：{kind}（可用：{'、'.join(kinds)}）")
            kind = parents[kind]
    if unit:
        from assistant.units import get_unit

        unit = get_unit(unit).name
    if topic:
        from assistant.units import get_topic

        topic = get_topic(topic).name
    if not (query and query.strip()) and kind is None:
        raise InputError("请给出想表达的意思（QUERY），或用 --kind 指定类型")
    with chosen_corpus(corpus).open_index() as ix:
        results = Suggester(ix).suggest(query, kind, unit, n, topic)
    if fmt == "json":
        sys.stdout.write(json.dumps({"suggestions": [s.to_json() for s in results]}, ensure_ascii=False, indent=2)
                         + "\n")
        return 0
    if not results:
        sys.stderr.write("没有找到合适的表述，换个说法试试。\n")
        return 0
    labels = kind_table()
    out = []
    for i, s in enumerate(results, 1):
        label = labels.get(s.kind or "", {}).get("label", s.kind or "未分类")
        out.append(f"{i}. {s.text}\n   〔{label}〕 出处 {s.source}，见于 {s.docs} 篇报告\n")
    sys.stdout.write("".join(out))
    return 0
