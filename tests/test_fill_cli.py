"""``assist fill``: files in, files out, exit codes, the report, skeletons and questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

CASES = Path(__file__).parent / "data" / "fill"
TOWN = CASES / "01-town-returnees"
VILLAGE = CASES / "06-village-screening"


def copy_case(case: Path, tmp_path: Path) -> tuple[Path, Path]:
    report = tmp_path / "报告.txt"
    report.write_bytes((case / "report.txt").read_bytes())
    data_src = next(p for p in case.iterdir() if p.name.startswith("data."))
    data = tmp_path / ("台账" + data_src.suffix)
    data.write_bytes(data_src.read_bytes())
    return report, data


def test_fill_writes_beside_the_report_and_never_overwrites(cli, tmp_path: Path) -> None:
    report, data = copy_case(TOWN, tmp_path)
    r = cli("fill", str(report), "--data", str(data))
    assert r.exit_code == 1  # two road names are not in the data
    out = tmp_path / "报告.filled.txt"
    text = out.read_text(encoding="utf-8")
    assert "湖北返乡人员共计86名，其中疫区武汉返乡人员31名" in text and "慰问金6000元" in text
    assert "在xx路南端xx交界口" in text  # left open, as written
    assert "已填 xx → 86（字段「返乡人员总数」）" in r.stderr and "未填 xx：没有匹配的字段" in r.stderr
    assert f"已写入 {out}" in r.stderr and r.stdout == ""
    before = out.read_bytes()
    r = cli("fill", str(report), "--data", str(data))
    assert r.exit_code == 2 and "已存在" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == before
    assert report.read_bytes() == (TOWN / "report.txt").read_bytes()


def test_all_filled_exits_0_and_json_goes_to_stdout(cli, tmp_path: Path) -> None:
    report, data = copy_case(VILLAGE, tmp_path)
    r = cli("fill", str(report), "--data", str(data), "-o", str(tmp_path / "out.txt"), "--format", "json")
    assert r.exit_code == 0
    rep = json.loads(r.stdout)
    assert rep["unfilled"] == [] and len(rep["filled"]) == 7
    first = rep["filled"][0]
    assert set(first) == {"line", "col", "text", "field", "value"}
    assert (first["line"], first["text"], first["field"], first["value"]) == (2, "××", "发放倡议书份数", "600")
    assert rep["unused_fields"] == ["返乡人员人数", "监测点个数"]


def test_dash_writes_the_filled_text_to_stdout(cli, tmp_path: Path) -> None:
    report, data = copy_case(VILLAGE, tmp_path)
    r = cli("fill", str(report), "--data", str(data), "-o", "-")
    assert r.exit_code == 0
    assert "对全村226户开展地毯式排查" in r.stdout and "已填" in r.stderr
    r = cli("fill", str(report), "--data", str(data), "-o", "-", "--format", "json")
    assert "对全村226户" in r.stdout and json.loads(r.stderr)["unfilled"] == []
    r = cli("fill", "-", "--data", str(data), input=report.read_text(encoding="utf-8"))
    assert r.exit_code == 0 and "登记447车次" in r.stdout


@pytest.mark.parametrize("content, words", [
    ("排查户数: 1\n排查户数: 2\n", "出现了两次"),
    ("a: [\n", "YAML"),
])
def test_bad_data_is_one_line_and_exit_2(cli, tmp_path: Path, content: str, words: str) -> None:
    report, _ = copy_case(VILLAGE, tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    r = cli("fill", str(report), "--data", str(bad))
    assert r.exit_code == 2 and words in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "报告.filled.txt").exists()


def test_usage_errors(cli, tmp_path: Path) -> None:
    report, data = copy_case(VILLAGE, tmp_path)
    r = cli("fill", str(report))
    assert r.exit_code == 2 and "--data" in r.stderr
    r = cli("fill", str(tmp_path / "无.txt"), "--data", str(data))
    assert r.exit_code == 2 and "不存在" in r.stderr
    r = cli("fill", str(report), "--data", str(data), "-o", str(tmp_path / "x.docx"))
    assert r.exit_code == 2 and ".docx" in r.stderr
    r = cli("fill", str(report), "--data", str(data), "--unit", "no-such-unit")
    assert r.exit_code == 2


def test_messy_gbk_traditional_report_is_written_back_as_written(cli, tmp_path: Path) -> None:
    case = CASES / "16-raw-traditional"
    raw = (case / "report.txt").read_text(encoding="utf-8")
    report = tmp_path / "繁体.txt"
    report.write_bytes(raw.encode("gb18030"))
    r = cli("fill", str(report), "--data", str(case / "data.yaml"), "-o", str(tmp_path / "out.txt"))
    assert r.exit_code == 1  # xx人民医院 stays open
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "全縣累計摸排湖北省返鄉(xiāng)人員412人,其中武漢返鄉(xiāng)人員156人" in out
    assert out.replace("412", "xx", 1).replace("156", "xx", 1).startswith(raw[:raw.index("當日")])


# ---------------------------------------------------------------- .docx
def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("三、全面摸底排查")
    p = d.add_paragraph("组成")
    p.add_run("××").bold = True
    p.add_run("个排查组对全村×")
    p.add_run("×户开展地毯式排查。经排查，居家隔离××人，解除隔离××人。").italic = True
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "登记车辆"
    table.rows[0].cells[1].text = "登记××车次"
    d.save(path)


def test_docx_is_filled_inside_its_runs(cli, tmp_path: Path) -> None:
    import docx

    src = tmp_path / "报告.docx"
    make_docx(src)
    r = cli("fill", str(src), "--data", str(VILLAGE / "data.xlsx"))
    assert r.exit_code == 0, r.stderr
    out = docx.Document(str(tmp_path / "报告.filled.docx"))
    para = out.paragraphs[1]
    assert para.text == "组成3个排查组对全村226户开展地毯式排查。经排查，居家隔离13人，解除隔离8人。"
    runs = para.runs
    assert runs[1].text == "3" and runs[1].bold  # the format of the run where the mark was
    assert runs[3].italic and runs[3].text.startswith("户开展")
    assert out.tables[0].rows[0].cells[1].text == "登记447车次"
    r = cli("fill", str(src), "--data", str(VILLAGE / "data.xlsx"), "-o", str(tmp_path / "纯文本.txt"))
    assert "对全村226户" in (tmp_path / "纯文本.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- skeleton
def test_fields_skeleton_round_trip(cli, tmp_path: Path) -> None:
    report, _ = copy_case(CASES / "02-police-verify", tmp_path)
    sk = tmp_path / "骨架.yaml"
    r = cli("fill", "--fields", str(report), "-o", str(sk))
    assert r.exit_code == 0 and "已写入数据骨架" in r.stderr
    text = sk.read_text(encoding="utf-8")
    skeleton = yaml.safe_load(text)
    assert list(skeleton) == ["截止日期", "核查市局推送人员人数", "小区名称", "村名", "居家观察人数", "集中观察人数", "送医人数"]
    assert all(v is None for v in skeleton.values())
    assert "# 第 3 行：" in text and "截至2月【_】日" in text  # a comment shows the sentence
    values = {"截止日期": "2020-02-10", "核查市局推送人员人数": "356", "小区名称": "幸福里", "村名": "西河",
              "居家观察人数": "42", "集中观察人数": "7", "送医人数": "2"}
    sk.write_text("".join(f"{line} {values[line[:-1]]}\n" if line.endswith(":") else line + "\n"
                          for line in text.splitlines()), encoding="utf-8")
    r = cli("fill", str(report), "--data", str(sk), "-o", "-")
    assert r.exit_code == 0, r.stderr
    assert ("截至2月10日，共核查市局推送人员356名" in r.stdout and "对幸福里小区、西河村确诊患者" in r.stdout
            and "居家观察42人、集中观察7人、送医2人" in r.stdout)
    r = cli("fill", "--fields", str(report), "-o", str(sk))
    assert r.exit_code == 2 and "已存在" in r.stderr


def test_fields_to_stdout_and_with_a_unit(cli, tmp_path: Path) -> None:
    report, _ = copy_case(VILLAGE, tmp_path)
    r = cli("fill", "--fields", str(report))
    assert r.exit_code == 0 and "排查组个数:" in r.stdout
    r = cli("fill", "--fields", str(report), "--unit", "village")
    assert r.exit_code == 0
    keys = list(yaml.safe_load(r.stdout))
    assert "排查户数" in keys and "居家隔离" in keys and "解除隔离" in keys  # the unit's own labels


# ---------------------------------------------------------------- interactive
def test_interactive_asks_saves_and_fills(cli, tmp_path: Path) -> None:
    report, data = copy_case(TOWN, tmp_path)
    before = data.read_text(encoding="utf-8")
    r = cli("fill", str(report), "--data", str(data), "--interactive", "-o", str(tmp_path / "out.txt"),
            input="幸福\n\n")
    assert r.exit_code == 1  # the crossing was skipped
    assert "[1/2] 第 9 行" in r.stderr and "未填原因：没有匹配的字段" in r.stderr
    saved = data.read_text(encoding="utf-8")
    assert saved.startswith(before) and "幸福" in saved  # comments and fields kept, answer added
    again = yaml.safe_load(saved)
    assert len(again) == len(yaml.safe_load(before)) + 1
    assert "在幸福路南端xx交界口" in (tmp_path / "out.txt").read_text(encoding="utf-8")
    # the answer is in the data now: a plain run fills the road without asking
    r = cli("fill", str(report), "--data", str(data), "-o", "-")
    assert "在幸福路南端" in r.stdout and "[1/" not in r.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv", ".xlsx"])
def test_interactive_creates_or_extends_data_of_every_kind(cli, tmp_path: Path, suffix: str) -> None:
    from assistant.fill.data import load_data

    report = tmp_path / "报告.txt"
    report.write_text("组成××个排查组对全村××户开展地毯式排查并建立排查档案。\n", encoding="utf-8")
    data = tmp_path / f"新台账{suffix}"
    r = cli("fill", str(report), "--data", str(data), "-i", "-o", str(tmp_path / "out.txt"), input="3\n226\n")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").startswith("组成3个排查组对全村226户")
    fields = load_data(data).fields
    assert {k: v.text for k, v in fields.items()} == {"排查组个数": "3", "开展地毯式排查户数": "226"}


def test_interactive_keeps_a_gbk_csv_gbk(cli, tmp_path: Path) -> None:
    report, data = copy_case(CASES / "04-community-staff", tmp_path)
    report.write_text(report.read_text(encoding="utf-8") + "三、劝停酒席xx桌。\n", encoding="utf-8")
    r = cli("fill", str(report), "--data", str(data), "-i", "-o", "-", input="420\n")
    assert r.exit_code == 0, r.stderr
    raw = data.read_bytes()
    assert "劝停酒席桌数,420".encode("gbk") in raw and "项目,数量".encode("gbk") in raw


def test_a_units_full_name_replaces_its_generic_word(cli, tmp_path):
    """××学校 + 城关第一小学 → 城关第一小学 (never 城关第一小学学校); a name of another kind of
    unit (城关镇 at ××学校) is left open with a reason."""
    report = tmp_path / "r.txt"
    report.write_text("××学校疫情防控工作情况汇报\n一、加强领导。成立领导小组。\n\n××学校\n", encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("学校名称: 城关第一小学\n", encoding="utf-8")
    r = cli("fill", str(report), "--data", str(data), "-o", str(tmp_path / "out.txt"))
    assert r.exit_code == 0, r.stderr
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert out.startswith("城关第一小学疫情防控工作情况汇报") and out.rstrip().endswith("\n城关第一小学")
    assert "已填 ××学校 → 城关第一小学" in r.stderr
    data.write_text("学校名称: 城关镇\n", encoding="utf-8")
    r = cli("fill", str(report), "--data", str(data), "-o", str(tmp_path / "out.txt"))
    assert r.exit_code == 1
    assert "“城关镇”接上后面的“学校”读不通" in r.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").startswith("××学校")


@pytest.mark.parametrize("name", ["out.pdf", "out.html", "out"])
def test_an_output_fill_cannot_write_is_refused(cli, tmp_path: Path, name: str) -> None:
    """Like draft: -o out.pdf is one line and exit 2, nothing written (not plain text called .pdf)."""
    report, data = copy_case(VILLAGE, tmp_path)
    r = cli("fill", str(report), "--data", str(data), "-o", str(tmp_path / name))
    assert r.exit_code == 2 and "不支持的输出格式" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / name).exists()


def test_a_negative_figure_is_reported_not_filled(cli, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("共排查xx户。\n", encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("排查户数: -12\n", encoding="utf-8")
    r = cli("fill", str(report), "--data", str(data), "-o", "-")
    assert r.exit_code == 1 and "共排查xx户" in r.stdout and "负数（-12）" in r.stderr


# ---------------------------------------------------------------- fast path
def _fast(tmp_path: Path, *args: str, input: str | None = None):
    """The console script's plain ``fill`` (no typer), in a fresh interpreter."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    code = f"import sys; sys.argv = ['assist', 'fill', *{list(args)!r}]; from assistant.entry import main; main()"
    return subprocess.run([sys.executable, "-c", code], input=input, capture_output=True, text=True, env=env,
                          cwd=tmp_path)


