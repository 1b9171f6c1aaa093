"""The outline parser on normalised text: numbering styles, nesting, headings that run on,
the opening and the closing, and line numbers of the text as written."""

from __future__ import annotations

import pytest

from assistant import outline
from assistant.textmap import MappedText

REPORT = """关于新冠肺炎疫情防控工作的情况汇报
各位领导：
接到县委通知后，我镇高度重视，现将工作开展情况汇报如下：
一、加强领导。接到通知后，我镇立即成立领导小组。
（一）成立专班。由镇长任组长。
（二）压实责任。
驻村干部实行包村责任。
二、强化宣传引导
1、发放倡议书xx份。
2.出动宣传车xx辆次。
（1）广播宣传。
三、存在问题
一是群众防范意识不强。二是物资紧缺。
四、下步打算
第一，持续加大排查力度。
第二，加强物资储备。
总之，我们将继续做好疫情防控工作。
××镇人民政府
2020年2月5日
"""


def parse(text: str) -> outline.Outline:
    return outline.parse(MappedText(text))


def test_title_opening_sections_closing() -> None:
    o = parse(REPORT)
    assert o.title == "关于新冠肺炎疫情防控工作的情况汇报"
    roles = [s.role for s in o.sections]
    assert roles == ["opening", "section", "section", "section", "section", "closing"]
    top = [(s.number, s.heading) for s in o.sections if s.role == "section"]
    assert top == [("一、", "加强领导"), ("二、", "强化宣传引导"), ("三、", "存在问题"), ("四、", "下步打算")]
    assert o.sections[0].paragraphs[0] == "各位领导："
    assert o.sections[-1].paragraphs == ["总之，我们将继续做好疫情防控工作。", "××镇人民政府", "2020年2月5日"]


def test_nesting_and_styles() -> None:
    o = parse(REPORT)
    first = o.sections[1]
    assert [(c.number, c.heading, c.level) for c in first.children] == [("（一）", "成立专班", 2), ("（二）", "压实责任", 2)]
    assert first.paragraphs == ["接到通知后，我镇立即成立领导小组。"]
    second = o.sections[2]
    assert [(c.number, c.heading) for c in second.children] == [("1、", "发放倡议书xx份"), ("2.", "出动宣传车xx辆次")]
    assert [(c.number, c.heading, c.level) for c in second.children[1].children] == [("（1）", "广播宣传", 3)]
    fourth = o.sections[4]
    assert [(c.number, c.heading) for c in fourth.children] == [("第一，", "持续加大排查力度"), ("第二，", "加强物资储备")]


def test_major_style_returns_to_top_level() -> None:
    text = "（一）组织领导\n1、成立小组\n2、制定方案\n（二）宣传\n二、下步工作打算\n1、继续执行\n"
    o = parse(text)
    assert [(s.number, s.level) for s in o.sections] == [("（一）", 1), ("（二）", 1), ("二、", 1)]
    assert [c.number for c in o.sections[0].children] == ["1、", "2、"]


def test_not_headings() -> None:
    for line in ["1.5万人次已接种。", "2020年2月5日召开会议。", "3-5天内完成。", "一、二月份人员流动大。",
                 "10%的群众", "（注：数据截至目前）"]:
        assert outline.match_heading(line) is None, line


def test_long_first_sentence_heading_is_cut_at_clause() -> None:
    h = outline.match_heading("一是逐家逐户向村民发放《致xx市人民的倡议书》，共xxx份，确保做到全覆盖，不漏一户。")
    assert h is not None and h.style == "shi"
    assert h.heading == "逐家逐户向村民发放《致xx市人民的倡议书》"


def test_line_numbers_refer_to_raw_text() -> None:
    raw = "汇报\n\n\n第 1 页 共 7 页\n一、加强领导\n正文。\n\n二、强化宣传\n正文。\n"
    m = MappedText(raw).keep_lines(lambda l: "页" not in l and l.strip() != "")
    o = outline.parse(m)
    assert [(s.heading, s.line) for s in o.sections] == [("加强领导", 5), ("强化宣传", 8)]


