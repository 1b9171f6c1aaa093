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


# --- blind set g (fill-blind6): what its first run got wrong or could not read -------------------

def test_kilowatts_are_no_thousand_of_anything(tmp_path: Path) -> None:
    """68200千瓦 is 68200 kW (千瓦 a measure), so 6.82 in xx万千瓦; 4865万千瓦时 is 4865 in xx万千瓦时."""
    data = load_yaml("最高用电负荷: 68200千瓦\n售电量: 4865万千瓦时\n")
    assert data.fields["最高用电负荷"].unit == "千瓦"
    report = "度夏期间辖区最高用电负荷达xx万千瓦；期间售电量xxxx万千瓦时。\n"
    assert fill(report, data) == ["6.82", "4865"]


@pytest.mark.parametrize("name, report, want", [
    ("国网安仁县供电公司清泉供电所", "××供电所2024年迎峰度夏工作情况汇报\n", "清泉"),
    ("中国邮政集团有限公司宁乡市分公司玉潭揽投部", "（　　）揽投部寄递安全工作情况汇报\n", "玉潭"),
    ("国家税务总局临湘市税务局城西税务分局", "某某税务分局优化营商环境工作情况汇报\n", "城西"),
    # a place before the name is the name's, a company mark keeps its own words
    ("新绛县第二中学", "××中学安全工作汇报\n", "新绛县第二"),
    ("江城水务集团有限公司", "××集团党委工作汇报\n", "江城水务"),
])
def test_a_branch_is_named_without_the_company_or_bureau_above_it(name: str, report: str, want: str) -> None:
    assert fill(report, load_yaml(f"单位名称: {name}\n"))[0] == want


def test_a_key_in_two_groups_and_a_legend_of_coded_keys(tmp_path: Path) -> None:
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"org": {"name": "城西税务分局", "contact": {"name": "黄晓琳"}},
                             "count": {"name": "纳税人", "value": 8426}}, ensure_ascii=False), encoding="utf-8")
    data = load_data(p)  # name three times: each with its group's
    assert data.fields["org_name"].text == "城西税务分局" and data.fields["contact_name"].text == "黄晓琳"
    p = tmp_path / "coded.json"
    p.write_text(json.dumps({"zdsm": {"dwmc": "单位名称", "kssw": "库水位（米）", "jsy": "救生衣（件）"},
                             "dwmc": "铁山水库管理所", "sq": {"kssw": 55.82}, "wz": {"jsy": 120}},
                            ensure_ascii=False), encoding="utf-8")
    data = load_data(p)
    assert data.fields["单位名称"].text == "铁山水库管理所" and data.fields["救生衣（件）"].text == "120"
    assert "zdsm" not in " ".join(data.fields)
    assert fill("××水库管理所防汛工作汇报\n储备救生衣xxx件。\n", data) == ["铁山", "120"]


def test_a_change_the_table_states_must_be_its_two_figures(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("指标,单位,本期,上年同期,同比\n揽收邮件快件,万件,186.4,162.8,12.6%\n揽投人员,名,34,31,9.7%\n",
                 encoding="utf-8")
    data = load_data(p)
    assert list(data.conflicts) == ["揽收邮件快件同比"]  # 14.5%, not 12.6%; 34 / 31 is 9.7%
    report = "上半年揽收邮件快件xxx万件，同比增长xx%。现有揽投人员xx名，同比增长x.x%。\n"
    assert fill(report, data) == ["186.4", None, "34", "9.7"]


def test_tables_stacked_in_one_sheet_and_a_label_beside_its_value(tmp_path: Path) -> None:
    import datetime

    p = _xlsx(tmp_path / "汇总.xlsx", [
        ("泸溪县2024年定点医药机构监督检查情况汇总表", None, None),
        ("机构类别", "检查（家）", "追回资金（万元）"),
        ("定点医院", 149, 265.88),
        ("定点零售药店", 147, 43.81),
        ("合计", 296, 309.69),
        ("打击欺诈骗保专项工作情况", None, None),
        ("项目", "数量", "单位"),
        ("受理举报投诉", 31, "件"),
        ("移送公安机关", 3, "件"),
        (None, None, None),
        ("填报单位：泸溪县医疗保障局（盖章）", None, None),
        ("填报日期：", datetime.datetime(2024, 12, 10), None),
    ])
    data = load_data(p)
    assert data.fields["受理举报投诉"].text == "31" and data.fields["填报日期"].text == "2024年12月10日"
    report = "××县医疗保障局基金监管工作汇报\n全年受理欺诈骗保举报投诉xx件，向公安机关移送案件x件。\n20xx年x月x日\n"
    assert fill(report, data) == ["泸溪", "31", "3", "24", "12", "10"]  # 20xx年x月x日: three marks


def test_tables_stacked_in_a_csv(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("各类场所检查情况,,\n场所类别,检查（家）,整改隐患（处）\n九小场所,126,48\n出租屋,88,19\n合计,214,67\n"
                 "应急演练情况,,\n项目,数量,单位\n组织演练,3,次\n参演人数,260,人\n", encoding="utf-8")
    data = load_data(p)
    assert data.fields["组织演练"].text == "3" and data.fields["检查（家）"].text == "214"
