"""One slip in a numbered list is one finding: the heading after a repeated number, and the
item pasted twice, are not findings of their own."""

from __future__ import annotations

import pytest

from assistant.check import check_text


def _numbering(text: str) -> list[str]:
    return [f.text for f in check_text(text, "txt") if f.rule == "numbering"]


def test_a_repeated_number_is_the_slip_and_the_next_one_follows_it() -> None:
    text = "（一）健全制度。\n（二）开展辨识。\n（二）配齐装备。\n（四）强化演练。\n"
    assert _numbering(text) == ["（二）"]
    # a real skip is still a skip
    assert _numbering("（一）甲项工作。\n（二）乙项工作。\n（四）丙项工作。\n") == ["（四）"]


def test_an_item_pasted_twice_is_left_to_the_duplicate_rule() -> None:
    text = "一是人员流动大，随访难以按时完成。二是群众对服务项目的知晓率还不高。二是群众对服务项目的知晓率还不高。三是经费不足。\n"
    found = check_text(text, "txt")
    assert [f.rule for f in found if f.rule in ("numbering", "duplicate-sentence")] == ["duplicate-sentence"]
    # a number said twice over different items is a numbering slip, and so is a short item
    # pasted twice (too short for the duplicate rule)
    assert _numbering("一是人员流动大。二是宣传不够深入。二是经费不足。\n") == ["二是"]
    assert _numbering("一是人员流动大。二是宣传不够。二是宣传不够。三是经费不足。\n") == ["二是"]


def test_pinyin_of_a_whole_word_is_a_gloss() -> None:
    found = [f.text for f in check_text("统筹（tǒng chóu）推进，防止压疮（yā chuāng），歌舞厅(KTV)。\n", "txt")
             if f.rule == "pinyin-gloss"]
    assert found == ["（tǒng chóu）", "（yā chuāng）"]


def test_wrapped_headings_are_numbered_too() -> None:
    """**一、…** in Markdown, 【二、…】: the number inside counts, and (一) under it is in place."""
    text = "**一、工作回顾**\n（一）经济运行平稳。\n**二、下步打算**\n（一）稳增长。\n**四、结语**\n"
    found = check_text(text, "md")
    assert [(f.rule, f.text) for f in found if f.rule == "numbering"] == [("numbering", "四、")]


def test_a_year_after_an_item_number_is_no_decimal() -> None:
    assert _numbering("32.五线五箱：电信、移动线缆。\n33.2025年建设的3座水库。\n34.飞地园区：合作共建。\n") == []


@pytest.mark.parametrize("text, flagged", [
    # items numbered inside one paragraph (validation15): a repeated or a skipped number
    ("（一）开设安全课程。各班每周一节安全课。（二）开展应急演练。组织疏散演练4次。（二）推进家校共育。向家长宣传安全知识。", "（二）"),
    ("（1）完善设施配置。更换灭火器120具。（2）加强值守。落实24小时值班。（4）开展演练。组织演练3次。", "（4）"),
    # in order, or a new list that starts again at 1
    ("（一）开设安全课程。各班每周一节安全课。（二）开展应急演练。组织疏散演练4次。（三）推进家校共育。", None),
    ("（1）更换灭火器。（2）落实值班。二是加强培训。（1）组织演练。（2）开展评估。", None),
    # a reference to a clause is no item: it does not follow a sentence's end
    ("依据《条例》第十条第（三）项和第（五）项的规定，责令整改。", None),
])
def test_inline_items(text: str, flagged) -> None:
    from assistant.check import check_text

    found = [f for f in check_text(text + "\n", "txt") if f.rule == "numbering"]
    assert [f.text for f in found] == ([flagged] if flagged else []), [(f.text, f.message) for f in found]


@pytest.mark.parametrize("text, flagged", [
    # 第一，…… 第二，…… at the start of paragraphs (validation18): a skipped one
    ("一、主要做法\n第一，加强组织领导。\n第二，强化排查。\n第四，推进乡风文明。\n", "第四，"),
    # in order; restarting under a new part; a list of numbers in running text
    ("一、主要做法\n第一，加强组织领导。\n第二，强化排查。\n二、存在问题\n第一，人手不足。\n第二，资金短缺。\n", None),
    ("第一、二、三产业增加值分别增长3%、5%、6%。\n第一、二、三产业协调发展。\n", None),
])
def test_ordinal_paragraphs(text: str, flagged) -> None:
    found = [f for f in check_text(text, "txt") if f.rule == "numbering"]
    assert [f.text for f in found] == ([flagged] if flagged else []), [(f.text, f.message) for f in found]