def test_sections_for_classification_split_broad_containers() -> None:
    text = ("一、工作开展情况\n一是严把外防输入关口。内容。\n二是严把监测预警关口。内容。\n"
            "二、存在问题\n1、防护物资不足。\n2、人员不足。\n3、宣传不够。\n三、下步打算\n继续努力。\n")
    secs = outline.sections(parse(text))
    assert [s.heading for s in secs] == ["严把外防输入关口", "严把监测预警关口", "存在问题", "下步打算"]
    assert "人员不足" in secs[2].text


def test_report_without_numbered_headings_is_split_by_paragraph() -> None:
    text = ("市纪委：\n收到文件后，我局高度重视，现将有关情况报告如下。\n"
            "加强组织领导，部署防控工作全天候。自1月25日起，全镇干部取消休假。\n"
            "该镇组织印发了《致全镇居民的一封信》，发放宣传资料xx份，做到家喻户晓。\n"
            "加强保障工作。该镇不断强化后勤保障。\n")
    o = parse(text)
    assert [s.role for s in o.sections] == ["opening", "section", "section", "section"]
    assert o.sections[0].paragraphs == ["市纪委：", "收到文件后，我局高度重视，现将有关情况报告如下。"]
    assert [s.heading for s in o.sections[1:]] == ["加强组织领导，部署防控工作全天候", None, "加强保障工作"]
    assert [s.line for s in o.sections[1:]] == [3, 4, 5]


def test_exact_headings_of_every_shipped_report() -> None:
    """Every numbered heading of the 33 seed reports, with its level, as read and checked by a
    person against the source (tests/data/outline_headings.json; where the web source lost a
    parent heading, e.g. 002-32's 一、, the report has none either)."""
    import json
    from pathlib import Path

    from assistant import paths
    from assistant.corpus import store

    expected = json.loads((Path(__file__).parent / "data" / "outline_headings.json").read_text(encoding="utf-8"))
    got = {}
    for d in store.iter_docs([paths.shipped("corpus")]):
        o = outline.parse(MappedText(d.body), title_hint=d.title)
        got[d.id] = [[n.level, n.number, n.heading] for n in o.walk() if n.role == "section" and n.number]
    assert got == expected
    assert expected["004-01"][:3] == [[1, "一、", "工作开展情况"], [2, "一是", "严把外防输入关口"],
                                      [2, "二是", "严把监测预警关口"]]


