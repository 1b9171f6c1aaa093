"""Atomic writes (issue 18, items 3 and 10): through symbolic links, one line for a write that
cannot be done, nothing left behind by a killed writer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import atomic
from assistant.errors import InputError

REPO = Path(__file__).resolve().parents[1]


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "report.txt"
    target.write_text("旧", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(Path("real") / "report.txt")
    atomic.write_text(link, "新")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "新"
    assert target.stat().st_mode & 0o777 == 0o640  # the target keeps its mode
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to("made.txt")
    atomic.write_bytes(dangling, b"x")
    assert dangling.is_symlink() and (tmp_path / "made.txt").read_bytes() == b"x"
    with atomic.atomic_path(link) as tmp:
        tmp.write_text("三", encoding="utf-8")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "三"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.txt", "link.txt", "made.txt", "real"]


@pytest.mark.parametrize("where, reason", [
    ("ok.txt/x.txt", "ok.txt 不是文件夹"),
    ("folder.txt", "这是一个文件夹"),
    ("/proc/version", "无法写入 /proc/version"),
    ("/proc/new.txt", "无法写入 /proc/new.txt"),
])
def test_a_write_that_cannot_be_done_is_one_line(tmp_path: Path, where: str, reason: str) -> None:
    (tmp_path / "ok.txt").write_text("在", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    for write in (atomic.write_text, lambda p, t: atomic.atomic_path(p).__enter__()):
        with pytest.raises(InputError) as err:
            write(tmp_path / where, "内容")
        assert reason in str(err.value) and "\n" not in str(err.value)
        assert isinstance(err.value, OSError)  # cache writers that let OSError pass still do
    assert (tmp_path / "ok.txt").read_text(encoding="utf-8") == "在"


def test_a_read_only_folder_is_one_line(read_only_dir: Path) -> None:
    with pytest.raises(InputError, match="无法写入"):
        atomic.write_text(read_only_dir / "x.txt", "内容")


_KILLED_WRITER = """
import os, sys
from assistant import atomic
where = sys.argv[1]
if sys.argv[2] == "before-rename":  # killed between naming the finished file and the rename
    os.replace = lambda *a, **k: os._exit(9)
else:  # killed in the middle of writing the data
    real = os.write
    def write(fd, data):
        real(fd, bytes(data[:10]))
        os._exit(9)
    os.write = write
if sys.argv[3] == "path":
    with atomic.atomic_path(where) as tmp:
        tmp.write_bytes(b"x" * 100)
        os._exit(9)
atomic.write_bytes(where, b"x" * 100_000)
"""


@pytest.mark.parametrize("moment, api", [("during-write", "bytes"), ("before-rename", "bytes"),
                                         ("during-write", "path")])
def test_a_killed_writer_leaves_nothing_for_long(tmp_path: Path, moment: str, api: str) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(out), moment, api], env=env)
    assert proc.wait() == 9
    assert out.read_bytes() == b"old"
    left = [p.name for p in tmp_path.iterdir() if p.name != "out.docx"]
    if moment == "during-write" and api == "bytes" and sys.platform.startswith("linux"):
        assert left == []  # an unnamed file: gone with the process
    else:
        assert len(left) == 1
    for name in left:  # named with the dead process's id
        assert name.startswith(f".out.docx.{proc.pid}.") and name.endswith(".tmp")
    atomic.write_bytes(out, b"new")  # the next write to the same file removes them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"] and out.read_bytes() == b"new"


def test_stale_temporary_files_of_other_names_and_live_writers_stay(tmp_path: Path) -> None:
    mine = tmp_path / f".out.txt.{os.getpid()}.abcdefgh.tmp"  # a live process (this one)
    old_style = tmp_path / ".out.txt.abcdefgh.tmp"  # named before the pid was added
    recent_old_style = tmp_path / ".out.txt.ijklmnop.tmp"
    other = tmp_path / ".other.txt.999999.abcdefgh.tmp"
    users = tmp_path / ".out.txt.backup.tmp"  # not our naming
    for p in (mine, old_style, recent_old_style, other, users):
        p.write_text("x", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(old_style, (hour_ago, hour_ago))
    removed = atomic.remove_stale(tmp_path, "out.txt")
    assert removed == [old_style]
    assert all(p.exists() for p in (mine, recent_old_style, other, users))


def test_fill_and_draft_write_through_a_symlink(cli, tmp_path: Path) -> None:
    case = REPO / "tests" / "data" / "fill" / "13-school"
    real = tmp_path / "定稿.txt"
    real.write_text("旧", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)
    r = cli("fill", str(case / "report.txt"), "--data", str(case / "data.yaml"), "-o", str(link))
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink() and "新绛县第二" in real.read_text(encoding="utf-8")
