"""Every command × every bad input a user can give it (issue 18, item 3): exit 2, exactly one
line on stderr, no traceback, never an internal error (exit 3); a line about a file names it.

The rows are the commands (each with the places it takes a file: a report, a data file, an
output path, a corpus folder), the columns the bad inputs of each kind; a test checks that
every command of the CLI has rows here, so a new command cannot be left out.
"""

from __future__ import annotations

import errno
import functools
import io
import json
import zipfile
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
GOOD_REPORT = REPO / "tests" / "data" / "fill" / "13-school" / "report.txt"
GOOD_DATA = REPO / "tests" / "data" / "fill" / "13-school" / "data.yaml"


# ---- bad inputs: each makes a file (or names one) under ``tmp`` and returns its path -------------

def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("工作汇报")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _bomb_docx(tmp: Path) -> Path:
    p = tmp / "bomb.docx"
    p.write_bytes(_bomb_docx_bytes())
    return p


@functools.lru_cache(maxsize=None)
def _bomb_docx_bytes() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                with z.open(info.filename, "w", force_zip64=True) as fh:
                    for _ in range(40):
                        fh.write(b"<w:p/>" * (2**20 // 6))
            else:
                z.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def _write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p
    return make


def _folder(name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.mkdir()
        return p
    return make


def _zip_not_word(tmp: Path) -> Path:
    p = tmp / "notword.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "你好")
    return p


def _broken_xlsx(tmp: Path) -> Path:
    p = tmp / "data.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("xl/workbook.xml", "<不是/>")
    return p


def _bomb_xlsx(tmp: Path) -> Path:
    p = tmp / "bomb.xlsx"
    p.write_bytes(_bomb_xlsx_bytes())
    return p


@functools.lru_cache(maxsize=None)
def _bomb_xlsx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            for _ in range(40):
                fh.write(b" " * 2**20)
    return out.getvalue()


REPORTS: dict[str, Callable[[Path], Path | str]] = {
    "missing": lambda tmp: tmp / "missing.txt",
    "folder": _folder("folder.txt"),
    "binary": _write("binary.txt", b"\x00\x01\x02\x03PNG\x00" * 40),
    "undecodable": _write("odd.txt", bytes(range(128, 256)) * 40),
    "pdf": _write("report.pdf", b"%PDF-1.4 ..."),
    "not a zip": _write("fake.docx", "不是 zip"),
    "zip, not word": _zip_not_word,
    "zip bomb": _bomb_docx,
    "unreadable": lambda tmp: "/proc/self/mem",  # reading it fails (EIO)
    "stdin broken": lambda tmp: "-",
}
EMPTY = {"empty": _write("empty.txt", b"")}  # an input error for all but check

DATA: dict[str, Callable[[Path], Path | str]] = {
    "missing": lambda tmp: tmp / "missing.yaml",
    "folder": _folder("data.yaml"),
    "wrong suffix": _write("data.txt", "a: 1\n"),
    "empty": _write("data.yaml", ""),
    "broken yaml": _write("data.yaml", "a: [1, 2\nb: {\n"),
    "not a mapping": _write("data.yaml", "- 1\n- 2\n"),
    "binary yaml": _write("data.yaml", b"\x00\x01\x02" * 50),
    "deep json": _write("data.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "deep yaml": _write("data.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "5000 digits yaml": _write("data.yaml", "排查户数: " + "9" * 5000 + "\n"),
    "5000 digits json": _write("data.json", '{"排查户数": ' + "9" * 5000 + "}"),
    "broken xlsx": _broken_xlsx,
    "zip bomb xlsx": _bomb_xlsx,
}


def _under_a_file(tmp: Path) -> Path:
    (tmp / "ok.txt").write_text("在", encoding="utf-8")
    return tmp / "ok.txt" / "out.txt"


OUTPUTS: dict[str, Callable[[Path], Path | str]] = {
    "read-only folder": lambda tmp: "READ_ONLY/out.txt",
    "under a file": _under_a_file,
    "a folder": _folder("out.txt"),
    "/proc/version": lambda tmp: "/proc/version",
    "/proc/new.txt": lambda tmp: "/proc/new.txt",
}


def _corpus_not_utf8(tmp: Path) -> Path:
    folder = tmp / "corpus"
    (folder / "reports").mkdir(parents=True)
    (folder / "reports" / "a.txt").write_bytes("---\nid: a\n---\n正文".encode("gbk"))
    return folder


def _corpus_file_is_folder(tmp: Path) -> Path:
    folder = tmp / "corpus"
    (folder / "reports" / "a.txt").mkdir(parents=True)
    return folder


def _corpus_no_header(tmp: Path) -> Path:
    folder = tmp / "corpus"
    (folder / "reports").mkdir(parents=True)
    (folder / "reports" / "a.txt").write_text("没有元数据头的正文\n", encoding="utf-8")
    return folder


def _cache_is_a_file(tmp: Path) -> Path:
    (tmp / "cachefile").write_text("x", encoding="utf-8")
    return CORPUS  # with ASSIST_CACHE set to the file (see ENV_OF)


CORPORA: dict[str, Callable[[Path], Path | str]] = {
    "missing": lambda tmp: tmp / "nope",
    "a file": _write("corpus.txt", "不是文件夹"),
    "not utf-8 file": _corpus_not_utf8,
    "a folder for a file": _corpus_file_is_folder,
    "no header": _corpus_no_header,
    "cache is a file": _cache_is_a_file,
}
ENV_OF = {"cache is a file": {"ASSIST_CACHE": "cachefile"}}

def _config(text: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = Path.cwd() / "assist.toml"  # read from the working folder
        p.write_text(text, encoding="utf-8")
        return p
    return make


CONFIGS: dict[str, Callable[[Path], Path | str]] = {
    "broken toml": _config("[check\n"),
    "5000 digits": _config("[check]\nignore-words = [" + "9" * 5000 + "]\n[templates]\ntimeout = " + "9" * 5000),
    "deep toml": _config("x = " + "[" * 100_000 + "\n"),
    "not utf-8": lambda tmp: (Path.cwd() / "assist.toml").write_bytes("[check]\n# 注释\n".encode("gbk"))
    and Path.cwd() / "assist.toml",
    "bad values": _config("[check]\nrules = 3\n[templates]\ntimeout = -1\nmax-output = \"多\"\n"),
}

ADD_TARGETS: dict[str, Callable[[Path], Path | str]] = {
    "a file": _write("corpus.txt", "不是文件夹"),
    "read-only folder": lambda tmp: "READ_ONLY",
    "under a file": lambda tmp: _under_a_file(tmp).parent / "corpus",
    "/proc": lambda tmp: "/proc/corpus",
}


# ---- the commands and where each takes what ----------------------------------------------------

ROWS: list[tuple[str, str, Callable[[str], list[str]]]] = [
    # (command, kind of input, argv for that input)
    ("check", "report", lambda f: ["check", f]),
    ("check", "report", lambda f: ["check", f, str(GOOD_REPORT), "--format", "json"]),  # a good file too
    ("outline", "report", lambda f: ["outline", f]),
    ("classify", "report", lambda f: ["classify", f]),
    ("fill", "report", lambda f: ["fill", f, "--data", str(GOOD_DATA), "-o", "-"]),
    ("fill", "report", lambda f: ["fill", "--fields", f, "-o", "-"]),
    ("draft", "report", lambda f: ["draft", "--unit", "school", "--like", f, "-o", "-"]),
    ("corpus add", "report", lambda f: ["corpus", "add", f, "--corpus", "NEW_CORPUS"]),
    ("fill", "data", lambda f: ["fill", str(GOOD_REPORT), "--data", f, "-o", "-"]),
    ("draft", "data", lambda f: ["draft", "--unit", "school", "--data", f, "-o", "-"]),
    ("fill", "output", lambda f: ["fill", str(GOOD_REPORT), "--data", str(GOOD_DATA), "-o", f]),
    ("fill", "output", lambda f: ["fill", "--fields", str(GOOD_REPORT), "-o", f]),
    ("draft", "output", lambda f: ["draft", "--unit", "school", "-o", f]),
    ("corpus build", "corpus", lambda f: ["corpus", "build", "--corpus", f]),
    ("corpus stats", "corpus", lambda f: ["corpus", "stats", "--corpus", f]),
    ("corpus list", "corpus", lambda f: ["corpus", "list", "--corpus", f]),
    ("suggest", "corpus", lambda f: ["suggest", "排查返乡人员", "--corpus", f]),
    ("outline", "corpus", lambda f: ["outline", str(GOOD_REPORT), "--corpus", f]),
    ("classify", "corpus", lambda f: ["classify", str(GOOD_REPORT), "--corpus", f]),
    ("draft", "corpus", lambda f: ["draft", "--unit", "school", "--corpus", f]),
    ("eval", "corpus", lambda f: ["eval", "classify", "--corpus", f]),
    ("corpus add", "add target", lambda f: ["corpus", "add", str(GOOD_REPORT), "--corpus", f]),
    ("check", "config", lambda f: ["check", str(GOOD_REPORT)]),
    ("draft", "config", lambda f: ["draft", "--unit", "school", "--templates", str(REPO / "templates")]),
]
INPUTS = {"report": REPORTS, "data": DATA, "output": OUTPUTS, "corpus": CORPORA, "add target": ADD_TARGETS,
          "config": CONFIGS}

# Mistakes in the command line itself, for every command.
USAGE = {
    "check": ["check", "--format", "xml", "a.txt"], "outline": ["outline", "a.txt", "--bogus"],
    "classify": ["classify"], "suggest": ["suggest", "排查", "-n", "0"],
    "fill": ["fill", str(GOOD_REPORT)], "draft": ["draft"], "units": ["units", "--format", "xml"],
    "corpus add": ["corpus", "add"], "corpus build": ["corpus", "build", "-j", "0"],
    "corpus stats": ["corpus", "stats", "extra"], "corpus list": ["corpus", "list", "--bogus"],
    "eval": ["eval", "regress"], "units --plugins": ["--plugins", "/nonexistent/plugins", "units"],
    "suggest --unit": ["suggest", "排查", "--unit", "spaceship"],
    "draft --unit": ["draft", "--unit", "spaceship"], "classify --unit": ["classify", "x.txt", "--unit", "太空站"],
}


def _cases():
    for command, kind, argv in ROWS:
        for name in INPUTS[kind]:
            yield pytest.param(command, kind, argv, name, id=f"{command}|{kind}|{name}")
        if kind == "report" and command != "check":
            yield pytest.param(command, kind, argv, "empty", id=f"{command}|{kind}|empty")


CASES = list(_cases())


class _BrokenStdin(io.RawIOBase):
    """Standard input whose descriptor was closed: reading fails as it does then."""

    def readable(self) -> bool:
        return True

    def readinto(self, b):  # noqa: ANN001, ANN201
        if len(b) == 0:  # click's check that this is a byte stream
            return 0
        raise OSError(errno.EBADF, "Bad file descriptor")


def _one_line_exit_2(code: int, stdout: str, stderr: str, names: list[str]) -> None:
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("检查了 ")]  # check's summary
    assert code == 2, (code, stderr)
    assert len(lines) == 1, stderr
    assert "错误" in lines[0] and "内部错误" not in lines[0] and "Traceback" not in stderr + stdout
    if names:
        assert any(n in lines[0] for n in names), (names, lines[0])


@pytest.mark.parametrize("command, kind, argv, name", CASES)
def test_bad_input_is_exit_2_one_line(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request,
                                     command: str, kind: str, argv, name: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    make = (EMPTY if name == "empty" and kind == "report" else INPUTS[kind])[name]
    target = str(make(work))
    if "READ_ONLY" in target:
        target = target.replace("READ_ONLY", str(request.getfixturevalue("read_only_dir")))
    for key, value in ENV_OF.get(name, {}).items():
        monkeypatch.setenv(key, str(work / value))
    args = [a.replace("NEW_CORPUS", str(work / "new-corpus")) for a in argv(target)]
    stdin = _BrokenStdin() if target == "-" else None
    r = cli(*args, input=stdin)
    names = [] if target == "-" else [Path(target).name]
    if name == "cache is a file":
        names = ["cachefile"]
    _one_line_exit_2(r.exit_code, r.stdout, r.stderr, names)
    if kind == "add target" or command == "corpus add":
        assert not (work / "new-corpus").exists()  # nothing half written


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_check_fast_path_alike(capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               name: str) -> None:
    """``assist check`` runs without typer (assistant/check/fastcli.py): the same answers."""
    import sys

    from assistant.check.fastcli import main

    target = str(REPORTS[name](tmp_path))
    if target == "-":
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_BrokenStdin())))
    code = main([target])
    out = capsys.readouterr()
    _one_line_exit_2(code, out.out, out.err, [] if target == "-" else [Path(target).name])


@pytest.mark.parametrize("name", sorted(USAGE))
def test_usage_mistakes_are_exit_2_one_line(cli, name: str) -> None:
    r = cli(*USAGE[name])
    _one_line_exit_2(r.exit_code, r.stdout, r.stderr, [])


def test_check_fix_in_a_read_only_folder(cli, tmp_path: Path, read_only) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    report = folder / "r.txt"
    report.write_text("共排查xx户,其中返乡人员xx人。\n", encoding="utf-8")
    read_only(folder)
    r = cli("check", "--fix", str(report))
    assert r.exit_code == 2, r.stderr
    errors = [line for line in r.stderr.splitlines() if "错误" in line]
    assert len(errors) == 1 and "r.txt" in errors[0] and "无法写入" in errors[0]
    assert report.read_text(encoding="utf-8") == "共排查xx户,其中返乡人员xx人。\n"


def test_every_command_is_in_the_matrix() -> None:
    import typer.main

    from assistant.cli import app

    def names(group, prefix=""):  # noqa: ANN001, ANN202
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from names(cmd, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}"

    commands = set(names(typer.main.get_command(app)))
    covered = {c for c, _, _ in ROWS} | {u.split(" --")[0] for u in USAGE}
    assert commands <= covered, commands - covered


def test_the_matrix_size() -> None:
    """Recorded for the issue's note: rows × inputs."""
    assert len(CASES) >= 150, len(CASES)
    print(json.dumps({"cases": len(CASES) + len(USAGE) + len(REPORTS)}))
