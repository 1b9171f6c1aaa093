"""Data laid out as offices keep it, and places that need one more rule: each case a report
passage and a data file written for this test, checked mark by mark."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.fill.apply import fill_text
from assistant.fill.data import load_data, load_yaml, name_from_caption


def fill(report: str, data) -> list[str | None]:  # noqa: ANN001
    return [p.text for p in fill_text(report, data).placements]


def _xlsx(path: Path, rows: list[tuple]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_a_footer_cell_holds_its_field_and_value(tmp_path: Path) -> None:
    """填报单位：…（盖章） under a 台账 with a 序号 column: the school's name is there."""
    p = _xlsx(tmp_path / "台账.xlsx", [
        ("秋季学期安全工作台账", None, None, None),
        ("序号", "项目", "数量", "单位"),
        (1, "在校学生", 912, "人"),
        (2, "应急疏散演练", 2, "次"),
        (None, None, None, None),
        ("填报单位：河西中学（盖章）", None, "填报日期：2025年12月20日", None),
    ])
    data = load_data(p)
    assert data.fields["填报单位"].text == "河西中学"
    assert data.fields["填报日期"].kind == "date"
    report = "××中学秋季学期安全工作总结\n本学期在校学生xxx名，开展应急疏散演练x次。\n"
    assert fill(report, data) == ["河西", "912", "2"]


def test_a_caption_names_the_unit_when_no_field_does(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "指标.xlsx", [
        ("柳溪县中医院主要业务指标（前三季度）", None, None),
        ("指标", "单位", "数值"),
        ("门急诊人次", "人次", 183200),
    ])
    report = "××县中医院前三季度工作情况汇报\n前三季度完成门急诊xxxxxx人次。\n"
    assert fill(report, load_data(p)) == ["柳溪", "183200"]
    assert name_from_caption("石桥镇2025年防汛工作台账") == "石桥镇"
    assert name_from_caption("安平县人民法院执行工作统计表") == "安平县人民法院"  # 执行 is no bank's 行
    assert name_from_caption("全县高标准农田建设推进情况表") is None
    assert name_from_caption("2025年春季学期学校安全工作台账") is None


def test_a_table_beside_its_caption_and_groups_in_json(tmp_path: Path) -> None:
    """{表名, 表头, 数据, and a group of its own}: every part is read, not the table alone."""
    p = tmp_path / "data.json"
    p.write_text(json.dumps({
        "表名": "云岭县人民法院执行工作统计表",
        "表头": ["指标", "本期", "上年同期"],
        "数据": [["执结案件", 2310, 2105]],
        "专项行动": {"追回劳动报酬（元）": 1860000},
    }, ensure_ascii=False), encoding="utf-8")
    data = load_data(p)
    assert data.fields["执结案件"].text == "2310"  # 本期, not 上年同期
    assert "追回劳动报酬（元）" in data.fields and data.fields["单位名称"].text == "云岭县人民法院"
    report = "××县人民法院执行工作情况汇报\n今年以来共执结案件xxxx件，为农民工追回劳动报酬xxx万元。\n"
    assert fill(report, data) == ["云岭", "2310", "186"]


def test_the_period_column_gives_the_report_year(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "对比.xlsx", [
        ("指标", "单位", "2024年1-9月", "2025年1-9月"),
        ("出院人次", "人次", 20110, 21437),
    ])
    data = load_data(p)
    assert data.fields["统计期"].year == 2025
    result = fill_text("20xx年前三季度，全院出院xxxxx人次。\n", data)
    assert result.filled == "2025年前三季度，全院出院21437人次。\n"


def test_one_unit_name_fills_the_title_and_the_body() -> None:
    report = "××派出所冬季治安清查行动工作总结\n行动开展以来，××派出所共清查出租屋xx间。\n"
    assert fill(report, load_yaml("单位: 城北派出所\n清查出租屋(间): 64\n")) == ["城北", "城北", "64"]


