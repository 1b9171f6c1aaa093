"""``assist outline PATH``: the section structure of a report, with kinds."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, TOPIC_OPTION, Format, app, corpus_dirs, emit_json

ROLE_LABELS = {"opening": "［开头］", "closing": "［结尾］"}


def _lead(node) -> str:  # noqa: ANN001
    """A section without a heading (a report split by paragraphs): its first words."""
    text = node.own_text().strip()
    return "［段落］" + (text[:20] + "…" if len(text) > 20 else text)


def outline_of(path: str, dirs: list[Path] | None, topic: str | None = None):
    """Read ``path`` through the corpus normaliser, parse its outline and, with ``dirs``,
    give each section its kind from the corpus model. Returns (outline, topic): the topic
    given, else the one the report is about."""
    from assistant import outline
    from assistant.classify.api import report_topic
    from assistant.normalize import normalize
    from assistant.reader import read_document

    doc = read_document(path)
    norm = normalize(doc.text, doc.fmt)
    topic = topic or report_topic(norm.text)
    if dirs is None:
        return outline.parse(norm), topic
    from assistant.classify.api import classify_text
    from assistant.classify.model import LinearModel
    from assistant.corpus import index

    conn = index.open_index(dirs)
    try:
        if LinearModel.load(conn, []) is None:  # a corpus without labels: structure only
            return outline.parse(norm), topic
        tree, _ = classify_text(conn, norm, topic=topic)
        return tree, topic
    finally:
        conn.close()


@app.command("outline")
def outline_cmd(
    path: str = typer.Argument(..., help="报告文件（.txt .md .docx .html），- 表示标准输入。"),
    kinds: bool = typer.Option(True, "--kinds/--no-kinds", help="是否给每节标注类型（需要语料索引）。"),
    topic: Optional[str] = TOPIC_OPTION,
    corpus: Optional[Path] = CORPUS_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """报告的标题与层级结构（开头、各级标题、结尾）及每节类型，行号对应原文件。"""
    if topic:
        from assistant.units import get_topic

        topic = get_topic(topic).name
    tree, found = outline_of(path, corpus_dirs(corpus) if kinds else None, topic)
    if fmt == Format.json:
        emit_json({**tree.to_json(), "topic": found})
        return
    if tree.title:
        typer.echo(f"标题：{tree.title}" + (f"（第{tree.title_line}行）" if tree.title_line else ""))
    if found:
        from assistant.units import get_topic

        typer.echo(f"主题：{get_topic(found).label}")
    from assistant.classify.api import LOW_CONFIDENCE

    for node in tree.walk():
        indent = "  " * (node.level - 1)
        kind = ""
        if node.kind and node.role == "section":
            unsure = node.confidence is not None and node.confidence < LOW_CONFIDENCE
            kind = f"  〔{node.kind}{'？置信度低' if unsure else ''}〕"
        if node.role in ROLE_LABELS:
            typer.echo(f"{indent}{ROLE_LABELS[node.role]} 第{node.line}–{node.end_line}行")
        else:
            typer.echo(f"{indent}{node.number or ''}{node.heading or _lead(node)}{kind}  （第{node.line}行）")
