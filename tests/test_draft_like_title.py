"""--like takes the source report's subject and period for the draft's title (和平路社区燃气及消防安全
专项整治工作情况报告 → ××社区燃气及消防安全专项整治工作情况报告), its unit's name as a placeholder of the
same kind (××卫生院, not ××医院), and says the draft's sentences of that period (a year's material in a
half year's report: 全年 → 上半年 in what was done, 明年 → 下半年 in what comes next)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.draft.compose import title_like
from assistant.units import get_unit


@pytest.mark.parametrize("source, unit, expected", [
    ("和平路社区燃气及消防安全专项整治工作情况报告", "community", ("××社区", "××社区燃气及消防安全专项整治工作情况报告")),
    ("青山镇中心卫生院2026年上半年工作总结", "health", ("××卫生院", "××卫生院20xx年上半年工作总结")),
    ("柳塘村乡村振兴工作总结", "village", ("××村", "××村乡村振兴工作总结")),  # 乡 of 乡村 ends no name
    ("城南街道办事处文明城市创建工作汇报", "town", ("××街道", "××街道办事处文明城市创建工作汇报")),
    ("云溪农商银行城关支行反诈工作情况汇报", "bank", ("××支行", "××支行反诈工作情况汇报")),
    ("关于2025年防汛工作的汇报", "town", ("××镇", "××镇关于20xx年防汛工作的汇报")),  # no name: the unit's mark
    ("江口镇2025年工作总结和2026年工作思路", "town", ("××镇", "××镇20xx年工作总结和20xx年工作思路")),
    # the source's unit is not the draft's: the title is the topic's, not the source's
    ("和平路社区燃气及消防安全专项整治工作情况报告", "school", None),
    # no unit's name before the subject words: nothing to take the place of
    ("有限空间作业安全管理工作总结", "enterprise", None),
    ("", "town", None),
])
def test_title_like(source: str, unit: str, expected) -> None:
    assert title_like(source, get_unit(unit)) == expected


HALF_YEAR = """青山镇中心卫生院2026年上半年工作总结
今年以来，我院在县卫生健康局的领导下，围绕基本医疗和基本公共卫生服务，各项工作稳步推进。现将上半年工作总结如下：
一、主要业务指标完成情况
上半年完成门诊诊疗18640人次，住院病人412人次，业务收入较上年同期增长6.2%。
二、重点工作开展情况
（一）强化管理责任。院长负总责，每月召开一次院务会，研究解决医疗质量和安全问题。
（二）做实公共卫生服务。规范管理高血压患者1320人、糖尿病患者486人，65岁以上老年人体检2105人。
（三）开展安全隐患排查。对门诊楼、住院部和药房开展消防安全检查，整改隐患9处。
三、存在的问题
专业技术人员不足，村卫生室服务能力不强。
四、下半年工作打算
（一）继续做实家庭医生签约服务。
（二）加强人才培养，选派骨干到县医院进修。
青山镇中心卫生院
2026年7月5日
"""


def test_a_half_year_source_gives_a_half_year_draft(cli, tmp_path: Path) -> None:
    like = tmp_path / "卫生院.txt"
    like.write_text(HALF_YEAR, encoding="utf-8")
    r = cli("draft", "--unit", "health", "--like", str(like), "-o", "-", "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    d = json.loads(r.stdout)
    assert d["title"] == "××卫生院20xx年上半年工作总结"
    assert d["signer"] == "××卫生院"
    done = [p for s in d["sections"] if s["role"] in ("opening", "section") and s["core"] != "next_steps"
            for p in s["paragraphs"]]
    assert done
    # what was done is the half year's: no 全年 of a year's material (a year's target may stay)
    assert not [p for p in done if re.search(r"全年(?!(各项)?(目标|任务|计划|指标))", p)], done
    plans = [p for s in d["sections"] if s["core"] == "next_steps" or s["role"] == "closing" for p in s["paragraphs"]]
    assert not [p for p in plans if "明年" in p or "新的一年" in p], plans


def test_a_health_centre_is_not_drafted_as_a_county_hospital(cli, tmp_path: Path) -> None:
    """The 卫生健康 material of a year is a county hospital's: a 卫生院's draft leaves out what a
    卫生院 never says of itself (unit.toml [[variants]])."""
    from assistant.units import get_unit

    like = tmp_path / "卫生院.txt"
    like.write_text(HALF_YEAR, encoding="utf-8")
    r = cli("draft", "--unit", "health", "--like", str(like), "-o", "-")
    assert r.exit_code == 0, r.output
    variant = get_unit("health").variant_for("青山镇中心卫生院")
    assert variant is not None and variant.name == "卫生院"
    said = [w for w in variant.not_said if w in r.stdout]
    assert not said, said
    # the same material for a county hospital keeps them
    hospital = HALF_YEAR.replace("青山镇中心卫生院", "青山县人民医院")
    like.write_text(hospital, encoding="utf-8")
    r = cli("draft", "--unit", "health", "--like", str(like), "-o", "-")
    assert r.exit_code == 0 and [w for w in variant.not_said if w in r.stdout], r.stdout


def test_variants_are_checked_as_plugin_data() -> None:
    from assistant.units.model import UnitDataError, unit_from_data

    base = {"name": "clinic", "label": "诊所"}
    u = unit_from_data({**base, "variants": [{"name": "村卫生室", "names": ["卫生室"], "not_said": ["手术"]}]})
    assert u.variant_for("柳塘村卫生室").not_said == ("手术",) and u.variant_for("青山诊所") is None
    for bad in ([{"name": "x", "names": [], "not_said": ["手术"]}], [{"name": "x", "names": ["a"], "other": 1}], "x"):
        with pytest.raises(UnitDataError):
            unit_from_data({**base, "variants": bad})


POLICE_HALF = """白沙派出所2026年上半年工作总结及下半年工作计划
今年以来，我所在县公安局党委的领导下，坚持打防并举，辖区治安形势平稳。现将上半年工作总结如下：
一、上半年主要工作
（一）深化治安防控。落实街面巡逻，在学校周边设置护学岗4个，上半年出动巡逻警力860人次。
（二）从严建设队伍。坚持党建统领，组织民警辅警业务培训12场次。
二、存在的问题
警力不足，农村地区视频监控覆盖不全。
三、下半年工作计划
继续加强巡逻防控，做实矛盾纠纷排查化解。
"""


def test_a_police_station_speaks_as_itself(cli, tmp_path: Path) -> None:
    """The 公安 material of a year is a county bureau's: a 派出所's draft says 我所 and leaves
    out what only the bureau over all its stations says (全县公安机关, 各派出所)."""
    like = tmp_path / "派出所.txt"
    like.write_text(POLICE_HALF, encoding="utf-8")
    r = cli("draft", "--unit", "police", "--like", str(like), "-o", "-")
    assert r.exit_code == 0, r.output
    assert "我所" in r.stdout and "我局" not in r.stdout
    assert not [w for w in ("全县公安机关", "各派出所", "部分派出所", "全局") if w in r.stdout]


def test_basics_before_the_work_are_the_opening_and_an_emptied_opening_says_so(cli, tmp_path: Path) -> None:
    like = tmp_path / "村.txt"
    like.write_text("桃坞村和美乡村建设工作汇报\n一、基本情况\n全村耕地2130亩，户籍人口1862人。\n二、主要做法\n"
                    "（一）抓班子、建机制。成立工作专班，制定三年行动方案。\n（二）抓整治、美村容。开展村庄清洁行动，拆除残垣断壁37处。\n"
                    "三、存在问题\n项目资金缺口较大。\n四、下步打算\n继续推进人居环境整治。\n", encoding="utf-8")
    r = cli("draft", "--unit", "village", "--like", str(like), "-o", "-")
    assert r.exit_code == 0, r.output
    tops = [ln for ln in r.stdout.splitlines() if re.match(r"^[一二三四五六七八九十]、", ln)]
    assert "基本情况" not in " ".join(tops) and "做法" in tops[0], tops
    # a 卫生院's opening taken from a county hospital's is left out whole: the writer is told
    like = tmp_path / "卫生院.txt"
    like.write_text(HALF_YEAR, encoding="utf-8")
    r = cli("draft", "--unit", "health", "--like", str(like), "-o", "-")
    opening = r.stdout.splitlines()[2]
    assert not re.fullmatch(r"现将.{0,12}如下[：:]", opening), opening


def test_a_like_reports_sections_take_the_drafts_topics_kinds(cli, tmp_path: Path) -> None:
    """A 乡镇's 地质灾害防治 report: its 拉网排查 is the flood topic's 地质灾害防治 (read before the
    topic was known, it was another topic's 风险排查), so the draft has that section's material."""
    like = tmp_path / "地灾.txt"
    like.write_text("云岫镇2026年汛期地质灾害防治工作情况汇报\n今年入汛以来，我镇降雨偏多，现将有关情况汇报如下。\n"
                    "一、健全责任体系，织密群测群防网络\n镇里调整了地质灾害防治工作领导小组，落实隐患点包保责任。\n"
                    "二、开展拉网排查，动态更新隐患台账\n汛前组织三轮拉网式排查，新发现地质灾害隐患点2处，监测员每日巡查。\n"
                    "三、果断转移避险，确保群众生命安全\n强降雨期间提前转移受威胁群众136人。\n"
                    "四、存在的问题\n部分隐患点监测设备老化。\n五、下一步工作打算\n继续加密巡查，确保群众生命安全。\n",
                    encoding="utf-8")
    r = cli("draft", "--unit", "town", "--like", str(like), "-o", "-")
    assert r.exit_code == 0, r.output
    assert "地质灾害防治" in r.stdout and "群测群防" in r.stdout, r.stdout
