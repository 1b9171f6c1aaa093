"""``assist corpus add PATH... [--unit U] [--corpus DIR] [--replace]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, Format, corpus_app, emit_json, say

_TYPE_LABELS = {"report": "报告", "essay": "文章", "survey": "调查", "other": "其他"}


def _progress():
    """Progress on stderr, on a terminal only (a bad file must give exactly one line)."""
    if not sys.stderr.isatty():
        return None

    def show(k: int, n: int, path: str) -> None:
        sys.stderr.write(f"\r\033[K[{k}/{n}] 正在读取 {path}")
        sys.stderr.flush()

    return show


@corpus_app.command("add")
def add_cmd(
    paths: List[str] = typer.Argument(..., help="要导入的文件（.txt .md .docx .html；- 表示标准输入）。"),
    unit: Optional[str] = typer.Option(None, "--unit", help="指定单位类型（town、county、village…），不指定则自动判断。"),
    topic: Optional[str] = typer.Option(None, "--topic", metavar="主题",
                                        help="指定主题（安全生产、防汛……，见 assist topics），不指定则自动判断。"),
    corpus: Optional[Path] = CORPUS_OPTION,
    replace: bool = typer.Option(False, "--replace", help="先删除以前从同名或同内容文件导入的文档，再重新导入。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """导入报告：清理网页杂质、拆分合集、判断单位和主题，写入语料库（报告进 reports/，其他进 other/）。

    不指定 --corpus（或 ASSIST_CORPUS）时写入用户自己的语料文件夹，不会改动随软件附带的语料。
    """
    from assistant.corpus.importer import import_paths
    from assistant.paths import user_corpus

    target = Path(corpus) if corpus is not None else user_corpus()
    show = _progress()
    try:
        result = import_paths(paths, target, unit=unit, progress=show, replace=replace, topic=topic)
    finally:
        if show is not None:
            sys.stderr.write("\r\033[K")  # an error message starts on a clean line
            sys.stderr.flush()
    if fmt == Format.json:
        emit_json(result.as_dict())
        return
    for f in result.files:
        kinds: dict[str, int] = {}
        for d in f.added:
            kinds[d["type"]] = kinds.get(d["type"], 0) + 1
        detail = "，".join(f"{_TYPE_LABELS.get(k, k)} {v}" for k, v in kinds.items())
        line = f"{f.path}：新增 {len(f.added)} 篇" + (f"（{detail}）" if detail else "")
        if f.skipped:
            reasons = sorted({s["reason"] for s in f.skipped})
            line += f"，跳过 {len(f.skipped)} 篇（{'、'.join(reasons)}）"
        typer.echo(line)
        for d in f.added:
            typer.echo(f"  {d['id']}\t{_TYPE_LABELS.get(d['type'], d['type'])}\t{d['unit']}\t{d.get('topic') or '-'}"
                       f"\t{d['title']}")
    say(f"共新增 {result.added} 篇，跳过 {result.skipped} 篇 → {result.corpus}")