def test_a_fall_the_report_words_takes_the_figure_unsigned() -> None:
    data = load_yaml("电诈警情同比: -23.6%\n盗窃警情同比: -8.1%\n")
    assert fill("辖区电信诈骗警情同比下降xx%。\n", data) == ["23.6"]
    # where the report says it rose, a negative figure contradicts it: left for the writer
    assert fill("辖区电信诈骗警情同比上升xx%。\n", data) == [None]


def test_the_figure_in_a_field_name_must_be_the_reports() -> None:
    report = "全村现有60周岁以上老年人xxx名，其中80周岁以上老年人xx名。\n"
    data = load_yaml("60岁及以上老年人: 412\n80岁及以上老年人: 57\n")
    assert fill(report, data) == ["412", "57"]


def test_courses_are_counted_in_men() -> None:
    assert fill("老年学校开设剪纸、葫芦丝等课程x门。\n", load_yaml("老年学校开设课程: 5\n")) == ["5"]


def test_a_name_mark_before_the_units_own_words() -> None:
    """××建材有限公司, ××实验小学: the unit's word comes after words of the name."""
    data = load_yaml("单位名称: 恒远建材有限公司\n安全检查(次): 31\n")
    assert fill("××建材有限公司2025年安全生产工作总结\n全年开展安全检查xx次。\n", data) == ["恒远", "31"]
    data = load_yaml("单位名称: 东关实验小学\n")
    assert fill("××实验小学关于校园欺凌防治工作的汇报\n", data) == ["东关"]


def test_an_as_of_date_and_a_money_unit_said_once() -> None:
    data = load_yaml("报表日期: 2025-09-30\n金额单位: 万元\n普惠小微贷款余额: 41600\n普惠小微贷款户数: 530\n")
    report = "截至x月末，我行普惠小微贷款余额xx亿元，贷款户数xxx户。\n"
    assert fill(report, data) == ["9", "4.16", "530"]


def test_a_coverage_over_a_hundred_is_left_to_the_writer() -> None:
    """check lets a real report say 覆盖率129.7% (its base a target); fill does not write one."""
    data = load_yaml("安责险投保覆盖率: 104.3%\n")
    assert fill("全县高危行业企业安全生产责任保险投保覆盖率达到xx%。\n", data) == [None]
    assert fill("全县高危行业企业安全生产责任保险投保覆盖率达到xx%。\n", load_yaml("安责险投保覆盖率: 96.3%\n")) == ["96.3"]


def test_a_period_column_without_a_year_gives_its_month_and_the_caption_the_year(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "指标.xlsx", [
        ("南屏县2025年安全生产主要指标统计表", None, None, None),
        ("指标", "单位", "1-9月", "上年同期"),
        ("生产安全事故", "起", 14, 19),
    ])
    data = load_data(p)
    result = fill_text("20xx年1—x月，全县发生生产安全事故xx起。\n", data)
    assert result.filled == "2025年1—9月，全县发生生产安全事故14起。\n"


def test_a_system_exports_org_field_names_the_unit(tmp_path: Path) -> None:
    """An export's English keys (org) and a bureau's short name (人社局) still name the unit."""
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"org": "柳江县人社局（劳动保障监察大队）",
                             "rows": [{"code": "01", "name": "追发工资涉及劳动者", "value": 1862, "unit": "人"},
                                      {"code": "02", "name": "新开设工资专用账户", "value": 37, "unit": "个"}]},
                            ensure_ascii=False), encoding="utf-8")
    report = "××县人力资源和社会保障局根治欠薪工作情况汇报\n全年追发工资涉及劳动者xxxx人。\n"
    assert fill(report, load_data(p)) == ["柳江", "1862"]


def test_a_unit_of_measure_is_never_a_units_name() -> None:
    """单位: 万元 (a table's note on its money) does not make 万元镇."""
    assert fill("××镇2025年财政收入xx万元。\n", load_yaml("单位: 万元\n财政收入: 3860万元\n")) == [None, "3860"]
    assert fill("××镇2025年财政收入xx万元。\n", load_yaml("金额单位: 万元\n财政收入: 3860\n")) == [None, "3860"]
