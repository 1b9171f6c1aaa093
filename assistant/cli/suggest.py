"""``assist suggest QUERY [--kind K] [--unit U] [-n N]``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, TOPIC_OPTION, Format, app, corpus_dirs, emit_json


@app.command("suggest")
def suggest_cmd(
    query: Optional[str] = typer.Argument(None, help="想表达的意思，平常话即可，如“微信群发通知 发了一封信”。"),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help="只要这一类型的表述（如 publicity、problems）。"),
    unit: Optional[str] = typer.Option(None, "--unit", "-u",
                                       help="单位类型（如 school、bank、village）：只给这类单位能用的表述，本单位的优先。"),
    topic: Optional[str] = TOPIC_OPTION,
    n: int = typer.Option(5, "-n", "--number", min=1, max=50, help="给出几条。"),
    corpus: Optional[Path] = CORPUS_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """从语料中找出规范表述：数字换成 xx、地名人名换成 ××，可按类型、单位和主题筛选。

    主题不给时从意思里推断（“防汛巡查”即防汛）：只给这个主题能用的表述，不会给防汛的意思推荐疫情防控的句子。
    """
    from assistant.classify import core_kinds, kind_table
    from assistant.corpus import index
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
    conn = index.open_index(corpus_dirs(corpus))
    try:
        results = Suggester(conn).suggest(query, kind, unit, n, topic)
    finally:
        conn.close()
    if fmt == Format.json:
        emit_json({"suggestions": [s.to_json() for s in results]})
        return
    if not results:
        typer.echo("没有找到合适的表述，换个说法试试。", err=True)
        return
    labels = kind_table()
    for i, s in enumerate(results, 1):
        label = labels.get(s.kind or "", {}).get("label", s.kind or "未分类")
        typer.echo(f"{i}. {s.text}")
        typer.echo(f"   〔{label}〕 出处 {s.source}，见于 {s.docs} 篇报告")
