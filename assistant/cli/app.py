"""The typer application shared by all command modules.

Commands are thin: parse options, call a library function, format its result.
Heavy libraries (jieba, scikit-learn, python-docx…) are imported inside the
command functions, never at module level, so ``assist --help`` stays fast.
"""

from __future__ import annotations

import enum
import json
import os
import sys
from pathlib import Path
from typing import Any, Optional

import click
import typer
from typer.core import TyperGroup

from assistant.corpus.chosen import chosen_corpus, corpus_dirs  # noqa: F401 - the commands import them here
from assistant.errors import ExitCode, InputError, os_error_line


# Exceptions that are the CLI framework's own control flow (typer has its own Exit class).
_PASS_THROUGH = (click.exceptions.Exit, click.exceptions.ClickException, click.exceptions.Abort,
                 typer.Exit, typer.Abort)


# click's "no arguments: show the help" (a UsageError since click 8.2): the help stays whole
_HELP_ERRORS = tuple(e for e in [getattr(click.exceptions, "NoArgsIsHelpError", None)] if e is not None)


def _usage_line(exc: click.UsageError) -> None:
    """A usage mistake (unknown option, bad value): one line on stderr and exit 2, as the
    command contract wants, instead of click's usage block."""
    cmd = exc.ctx.command_path if exc.ctx is not None else "assist"
    click.echo(f"{cmd}: 错误：{exc.format_message()}（用法见 {cmd} --help）", err=True)
    sys.exit(ExitCode.INPUT_ERROR)


class _Group(TyperGroup):
    """Turns ``InputError`` and usage mistakes into one line on stderr and exit 2, anywhere
    below."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _HELP_ERRORS:
            raise
        except click.UsageError as exc:  # the group's own options (assist --bogus)
            _usage_line(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _HELP_ERRORS:
            raise
        except click.UsageError as exc:  # a command's options, or no such command
            _usage_line(exc)
        except InputError as exc:
            click.echo(f"assist: 错误：{exc}", err=True)
            ctx.exit(ExitCode.INPUT_ERROR)
        except KeyboardInterrupt:
            click.echo("assist: 已中断", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # the reader went away (assist outline … | head): stop quietly, as check's fast
            # path does; stdout to /dev/null so the interpreter's final flush does not complain
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(ExitCode.OK)
        except _PASS_THROUGH:
            raise
        except OSError as exc:  # a file the user named or set up: not a bug (exit 2)
            if os.environ.get("ASSIST_DEBUG"):
                raise
            click.echo(f"assist: 错误：{os_error_line(exc)}", err=True)
            ctx.exit(ExitCode.INPUT_ERROR)
        except MemoryError:
            click.echo("assist: 错误：内存不足（输入太大）", err=True)
            ctx.exit(ExitCode.INPUT_ERROR)
        except Exception as exc:  # a bug: still one line unless debugging
            if os.environ.get("ASSIST_DEBUG"):
                raise
            if type(exc).__module__ == "sqlite3" and type(exc).__name__ == "DatabaseError":
                # the index went bad under a query (the check on opening found it sound): make the
                # next run check it again, which rebuilds it
                from assistant.backends.sqlite import forget_verified

                forget_verified()
                click.echo(f"assist: 错误：索引文件已损坏（{exc}），下次运行时将重建索引", err=True)
                ctx.exit(ExitCode.INPUT_ERROR)
            click.echo(f"assist: 内部错误：{type(exc).__name__}: {exc}（设置 ASSIST_DEBUG=1 可查看详情）", err=True)
            ctx.exit(ExitCode.INTERNAL_ERROR)


def _typer(**kwargs: Any) -> typer.Typer:
    return typer.Typer(cls=_Group, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_enable=False, rich_markup_mode=None, **kwargs)


app = _typer(name="assist", help="assist：工作情况汇报写作助手。查看各命令：assist 命令 --help")
corpus_app = _typer(help="语料库：导入报告、构建索引、统计与列表。")
app.add_typer(corpus_app, name="corpus")


@app.callback()
def _root(
    ctx: typer.Context,
    plugins: Optional[list[Path]] = typer.Option(
        None, "--plugins", envvar="ASSIST_PLUGINS", file_okay=False, metavar="DIR",
        help="再从这个文件夹加载插件（单位类型、主题及其范文；可重复；也可用环境变量 ASSIST_PLUGINS，多个用系统路径分隔符隔开）。",
    ),
    run_plugin_code: Optional[bool] = typer.Option(
        None, "--run-plugin-code/--no-plugin-code", envvar="ASSIST_RUN_PLUGIN_CODE",
        help="运行插件文件夹里的 plugin.py（默认不运行：文件夹插件只作为数据加载；pip 安装的插件照常运行）。"
             "只对信得过的文件夹使用。",
    ),
) -> None:
    # Hand the plugin folders to the registry (loaded lazily, only by commands that need
    # unit types or topics); forget them when the command ends.
    from assistant.units import set_plugin_code, set_plugin_dirs

    for folder in plugins or ():
        if not folder.is_dir():
            raise InputError(f"插件文件夹不存在：{folder}")
    set_plugin_dirs(plugins or None)
    set_plugin_code(run_plugin_code)

    def forget() -> None:
        set_plugin_dirs(None)
        set_plugin_code(None)

    ctx.call_on_close(forget)


class Format(str, enum.Enum):
    text = "text"
    json = "json"


FORMAT_OPTION = typer.Option(Format.text, "--format", help="输出格式：text（给人看）或 json（给程序用）。")
CORPUS_OPTION = typer.Option(
    None, "--corpus", envvar="ASSIST_CORPUS", metavar="文件夹|postgresql://…",
    help="语料库：一个文件夹，或团队共用的数据库（postgresql://…）。默认：随软件附带的语料、插件范文和用户自己导入的报告。",
)


TOPIC_OPTION = typer.Option(
    None, "--topic", metavar="主题",
    help="主题，如 安全生产、防汛、信访维稳（assist topics 可查看全部）；不给则从内容推断。",
)


def emit_json(data: Any) -> None:
    """Write ``data`` as UTF-8 json to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    """A human message: always to stderr, so stdout stays machine-readable."""
    click.echo(message, err=True)

