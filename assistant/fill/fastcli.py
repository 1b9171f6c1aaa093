"""``assist fill`` without loading typer (about a third of a second of start-up).

``main(argv)`` understands the plain form ``fill PATH --data DATA [-o OUT] [--format
text|json]`` and hands everything else (``--fields``, ``-i``, ``--unit``, ``--help``,
mistakes) to the typer command, which owns help and usage messages. Both run
:func:`run` below, and a test checks that they answer alike.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

from assistant.fastpath import value_of

_OUTPUT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".docx")


def parse(argv) -> Optional[dict]:
    """The options of a plain ``fill`` command line, or None to let typer handle it."""
    if os.environ.get("ASSIST_PLUGINS"):
        return None
    opts: dict = {"path": None, "data": None, "output": None, "fmt": "text"}
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in ("--data", "-d", "-o", "--output", "--format"):
            value, i = value_of(eq, value, args, i)
            if value is None:
                return None
            key = {"--data": "data", "-d": "data", "-o": "output", "--output": "output", "--format": "fmt"}[name]
            if opts[key] not in (None, "text") or not value or key == "fmt" and value not in ("text", "json"):
                return None
            opts[key] = value
        elif arg == "-" or not arg.startswith("-"):
            if opts["path"] is not None:
                return None
            opts["path"] = arg
        else:
            return None  # --fields, -i, --unit, --help …: the typer command
    return opts if opts["path"] and opts["data"] else None


def output_path(path: str, output: Optional[str], fmt: str) -> Optional[Path]:
    """Where the filled report goes; None means standard output."""
    from assistant.errors import InputError
    from assistant.fill.apply import default_output

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


def emit(result, out: Optional[Path], fmt: str) -> None:
    """Write the filled text (to OUT or stdout) and the report (json to stdout when the
    text went to a file, else to stderr; text always to stderr)."""
    if out is None:
        sys.stdout.write(result.filled)
        sys.stdout.flush()
    else:
        from assistant.fill.apply import write_result

        write_result(result, out)
    if fmt == "json":
        text = json.dumps(result.report(), ensure_ascii=False, indent=2) + "\n"
        (sys.stderr if out is None else sys.stdout).write(text)
        return
    for line in report_lines(result):
        sys.stderr.write(line + "\n")
    if out is not None:
        sys.stderr.write(f"已写入 {out}\n")


def main(argv) -> Optional[int]:
    """Run a plain ``fill``; None when typer should handle the command line."""
    opts = parse(argv)
    if opts is None:
        return None
    from assistant.errors import ExitCode
    from assistant.fastpath import guarded

    def run() -> int:
        from assistant.fill.apply import fill_document
        from assistant.fill.data import load_data

        data = Path(opts["data"])
        result = fill_document(opts["path"], data, data=load_data(data))
        out = output_path(opts["path"], opts["output"], result.fmt)
        emit(result, out, opts["fmt"])
        return int(ExitCode.FINDINGS) if result.n_unfilled else int(ExitCode.OK)

    return guarded(run)