def test_fast_entry_point_answers_like_the_typer_command(cli, tmp_path: Path) -> None:
    report, data = copy_case(TOWN, tmp_path)
    cases = [
        [str(report), "--data", str(data), "-o", "-"],
        [str(report), "--data", str(data), "-o", str(tmp_path / "out.txt"), "--format", "json"],
        [str(report), "--data=" + str(data), "--output", "-", "--format=json"],
        [str(report), "--data", str(tmp_path / "missing.yaml"), "-o", "-"],
        [str(report), "--data", str(data), "-o", str(tmp_path / "out.pdf")],
    ]
    for args in cases:
        typer_result = cli("fill", *args)
        fast = _fast(tmp_path, *args)
        assert (fast.returncode, fast.stdout, fast.stderr) == \
            (typer_result.exit_code, typer_result.stdout, typer_result.stderr), args


def test_fast_entry_point_leaves_the_rest_to_typer(tmp_path: Path) -> None:
    report, _ = copy_case(VILLAGE, tmp_path)
    fields = _fast(tmp_path, "--fields", str(report))
    assert fields.returncode == 0 and "排查组个数:" in fields.stdout
    assert _fast(tmp_path, "--help").returncode == 0
    assert _fast(tmp_path, str(report)).returncode == 2  # no --data: typer's one line
