"""--like on a report whose body goes on after its plans (a 政府工作报告 ends with 政府自身建设),
and whose sections belong to another topic's kinds: the draft tells what was done, then what is
wrong, then what comes next, under headings a reader understands."""

from __future__ import annotations

import re
from pathlib import Path

LIKE = """---
title: 青川县人民政府2025年工作报告
---
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、2025年工作回顾
（一）项目建设扎实推进。全年实施重点项目56个，完成投资42亿元，新签约招商引资项目18个。
（二）民生实事全面完成。新建保障性住房300套，改造老旧小区12个，城乡居民收入稳步增长。
二、2026年工作安排
（一）抓项目稳增长。谋划储备重点项目60个以上，全力推进在建项目早日竣工投产。
（二）办好民生实事。持续改善城乡人居环境，办好群众急难愁盼的民生实事。
三、加强政府自身建设
坚持依法行政，自觉接受人大监督和政协民主监督，持之以恒正风肃纪。
"""


def test_body_after_the_plans_moves_before_them_and_headings_are_words(cli, tmp_path: Path) -> None:
    like = tmp_path / "报告.md"
    like.write_text(LIKE, encoding="utf-8")
    out = tmp_path / "初稿.txt"
    r = cli("draft", "--unit", "county", "--like", str(like), "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "年度工作总结" in r.output or "工作总结" in text.splitlines()[0]  # the like's title names the topic
    heads = [ln for ln in text.splitlines() if re.match(r"^(?:[一二三四五六七八九十]、|（[一二三四五六七八九十]+）)", ln)]
    tops = [h for h in heads if re.match(r"^[一二三四五六七八九十]、", h)]
    # no body part after 存在的问题 / 下一步
    plans_at = next(k for k, h in enumerate(tops) if "下一步" in h or "打算" in h)
    assert plans_at == len(tops) - 1, tops
    # no kind id for a heading
    assert not any(re.search(r"[a-z_]{4,}", h) for h in heads), heads


COMMUNITY_LIKE = """××社区2026年上半年信访维稳工作情况汇报
今年以来，社区坚持和发展新时代“枫桥经验”，信访维稳形势总体平稳。现将有关情况汇报如下：
一、工作开展情况
（一）健全工作机制。社区成立信访维稳工作领导小组，书记任组长，每月召开一次研判会。
（二）扎实开展排查化解。网格员每周入户走访，排查矛盾纠纷，逐件登记、限时化解。
（三）及时处理群众诉求。对居民来访和12345工单实行登记、办理、回访闭环管理，做到件件有回音。
二、存在的问题
调解员专业能力不足，部分物业纠纷反复出现。
三、下一步工作打算
深化网格化服务管理，推动矛盾纠纷就地化解。
"""


def test_a_section_without_material_keeps_the_source_heading(cli, tmp_path: Path) -> None:
    like = tmp_path / "社区.txt"
    like.write_text(COMMUNITY_LIKE, encoding="utf-8")
    r = cli("draft", "--unit", "community", "--like", str(like), "-o", "-", "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    sections = json.loads(r.stdout)["sections"]
    empty = [s for s in sections if s.get("tier") == "none" and s.get("role") == "section"]
    for s in empty:  # the source's words, not the name of a kind (业务运行, 信访事项办理)
        assert s["heading"] in COMMUNITY_LIKE, s


VILLAGE_LIKE = """××村2026年上半年人居环境整治和乡村振兴工作情况汇报
今年以来，我村以人居环境整治为抓手，推进乡村振兴各项工作。现将有关情况汇报如下：
一、人居环境整治扎实推进
（一）集中清理“三堆”。组织党员群众清理房前屋后的柴草堆、粪土堆、垃圾堆。
（二）推进户厕改造。完成户用卫生厕所改造，粪污实现无害化处理。
（三）完善长效管护。聘请保洁员，落实“门前三包”责任。
二、乡村产业稳步发展
发展特色种植，带动群众增收，村集体经济收入稳步增长。
三、乡村治理持续加强
修订村规民约，开展“美丽庭院”评比，乡风文明持续向好。
四、存在的不足和下一步打算
村集体经济来源单一。下一步，我村将巩固整治成果，壮大集体经济。
"""


def test_the_sources_other_work_sections_join_its_generic_part(cli, tmp_path: Path) -> None:
    """Once the part 一、人居环境整治扎实推进 is written as 主要工作开展情况, the source's 二、 and 三、
    are items of the same work, under it — and no item repeats another's subject."""
    like = tmp_path / "村.txt"
    like.write_text(VILLAGE_LIKE, encoding="utf-8")
    r = cli("draft", "--unit", "village", "--like", str(like), "-o", "-")
    assert r.exit_code == 0, r.output
    tops = [ln for ln in r.stdout.splitlines() if re.match(r"^[一二三四五六七八九十]、", ln)]
    assert len(tops) == 3 and "存在" in tops[1] and "下一步" in tops[2], tops
