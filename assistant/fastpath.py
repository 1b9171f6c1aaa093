"""What the fast command paths (``assist check``, plain ``fill`` and ``suggest``: no typer)
share with the typer group: the errors a command may end with, each as one line on stderr and
its exit code (assistant.cli.app._Group does the same for the typer commands)."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # (not typing.TYPE_CHECKING: importing typing is the cost avoided)

if TYPE_CHECKING:  # typing's names cost the check command's start-up 2 ms: annotations only
    from typing import Callable


def value_of(eq: str, value: str, args: list[str], i: int) -> tuple[str | None, int]:
    """An option's value and the index of the next argument: what follows ``=`` (``eq`` is
    "="), else the next argument; None when the command line ends there."""
    if eq:
        return value, i
    if i >= len(args):
        return None, i
    return args[i], i + 1


def guarded(run: Callable[[], int]) -> int:
    """``run()``'s exit code, or the code of the error it ended with, said in one line."""
    from assistant.errors import ExitCode, InputError

    try:
        return run()
    except InputError as exc:
        sys.stderr.write(f"assist: 错误：{exc}\n")
        return int(ExitCode.INPUT_ERROR)
    except KeyboardInterrupt:
        sys.stderr.write("assist: 已中断\n")
        return 130
    except BrokenPipeError:  # e.g. `| head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.OK)
    except OSError as exc:  # a file the user named or set up: not a bug (exit 2)
        if os.environ.get("ASSIST_DEBUG"):
            raise
        from assistant.errors import os_error_line

        sys.stderr.write(f"assist: 错误：{os_error_line(exc)}\n")
        return int(ExitCode.INPUT_ERROR)
    except MemoryError:
        sys.stderr.write("assist: 错误：内存不足（输入太大）\n")
        return int(ExitCode.INPUT_ERROR)
    except Exception as exc:  # a bug: one line, like the typer group does
        if os.environ.get("ASSIST_DEBUG"):
            raise
        if type(exc).__module__ == "sqlite3" and type(exc).__name__ == "DatabaseError":
            # the index went bad under a query: the next run checks it again and rebuilds it
            from assistant.backends.sqlite import forget_verified

            forget_verified()
            sys.stderr.write(f"assist: 错误：索引文件已损坏（{exc}），下次运行时将重建索引\n")
            return int(ExitCode.INPUT_ERROR)
        sys.stderr.write(f"assist: 内部错误：{type(exc).__name__}: {exc}（设置 ASSIST_DEBUG=1 可查看详情）\n")
        return int(ExitCode.INTERNAL_ERROR)
