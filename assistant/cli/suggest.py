"""``assist suggest QUERY [--kind K] [--unit U] [--topic T] [-n N]`` (its plain forms take the fast
path of assistant/suggest/fastcli.py; this command owns help and mistakes)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, TOPIC_OPTION, Format, app


@app.command("suggest")
def suggest_cmd(
    query: Optional[str] = typer.Argument(None, help="想表达的意思，平常话即可，如“微信群发通知 发了一封信”。"),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help="只要这一类型的表述（如 publicity、problems）。"),
    unit: Optional[str] = typer.Option(None, "--unit", "-u",
                                       help="单位类型（如 school、bank、village）：只给这类单位能用的表述，本单位的优先。"),
    topic: Optional[str] = TOPIC_OPTION,
    n: int = typer.Option(5, "-n", "--number", min=1, max=50, help="给出几条。"),
    corpus: Optional[str] = CORPUS_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """从语料中找出规范表述：数字换成 xx、地名人名换成 ××，可按类型、单位和主题筛选。

    主题不给时从意思里推断（“防汛巡查”即防汛）：只给这个主题能用的表述，不会给防汛的意思推荐疫情防控的句子。
    """
    from assistant.suggest.command import run_suggest

    run_suggest(query, kind, unit, topic, n, corpus, fmt.value)
