"""Reading fill data in the forms staff keep it: YAML, JSON, CSV (UTF-8 or GBK), .xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.fill.data import load_data, parse_value, pin_pieces


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def xlsx(tmp_path: Path, rows: list[tuple], name: str = "台账.xlsx") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    p = tmp_path / name
    wb.save(p)
    return p


# ---------------------------------------------------------------- values
@pytest.mark.parametrize("raw, kind, text, unit", [
    (120, "number", "120", ""),
    (3.0, "number", "3", ""),
    (13.5359, "number", "13.5359", ""),
    ("120", "number", "120", ""),
    ("1,200", "number", "1200", ""),  # thousands separators: the digits
    ("120户", "number", "120", "户"),
    ("1.2万", "number", "1.2万", ""),
    ("96%", "number", "96%", "%"),
    ("2020-02-08", "date", "2020年2月8日", ""),
    ("2020年2月8日", "date", "2020年2月8日", ""),
    ("2月8日", "date", "2月8日", ""),
    (dt.date(2020, 2, 8), "date", "2020年2月8日", ""),
    ("翁源县", "name", "翁源县", ""),
    ("全镇干部群众齐心协力，取得阶段性成效。", "text", "全镇干部群众齐心协力，取得阶段性成效。", ""),
    (None, "empty", "", ""),
    ("  ", "empty", "", ""),
])
def test_values_are_classified(raw, kind, text, unit) -> None:
    v = parse_value(raw)
    assert (v.kind, v.text, v.unit) == (kind, text, unit)


def test_datetime_keeps_the_hour() -> None:
    v = parse_value("2021-06-08 17:00")
    assert (v.kind, v.month, v.day, v.hour) == ("date", 6, 8, 17)


def test_pin_keys_are_sentences_with_marks() -> None:
    assert pin_pieces("共排查xx户") == ["共排查", "户"]
    assert pin_pieces("居家观察_人、集中观察_人") == ["居家观察", "人、集中观察", "人"]
    assert pin_pieces("截至x月x日") == ["截至", "月", "日"]
    assert pin_pieces("排查户数") is None
    assert pin_pieces("X光机台数") is None  # X光 is no placeholder
    assert pin_pieces("xx") is None  # a mark alone is no sentence


# ---------------------------------------------------------------- YAML / JSON
def test_yaml_mapping_with_pins(tmp_path: Path) -> None:
    p = write(tmp_path, "d.yaml", '排查户数: 226\n报告日期: 2020-02-08\n"居家隔离xx人，解除隔离xx人": [13, 8]\n'
                                  '单位名称: 新江镇人民政府\n未知:\n')
    d = load_data(p)
    assert list(d.fields) == ["排查户数", "报告日期", "单位名称", "未知"]
    assert d.fields["报告日期"].kind == "date" and d.fields["未知"].empty
    assert d.pins[0].pieces == ["居家隔离", "人，解除隔离", "人"]
    assert [v.text for v in d.pins[0].values] == ["13", "8"]


def test_json_mapping(tmp_path: Path) -> None:
    d = load_data(write(tmp_path, "d.json", '{"排查户数": 226, "核查率": "96%"}'))
    assert d.fields["排查户数"].text == "226" and d.fields["核查率"].unit == "%"


def test_groups_of_fields_are_read_with_their_group(tmp_path: Path) -> None:
    # 党员情况: {在职: 231}: a short field in a group takes the group's word; a long one stands alone
    d = load_data(write(tmp_path, "d.yaml", "单位: 江城水务\n党员情况:\n  在职: 231\n  党员总数: 286\n"
                                            "党务培训:\n  培训班(期): 2\n"))
    assert d.fields["党员在职"].text == "231" and d.fields["党员总数"].text == "286"
    assert d.fields["培训班(期)"].text == "2"  # 培训 is said already


def test_tables_with_a_caption_row_or_columns_in_another_order(tmp_path: Path) -> None:
    d = load_data(write(tmp_path, "d.json", '[{"指标": "参保人数", "单位": "人", "数值": 52300},'
                                            ' {"指标": "基金支出", "单位": "万元", "数值": 1860}]'))
    assert d.fields["参保人数"].text == "52300" and d.fields["基金支出"].text + d.fields["基金支出"].unit == "1860万元"
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["青山支行2024年主要指标", None, None])
    ws.append(["各项存款(万元)", "各项贷款(万元)", "不良率"])
    ws.append([286500, 198000, 0.0123])
    wb.save(tmp_path / "d.xlsx")
    d = load_data(tmp_path / "d.xlsx")
    assert d.fields["各项存款(万元)"].text == "286500" and "不良率" in d.fields


def test_a_list_of_records_is_the_two_column_table(tmp_path: Path) -> None:
    # [{项目, 数值, 单位}] as a clerk exports a 台账 to JSON; the unit goes with the value
    d = load_data(write(tmp_path, "d.json", '[{"项目": "扑火队员", "数值": 36, "单位": "人"},'
                                            ' {"项目": "防火资金", "数值": 84000, "单位": "元"},'
                                            ' {"项目": "乡镇", "数值": "白沙乡", "单位": ""}]'))
    assert d.fields["扑火队员"].text == "36" and d.fields["防火资金"].unit == "元"
    assert d.fields["乡镇"].text == "白沙乡"
    # single-field records are one mapping; a field twice is still an error
    d = load_data(write(tmp_path, "e.yaml", "- 排查户数: 226\n- 整改数: 96\n"))
    assert d.fields["排查户数"].text == "226" and d.fields["整改数"].text == "96"
    with pytest.raises(InputError, match="出现了两次"):
        load_data(write(tmp_path, "f.yaml", "- 排查户数: 226\n- 排查户数: 96\n"))


@pytest.mark.parametrize("name, text, words", [
    ("d.yaml", "排查户数: 1\n返乡人员: 2\n排查户数: 3\n", "出现了两次"),
    ("d.json", '{"排查户数": 1, "排查户数": 2}', "出现了两次"),
    ("d.yaml", "- 排查户数\n- 返乡人员\n", "映射"),
    ("d.yaml", "排查户数: [1, 2]\n", "不能是列表或表格"),
    ("d.yaml", "排查户数: [1\n", "不是有效的 YAML"),
    ("d.json", '{"排查户数": }', "不是有效的 JSON"),
    ("d.yaml", '"居家隔离xx人，解除隔离xx人": [13]\n', "2 处占位符"),
    ("d.yaml", "# 只有注释\n", "没有数据"),
    ("d.toml", "a = 1\n", "不支持的数据文件类型"),
])
def test_bad_mappings_are_input_errors(tmp_path: Path, name: str, text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_data(write(tmp_path, name, text))


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不存在"):
        load_data(tmp_path / "nope.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError):
        load_data(tmp_path / "bin.yaml")


# ---------------------------------------------------------------- CSV
@pytest.mark.parametrize("text", [
    "字段,值\n排查户数,226\n返乡人员,35\n",
    "项目,数量\n排查户数,226\n返乡人员,35\n",
    "排查户数,226\n返乡人员,35\n",
    "排查户数,返乡人员\n226,35\n",
    "排查户数\t返乡人员\n226\t35\n",
    "\ufeff项目,数量,备注\n排查户数,226,含外来户\n返乡人员,35,\n",
])
def test_csv_shapes(tmp_path: Path, text: str) -> None:
    d = load_data(write(tmp_path, "d.csv", text))
    assert {k: v.text for k, v in d.fields.items()} == {"排查户数": "226", "返乡人员": "35"}


def test_csv_gbk_and_unit_column(tmp_path: Path) -> None:
    p = write(tmp_path, "d.csv", "项目,数量,单位\n排查户数,226,户\n发放倡议书,600,份\n", encoding="gbk")
    d = load_data(p)
    assert d.encoding == "gb18030"
    assert (d.fields["排查户数"].text, d.fields["排查户数"].unit) == ("226", "户")


@pytest.mark.parametrize("text, words", [
    ("字段,值\n排查户数,1\n排查户数,2\n", "出现了两次"),
    ("a,b,c\n1,2,3\n4,5,6\n", "3 行 3 列"),
    ("120,35\n226,40\n", "应是字段名"),
    ("120,35\n226,40\n7,8\n", "第一列应是字段名"),
    ("排查户数\n返乡人员\n", "只有一列"),
    (",,\n", "没有数据"),
])
def test_bad_tables(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_data(write(tmp_path, "d.csv", text))


# ---------------------------------------------------------------- XLSX
def test_xlsx_two_columns_with_header(tmp_path: Path) -> None:
    p = xlsx(tmp_path, [("项目", "数量"), ("排查户数", 226), ("报告日期", dt.datetime(2020, 2, 8)), ("单位名称", "新江镇")])
    d = load_data(p)
    assert d.shape == "rows" and d.header
    assert d.fields["排查户数"].text == "226"
    assert d.fields["报告日期"].kind == "date" and d.fields["报告日期"].text == "2020年2月8日"


def test_xlsx_header_over_values_and_percent(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["排查户数", "核查率"])
    ws.append([226, 0.96])
    ws["B2"].number_format = "0%"
    p = tmp_path / "d.xlsx"
    wb.save(p)
    d = load_data(p)
    assert d.shape == "columns"
    assert (d.fields["排查户数"].text, d.fields["核查率"].text) == ("226", "96%")


def test_xlsx_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="出现了两次"):
        load_data(xlsx(tmp_path, [("排查户数", 1), ("排查户数", 2), ("返乡人员", 3)]))
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="xlsx"):
        load_data(tmp_path / "bad.xlsx")


# ---------------------------------------------------------------- issue 18 item 10
def test_a_bad_value_is_named_once(tmp_path) -> None:
    from assistant.errors import InputError
    from assistant.fill.data import load_data

    p = tmp_path / "d.yaml"
    p.write_text("排查户数: !!binary aGVsbG8=\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_data(p)
    msg = str(exc.value)
    assert msg.count("排查户数") == 1 and "值无法识别" in msg


def test_yaml_keys_1_and_true_are_two_keys(tmp_path) -> None:
    from assistant.errors import InputError
    from assistant.fill.data import load_data

    p = tmp_path / "d.yaml"
    p.write_text("true: 5\n排查户数: 3\n", encoding="utf-8")
    assert set(load_data(p).fields) == {"true", "排查户数"}  # a name as written, not True
    p.write_text("1: 5\ntrue: 6\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_data(p)
    assert "出现了两次" not in str(exc.value) and "「1」是数字" in str(exc.value)
    p.write_text("true: 5\ntrue: 6\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_data(p)
    assert "字段「true」出现了两次（第 1 行和第 2 行）" in str(exc.value)


def test_more_layouts_of_a_clerks_table(tmp_path: Path) -> None:
    # written for this test: the shapes staff keep their 台账 in
    import openpyxl

    # 序号 column and a caption; a second sheet of field, value, unit rows without a header
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年春季学期安全台账", None, None, None, None])
    ws.append(["序号", "项目", "数量", "单位", "备注"])
    ws.append([1, "教学班", 36, "个", None])
    ws.append([2, "在校学生", 1642, "人", "含住校生"])
    more = wb.create_sheet("其他")
    more.append(["应急演练", 4, "次"])
    more.append(["疏散用时", 158, "秒"])
    wb.save(tmp_path / "a.xlsx")
    d = load_data(tmp_path / "a.xlsx")
    assert d.fields["在校学生"].text == "1642" and d.fields["应急演练"].text == "4" and "序号" not in d.fields
    # columns of periods: the latest one is the report's
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标", "单位", "2023年1-6月", "2024年1-6月"])
    ws.append(["门急诊人次", "人次", 198420, 213600])
    wb.save(tmp_path / "b.xlsx")
    assert load_data(tmp_path / "b.xlsx").fields["门急诊人次"].text == "213600"
    # rows of periods under a header: the latest row
    d = load_data(write(tmp_path, "c.csv", "统计期,税收收入(万元),走访企业(户)\n2023年1-6月,53200,70\n2024年1-6月,57600,85\n"))
    assert d.fields["税收收入(万元)"].text == "57600" and d.fields["走访企业(户)"].text == "85"
    # field, value, unit without a header
    d = load_data(write(tmp_path, "d.csv", "村名,杏花村,\n户籍人口,2386,人\n村民小组,11,个\n"))
    assert d.fields["户籍人口"].text == "2386" and d.fields["户籍人口"].unit == "人"
    # a record list under a key, and a table kept as 表头 + 数据
    d = load_data(write(tmp_path, "e.json", '{"社区": "桂园社区", "台账": [{"项目": "80岁及以上老年人", "数量": 412, "单位": "人"}]}'))
    assert d.fields["社区"].text == "桂园社区" and d.fields["80岁及以上老年人"].text == "412"
    d = load_data(write(tmp_path, "f.json", '{"表名": "执行工作主要指标", "表头": ["指标", "本期", "上年同期", "计量单位"],'
                                            ' "数据": [["执结案件", 3955, 3540, "件"], ["执行到位金额", 25600, 21300, "万元"]]}'))
    assert d.fields["执结案件"].text == "3955" and d.fields["执行到位金额"].text + d.fields["执行到位金额"].unit == "25600万元"


def test_a_length_in_another_unit_is_converted_exactly_or_left_to_the_writer(tmp_path: Path) -> None:
    from assistant.fill.apply import fill_text

    text = "全年新建和改造灌排渠道xx公里，修建机耕路xx公里。\n"
    out = fill_text(text, load_data(write(tmp_path, "g.yaml", "灌排渠道: 86400米\n机耕路: 12345米\n")))
    got = [p.text for p in out.placements]
    assert got[0] == "86.4"
    assert got[1] is None and "换算" in out.placements[1].reason  # 12.345 公里: the writer decides
