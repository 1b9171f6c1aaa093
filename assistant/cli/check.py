"""``assist check PATH...``: unfilled placeholders and other defects."""

from __future__ import annotations

import enum
from typing import List, Optional

import typer

from assistant.cli.app import FORMAT_OPTION, Format, app


class FailLevel(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"


@app.command("check")
def check(
    paths: List[str] = typer.Argument(..., metavar="PATH...",
                                      help="要检查的报告（.txt .md .docx），可以多个；- 表示标准输入。"),
    fmt: Format = FORMAT_OPTION,
    fail_level: FailLevel = typer.Option(FailLevel.error, "--fail-level",
                                         help="达到此级别的问题使退出码为 1：error（默认）、warning 或 info。"),
    fix: bool = typer.Option(False, "--fix",
                             help="自动修正确定无误的问题（半角标点、拼音注音），原子写回文件；标准输入和 .docx 不修正。"),
    unit: Optional[str] = typer.Option(None, "--unit", help="加上某一单位类型（插件）的检查规则，例如 school。"),
) -> None:
    """检查报告：未填写的占位符（xx、***、某某、__ 等）、网页残留、编号错误、半角标点、繁体字、拼音注音、重复句子。

    设置：工作目录下的 assist.toml（[check]）或 pyproject.toml 的 [tool.assist.check]；
    文中可用 assist-disable / assist-enable 标记关闭检查。
    """
    from assistant.check.run import run_check

    code = run_check(paths, fmt=fmt.value, fail_level=fail_level.value, fix=fix, unit=unit)
    if code:
        raise typer.Exit(code)
