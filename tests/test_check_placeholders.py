"""The placeholder finder: every form in shared/spec/placeholders.md, the look-alikes,
the kind of each mark, and the complete list of placeholders in the five raw seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.check.placeholders import Placeholder, find_placeholders
from assistant.textmap import line_col

SOURCES = Path(__file__).resolve().parents[1] / "corpus" / "sources"

# Every unfilled placeholder in the raw seed files, as (file prefix, line, col, mark).
# Built by reading the seeds line by line (each mark noted with its context, then
# its column computed from that note), not from the finder's output. Left out on
# purpose, after reading: the x's inside pinyin glosses (協(xié)), "巴渝巧姐×菜鄉結繩",
# "lao****ou" (a masked user name), "docx_第1页", the "_" of the garbled
# "認真?zhèn)鬟_貫徹", the e-mail address, KTV/ktv/ICU/PCR/KN95/led/app/hr, 5-7天,
# 1-3月, ——, and numbers simply missing without any mark ("酒店家", "有著近黨齡").
SEED_PLACEHOLDERS = [
    # 000_6af36be7b5d146ef.txt
    ('000', 6, 12, '(作者:)'), ('000', 104, 25, 'XX'), ('000', 110, 22, 'XX'),
    ('000', 122, 4, 'XX'), ('000', 126, 29, 'XX'), ('000', 194, 34, 'XX'),
    ('000', 224, 1, 'XX'), ('000', 224, 20, 'XX'), ('000', 234, 8, 'xx'),
    ('000', 234, 12, 'x'), ('000', 234, 25, 'xx'), ('000', 248, 14, 'xx'),
    ('000', 248, 26, 'xxx'), ('000', 252, 3, 'xx'), ('000', 266, 3, 'x'),
    ('000', 266, 11, 'xxx'), ('000', 266, 34, 'xx'), ('000', 268, 9, 'x'),
    ('000', 268, 16, 'xx'), ('000', 306, 28, 'xx'), ('000', 310, 13, 'xx'),
    ('000', 312, 7, 'xx'), ('000', 312, 32, 'xx'), ('000', 314, 9, 'x'),
    ('000', 318, 22, 'xx'), ('000', 318, 30, 'xx'), ('000', 320, 15, 'xx'),
    # 001_ae3b8ced769e67fc.txt
    ('001', 23, 29, 'xx'), ('001', 23, 43, 'xx'), ('001', 23, 57, 'xx'),
    ('001', 27, 21, 'xxxxxxx'), ('001', 39, 44, 'xxxx'), ('001', 41, 77, 'xx'),
    ('001', 41, 82, 'xx'),
    # 002_2830f3087f7c5350.txt
    ('002', 3, 40, '_'), ('002', 6, 61, '_'), ('002', 7, 112, '_'),
    ('002', 9, 92, '_'), ('002', 9, 104, '_'), ('002', 9, 116, '_'),
    ('002', 9, 124, '_'), ('002', 9, 211, '_'), ('002', 9, 224, '_'),
    ('002', 9, 231, '_'), ('002', 9, 240, '_'), ('002', 10, 182, '_'),
    ('002', 10, 188, '_'), ('002', 10, 202, '_'), ('002', 10, 208, '_'),
    ('002', 10, 215, '_'), ('002', 10, 225, '_'), ('002', 10, 236, '_'),
    ('002', 11, 17, '_'), ('002', 11, 106, '_'), ('002', 11, 108, '_'),
    ('002', 11, 127, '_'), ('002', 11, 132, '_'), ('002', 11, 177, '_'),
    ('002', 11, 229, '_'), ('002', 11, 231, '_'), ('002', 11, 330, '_'),
    ('002', 11, 336, '_'), ('002', 30, 78, 'xx'), ('002', 30, 84, 'xx'),
    ('002', 30, 88, 'xx'), ('002', 30, 96, 'xx'), ('002', 30, 284, 'xx'),
    ('002', 30, 291, 'xx'), ('002', 30, 306, 'xx'), ('002', 32, 61, '__'),
    ('002', 39, 7, 'xx'), ('002', 39, 160, 'xx'), ('002', 92, 1, 'xxx'),
    ('002', 93, 128, 'xxx'), ('002', 96, 109, 'xxx'), ('002', 96, 113, 'xxx'),
    ('002', 96, 117, 'xxx'), ('002', 96, 122, 'xxx'), ('002', 107, 11, 'xxx'),
    ('002', 107, 72, 'xxx'), ('002', 108, 139, 'xxx'), ('002', 109, 168, 'xxx'),
    ('002', 119, 93, 'xx'), ('002', 119, 112, 'xx'), ('002', 119, 133, 'xx'),
    ('002', 119, 148, 'xx'), ('002', 119, 166, 'x'), ('002', 119, 200, 'x'),
    ('002', 119, 241, 'xx'), ('002', 120, 51, 'xx'), ('002', 120, 99, 'xx'),
    ('002', 120, 139, 'xx'), ('002', 121, 25, 'xx'), ('002', 121, 30, 'xx'),
    ('002', 124, 160, 'xx'), ('002', 125, 94, 'xx'), ('002', 131, 1, '某'),
    ('002', 133, 264, '某'), ('002', 137, 14, 'xx'), ('002', 138, 27, 'xx'),
    ('002', 138, 78, 'xx'), ('002', 138, 115, 'xx'), ('002', 139, 139, 'xx'),
    ('002', 139, 148, 'xx'), ('002', 139, 160, 'xx'), ('002', 139, 189, 'xx'),
    ('002', 139, 199, 'x'), ('002', 139, 256, 'xx'), ('002', 139, 271, 'xx'),
    ('002', 140, 238, 'xx'), ('002', 140, 250, 'xx'), ('002', 140, 264, 'xx'),
    ('002', 140, 275, 'xx'), ('002', 140, 284, 'xx'), ('002', 141, 215, 'xx'),
    ('002', 141, 394, 'xx'), ('002', 141, 452, 'xx'), ('002', 144, 1, '--'),
    ('002', 144, 211, '----'), ('002', 144, 240, '----'), ('002', 144, 256, '--'),
    ('002', 146, 1, '--'), ('002', 146, 13, '--'), ('002', 146, 89, '--'),
    ('002', 146, 139, '--'), ('002', 146, 159, '--'), ('002', 146, 266, '--'),
    ('002', 146, 271, '----'), ('002', 146, 285, '--'), ('002', 146, 305, '--'),
    ('002', 148, 101, '--'), ('002', 152, 15, '***'), ('002', 154, 10, '***'),
    ('002', 154, 37, '***'), ('002', 154, 45, '***'), ('002', 156, 9, '***'),
    ('002', 158, 10, '***'), ('002', 195, 73, 'xx'), ('002', 195, 249, 'x'),
    ('002', 195, 264, 'x'), ('002', 196, 171, 'xx'), ('002', 196, 534, 'x'),
    ('002', 196, 703, 'xx'), ('002', 196, 841, 'x'), ('002', 196, 851, 'x'),
    ('002', 196, 903, 'xx'), ('002', 196, 1089, 'xx'), ('002', 196, 1099, 'xx'),
    ('002', 196, 1107, 'x'), ('002', 196, 1150, 'x'), ('002', 197, 263, 'xx'),
    ('002', 197, 283, 'xx'), ('002', 197, 313, 'x'), ('002', 197, 330, 'x'),
    ('002', 197, 349, 'x'), ('002', 197, 363, 'xx'), ('002', 199, 48, 'xx'),
    ('002', 200, 130, 'x'), ('002', 200, 136, 'x'), ('002', 200, 141, 'x'),
    ('002', 202, 111, 'xx'), ('002', 208, 24, 'xx'), ('002', 208, 140, 'x'),
    ('002', 208, 171, 'x'), ('002', 208, 189, 'x'), ('002', 208, 194, 'x'),
    ('002', 209, 118, 'xx'), ('002', 210, 46, 'xx'), ('002', 210, 54, 'x'),
    ('002', 210, 61, 'x'), ('002', 210, 158, 'x'), ('002', 211, 123, 'x'),
    ('002', 211, 129, 'x'), ('002', 211, 135, 'x'), ('002', 211, 141, 'x'),
    ('002', 212, 18, 'xx'), ('002', 213, 184, 'xx'), ('002', 213, 194, 'xx'),
    ('002', 213, 242, 'x'), ('002', 213, 266, 'x'), ('002', 213, 274, 'x'),
    ('002', 213, 299, 'x'), ('002', 252, 5, '某某'), ('002', 272, 111, '______'),
    ('002', 273, 43, '____'), ('002', 273, 77, '____'), ('002', 301, 5, 'xx'),
    ('002', 301, 44, 'xx'), ('002', 303, 48, 'xx'), ('002', 304, 1, 'xx'),
    ('002', 304, 155, 'xx'), ('002', 304, 200, 'xx'), ('002', 306, 52, 'xx'),
    ('002', 306, 74, 'xx'), ('002', 308, 93, 'xx'), ('002', 328, 162, '〔〕'),
    ('002', 358, 5, 'xx'), ('002', 358, 44, 'xx'), ('002', 360, 48, 'xx'),
    ('002', 361, 1, 'xx'), ('002', 361, 155, 'xx'), ('002', 361, 200, 'xx'),
    ('002', 363, 52, 'xx'), ('002', 363, 74, 'xx'), ('002', 365, 93, 'xx'),
    # 003_b1c4990f424d3636.txt
    ('003', 1, 6, 'XX'), ('003', 5, 17, 'XX'), ('003', 7, 6, 'XX'),
    ('003', 9, 1, 'XX'), ('003', 11, 14, 'xx'), ('003', 11, 26, '***'),
    ('003', 15, 7, 'xx'), ('003', 19, 23, 'xx'), ('003', 36, 18, 'XX'),
    ('003', 38, 6, 'XX'),
    # 004_7a8c6a6c10a7d90e.txt
    ('004', 16, 199, '*'), ('004', 16, 201, '*'), ('004', 16, 203, '*'),
    ('004', 18, 31, '*'), ('004', 18, 33, '*'), ('004', 18, 45, '*'),
    ('004', 18, 195, '*'), ('004', 18, 213, '*'), ('004', 18, 230, '*'),
    ('004', 18, 251, '*'), ('004', 18, 254, '*'), ('004', 20, 8, '*'),
    ('004', 20, 31, '*'), ('004', 20, 232, '*'), ('004', 20, 247, '*'),
    ('004', 20, 264, '*'), ('004', 20, 289, '*'), ('004', 22, 132, '*'),
    ('004', 22, 140, '*'), ('004', 22, 156, '*'), ('004', 22, 166, '*'),
    ('004', 22, 179, '*'), ('004', 22, 198, '*'), ('004', 22, 219, '*'),
    ('004', 22, 227, '*'), ('004', 22, 295, '*'), ('004', 24, 59, '*'),
    ('004', 24, 61, '*'), ('004', 24, 65, '*'), ('004', 24, 67, '*'),
    ('004', 24, 81, '*'), ('004', 24, 83, '*'), ('004', 24, 85, '*'),
    ('004', 24, 96, '*'), ('004', 24, 104, '*'), ('004', 24, 117, '*'),
    ('004', 24, 125, '*'), ('004', 24, 131, '*'), ('004', 24, 167, '*'),
    ('004', 24, 176, '*'), ('004', 24, 199, '*'), ('004', 24, 208, '*'),
    ('004', 24, 217, '*'), ('004', 24, 226, '*'), ('004', 24, 235, '*'),
    ('004', 24, 246, '*'), ('004', 26, 164, '*'), ('004', 26, 166, '*'),
    ('004', 26, 179, '*'), ('004', 28, 16, '*'), ('004', 28, 268, '*'),
    ('004', 28, 286, '*'), ('004', 30, 294, '*'), ('004', 34, 122, '*'),
    ('004', 34, 124, '*'), ('004', 36, 8, '*'), ('004', 40, 127, '*'),
    ('004', 40, 135, '*'), ('004', 40, 248, '*'), ('004', 40, 258, '*'),
    ('004', 40, 267, '*'), ('004', 40, 289, '*'), ('004', 42, 170, '*'),
    ('004', 42, 172, '*'), ('004', 42, 190, '*'), ('004', 42, 199, '*'),
    ('004', 42, 217, '*'), ('004', 42, 270, '*'), ('004', 42, 279, '*'),
    ('004', 42, 310, '*'), ('004', 42, 317, '*'), ('004', 42, 330, '*'),
    ('004', 42, 337, '*'), ('004', 42, 357, '*'), ('004', 42, 364, '*'),
    ('004', 42, 374, '*'), ('004', 42, 434, '*'), ('004', 42, 445, '*'),
    ('004', 42, 453, '*'), ('004', 42, 465, '*'), ('004', 42, 477, '*'),
    ('004', 42, 523, '*'), ('004', 42, 574, '*'),
]


def _seed_file(prefix: str) -> Path:
    (path,) = SOURCES.glob(f"{prefix}_*.txt")
    return path


def _found_in_seeds() -> set[tuple[str, int, int, str]]:
    found = set()
    for path in sorted(SOURCES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for ph in find_placeholders(text):
            line, col = line_col(text, ph.start)
            found.add((path.name[:3], line, col, ph.text))
    return found


def test_the_list_holds_what_the_seed_files_say() -> None:
    """The hand-made list itself: each entry is really that mark at that place."""
    assert len(SEED_PLACEHOLDERS) == len(set(SEED_PLACEHOLDERS)) == 298
    lines_of = {p: _seed_file(p).read_text(encoding="utf-8").split("\n") for p in ("000", "001", "002", "003", "004")}
    for prefix, line, col, mark in SEED_PLACEHOLDERS:
        lines = lines_of[prefix]
        assert lines[line - 1][col - 1:col - 1 + len(mark)] == mark, (prefix, line, col, mark)


def test_finder_gives_exactly_every_placeholder_in_the_seeds() -> None:
    expected = set(SEED_PLACEHOLDERS)
    found = _found_in_seeds()
    missed = sorted(expected - found)
    extra = sorted(found - expected)
    assert not missed and not extra, f"missed {missed[:10]} extra {extra[:10]}"
    precision = len(found & expected) / len(found)
    recall = len(found & expected) / len(expected)
    assert (precision, recall) == (1.0, 1.0)


# --- every form of placeholders.md ------------------------------------------------

FORMS = [
    # (text, marks expected in order, kinds)
    ("共排查xx名返乡人员", ["xx"], ["number"]),
    ("全村xxx户", ["xxx"], ["number"]),
    ("召开了XX县严防聚集会议", ["XX"], ["name"]),
    ("组成x个排查组", ["x"], ["number"]),
    ("20xx年工作总结", ["xx"], ["date"]),
    ("X月X日召开会议", ["X", "X"], ["date", "date"]),
    ("全乡共关闭ktvx家", ["x"], ["number"]),
    ("举报电话(xxxxxxx)", ["xxxxxxx"], ["number"]),
    ("ＸＸ市疫情防控工作汇报", ["ＸＸ"], ["name"]),
    ("共ｘｘ名", ["ｘｘ"], ["number"]),
    ("××乡党委", ["××"], ["name"]),
    ("共××人", ["××"], ["number"]),
    ("×月×日", ["×", "×"], ["date", "date"]),
    ("*万人次", ["*"], ["number"]),
    ("自*月*日以来", ["*", "*"], ["date", "date"]),
    ("***领导班子高度重视", ["***"], ["name"]),
    ("设置＊个接种点", ["＊"], ["number"]),
    ("_分局党委", ["_"], ["name"]),
    ("会议_余次", ["_"], ["number"]),
    ("共__人", ["__"], ["number"]),
    ("--社区积极响应", ["--"], ["name"]),
    ("共招募--名党员", ["--"], ["number"]),
    ("某某学院", ["某某"], ["name"]),
    ("某教育总支", ["某"], ["name"]),
    ("某某同志任组长", ["某某"], ["name"]),
    ("某地市教育体育局", ["某"], ["name"]),
    ("○○村委会", ["○○"], ["name"]),
    ("〇〇乡", ["〇〇"], ["name"]),
    ("□□名", ["□□"], ["number"]),
    ("请于（  ）前报送", ["（  ）"], ["other"]),
    ("2024年6月10日发(作者:)", ["(作者:)"], ["name"]),
    ("印发《》通知", ["《》"], ["name"]),
    ("国办发〔〕6号", ["〔〕"], ["date"]),
    ("市委书记xx同志", ["xx"], ["name"]),
    ("总经理xx，带队", ["xx"], ["name"]),
    ("重点地区来*人员排查", ["*"], ["name"]),
    ("累计接种*剂次", ["*"], ["number"]),
    ("截至*月*日*时", ["*", "*", "*"], ["date", "date", "date"]),
    ("“*”专班", ["*"], ["name"]),
    ("选定XX\n\n市场和元通市场", ["XX"], ["name"]),
]


@pytest.mark.parametrize("text, marks, kinds", FORMS, ids=[f[0][:12] for f in FORMS])
def test_every_form_is_found_with_its_kind(text: str, marks: list[str], kinds: list[str]) -> None:
    found = find_placeholders(text)
    assert [p.text for p in found] == marks
    assert [p.kind for p in found] == kinds
    for p in found:
        assert text[p.start:p.end] == p.text


LOOK_ALIKES = [
    "发放KN95口罩3529个", "ICU床位10张", "PCR扩增仪2台", "暂停KTV、网吧等娱乐场所", "网吧、ktv、商场",
    "拍X光片", "X射线检查", "X线胸片", "详见http://www.example.com/xx_report.html",
    "网址www.xx.cn", "邮件：xx.admin@example.com", "转载请注明出处:http://www.yc00.com/news/1717956237a2745696.html",
    "确保在5-7天内完成", "2008--2022年", "美好相约——致全体市民", "不走亲，不聚会……", "房间2×3米",
    "2 × 3", "3x3篮球赛", "某些地区", "某种程度上", "某一环节", "某个人", "某地出现疫情",
    "上传人:lao****ou", "手机138****5678", "report.docx_第1页", "变量user_name", "二〇二三年",
    "使用Excel和xlsx文件", "巴渝巧姐×菜鄉結繩", "DOCX格式", "led显示屏", "手机app", "hr部门",
    "***", "-----", "________", "运行 --fix 选项", "<!-- 注释 -->", "调用f()函数", "□同意 □不同意",
    "○ 要点一", "* 要点一", "認真?zhèn)鬟_貫徹上級", "協(xié)調(diào)", "现(xiàn)场",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert find_placeholders(text) == []


MARKDOWN = [
    ("**重点**工作", []),
    ("*强调*一下", []),
    ("__加粗__文字", []),
    ("* 第一项\n* 第二项\n", []),
    ("- [ ] 待办事项\n", []),
    ("| 项目 | 数量 |\n|---|---|\n| 口罩 | 5 |\n", []),
    ("---\ntitle: 报告\n---\n正文", []),
    ("代码 `x_xx` 不查\n```\nxx = 1\n```\n", []),
    ("**xx名**党员", ["xx"]),
    ("共*万人次", ["*"]),
    ("自*月*日以来", ["*", "*"]),
    ("共*个,*人", ["*", "*"]),
]


@pytest.mark.parametrize("text, marks", MARKDOWN)
def test_markdown_emphasis_bullets_tables_and_code(text: str, marks: list[str]) -> None:
    assert [p.text for p in find_placeholders(text, "md")] == marks


def test_markdown_marks_are_placeholders_in_plain_text() -> None:
    assert [p.text for p in find_placeholders("**重点**工作")] == ["**", "**"]


def test_placeholder_is_a_small_frozen_dataclass() -> None:
    p = find_placeholders("共xx名")[0]
    assert p == Placeholder(1, 3, "xx", "number")
    with pytest.raises(Exception):
        p.start = 0  # type: ignore[misc]
    assert find_placeholders("") == []


def test_placeholders_module_imports_nothing_heavy() -> None:
    code = ("import sys; import assistant.check.placeholders; "
            "bad = [m for m in ('yaml', 'opencc', 'typer', 'click', 'jieba', 'rjieba', 'sklearn', 'docx') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


def test_offsets_are_characters_not_bytes() -> None:
    text = "报告：共xx名。\r\n第二行 XX县"
    found = find_placeholders(text)
    assert [(p.start, p.end, p.text) for p in found] == [(4, 6, "xx"), (14, 16, "XX")]
