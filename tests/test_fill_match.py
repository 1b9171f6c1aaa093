"""The matcher's rules, each on a real report sentence: fill only what is sure."""

from __future__ import annotations

from assistant.fill.apply import fill_text
from assistant.fill.data import load_yaml


def fill(report: str, data: str) -> list[tuple[str | None, str]]:
    """(replacement or None, reason) per placeholder."""
    result = fill_text(report, load_yaml(data))
    return [(p.text, p.reason) for p in result.placements]


RETURNEES = "截止目前，我镇深入排查湖北返乡人员共计xx名，其中疫区武汉返乡人员xx名，湖北其他市区返乡人员xx名。\n"


def test_totals_and_parts_each_get_their_own_field() -> None:
    got = fill(RETURNEES, "返乡人员总数: 86\n武汉返乡人员: 31\n湖北其他地区返乡人员: 55\n")
    assert [t for t, _ in got] == ["86", "31", "55"]


def test_a_generic_field_does_not_fill_a_sub_category() -> None:
    """Without a field for 其他市区, the total must not land there (nor the Wuhan figure)."""
    got = fill(RETURNEES, "返乡人员总数: 86\n武汉返乡人员: 31\n")
    assert [t for t, _ in got] == ["86", "31", None]


def test_a_date_never_fills_a_count_and_a_number_never_fills_a_name() -> None:
    report = "XX县医院作为定点救治医院，医院床位总数xx张。\n"
    got = fill(report, "县名: 400\n医院床位总数: 2020-02-09\n")
    assert [t for t, _ in got] == [None, None]
    assert [t for t, _ in fill(report, "县名: 翁源县\n医院床位总数: 400\n")] == ["翁源", "400"]


def test_measure_words_must_agree() -> None:
    report = "组成××个排查组对全村××户开展地毯式排查并建立排查档案。\n"
    got = fill(report, "排查组数: 3\n排查户数: 226\n排查人数: 800\n")
    assert [t for t, _ in got] == ["3", "226"]


def test_a_count_never_fills_a_percentage() -> None:
    report = "截至2月_日，已登记实有人口_人，完成实有人口核查_%。\n"
    got = fill(report, "登记实有人口: 25310\n截止日期: 2020-02-15\n")
    assert [t for t, _ in got] == ["15", "25310", None]
    got = fill(report, "登记实有人口: 25310\n实有人口核查率: 96%\n截止日期: 2020-02-15\n")
    assert [t for t, _ in got] == ["15", "25310", "96"]


def test_date_parts_and_written_out_parts() -> None:
    report = "截至2月_日，共核查市局推送人员_名。\n××中学\n2020年×月×日\n"
    got = fill(report, "统计截止日期: 2020-02-10\n核查推送人员: 356\n报告日期: 2020-02-20\n学校名称: 城关中学\n")
    assert [t for t, _ in got] == ["10", "356", "城关", "2", "20"]
    # a date that contradicts the month written in the report is not used
    got = fill(report, "统计截止日期: 2020-03-10\n")
    assert got[0][0] is None and "不一致" in got[0][1]


def test_ten_thousands_must_be_said() -> None:
    report = "社区现住居民xx余户，人口xx万人。\n"
    assert [t for t, _ in fill(report, "社区居民户数: 5500\n社区人口（万人）: 3.4\n")] == ["5500", "3.4"]
    assert [t for t, _ in fill(report, "社区居民户数: 5500\n社区人口: 3.4万\n")] == ["5500", "3.4"]
    # a figure in the field's own unit is converted when exact (53600 辆次 → 5.36万辆次) …
    assert [t for t, _ in fill(report, "社区居民户数: 5500\n社区人口: 34000\n")] == ["5500", "3.4"]
    # … and left to the user, with the exact figure, when it would need rounding
    got = fill(report, "社区居民户数: 5500\n社区人口: 34567\n")
    assert got[1][0] is None and "3.4567万" in got[1][1] and "小数" in got[1][1]


def test_ambiguity_is_reported_with_both_fields() -> None:
    report = "目前城区范围内挂冷库制度公示牌xx家。\n"
    got = fill(report, "冷库数量: 32\n挂牌冷库: 10\n")
    assert got[0][0] is None and "「冷库数量」" in got[0][1] and "「挂牌冷库」" in got[0][1]
    # two fields with the same value are no ambiguity
    got = fill("经排查，居家隔离××人。\n", "居家隔离人数: 13\n隔离人数: 13\n")
    assert got[0][0] == "13"


def test_one_field_fills_several_places_when_contexts_agree() -> None:
    report = ("全镇共排查湖北返乡人员xx名。\n"
              "二、全面排查。截止目前，我镇深入排查湖北返乡人员共计xx名，均已登记造册。\n")
    assert [t for t, _ in fill(report, "湖北返乡人员: 86\n")] == ["86", "86"]


