"""Exit codes and the one exception type that means "bad input"."""

from __future__ import annotations

import enum
import errno


class ExitCode(enum.IntEnum):
    """Exit statuses shared by every command (shared/spec/cli.md)."""

    OK = 0  # success / nothing found
    FINDINGS = 1  # findings, or work left undone
    INPUT_ERROR = 2  # usage or input error, one line on stderr
    INTERNAL_ERROR = 3  # a bug: should never happen


class InputError(Exception):
    """Bad input from the user: reported as one line on stderr with exit 2.

    The message is user-facing and therefore Chinese.
    """


_REASONS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "所在的文件系统是只读的",
    errno.ENOENT: "不存在", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "这是一个文件夹",
    errno.ENOSPC: "磁盘空间不足", errno.EEXIST: "已存在同名的文件", errno.ENAMETOOLONG: "文件名太长",
    errno.EXDEV: "不能跨文件系统改名", errno.EBADF: "文件描述符无效（已关闭）", errno.EIO: "读写出错",
    getattr(errno, "EDQUOT", -1): "超出磁盘配额",
}


def os_reason(exc: OSError) -> str:
    """A short Chinese reason for an ``OSError``."""
    if exc.errno is None:
        return str(exc)
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def os_error_line(exc: OSError) -> str:
    """One line for an ``OSError`` that reached a command: what it is about and why."""
    name = exc.filename if exc.filename is not None else None
    if name is not None and exc.filename2 is not None:
        name = f"{exc.filename} → {exc.filename2}"
    where = f"{name}：" if name is not None else ""
    return f"无法读写 {where}{os_reason(exc)}" if where else f"输入输出错误：{os_reason(exc)}"
