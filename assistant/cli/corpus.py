"""``assist corpus build|stats|list`` (``add`` lives in corpus_add.py)."""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, Format, corpus_app, corpus_dirs, emit_json, say


def progress_printer(label: str):
    """A progress callback drawing a one-line bar on stderr (only on a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def chosen_dirs(corpus: Optional[Path]) -> list[Path]:
    """The corpus folders of ``--corpus`` (which must exist) or the default ones."""
    if corpus is not None and not Path(corpus).is_dir():
        from assistant.errors import InputError

        raise InputError(f"语料库文件夹不存在：{corpus}")
    return corpus_dirs(corpus)


@contextlib.contextmanager
def corpus_index(corpus: Optional[Path]) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the (auto-rebuilt) index of the chosen corpus."""
    from assistant.corpus import index

    conn = index.open_index(chosen_dirs(corpus), progress_printer("正在构建索引"))
    try:
        yield conn
    finally:
        conn.close()


@corpus_app.command("build")
def build_cmd(
    corpus: Optional[Path] = CORPUS_OPTION,
    force: bool = typer.Option(False, "--force", help="即使语料未变也重新构建。"),
    jobs: Optional[int] = typer.Option(
        None, "--jobs", "-j", min=1,
        help="分析语料所用的进程数（默认：环境变量 ASSIST_JOBS，否则可用的 CPU 数；1 表示单进程）。"
             "语料较小时总是单进程。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """（重新）构建语料索引。语料变化后各命令会自动重建，一般无需手动运行。"""
    from assistant.corpus import index

    result = index.ensure(chosen_dirs(corpus), progress_printer("正在构建索引"), force=force, jobs=jobs)
    if isinstance(result, index.BuildStats):
        data = {"index": str(result.path), "rebuilt": True, "documents": result.documents,
                "sections": result.sections, "sentences": result.sentences, "chars": result.chars,
                "seconds": round(result.seconds, 3)}
    else:
        data = {"index": str(result), "rebuilt": False}
    if fmt == Format.json:
        emit_json(data)
    elif data["rebuilt"]:
        say(f"索引已构建：{data['documents']} 篇报告，{data['sections']} 节，{data['sentences']} 句，"
            f"用时 {data['seconds']} 秒（{data['index']}）")
    else:
        say(f"索引已是最新（{data['index']}）")


@corpus_app.command("stats")
def stats_cmd(corpus: Optional[Path] = CORPUS_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """语料统计：报告数、节数、句数，按单位、主题、来源和类型分类。"""
    from assistant.corpus import index

    with corpus_index(corpus) as conn:
        data = index.stats(conn)
    if fmt == Format.json:
        emit_json(data)
        return
    typer.echo(f"报告 {data['documents']} 篇，{data['sections']} 节，{data['sentences']} 句，{data['chars']} 字")
    if data["by_unit"]:
        typer.echo("按单位：" + "，".join(f"{k} {v}" for k, v in data["by_unit"].items()))
    if data.get("by_topic"):
        typer.echo("按主题：" + "，".join(f"{k or '未定'} {v}" for k, v in data["by_topic"].items()))
    if data.get("by_origin"):
        names = {"shipped": "随软件附带", "fanwen": "插件范文", "user": "自己导入"}
        typer.echo("按来源：" + "，".join(f"{names.get(k, k)} {v}" for k, v in data["by_origin"].items()))
    if data["by_kind"]:
        typer.echo("按类型：" + "，".join(f"{k} {v}" for k, v in data["by_kind"].items()))


@corpus_app.command("list")
def list_cmd(corpus: Optional[Path] = CORPUS_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """列出语料库中的报告：编号、来源（范文 / 语料 / 自己导入）、单位、主题、节数、字数、标题。"""
    from assistant.corpus import index

    with corpus_index(corpus) as conn:
        docs = index.list_documents(conn)
    if fmt == Format.json:
        emit_json({"documents": docs})
        return
    for d in docs:
        mark = "范文" if d.get("origin") == "fanwen" else ("自己" if d.get("origin") == "user" else "语料")
        typer.echo(f"{d['doc_id']}\t{mark}\t{d['unit']}\t{d.get('topic') or '-'}\t{d['sections']}节\t"
                   f"{d['chars']}字\t{d['title']}")