def test_outline_cli_of_a_corpus_file_and_of_paragraphs(cli, tmp_path) -> None:
    """`assist outline` on a corpus file skips its front matter (its sections are those the
    corpus labels), and a section without number or heading shows its first words."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "corpus" / "reports" / "002-04.txt"
    r = cli("outline", str(src), "--no-kinds")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "主题：疫情防控"  # the topic the report is about
    lines = lines[1:]
    assert lines[0].startswith("［开头］ 第13–")  # line 13 of the file: after its header
    assert len(lines) == 3 and all("None" not in ln and "［段落］在集团党委" in lines[1] for ln in lines)


def test_output_cut_short_by_the_reader_is_not_an_error(tmp_path) -> None:
    """`assist outline … | head -1`: the reader closing the pipe ends the command quietly
    (no '内部错误' line, exit 0), as check's fast path does."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    big = tmp_path / "big.txt"
    big.write_text("".join(f"{i}.加强第{i}项防控管理工作。具体内容如下。\n" for i in range(1, 4001)), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "outline", str(big), "--no-kinds"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and "错误" not in err, err


# A long report in the shape of a 政府工作报告, written for these tests: unnumbered part
# headings, a year after 一、, a problems paragraph closing the review part.
GOV_SHAPE = """\
各位代表：
现在，我代表市人民政府向大会报告工作，请予审议。
20xx年工作回顾
过去一年，我们坚持稳中求进，全市经济运行总体平稳。
（一）稳住经济大盘。地区生产总值增长x%，固定资产投资增长x%。
（二）办好民生实事。新增城镇就业x万人，改造老旧小区x个。
（三）守住安全底线。排查整治隐患x处，未发生较大事故。
同时，我们也清醒地看到，工作中还存在一些困难和问题：产业结构偏重，财政收支矛盾突出。我们将采取有力措施加以解决。
20xx年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长x%左右。
（一）全力扩大有效投资。谋划实施重大项目x个。
（二）持续改善人居环境。推进城市更新，整治背街小巷。
（三）织密民生保障网。做好重点群体就业。
全面加强政府自身建设
坚持依法行政，自觉接受监督。
各位代表！让我们团结一心，奋力谱写新篇章！
"""


def test_part_headings_of_a_long_report_and_its_problems_paragraph() -> None:
    """Unnumbered part headings (20xx年工作回顾 / 工作安排 / 加强政府自身建设) are the top
    level, the numbered items nest under them; the paragraph that turns to problems at the
    end of the review part is a section of its own; each item knows what its part says."""
    o = parse(GOV_SHAPE)
    tops = [(s.role, s.style, s.heading) for s in o.sections]
    assert tops == [("opening", None, None), ("section", "part", "20xx年工作回顾"), ("section", None, None),
                    ("section", "part", "20xx年工作安排"), ("section", "part", "全面加强政府自身建设"),
                    ("closing", None, None)]
    assert [c.number for c in o.sections[1].children] == ["（一）", "（二）", "（三）"]
    assert o.sections[2].paragraphs[0].startswith("同时，我们也清醒地看到")
    assert "困难和问题" not in "".join(o.sections[1].children[-1].paragraphs)
    secs = outline.sections(o)
    parts = [(s.heading, s.part) for s in secs if s.role == "section"]
    assert parts == [("20xx年工作回顾", "review"), ("稳住经济大盘", "review"), ("办好民生实事", "review"),
                     ("守住安全底线", "review"), (None, None), ("20xx年工作安排", "next_steps"),
                     ("全力扩大有效投资", "next_steps"), ("持续改善人居环境", "next_steps"),
                     ("织密民生保障网", "next_steps"), ("全面加强政府自身建设", None)]


@pytest.mark.parametrize("heading, part", [
    ("20xx年工作安排", "next_steps"), ("今后五年的目标任务", "next_steps"), ("下一步工作打算", "next_steps"),
    ("2026年重点工作", "next_steps"), ("2025年重点工作完成情况", "review"), ("工作开展情况", "review"),
    ("过去五年工作回顾", "review"), ("存在的问题", "problems"), ("问题和不足", "problems"),
    ("全面加强政府自身建设", None), ("强化组织领导", None), (None, None),
])
def test_part_kind(heading, part) -> None:
    assert outline.part_kind(heading) == part


def test_a_years_main_work_after_the_review_is_the_plans() -> None:
    """2025年主要工作 says nothing alone (a summary names its year's work so too); after a
    review part (2024年工作回顾) it is the year ahead."""
    assert outline.part_kind("2025年主要工作") is None
    assert outline.part_kind("2025年主要工作", after_review=True) == "next_steps"
    text = ("现将有关情况报告如下：\n20xx年工作回顾\n（一）稳增长。增长x%。\n（二）惠民生。就业x万人。\n"
            "20xx年主要工作\n（一）扩大投资。实施项目xx个。\n（二）办好实事。改造小区xx个。\n")
    secs = outline.sections(parse(text))
    assert [s.part for s in secs if s.role == "section"] == ["review", "review", "next_steps", "next_steps"]


@pytest.mark.parametrize("line, heading", [
    ("一、2025年工作回顾", "2025年工作回顾"), ("二、2026年工作安排", "2026年工作安排"),
])
def test_a_year_after_the_number_is_a_heading(line, heading) -> None:
    h = outline.match_heading(line)
    assert h is not None and h.style == "cn" and h.heading == heading
    assert outline.match_heading("一、2月份人员流动大，返乡高峰集中。") is None  # a date still is not


# Written for these tests: reports as they come from a web page or a pasted document, whose
# headings lost their numbers, whose problems and plans trail the last section unheaded, or
# whose Markdown headings sit in a .txt file.
LEAD_REPORT = """\
今年以来，我所坚持把禁毒工作摆在突出位置，各项工作有序推进，现将有关情况汇报如下。
强化组织领导，压实工作责任。
所里成立由所长任组长的禁毒工作领导小组，明确专人负责，将禁毒工作纳入全年考核，逐级签订责任书xx份。
深化宣传教育，筑牢群众防线。
结合国际禁毒日，深入集市、学校和村组开展宣传，发放资料xx份，组织禁毒知识讲座xx场，群众识毒防毒意识明显提高。
工作中还存在一些不足。
一是警力有限，日常排查还不够深入；二是部分群众参与禁毒工作的积极性不高，线索举报偏少。
××派出所
2024年7月x日
"""


def test_unnumbered_lead_lines_before_their_paragraphs_are_headings() -> None:
    o = parse(LEAD_REPORT)
    top = [s for s in o.sections if s.role == "section"]
    assert [s.heading for s in top] == ["强化组织领导，压实工作责任", "深化宣传教育，筑牢群众防线", "工作中还存在一些不足"]
    assert [s.line for s in top] == [2, 4, 6]
    assert o.sections[0].role == "opening" and o.sections[0].line == 1
    # a numbered report keeps its numbered headings only: a short line inside is body text
    numbered = ("一、强化组织领导\n严格落实责任。\n所里成立由所长任组长的禁毒工作领导小组，明确专人负责，逐级签订责任书，"
                "将禁毒工作纳入全年考核。\n二、深化宣传教育\n做好宣传。\n结合国际禁毒日深入集市、学校和村组开展宣传，发放资料，"
                "组织讲座，群众识毒防毒意识明显提高。\n")
    assert [s.heading for s in parse(numbered).sections if s.role == "section"] == ["强化组织领导", "深化宣传教育"]
    # one short line alone is no heading
    single = LEAD_REPORT.replace("深化宣传教育，筑牢群众防线。\n", "").replace("工作中还存在一些不足。\n", "")
    assert "强化组织领导，压实工作责任" not in [s.heading for s in parse(single).sections]


def test_trailing_problems_and_plans_paragraphs_are_sections_of_their_own() -> None:
    text = ("xx镇防汛工作情况汇报\n各位领导：\n今年入汛以来，我镇全力以赴做好防汛各项工作，现汇报如下。\n"
            "一、压实防汛责任\n成立镇防汛指挥部，落实镇村两级责任人xx名，划分责任片区xx个。\n"
            "二、抓好隐患排查\n汛前组织排查山塘、河堤和危旧房屋，发现隐患xx处，已整改xx处。\n"
            "在肯定成绩的同时，我们也清醒地认识到工作中还存在一些不足：部分山塘年久失修，群众防灾意识还不够强。\n"
            "下一步，我们将坚决落实各位领导的指导意见，加快病险山塘除险加固，加强防汛知识宣传，"
            "完善转移避险预案，确保安全度汛，确保群众生命财产安全。\n"
            "各位领导，防汛工作责任重于泰山，我们将以更加务实的作风做好各项工作。谢谢大家！\n")
    o = parse(text)
    roles = [(s.role, s.heading, s.line) for s in o.sections]
    assert roles == [("opening", None, 2), ("section", "压实防汛责任", 4), ("section", "抓好隐患排查", 6),
                     ("section", None, 8), ("section", None, 9), ("closing", None, 10)]
    secs = outline.sections(o)
    assert [s.part for s in secs if s.role == "section"] == [None, None, None, "next_steps"]
    assert o.sections[3].paragraphs[0].startswith("在肯定成绩的同时")
    # a short plan sentence at the end is the closing, not a section
    short = text.replace("加快病险山塘除险加固，加强防汛知识宣传，完善转移避险预案，确保安全度汛，确保群众生命财产安全", "再接再厉")
    assert [s.role for s in parse(short).sections][-2:] == ["section", "closing"]
    assert parse(short).sections[-1].paragraphs[0].startswith("下一步")


def test_markdown_headings_in_a_txt_file_are_headings() -> None:
    from assistant.normalize import normalize

    text = ("# xx社区创建文明城市工作情况汇报\n\n今年以来，社区对照测评指标逐项抓好落实，现将情况汇报如下。\n\n"
            "## 一、加强组织领导\n\n社区成立创建工作领导小组，每周召开推进会。\n\n"
            "## 二、广泛宣传发动\n\n设置公益广告xx块，组织主题宣讲xx场。\n")
    o = outline.parse(normalize(text, "txt"))
    assert o.title == "xx社区创建文明城市工作情况汇报"
    assert [(s.heading, s.line) for s in o.sections if s.role == "section"] == [("加强组织领导", 5), ("广泛宣传发动", 9)]
    # one # line is not Markdown: it stays as written
    assert normalize("#1号楼已完成改造。\n全年完成xx户。\n", "txt").text.startswith("#1号楼")


def test_messy_copies_wrapped_headings_web_chrome_and_combined_parts() -> None:
    # written for this test: a report as copied from a county site — breadcrumb, 【】-wrapped and
    # bold headings, lead phrases under a numbered part, 存在问题及下步打算 with its two items,
    # a problems paragraph led by 当前，…还存在, the page's 【打印】【关闭】 and 主办单位 lines
    from assistant.normalize import normalize

    body = "组织干部深入村组开展工作，逐户登记造册，发现问题及时处置，确保各项措施落实落细、取得实效。"
    text = ("首页 > 政务公开 > 工作动态\n关于2024年乡村振兴工作情况的汇报\n"
            "今年以来，我镇认真落实上级部署，各项工作有序推进，现将有关情况汇报如下。\n"
            f"【一、主要工作开展情况】\n抓实产业发展，夯实增收基础。\n{body}\n严把防返贫监测关。\n{body}\n"
            f"**二、强化组织保障**\n{body}\n"
            f"「三、存在问题及下步打算」\n（一）存在问题。产业链条短，带动能力弱。\n（二）下步打算。延伸产业链，培育新业态。\n"
            f"当前，我镇乡村振兴工作还存在一些短板，部分村集体经济收入偏低，人才支撑不足。\n"
            "【打印】　【关闭】\n扫一扫在手机打开当前页\n主办单位：某县人民政府办公室　技术支持：某县信息中心\n")
    o = outline.parse(normalize(text, "txt"))
    assert o.title == "关于2024年乡村振兴工作情况的汇报"
    top = [(s.number, s.heading) for s in o.sections if s.role == "section"]
    assert top[:3] == [("一、", "主要工作开展情况"), ("二、", "强化组织保障"), ("三、", "存在问题及下步打算")]
    first = o.sections[1]
    assert [c.heading for c in first.children] == ["抓实产业发展，夯实增收基础", "严把防返贫监测关"]
    secs = outline.sections(o)
    heads = [s.heading for s in secs if s.role == "section"]
    # the combined part is read by its items; the trailing 当前，…还存在 paragraph is its own section
    assert "存在问题" in heads and "下步打算" in heads and "存在问题及下步打算" not in heads
    assert any(s.heading is None and s.text.startswith("当前，") for s in secs)
    assert "打印" not in o.norm.text and "主办单位" not in o.norm.text and "首页" not in o.norm.text


def test_a_report_that_ends_with_its_plans_has_them_as_a_section() -> None:
    text = ("xx局信访工作情况汇报\n今年以来，我局扎实做好信访工作，现汇报如下。\n一、压实工作责任\n局党组专题研究信访工作。\n"
            "二、抓好矛盾化解\n全年化解信访积案，群众满意度提升。\n"
            "下一步，我局将进一步压实属地责任，深化矛盾纠纷排查化解，推动信访积案清仓见底，加强信访干部队伍建设，切实维护社会和谐稳定。\n")
    o = parse(text)
    assert [s.role for s in o.sections] == ["opening", "section", "section", "section"]
    assert outline.sections(o)[-1].part == "next_steps"


def test_the_issuing_units_line_above_the_title_and_a_title_that_names_next_years_work() -> None:
    # written for this test: 单位 on the first line, then a title that holds 2024年工作思路 (no part heading)
    text = ("临溪县人力资源和社会保障局\n2023年根治欠薪工作总结及2024年工作思路\n"
            "2023年，我局坚持以人民为中心的发展思想，扎实推进根治欠薪各项工作，现总结如下。\n"
            "一、2023年工作开展情况\n（一）健全工作机制。充分发挥联席会议作用，压实属地和行业监管责任。\n"
            "（二）开展隐患排查。会同住建、交通等部门开展在建项目欠薪隐患排查。\n"
            "二、存在的问题\n个别建设单位资金不到位。\n三、2024年工作思路\n持续压实责任，加强源头治理。\n")
    o = parse(text)
    assert o.title == "2023年根治欠薪工作总结及2024年工作思路" and o.title_line == 2
    top = [s.heading for s in o.sections if s.role == "section"]
    assert top == ["2023年工作开展情况", "存在的问题", "2024年工作思路"]
    assert o.sections[0].role == "opening" and o.sections[0].line == 3


@pytest.mark.parametrize("last, closing", [
    # a short paragraph of resolve after the last plan item is the closing …
    ("当前，我镇已进入主汛期，我们将始终绷紧防汛这根弦，坚决守住安全底线，全力确保安全度汛。", True),
    ("新的一年，县人民法院将以更加昂扬的精神状态，奋力推进各项工作再上新台阶。", True),
    ("食品安全工作只有起点、没有终点。我们将一如既往地抓紧抓实，让家长放心、让学生满意。", True),
    # … a paragraph of the item's own work is not, nor one that lists what will be done
    ("汛期结束后，对全镇山塘水库逐座开展安全鉴定，年底前完成病险山塘除险加固。", False),
    ("下半年，我们将始终抓好三件事：一是加固堤防；二是疏浚河道；三是储备物资。", False),
])
def test_a_short_paragraph_of_resolve_after_the_plans_is_the_closing(last: str, closing: bool) -> None:
    text = ("××镇20xx年防汛工作情况汇报\n今年以来，我镇扎实做好防汛各项工作。现将有关情况汇报如下：\n"
            "一、主要做法\n（一）压实责任。镇村干部全部到岗到位，逐级签订防汛责任书。\n"
            "二、下一步打算\n（一）加强监测预警。密切关注雨情水情，及时发布预警信息。\n"
            "（二）做好转移准备。提前制定转移方案，明确转移路线和安置点。\n" + last + "\n")
    tree = parse(text)
    secs = outline.sections(tree)
    assert (secs[-1].role == "closing" and last[:10] in secs[-1].text) is closing


def test_a_closing_paragraph_that_admits_shortfalls_holds_the_problems() -> None:
    text = ("××村20xx年上半年乡村振兴工作情况汇报\n今年以来，我村围绕乡村振兴抓好各项工作。\n"
            "一是发展特色产业。新建大棚xx个。\n二是整治人居环境。清理垃圾xx吨。\n"
            "上半年我村的工作虽然取得了一些进展，但对照乡村振兴的要求还有不少差距：一方面集体经济来源单一；"
            "另一方面群众参与不够主动。下半年，我们将针对这些问题补齐短板。\n")
    secs = outline.sections(parse(text))
    # a section of its own, not the tail of the last item (nor the closing)
    assert [(s.role, s.heading) for s in secs][-1] == ("section", None)
    assert secs[-1].text.startswith("上半年我村的工作虽然")
    assert "差距" not in secs[-2].text


def test_parts_numbered_di_yi_bu_fen_hold_the_headings_numbered_inside_them() -> None:
    """第一部分 … 第二部分 … (validation14): parts above the 一、 inside them, not items beside （一）."""
    text = ("云岫镇汛期地质灾害防治工作情况汇报\n今年入汛以来，我镇降雨偏多，现将有关情况汇报如下。\n第一部分　主要工作开展情况\n"
            "一、健全责任体系\n镇里调整了领导小组，落实隐患点“四位一体”网格化管理。\n"
            "二、开展拉网排查\n汛前组织三轮排查，新发现隐患点2处。\n第二部分　存在的问题和困难\n"
            "部分隐患点监测设备老化，群测群防员年龄偏大。\n第三部分　下一步工作打算\n"
            "下一步，我镇将紧盯主汛期，继续加密巡查，确保群众生命安全。\n")
    secs = outline.sections(parse(text))
    heads = [s.heading for s in secs if s.role == "section"]
    assert heads == ["健全责任体系", "开展拉网排查", "存在的问题和困难", "下一步工作打算"], heads


LEADS = ("一、主要做法\n"
         "坚持统筹推进，压实各方责任。社区成立由党委书记任组长的整治工作小组，召开物业服务企业、业委会和楼栋长联席会议3次，明确各方职责。\n"
         "坚持逐楼排查，摸清风险底数。组织网格员和物业人员对84栋居民楼开展地毯式排查，逐层查看楼道、电梯和架空层，发现隐患219处。\n"
         "坚持疏堵结合，破解充电难题。协调物业在小区新建集中充电车棚6处、充电端口420个，基本解决居民充电难题，飞线充电明显减少。\n"
         "二、存在的问题\n部分老旧小区场地有限，充电设施建设难度较大。\n")


def test_a_run_of_paragraphs_led_by_balanced_phrases_is_a_list_of_items() -> None:
    secs = outline.sections(parse("桂香社区电动自行车安全整治工作汇报\n今年以来，社区认真开展整治，现汇报如下。\n" + LEADS))
    heads = [s.heading for s in secs if s.role == "section"]
    assert heads[:3] == ["坚持统筹推进，压实各方责任", "坚持逐楼排查，摸清风险底数", "坚持疏堵结合，破解充电难题"], heads
    # two such paragraphs are not enough: an ordinary first sentence may be balanced
    two = LEADS.replace(LEADS.splitlines()[3] + "\n", "")
    secs = outline.sections(parse("桂香社区电动自行车安全整治工作汇报\n今年以来，社区认真开展整治，现汇报如下。\n" + two))
    assert [s.heading for s in secs if s.role == "section"][0] == "主要做法"


def test_a_part_of_outcomes_is_one_section() -> None:
    text = ("桃坞村和美乡村建设工作汇报\n今年以来，我村扎实推进和美乡村建设，现汇报如下。\n一、主要做法\n（一）抓班子、建机制\n成立工作专班，制定三年行动方案。\n"
            "（二）抓产业、促增收\n流转土地420亩，引进茶叶企业一家。\n二、初步成效\n1.村容村貌明显改观，主干道实现常态化干净整洁。\n"
            "2.村集体经营性收入达到41.6万元，比上年增长23%。\n3.卫生厕所普及率由79%提高到92%，群众满意度明显提升。\n三、存在问题\n项目资金缺口较大。\n")
    secs = outline.sections(parse(text))
    assert "初步成效" in [s.heading for s in secs]
    assert not [s for s in secs if (s.heading or "").startswith("村容村貌")]


def test_lenticular_numbers_and_a_closing_parenthesis_are_headings() -> None:
    """【一】坚持党建引领 and 1) 严把进货查验关 (validation17): numbered headings like 一、 and (1)."""
    text = ("棠梨支行2026年上半年工作总结\n上半年，支行各项业务稳步发展，现将有关情况汇报如下。\n【一】坚持党建引领，压实经营责任\n"
            "支行党支部坚持党建与业务融合，召开经营分析会6次。\n【二】聚焦主责主业，推动存贷规模增长\n"
            "一是抓存款，二是抓贷款。\n1) 严把进货查验关，守住源头安全。对米面油等大宗食材实行定点采购。\n"
            "2) 落实陪餐制度，强化过程监管。校领导每日轮流陪餐。\n【三】下半年工作计划\n继续做好存贷款营销。\n")
    secs = [s for s in outline.sections(parse(text)) if s.role == "section"]
    heads = [s.heading for s in secs]
    assert heads[0] == "坚持党建引领，压实经营责任" and "严把进货查验关，守住源头安全" in heads, heads
    assert heads[-1] == "下半年工作计划"
