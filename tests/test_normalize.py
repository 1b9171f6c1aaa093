"""The normaliser: cleaning rules, output convention and the way back to the raw text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.normalize import HEADING_START, normalize, to_simplified
from assistant.textmap import MappedText

SOURCES = Path(__file__).resolve().parents[1] / "corpus" / "sources"
GLOSS = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
PAGE = re.compile(r"第\s*\d+\s*页\s*[/／]?\s*共\s*\d+\s*页|\.docx?_第\d+页")


def seed(name: str) -> str:
    (path,) = SOURCES.glob(f"{name}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, MappedText]]:
    out = {}
    for path in sorted(SOURCES.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        out[path.name[:3]] = (raw, normalize(raw))
    return out


def line_of(norm: MappedText, start: str) -> int:
    """Offset in ``norm.text`` of the line that starts with ``start``."""
    for off, line in norm.lines():
        if line.startswith(start):
            return off
    raise AssertionError(f"no line starts with {start!r}")


# --- the way back ---------------------------------------------------------
def test_heading_of_hard_wrapped_pdf_text_maps_to_its_raw_line(seeds):
    raw, norm = seeds["000"]
    off = line_of(norm, "（三）强化全面排查。")
    assert norm.raw_line_col(off) == (36, 1)
    assert raw.splitlines()[35] == "(三)强化全面排查。"
    # a character of a paragraph rejoined from several wrapped lines
    off = line_of(norm, "由各村村医")
    i = norm.text.index("村小组长", off)
    line, col = norm.raw_line_col(i)
    assert raw.splitlines()[line - 1][col - 1:col + 3] == "村小组长"


def test_heading_of_traditional_text_maps_to_its_raw_line(seeds):
    raw, norm = seeds["001"]
    off = line_of(norm, "三、存在问题")
    assert norm.raw_line_col(off) == (43, 1)
    assert raw.splitlines()[42] == "三、存在問題"


def test_heading_cut_out_of_a_flattened_page_maps_into_the_middle_of_its_raw_line(seeds):
    raw, norm = seeds["004"]
    off = line_of(norm, "二、存在的问题")
    line, col = norm.raw_line_col(off)
    assert raw.splitlines()[line - 1][col - 1:].startswith("二、存在的问题常态化")
    assert col > 10


def test_positions_after_a_dropped_pinyin_gloss_still_map_exactly():
    raw = "標題\r\n\r\n一、加強領導。接到通知後，我鎮(zhèn)立即行動。\r\n"
    norm = normalize(raw)
    assert norm.text == "标题\n一、加强领导。接到通知后，我镇立即行动。"
    for ch, (line, col) in (("一", (3, 1)), ("接", (3, 8)), ("我", (3, 14)), ("立", (3, 22))):
        assert norm.raw_line_col(norm.text.index(ch)) == (line, col)


# --- output convention ------------------------------------------------------
def test_output_is_one_paragraph_per_line_without_blank_lines_or_padding(seeds):
    for name, (_, norm) in seeds.items():
        for _, line in norm.lines():
            assert line, name
            assert line == line.strip(), (name, line[:30])


def test_every_heading_starts_its_own_line(seeds):
    inline = re.compile(r"[。！？：；](?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")
    for name, (_, norm) in seeds.items():
        assert not inline.search(norm.text), (name, inline.search(norm.text))


def test_run_on_heading_stays_one_line_and_short_heading_is_not_joined():
    raw = "一、加强领导。接到通知后，镇党委立即召开会议。\n二、强化宣传\n通过广播、微信等形式宣传防控知识。\n"
    assert normalize(raw).text == ("一、加强领导。接到通知后，镇党委立即召开会议。\n二、强化宣传\n"
                                   "通过广播、微信等形式宣传防控知识。")


def test_hard_wraps_are_rejoined_and_real_paragraph_breaks_kept(seeds):
    _, norm = seeds["000"]
    text = norm.text
    # a sentence cut over three PDF lines and a page marker is whole again
    assert "群众密切关注湖北返乡人员及外来人员入村，一经发现有人员出现发热、咳嗽等症状的，必须第一时间包片村两委干部。" in text
    # a run-on heading wrapped like its paragraph
    assert "\n一、压实疫情防控的四方责任。9月23日召开了XX县严防聚集性疫情做好秋冬季防控工作会议，" in text
    # the closing paragraph starts its own line
    assert "\n下一步，继续认真贯彻落实国家和省市县疫情防控工作的要求" in text
    assert "\n第一时间组织村两委班子成员" in text  # after a short heading, not joined onto it
    assert "第一时间成立了书记任组长" in text and "\n第一时间成立了" not in text  # 第一时间 is no heading


def test_page_chunks_of_a_document_preview_are_joined_and_headings_cut_out(seeds):
    _, norm = seeds["004"]
    lines = [line for _, line in norm.lines()]
    assert lines[0] == "市卫生健康委喜迎二十大安保维稳疫情防控工作情况汇报"
    assert "一、工作开展情况" in lines and "二、存在的问题" in lines and "三、下步工作打算" in lines
    assert "区卫健局关于党的二十大安保维稳工作开展情况汇报" in lines
    assert "实现闭环管控" in norm.text and "各县市区、功能区" in norm.text  # cut mid-word by the page
    assert not re.search(r"(^|\n)\d+、(目录|环管控)", norm.text)
    assert "目录" not in norm.text
    # the preview ends mid-sentence: the unfinished heading is dropped
    assert lines[-1].endswith("累计接种新冠病毒疫苗*万剂次。")


# --- cleaning ----------------------------------------------------------------
def test_traditional_characters_are_converted_with_hk2s():
    assert normalize("衞生院、羣眾、幹部與鄉鎮").text == "卫生院、群众、干部与乡镇"


def test_aspect_particle_zhu_becomes_zhe_but_notable_words_keep_it():
    assert normalize("随著时间推移，显著提高，著名专家").text == "随着时间推移，显著提高，著名专家"


def test_pinyin_glosses_are_dropped():
    assert normalize("關(guān)于鎮(zhèn)的情況(kuàng)").text == "关于镇的情况"
    # a bracket that is not a gloss stays
    assert normalize("监督举报电话(xxxxxxx)，暂停娱乐场所(KTV)营业").text == "监督举报电话（xxxxxxx），暂停娱乐场所（KTV）营业"


def test_spaces_inside_words_are_removed():
    assert normalize("村 两委 干部实行严格落实 日报告 、 零报告 制度，床位总数 400 张").text == \
        "村两委干部实行严格落实日报告、零报告制度，床位总数400张"


def test_ascii_punctuation_inside_chinese_becomes_full_width():
    assert normalize("疫情就是命令,防控就是责任;要求如下:做好(重点)人员排查?是!").text == \
        "疫情就是命令，防控就是责任；要求如下：做好（重点）人员排查？是！"
    # numbers and times keep theirs
    assert normalize("共1,000人，上午9:30开会，确保在5-7天内完成").text == "共1,000人，上午9:30开会，确保在5-7天内完成"


def test_placeholders_are_kept_as_they_are():
    text = "xx镇共排查xxx户，***领导班子，_分局，__人，--社区，○○村，□□人，某某同志，（  ），*月*日"
    assert normalize(text).text == text


def test_site_lines_ads_download_prompts_and_page_markers_are_removed():
    raw = "\n".join([
        "網站首頁 實用文 書信 面試",
        "當前位置:人人簡歷網 > 熱點 > 心得體會",
        "上传人:lao****ou 文档编号:54696 上传时间:2022-12-19 格式:DOCX 页数:15",
        "第 1 页 共 7 页",
        "第2页 / 共15页",
        "报告.docx_第3页",
        "将本文的word文档下载到电脑,方便收藏和打印。",
        "下面是小编为大家整理的工作汇报,供大家参考。",
        "一、加强组织领导",
        "成立了疫情防控工作领导小组。",
        "copyright@ 2008-2022 001doc.com网站版权所有",
        "【本文地址:http://example.com/zuowen/1.html】",
    ])
    assert normalize(raw).text == "一、加强组织领导\n成立了疫情防控工作领导小组。"


def test_footer_after_an_end_marker_is_dropped(seeds):
    _, norm = seeds["000"]
    assert norm.text.endswith("我们xx村有信心、有能力打赢疫情防控的人民战争。")


def test_mojibake_from_a_broken_gbk_conversion_is_repaired(seeds):
    _, norm = seeds["002"]
    text = norm.text
    assert "认真传达贯彻上级最新决策部署" in text
    assert "龙潭西里路北口、龙潭西里路南口、长青路北口三个点位" in text
    assert "起到了模范表率作用。现就我村疫情防控工作情况汇报如下：" in text
    assert "出门必须佩戴口罩，人与人交流保持1.5米以上距离" in text  # a period inserted mid-word
    assert not re.search(r"[?？][a-zāáǎàēéěèīíǐìōóǒòūúǔù]", text)
    assert "?" not in text and "\ufffd" not in text


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_seed_output_is_clean(seeds, name):
    _, norm = seeds[name]
    text = norm.text
    assert to_simplified(text) == text
    assert not GLOSS.search(text)
    assert not PAGE.search(text)
    assert not re.search(r"https?://|www\.|上传人|文档编号|小编|下载|版权所有", text)
    assert not re.search(r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff]", text)
    assert not re.search(r"[\u4e00-\u9fff][,;:!?]|[,;:!?][\u4e00-\u9fff]", text)


def test_normalising_twice_changes_nothing(seeds):
    for _, (_, norm) in seeds.items():
        assert normalize(norm.text).text == norm.text


def test_headings_are_recognised_at_line_starts(seeds):
    _, norm = seeds["001"]
    heads = [line for _, line in norm.lines() if HEADING_START.match(line)]
    assert heads[:3] == ["一、加强领导，统一思想", "二、立说立行，落实各项措施",
                         "1、值班值守情况。严格落实科级领导带班值班制度。自春节假期开始至今，我镇严格落实了科级领导干部带班值班制度，凡值班人员每天早晨8点到镇签到点名，必须全天24小时在镇值班，不得离岗脱班，发现离岗脱班现象，领导干部给予党政纪处分，一般干部就地免职。"]


def test_markdown_marks_are_dropped_for_md_files():
    assert normalize("# 工作汇报\n\n- 一、加强领导\n", "md").text == "工作汇报\n一、加强领导"


def test_tables_from_docx_keep_their_cell_separators():
    assert normalize("序号\t姓名\t人数\n1\t张三\t12人").text == "序号\t姓名\t人数\n1\t张三\t12人"


def test_every_kept_character_maps_back_to_itself_in_the_raw_text(seeds):
    full = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
    for name in ("000", "001", "003"):
        raw, norm = seeds[name]
        assert norm.origin == sorted(norm.origin)
        for i, ch in enumerate(norm.text):
            if ch == "\n":
                continue
            r = raw[norm.origin[i]]
            assert ch in (r, full.get(r), to_simplified(r)), (name, i, ch, r)


def test_template_marks_are_placeholders_and_kept_exactly():
    text = "组成{{ 排查组数 }}个排查组，配发{{ 消毒液瓶数 | default(0) }}瓶，{% if 有 %}村 两委{% endif %}"
    assert normalize(text).text == "组成{{ 排查组数 }}个排查组，配发{{ 消毒液瓶数 | default(0) }}瓶，{% if 有 %}村两委{% endif %}"


def test_yaml_front_matter_is_not_report_text(tmp_path):
    """A Markdown note's front matter (and the corpus's own files') is dropped: the report
    starts after it and lines still map to the file as written; a report that merely
    starts with a --- rule keeps its text."""
    text = "---\ntitle: 测试\nauthor: 张三\n---\n# ××镇疫情防控工作汇报\n\n一、加强组织领导\n成立领导小组。\n"
    mt = normalize(text, "md")
    assert "title" not in mt.text and "张三" not in mt.text
    assert mt.text.splitlines()[0] == "××镇疫情防控工作汇报"
    assert mt.raw_line_col(mt.text.index("一、加强"))[0] == 7
    ruled = "---\n我镇高度重视疫情防控工作。\n---\n一、加强组织领导\n"
    assert "我镇高度重视" in normalize(ruled, "md").text
    unclosed = "---\ntitle: 测试\n一、加强组织领导\n成立领导小组。\n"
    assert "title" in normalize(unclosed, "txt").text


# ---- the boilerplate of document-sharing and template sites (issue 18) ---------------------------

SITE_PAGE = """镇卫生院疫情防控工作汇报_第1页
分享者：晨曦***  上传日期：2021-11-20
本资料由注册用户上传，启航范文网整理发布。
声明：版权归原作者所有，若有侵权请联系客服删除；本站只提供存储空间。
资料编号：660412  文档页数：5  文件格式：DOCX
在线客服：工作日 8:30-17:30  客服微信：qihang_kf
浏览量：2301  发布时间：2021-11-21  来源：启航范文网
![]() | ![]() |
镇卫生院疫情防控工作汇报
今年以来，我院严格落实预检分诊制度，累计筛查发热病人xx人次，及时转诊xx人。
- 2 -
镇卫生院疫情防控工作汇报_第2页
二、存在问题。一是医护人员不足；二是防护物资储备偏少。
【字号：大 中 小】 【打印本页】 【返回顶部】
"""


def test_site_boilerplate_is_cleaned_on_import_and_found_by_check() -> None:
    from assistant.check import check_text

    out = normalize(SITE_PAGE).text.splitlines()
    assert out == ["镇卫生院疫情防控工作汇报",
                   "今年以来，我院严格落实预检分诊制度，累计筛查发热病人xx人次，及时转诊xx人。",
                   "二、存在问题。一是医护人员不足；二是防护物资储备偏少。"]
    findings = check_text(SITE_PAGE)
    lines = SITE_PAGE.splitlines()
    leftover = {f.line for f in findings if f.rule == "web-leftover"}
    body = {9, 10, 13}  # the title and the paragraphs
    assert leftover == set(range(1, len(lines) + 1)) - body
    placeholders = [(f.line, f.text) for f in findings if f.rule == "placeholder"]
    assert placeholders == [(10, "xx"), (10, "xx")]  # not _第1页, not 晨曦***, not ![](…)


def test_gov_reports_have_almost_no_site_boilerplate() -> None:
    """Validation on text nobody on the project wrote (564 real government work reports):
    web-leftover flags only real site metadata, and import cleaning drops no paragraph."""
    from assistant.check import check_text

    root = Path(__file__).resolve().parents[2] / "shared" / "data" / "gov-reports"
    if not root.is_dir():
        pytest.skip("../shared/data/gov-reports is not here")
    files = sorted(root.glob("*/*.md"))
    assert len(files) > 500
    hits = []
    for p in files:
        text = p.read_text(encoding="utf-8")
        hits += [(p, f.text) for f in check_text(text, "md") if f.rule == "web-leftover"]
    assert len(hits) <= 5, hits[:10]
    assert all("来源" in t for _, t in hits), hits  # a news page's 来源：… 时间：… line
    r = __import__("assistant.normalize", fromlist=["rules"]).rules()
    dropped = [line for p in files[::8] for line in p.read_text(encoding="utf-8").splitlines()
               if len(line) > 40 and r.noise.search(line) and len(line) <= 400]
    assert len(dropped) <= 3, dropped[:5]


def test_names_in_standard_characters_opencc_maps_stay_in_a_simplified_text() -> None:
    from assistant.normalize import normalize

    assert normalize("支持乾安县建设，市长及永乾，新获批九华红菜薹。").text == "支持乾安县建设，市长及永乾，新获批九华红菜薹。"
    # in a traditional text they are converted with the rest
    trad = "鄉鎮環境乾淨整潔，黨委政府高度重視，全體幹部群眾積極參與，確保實現目標任務，這是我們的責任。"
    assert "干净" in normalize(trad).text