def test_a_field_is_not_spread_over_places_that_say_different_things() -> None:
    report = "排查全县冷库xx家，并分类做好相关台账；目前城区范围内挂冷库制度公示牌xx家。\n"
    got = fill(report, "冷库数量: 32\n")
    assert got[0][0] is None and got[1][0] is None  # both places fit about as well
    assert "字段「冷库数量」放在这里和第 1 行「围内挂冷库制度公示牌xx家」都说得通" in got[0][1]
    assert "字段「冷库数量」放在这里和第 1 行「排查全县冷库xx家」都说得通" in got[1][1]
    # with the field of the other place in the data, each place is clear
    got = fill(report, "冷库数量: 32\n挂牌冷库: 10\n")
    assert [t for t, _ in got] == ["32", "10"]


def test_the_counted_thing_after_de_must_be_named() -> None:
    report = "正式员工**人（不包括市行借调等人员），有*位正式员工的家属黄码。\n"
    assert [t for t, _ in fill(report, "正式员工人数: 15\n")] == ["15", None]


def test_explicit_marks_and_pins_beat_inference() -> None:
    report = "组成{{ 排查组数 }}个排查组对全村{{排查户数}}户开展排查。经排查，居家隔离xx人，解除隔离xx人。\n"
    data = '排查组数: 3\n排查户数: 226\n"居家隔离xx人，解除隔离xx人": [13, 8]\n居家隔离人数: 99\n'
    assert [t for t, _ in fill(report, data)] == ["3", "226", "13", "8"]
    got = fill(report, "排查组数: 3\n")
    assert got[1] == (None, "数据中没有字段「排查户数」")


def test_a_pin_with_one_date_fills_every_part() -> None:
    report = "截至*月*日*时，全市累计到位疫苗*剂次。\n"
    data = '"截至xx月xx日xx时": 2021-06-08 17:00\n到位疫苗剂次: 1362000\n'
    assert [t for t, _ in fill(report, data)] == ["6", "8", "17", "1362000"]


def test_unused_pins_and_fields_are_reported() -> None:
    result = fill_text("共排查xx户。\n", load_yaml('"共走访xx户": 12\n排查户数: 226\n值班人数: 12\n'))
    assert [p.text for p in result.placements] == ["226"]
    assert result.unused_pins == ["共走访xx户"] and result.unused_fields == ["值班人数"]


def test_empty_values_say_so() -> None:
    got = fill("共排查xx户。\n", "排查户数:\n")
    assert got == [(None, "字段「排查户数」还没有值")]


def test_unit_fields_add_labels_and_measures() -> None:
    from assistant.units import get_unit

    report = "组成××个排查组对全村××户开展地毯式排查。\n"
    data = load_yaml("households: 226\nteams: 3\n")  # the unit's own field names, no Chinese at all
    assert [p.text for p in fill_text(report, data).placements] == [None, None]
    assert [p.text for p in fill_text(report, data, unit=get_unit("village")).placements] == ["3", "226"]


def test_data_that_breaks_the_texts_arithmetic_is_not_filled() -> None:
    """共计380人 in the text, 23 + 145 + 213 in the data: the parts stay open, with the sum."""
    report = "其中武汉返回xx人，省内其他地区返回xx人，省外返回xx人，共计380人。\n"
    ok = fill(report, "武汉返回人数: 23\n省内其他返回人数: 145\n省外返回人数: 212\n")
    assert [t for t, _ in ok] == ["23", "145", "212"]
    bad = fill(report, "武汉返回人数: 23\n省内其他返回人数: 145\n省外返回人数: 213\n")
    assert [t for t, _ in bad] == [None, None, None]
    assert all("对不上" in why and "381人" in why and "380人" in why for _, why in bad)
    # a rate the data's own figures contradict
    # a rate the data's own figures contradict: the rate (what the author derives) stays open
    rate = fill("排查隐患xx处，整改xx处，整改率xx%。\n", "隐患数: 120\n已整改隐患: 96\n整改率: 85%\n")
    assert [t for t, _ in rate] == ["120", "96", None] and "96÷120 是 80%" in rate[2][1]
    total = fill("共立案xx起，其中一般程序xx起、简易程序xx起。\n", "立案总数: 62\n一般程序: 41\n简易程序: 17\n")
    assert [t for t, _ in total] == [None, "41", "17"] and "58起" in total[0][1]


def test_a_negative_figure_is_never_written_into_a_count() -> None:
    got = fill("共排查xx户。\n", "排查户数: -12\n")
    assert got[0][0] is None and "负数" in got[0][1] and "-12" in got[0][1]
