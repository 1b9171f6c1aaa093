"""Atomic writes: a temporary file in the same folder, then a rename over the target.

- The target is replaced whole or not at all: a killed or failed write leaves it as it was.
- A symbolic link is written through: its target is replaced, the link stays.
- A write that cannot be done (a read-only folder, a path under a file, a folder as the
  target, a full disk) is a ``WriteError``: an ``InputError`` with one line naming the
  target (exit 2), and also an ``OSError``, for the callers that only keep a cache and let
  any OSError pass.
- No temporary file is left behind by a killed process for long. On Linux, ``write_bytes``
  and ``write_text`` write into an unnamed file (``O_TMPFILE``) and give it a name only
  when it is complete, just before the rename; elsewhere, and for ``atomic_path`` (whose
  caller needs a path, as SQLite does), the temporary file is named
  ``.NAME.PID.XXXXXXXX.tmp`` (or the given suffix), and every write to a folder first
  removes the ones of its target whose process is gone (``remove_stale``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path
from typing import Iterator

from assistant.errors import InputError, os_reason

OLD_STYLE_AGE = 600.0  # seconds: a temporary file without a process id is stale after this


class WriteError(InputError, OSError):
    """A file could not be written: one line for the user (exit 2); also an ``OSError``."""


def _fail(target: Path, exc: OSError) -> WriteError:
    if exc.errno == errno.ENOENT and target.parent.is_dir():
        return WriteError(f"无法写入 {target}：这个位置不能建立文件")  # as in /proc
    return WriteError(f"无法写入 {target}：{os_reason(exc)}")


def resolve(target: Path | str) -> Path:
    """Where a write to ``target`` lands: through symbolic links to the file they point to."""
    target = Path(target)
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def _prepare(target: Path) -> None:
    """Check the target and make its folder; ``WriteError`` when it cannot be written."""
    if target.is_dir():
        raise WriteError(f"无法写入 {target}：这是一个文件夹")
    parent = target.parent
    for above in [parent, *parent.parents]:
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                raise WriteError(f"无法写入 {target}：{above} 不是文件夹")
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(target, exc) from None


def check_target(target: Path | str) -> None:
    """Refuse at once (``WriteError``) a target that cannot be written: a folder, a path under
    a file, a folder without write permission. For commands that work before they write;
    the write itself still reports what only it can find."""
    target = resolve(target)
    if target.is_dir():
        raise WriteError(f"无法写入 {target}：这是一个文件夹")
    for above in [target.parent, *target.parent.parents]:
        if above.exists():
            if not above.is_dir():
                raise WriteError(f"无法写入 {target}：{above} 不是文件夹")
            if above == target.parent:  # can a file be made there? (access() says yes to root)
                probe = _temp_name(target, ".tmp")
                try:
                    os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                    os.unlink(probe)
                except FileExistsError:
                    pass
                except OSError as exc:
                    raise _fail(target, exc) from None
            elif not os.access(above, os.W_OK):
                raise WriteError(f"无法写入 {target}：没有权限")
            return


def _mode(target: Path) -> int:
    """The target's permission bits, or the usual ones for a new file."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no cheap check: only the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def remove_stale(folder: Path, name: str, suffix: str = ".tmp") -> list[Path]:
    """Remove the temporary files of writes to ``folder/name`` that a killed process left:
    ``.name.PID.XXXXXXXX<suffix>`` whose process is gone, and ``.name.XXXXXXXX<suffix>`` (the
    naming before the process id was added) older than ``OLD_STYLE_AGE``. The removed paths."""
    import time

    pattern = re.compile(rf"\.{re.escape(name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}{re.escape(suffix)}")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None:
            continue
        try:
            if m.group(1) is not None:
                stale = not _alive(int(m.group(1)))
            else:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > OLD_STYLE_AGE
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except (OSError, ValueError):
            continue
    return removed


def _temp_name(target: Path, suffix: str) -> str:
    import secrets

    chars = "abcdefghijklmnopqrstuvwxyz0123456789_"
    tag = "".join(secrets.choice(chars) for _ in range(8))
    return str(target.parent / f".{target.name}.{os.getpid()}.{tag}{suffix}")


@contextlib.contextmanager
def atomic_path(target: Path | str, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    On any exception the temporary file is removed and ``target`` is untouched. An OSError
    about the temporary file (raised by the caller's write) becomes a ``WriteError``.
    """
    target = resolve(target)
    suffix = suffix or ".tmp"
    _prepare(target)
    remove_stale(target.parent, target.name, suffix)
    mode = _mode(target)
    for _ in range(100):
        tmp = _temp_name(target, suffix)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise _fail(target, exc) from None
    else:  # pragma: no cover
        raise WriteError(f"无法写入 {target}：无法建立临时文件")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, mode)
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, WriteError) and tmp in (exc.filename, exc.filename2):
            raise _fail(target, exc) from None  # writing the temporary file, or renaming it
        raise


def _write_unnamed(target: Path, data: bytes) -> bool:
    """Write ``data`` over ``target`` through an unnamed temporary file (Linux ``O_TMPFILE``,
    named by ``linkat`` once complete): a process killed while writing leaves nothing.
    False, with nothing done, where the system or the folder's file system lacks it."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(target.parent, flag | os.O_WRONLY, _mode(target))
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return False  # a file system without unnamed files
        raise _fail(target, exc) from None
    tmp = None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, _mode(target))
        dir_fd = os.open(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            for _ in range(100):
                name = os.path.basename(_temp_name(target, ".tmp"))
                try:
                    # a dir_fd makes os.link call linkat(AT_SYMLINK_FOLLOW), which names the
                    # open file; plain link() would link the /proc entry itself
                    os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=dir_fd)
                except FileExistsError:
                    continue
                except OSError:
                    return False  # no linkat through /proc here: a named temporary file instead
                tmp = str(target.parent / name)
                break
        finally:
            os.close(dir_fd)
        if tmp is None:  # pragma: no cover
            return False
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise _fail(target, exc) from None
    finally:
        os.close(fd)
    return True


def write_bytes(target: Path | str, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    target = resolve(target)
    _prepare(target)
    remove_stale(target.parent, target.name)
    if _write_unnamed(target, data):
        return
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path | str, text: str) -> None:
    """Write ``text`` as UTF-8 to ``target`` atomically."""
    write_bytes(target, text.encode("utf-8"))
