"""``assist outline PATH``: the section structure of a report."""

from __future__ import annotations

import typer

from assistant.cli.app import FORMAT_OPTION, Format, app, emit_json

ROLE_LABELS = {"opening": "［开头］", "closing": "［结尾］"}


def outline_of(path: str):
    """Read ``path`` through the corpus normaliser and parse its outline."""
    from assistant import outline
    from assistant.normalize import normalize
    from assistant.reader import read_document

    doc = read_document(path)
    return outline.parse(normalize(doc.text, doc.fmt))


@app.command("outline")
def outline_cmd(
    path: str = typer.Argument(..., help="报告文件（.txt .md .docx .html），- 表示标准输入。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """报告的标题与层级结构（开头、各级标题、结尾），行号对应原文件。"""
    tree = outline_of(path)
    if fmt == Format.json:
        emit_json(tree.to_json())
        return
    if tree.title:
        typer.echo(f"标题：{tree.title}" + (f"（第{tree.title_line}行）" if tree.title_line else ""))
    for node in tree.walk():
        indent = "  " * (node.level - 1)
        kind = f"  〔{node.kind}〕" if node.kind and node.role == "section" else ""
        if node.role in ROLE_LABELS:
            typer.echo(f"{indent}{ROLE_LABELS[node.role]} 第{node.line}–{node.end_line}行")
        else:
            typer.echo(f"{indent}{node.number}{node.heading}{kind}  （第{node.line}行）")
