"""`assist check` per shared/spec/cli.md: paths or -, .txt .md .docx, GBK, text and
json output, exit codes, --fail-level, --fix, --unit, no NLP imports, and the
typer-free fast entry point answering exactly like the typer command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "corpus" / "sources"
LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
                  r"(?P<rule>[a-z0-9-]+) (?P<msg>.+)$")


def _seed(prefix: str) -> Path:
    (path,) = SOURCES.glob(f"{prefix}_*.txt")
    return path


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_text_output_lines_context_and_exit_1(cli) -> None:
    path = _seed("003")
    result = cli("check", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    heads = [LINE.match(x) for x in lines[0::3]]
    assert all(heads) and len(heads) * 3 == len(lines)
    first = heads[0]
    assert (first["path"], first["line"], first["col"], first["sev"], first["rule"]) == \
        (str(path), "1", "6", "error", "placeholder")
    assert "“XX”" in first["msg"] and "应填名称" in first["msg"]
    assert lines[1].strip() == "2023年XX市疫情防控工作汇报"
    assert lines[2].strip() == "^^"
    assert "检查了 1 个文件" in result.stderr


def test_json_output_shape(cli) -> None:
    result = cli("check", str(_seed("000")), str(_seed("003")), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["files"]] == [str(_seed("000")), str(_seed("003"))]
    for file in data["files"]:
        for f in file["findings"]:
            assert set(f) == {"line", "col", "end_col", "text", "kind", "rule", "severity", "message"}
            assert f["severity"] in {"error", "warning", "info"}
            if f["rule"] == "placeholder":
                assert f["kind"] in {"number", "date", "name", "other"} and f["severity"] == "error"
    placeholders = [f for f in data["files"][0]["findings"] if f["rule"] == "placeholder"]
    assert len(placeholders) == 27
    assert placeholders[0] == {"line": 6, "col": 12, "end_col": 17, "text": "(作者:)", "kind": "name",
                               "rule": "placeholder", "severity": "error",
                               "message": "未填写的占位符“(作者:)”（应填名称）"}


def test_clean_report_exits_0(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "clean.md", "# 工作汇报\n\n一、**主要做法**\n\n全镇共排查返乡人员 35 名，均无异常。\n")
    result = cli("check", str(path))
    assert (result.exit_code, result.stdout) == (0, "")
    assert "未发现问题" in result.stderr


def test_fail_level(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "w.txt", "疫情就是命令,防控就是责任。\n")
    assert cli("check", str(path)).exit_code == 0
    assert cli("check", str(path), "--fail-level", "warning").exit_code == 1
    assert cli("check", str(path), "--fail-level", "info").exit_code == 1
    assert cli("check", str(path), "--fail-level", "loud").exit_code == 2


def test_stdin(cli) -> None:
    result = cli("check", "-", "--format", "json", input="共排查xx名返乡人员。\n".encode("gbk"))
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["files"][0]["path"] == "-"
    assert [f["text"] for f in data["files"][0]["findings"]] == ["xx"]


def test_gbk_file(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "gbk.txt", "关于召开XX县疫情防控工作会议的通知，共有××人参加，请各单位认真落实。\n", "gbk")
    texts = [f["text"] for f in json.loads(cli("check", str(path), "--format", "json").stdout)["files"][0]["findings"]]
    assert texts == ["XX", "××"]


def test_docx(cli, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("工作汇报")
    document.add_paragraph("全镇共排查xx名返乡人员，由***同志负责。")
    path = tmp_path / "report.docx"
    document.save(path)
    result = cli("check", str(path), "--format", "json")
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["line"], f["col"], f["text"]) for f in findings] == [(2, 6, "xx"), (2, 15, "***")]


@pytest.mark.parametrize("content, fragment", [
    (None, "文件不存在"),
    (b"\x00\x01\x02binary", "二进制"),
    (b"PK\x03\x04 not a docx", ".docx"),
])
def test_bad_input_is_one_line_exit_2(cli, tmp_path: Path, content, fragment: str) -> None:
    path = tmp_path / ("bad.docx" if content and content.startswith(b"PK") else "bad.txt")
    if content is not None:
        path.write_bytes(content)
    result = cli("check", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assist: 错误：") and fragment in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("name, content", [("empty.txt", b""), ("blank.md", b"  \n\n"), ("empty.docx", None)])
def test_an_empty_file_is_checked_and_has_nothing(cli, tmp_path: Path, name: str, content) -> None:
    """shared/spec/cli.md: an empty file is valid for check (exit 0), beside other files."""
    path = tmp_path / name
    if content is None:
        import docx

        docx.Document().save(path)
    else:
        path.write_bytes(content)
    other = tmp_path / "other.txt"
    other.write_text("共排查xx户。\n", encoding="utf-8")
    assert cli("check", str(path)).exit_code == 0
    result = cli("check", str(path), str(other), "--format", "json")
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    assert [len(f["findings"]) for f in files] == [0, 1]
    from assistant.check.fastcli import main

    assert main([str(path)]) == 0  # the fast path alike


def test_one_bad_path_among_good_ones(cli, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", "共xx名。\n")
    result = cli("check", str(good), str(tmp_path / "missing.txt"), str(tmp_path / "gone.md"))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{good}:1:2: error placeholder")
    errors = [x for x in result.stderr.splitlines() if x.startswith("assist: 错误：")]
    assert len(errors) == 2 and "missing.txt" in errors[0] and "gone.md" in errors[1]


def test_unsupported_type_and_folder(cli, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    assert cli("check", str(tmp_path / "a.pdf")).exit_code == 2
    assert cli("check", str(tmp_path)).exit_code == 2


# --- --fix ------------------------------------------------------------------------

def test_fix_rewrites_only_certain_fixes(cli, tmp_path: Path) -> None:
    text = "一、总体情况\n疫情就是命令,防控就是责任;各村(社区)共排查xx名。\n突出關(guān)鍵信息\n"
    path = _write(tmp_path, "r.txt", text)
    result = cli("check", str(path), "--fix", "--format", "json")
    assert path.read_text(encoding="utf-8") == \
        "一、总体情况\n疫情就是命令，防控就是责任；各村（社区）共排查xx名。\n突出關鍵信息\n"
    assert "已修正" in result.stderr and "半角标点改为全角 3 处" in result.stderr \
        and "删去拼音注音 1 处" in result.stderr
    left = {f["rule"] for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert left == {"placeholder", "traditional"}  # reported against the fixed file
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]  # no temp file left behind
    again = cli("check", str(path), "--fix")
    assert "已修正" not in again.stderr


def test_fix_keeps_the_file_encoding(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "gbk.txt", "疫情就是命令,防控就是责任。这是一份足够长的中文报告，用来识别编码。\n", "gbk")
    cli("check", str(path), "--fix")
    assert path.read_bytes().decode("gbk").startswith("疫情就是命令，防控就是责任。")


def test_fix_is_not_for_stdin_or_docx(cli, tmp_path: Path) -> None:
    result = cli("check", "-", "--fix", input="疫情就是命令,防控就是责任。\n")
    assert "标准输入不能自动修正" in result.stderr and result.exit_code == 0
    clean = cli("check", "-", "--fix", input="疫情就是命令，防控就是责任。\n")
    assert "标准输入不能自动修正" in clean.stderr and clean.exit_code == 0
    import docx

    document = docx.Document()
    document.add_paragraph("疫情就是命令,防控就是责任。")
    path = tmp_path / "r.docx"
    document.save(path)
    before = path.read_bytes()
    result = cli("check", str(path), "--fix")
    assert ".docx 文件不能自动修正" in result.stderr
    assert path.read_bytes() == before


# --- --unit -------------------------------------------------------------------------

def test_unit_without_the_units_package_is_a_clear_input_error(monkeypatch) -> None:
    from assistant.check.run import unit_rules
    from assistant.errors import InputError

    monkeypatch.setitem(sys.modules, "assistant.units", None)
    with pytest.raises(InputError, match="--unit 需要单位类型功能"):
        unit_rules("school")


def test_unit_rules_when_the_units_package_is_there(cli, tmp_path: Path) -> None:
    units = pytest.importorskip("assistant.units")
    try:
        units.get_unit("school")
    except Exception:
        pytest.skip("no school unit type")
    path = _write(tmp_path, "r.txt", "我村组织村两委干部开展疫情防控工作。\n")
    result = cli("check", str(path), "--unit", "school", "--format", "json")
    found = {(f["rule"], f["text"]) for f in json.loads(result.stdout)["files"][0]["findings"]}
    # another unit's word for itself is an error; its people and institutions read as another
    # unit type's report (a warning)
    assert ("unit-forbidden-word", "我村") in found and ("foreign-unit", "村两委干部") in found
    assert result.exit_code == 1
    bad = cli("check", str(path), "--unit", "no-such-unit")
    assert bad.exit_code == 2 and bad.stderr.strip().startswith("assist: 错误：")


# --- start-up: no NLP, and the fast entry point -------------------------------------

def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


HEAVY = ("sklearn", "jieba", "rjieba", "numpy", "rapidfuzz")


@pytest.mark.parametrize("entry", ["typer", "fast"])
def test_check_imports_no_nlp(tmp_path: Path, entry: str) -> None:
    path = _write(tmp_path, "r.txt", "共xx名。疫情就是命令,防控就是責任。\n")
    run = ("from assistant.cli import app; app(['check', {p!r}], standalone_mode=False)"
           if entry == "typer" else "from assistant.check.fastcli import main; main([{p!r}])")
    code = ("import sys, io; sys.stdout = io.StringIO(); sys.stderr = io.StringIO()\n"
            + run.format(p=str(path)) +
            f"\nsys.__stdout__.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env=_env(tmp_path), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _fast(tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.check", *args], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(tmp_path), input=input, timeout=60)


def test_fast_entry_point_answers_like_the_typer_command(cli, tmp_path: Path) -> None:
    good = _write(tmp_path, "r.txt", "一、甲\n共排查xx名返乡人员,其中3名。\n三、丙\n")
    cases = [
        ([str(good)], None),
        ([str(good), "--format", "json"], None),
        (["--format=json", "--fail-level", "warning", str(good)], None),
        ([str(good), str(tmp_path / "missing.txt")], None),
        (["-"], "共xx名。\n"),
        (["--", str(good)], None),
    ]
    for args, stdin in cases:
        typer_result = cli("check", *args, input=stdin)
        fast = _fast(tmp_path, *args, input=stdin)
        assert (fast.returncode, fast.stdout, fast.stderr) == \
            (typer_result.exit_code, typer_result.stdout, typer_result.stderr), args


def test_fast_entry_point_leaves_help_and_mistakes_to_typer(tmp_path: Path) -> None:
    helped = _fast(tmp_path, "--help")
    assert helped.returncode == 0 and "--fail-level" in helped.stdout
    wrong = _fast(tmp_path, "--format", "xml", "a.txt")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    nothing = _fast(tmp_path)
    assert nothing.returncode == 2
