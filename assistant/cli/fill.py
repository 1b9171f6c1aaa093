"""``assist fill PATH --data DATA [-o OUT]`` and ``assist fill --fields PATH -o skeleton.yaml``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from assistant.cli.app import FORMAT_OPTION, Format, app, emit_json, say
from assistant.errors import InputError


@app.command("fill")
def fill_cmd(
    path: str = typer.Argument(..., help="要填写的报告（.txt .md .docx .html），- 表示标准输入。"),
    data: Optional[Path] = typer.Option(None, "--data", "-d", help="数据文件：.yaml .json .csv .xlsx（字段: 值）。"),
    output: Optional[str] = typer.Option(
        None, "-o", "--output",
        help="输出文件；- 表示把填好的文字写到标准输出。默认写到报告旁的“原名.filled.扩展名”（已存在则报错，不覆盖）。"),
    unit: Optional[str] = typer.Option(None, "--unit", help="单位类型（见 assist units）：用它的字段名和别名帮助匹配。"),
    topic: Optional[str] = typer.Option(None, "--topic", metavar="主题",
                                        help="主题（见 assist topics）：用它的字段名和别名帮助匹配（如安全生产的“排查隐患数”）。"),
    fields: bool = typer.Option(False, "--fields", help="不填写，改为写出数据骨架（YAML）：每组占位符一个字段。"),
    interactive: bool = typer.Option(False, "--interactive", "-i",
                                     help="逐个询问没填上的占位符，把答案存进 --data 文件后再填写。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """用台账数据填写报告中的占位符（xx、＊、__ 等）：只填有把握的，其余保持原样并说明原因。

    有占位符没填上时退出码为 1；数据或文件有误时为 2。"""
    unit_obj = _with_topic_fields(_unit(unit), topic)
    if fields:
        _write_skeleton(path, output, unit_obj, fmt)
        return
    if data is None:
        raise InputError("请用 --data 指定数据文件（.yaml .json .csv .xlsx），或用 --fields 先生成数据骨架")
    if interactive and sys.stdin is None:
        raise InputError("标准输入已关闭，无法逐个询问（-i）")
    from assistant.fill.apply import fill_document
    from assistant.fill.data import FillData, load_data

    if interactive and not data.exists():
        fill_data = FillData(data, fmt=data.suffix.lower().lstrip(".") or "yaml")
    else:
        fill_data = load_data(data)
    result = fill_document(path, data, unit=unit_obj, data=fill_data)
    if interactive and result.n_unfilled:
        result = _ask(path, data, fill_data, result, unit_obj)
    from assistant.fill.fastcli import emit, output_path

    out = output_path(path, output, result.fmt)
    emit(result, out, "json" if fmt == Format.json else "text")
    if result.n_unfilled:
        raise typer.Exit(1)


def _unit(name: Optional[str]):
    if not name:
        return None
    from assistant.units import get_unit

    return get_unit(name)


def _with_topic_fields(unit_obj, topic: Optional[str]):
    """The unit's fields and the topic's together, as what fill reads field names from."""
    if not topic:
        return unit_obj
    import dataclasses
    from types import SimpleNamespace

    from assistant.units import get_topic

    t = get_topic(topic)
    if unit_obj is None:
        return SimpleNamespace(fields=tuple(t.fields))
    return dataclasses.replace(unit_obj, fields=tuple(unit_obj.fields) + tuple(t.fields))


def report_lines(result) -> list[str]:
    """The text report (kept here for callers of the typer module)."""
    from assistant.fill.fastcli import report_lines as lines

    return lines(result)


def _ask(path: str, data_path: Path, fill_data, result, unit_obj):
    """Ask for each unfilled placeholder, save the answers, fill again."""
    from assistant.fill.apply import fill_document, normalized
    from assistant.fill.data import load_data
    from assistant.fill.interactive import ask_all, save_answers

    def ask(prompt: str) -> str:
        import click

        try:  # prompts go to stderr: stdout may carry the filled text (-o -)
            return typer.prompt(prompt, default="", show_default=False, err=True)
        except click.exceptions.Abort:  # end of input: keep the answers given so far
            raise EOFError from None

    mapped = normalized(result.raw, result.fmt)
    answers = ask_all(mapped.text, result.placements, fill_data, ask=ask, tell=say, mapped=mapped)
    if not answers:
        return result
    save_answers(data_path, fill_data if data_path.exists() else None, answers)
    say(f"已把 {len(answers)} 个答案存入 {data_path}")
    return fill_document(path, data_path, unit=unit_obj, data=load_data(data_path))


def _write_skeleton(path: str, output: Optional[str], unit_obj, fmt: Format) -> None:
    from assistant.fill.apply import normalized
    from assistant.fill.skeleton import build_skeleton, skeleton_yaml
    from assistant.reader import read_document

    doc = read_document(path)
    mapped = normalized(doc.text, doc.fmt)
    fields = build_skeleton(mapped.text, "md" if doc.fmt == "md" else "txt", unit=unit_obj)
    if not fields:
        say("报告中没有占位符，不需要数据骨架。")
        return
    text = skeleton_yaml(fields, mapped.text, mapped, Path(path).name if path != "-" else "")
    if output is None or output == "-":
        sys.stdout.write(text)
    else:
        out = Path(output)
        if out.exists():
            raise InputError(f"{out} 已存在，为免覆盖已填的数据未写入；请换一个文件名")
        from assistant import atomic

        atomic.write_text(out, text)
        say(f"已写入数据骨架 {out}：{len(fields)} 个字段，对应 {sum(len(f.groups) for f in fields)} 组占位符")
    if fmt == Format.json and output not in (None, "-"):
        emit_json({"fields": [{"name": f.name, "kind": f.kind, "pin": f.pin,
                               "places": len(f.groups)} for f in fields]})
