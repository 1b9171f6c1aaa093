"""Skeletons a person understands, for drafts of every unit type, and names that fill back.

The drafts write the unit as ``××`` + its generic word in the title and the signature
(``××学校关于20xx年上半年安全生产工作情况的汇报`` … ``××学校`` / ``20xx年x月x日``). The
skeleton must offer that as 单位名称 and the date line as 报告日期; a full name given for
单位名称 (or for 学校名称, 乡镇名称 …) replaces the whole ``××学校``; no field name holds a
placeholder mark or a clause cut in the middle; and every name filled back fills its places.
"""

from __future__ import annotations

import re

import pytest

# (generic word, a full name of such a unit, an alias field for its name) — the passage
# between title and signature is the same for all: what a draft of any unit says
UNITS = [
    ("学校", "城关镇第一小学", "学校名称"),
    ("镇", "城关镇", "乡镇名称"),
    ("村", "城关镇东关村", "村名称"),
    ("社区", "东关社区", "社区名称"),
    ("银行", "江南农商银行城关支行", "银行名称"),
    ("公司", "鑫源建材有限公司", "公司名称"),
    ("医院", "城关镇中心卫生院", "医院名称"),
    ("派出所", "城关派出所", "单位名称"),
]

BODY = """××{word}关于20xx年上半年安全生产工作情况的汇报

今年以来，××{word}坚持安全第一、预防为主，全面落实安全生产责任。
一、隐患排查。组织xx个检查组开展全覆盖检查，累计排查一般隐患xx处，已整改xx处，整改率xx%。
二、宣传培训。发放宣传资料xxxx余份，组织集中培训xx人次。
三、应急演练。x月x日至x月x日开展应急演练月活动，共组织演练xx次。

××{word}
20xx年x月x日
"""


def skeleton(text: str):
    from assistant.fill.apply import normalized
    from assistant.fill.skeleton import build_skeleton

    return build_skeleton(normalized(text, "txt").text)


@pytest.mark.parametrize("word, full, alias", UNITS)
def test_unit_and_date_are_named_as_a_person_would(word: str, full: str, alias: str) -> None:
    fields = skeleton(BODY.format(word=word))
    names = [f.name for f in fields]
    assert "单位名称" in names and "报告日期" in names
    unit = next(f for f in fields if f.name == "单位名称")
    assert len(unit.groups) == 3  # title, the body's 「××学校坚持…」 and the signature: one name
    for name in names:
        assert not re.search(r"[xX×ｘＸ*＊_＿]", name), name  # no placeholder characters
        assert not re.search(r"[，,。；;：:、]", name), name  # no clause pieces
        assert len(name) <= 16, name


@pytest.mark.parametrize("word, full, alias", UNITS)
def test_the_skeleton_filled_back_fills_every_place(word: str, full: str, alias: str) -> None:
    import yaml

    from assistant.fill.apply import fill_text
    from assistant.fill.data import load_yaml

    text = BODY.format(word=word)
    values = {}
    for n, f in enumerate(skeleton(text), start=1):
        values[f.name] = {"number": 10 + n, "date": "2024-06-1%d" % (n % 9), "time": "10:00"}.get(f.kind, full)
    values["单位名称"] = full
    result = fill_text(text, load_yaml(yaml.safe_dump(values, allow_unicode=True)), check_arithmetic=False)
    assert result.n_unfilled == 0, [(p.raw_mark, p.reason) for p in result.placements if p.text is None]
    out = result.filled
    # the full name replaces 「××学校」 whole: never 城关镇第一小学学校, never 城关镇镇
    assert out.startswith(full + "关于")
    assert out.rstrip().splitlines()[-2] == full
    assert full + word not in out or full.endswith(word) and full + word[-1] not in out.replace(full, "", 1)


@pytest.mark.parametrize("word, full, alias", UNITS)
def test_a_units_own_name_field_fills_title_and_signature(word: str, full: str, alias: str) -> None:
    from assistant.fill.apply import fill_text
    from assistant.fill.data import load_yaml

    text = BODY.format(word=word)
    result = fill_text(text, load_yaml(f"{alias}: {full}\n报告日期: 2024-07-05\n"))
    lines = result.filled.rstrip().splitlines()
    assert lines[0].startswith(full + "关于20") and lines[-2] == full and lines[-1] == "2024年7月5日"


def test_a_name_that_already_ends_with_the_word_has_it_once() -> None:
    from assistant.fill.apply import fill_text
    from assistant.fill.data import load_yaml

    text = BODY.format(word="学校")
    out = fill_text(text, load_yaml("单位名称: 城关镇第一学校\n")).filled
    assert out.startswith("城关镇第一学校关于") and "学校学校" not in out
    out = fill_text(BODY.format(word="村"), load_yaml("单位名称: 东关村\n")).filled
    assert out.startswith("东关村关于") and "村村" not in out


@pytest.mark.parametrize("unit", ["school", "town", "village", "bank", "enterprise"])
def test_the_drafts_skeletons_name_fields_as_a_person_would(unit: str) -> None:
    """The drafts of five unit types: 单位名称 and 报告日期 are there, and no name holds a
    placeholder mark, punctuation, a list's 等 or a clause cut short (a name ends with what it
    counts or names: …数, …人次, …（万元）, …日期, …名称)."""
    from test_draft import draft_for, text_of

    text = text_of(draft_for(unit))
    names = [f.name for f in skeleton(text)]
    assert "单位名称" in names and "报告日期" in names, names
    for name in names:
        assert not re.search(r"[xX×ｘＸ*＊_＿，,。；;：:、等]", name), name
        assert re.search(r"(数|人次|车次|剂次|台次|家次|场次|（[^）]*）|率|比例|日期|时间|名称|名|年份|天数|合计|金额)$", name) \
            or re.search(r"(数|名称|日期)（第\d+处）$", name), name
