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
    fields: bool = typer.Option(False, "--fields", help="不填写，改为写出数据骨架（YAML）：每组占位符一个字段。"),
    interactive: bool = typer.Option(False, "--interactive", "-i",
                                     help="逐个询问没填上的占位符，把答案存进 --data 文件后再填写。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """用台账数据填写报告中的占位符（xx、＊、__ 等）：只填有把握的，其余保持原样并说明原因。

    有占位符没填上时退出码为 1；数据或文件有误时为 2。"""
    unit_obj = _unit(unit)
    if fields:
        _write_skeleton(path, output, unit_obj, fmt)
        return
    if data is None:
        raise InputError("请用 --data 指定数据文件（.yaml .json .csv .xlsx），或用 --fields 先生成数据骨架")
    if interactive and sys.stdin is None:
        raise InputError("标准输入已关闭，无法逐个询问（-i）")
    from assistant.fill.apply import default_output, fill_document
    from assistant.fill.data import FillData, load_data

    if interactive and not data.exists():
        fill_data = FillData(data, fmt=data.suffix.lower().lstrip(".") or "yaml")
    else:
        fill_data = load_data(data)
    result = fill_document(path, data, unit=unit_obj, data=fill_data)
    if interactive and result.n_unfilled:
        result = _ask(path, data, fill_data, result, unit_obj)
    out = _output_path(path, output, result.fmt, default_output)
    if out is None:
        sys.stdout.write(result.filled)
        sys.stdout.flush()
    else:
        from assistant.fill.apply import write_result

        write_result(result, out)
    _report(result, out, fmt)
    if result.n_unfilled:
        raise typer.Exit(1)


def _unit(name: Optional[str]):
    if not name:
        return None
    from assistant.units import get_unit

    return get_unit(name)


_OUTPUT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".docx")


def _output_path(path: str, output: Optional[str], fmt: str, default_output) -> Optional[Path]:
    """Where the filled report goes; None means standard output."""
    if output == "-" or (output is None and path == "-"):
        return None
    if output is not None:
        out = Path(output)
        if out.suffix.lower() not in _OUTPUT_SUFFIXES:
            raise InputError(f"不支持的输出格式：{output}（可用 .txt .md .docx，或用 - 输出到屏幕）")
        return out
    out = default_output(path, fmt)
    if out.exists():
        raise InputError(f"{out} 已存在，为免覆盖未写入；请用 -o 指定输出文件（指定的文件会被覆盖）")
    return out


def _report(result, out: Optional[Path], fmt: Format) -> None:
    """The report: json to stdout when the filled text went to a file, else to stderr; text to stderr."""
    if fmt == Format.json:
        if out is None:
            import json

            sys.stderr.write(json.dumps(result.report(), ensure_ascii=False, indent=2) + "\n")
        else:
            emit_json(result.report())
        return
    for line in report_lines(result):
        say(line)
    if out is not None:
        say(f"已写入 {out}")


def report_lines(result) -> list[str]:
    """The text report: one line per placeholder (path:line:col), then a summary."""
    lines = []
    for p in result.placements:
        where = f"{result.path}:{p.line}:{p.col}"
        if p.text is not None:
            lines.append(f"{where}: 已填 {p.raw_mark} → {p.text}（字段「{p.decision.field}」）")
        else:
            lines.append(f"{where}: 未填 {p.raw_mark}：{p.reason}")
    if not result.placements:
        lines.append("报告中没有占位符。")
    else:
        lines.append(f"共 {len(result.placements)} 处占位符：已填 {result.n_filled} 处，未填 {result.n_unfilled} 处。")
    if result.unused_pins:
        lines.append("数据中这些句子定位在报告里没有找到：" + "、".join(f"「{k}」" for k in result.unused_pins))
    if result.unused_fields:
        lines.append("数据中没有用上的字段：" + "、".join(result.unused_fields))
    return lines


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
