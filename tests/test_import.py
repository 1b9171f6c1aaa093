"""Importing reports: splitting, sorting, units, the shipped corpus, bad input."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.corpus import store
from assistant.corpus.importer import guess_unit, resolve_unit, split_reports
from assistant.normalize import normalize, rules, to_simplified

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "corpus"
SOURCES = SHIPPED / "sources"

# Read by a person, seed by seed (see the README): reports and non-reports.
EXPECTED = {
    "000": (3, 0),   # 3篇 compilation, hard-wrapped PDF text
    "001": (1, 0),   # traditional characters, site navigation
    "002": (26, 8),  # 篇一…篇十七, several 篇 hold glued reports; essays, a survey, a spun text
    "003": (1, 0),
    "004": (2, 0),   # two reports in one .docx preview
}
REPORTS = sum(r for r, _ in EXPECTED.values())  # 33

GLOSS = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
PAGE = re.compile(r"第\s*\d+\s*页\s*[/／]?\s*共\s*\d+\s*页|_第\d+页|^-\s*\d+\s*-$")
SITE = re.compile(r"https?://|www\.|@\w+\.|上传人|文档编号|小编|为大家整理|供大家参考|下载|版权所有|ICP备|"
                  r"当前位置|栏目[:：]|人气[:：]|发布于|阅读全文|猜你喜欢|相关搜索|相关推荐|联系我们|在线咨询|免费预览|"
                  r"\.docx|本文地址|转.?请注明|评论列表|暂无评论|网站首页|欢迎品鉴|范文")


@pytest.fixture(scope="module")
def shipped_docs() -> list[store.StoredDoc]:
    return list(store.iter_docs([SHIPPED], include_other=True))


# --- the shipped corpus ----------------------------------------------------
def test_shipped_corpus_counts_per_seed(shipped_docs):
    counts: Counter[tuple[str, str]] = Counter()
    for d in shipped_docs:
        counts[(d.source[:3], "report" if d.type == "report" else "other")] += 1
    got = {seed: (counts[(seed, "report")], counts[(seed, "other")]) for seed in EXPECTED}
    assert got == EXPECTED
    assert sum(1 for d in shipped_docs if d.type == "report") == REPORTS == 33


def test_essays_survey_and_spun_text_are_kept_out_of_reports(shipped_docs):
    others = Counter(d.type for d in shipped_docs if d.type != "report")
    assert others == {"essay": 6, "survey": 1, "other": 1}
    for d in shipped_docs:
        folder = d.path.parent.name
        assert folder == ("reports" if d.type == "report" else "other")
    survey = [d for d in shipped_docs if d.type == "survey"]
    assert "问卷" in survey[0].body


def test_no_traditional_character_pinyin_gloss_page_marker_or_site_line_anywhere(shipped_docs):
    r = rules()
    for d in shipped_docs:
        text = d.title + "\n" + d.body
        assert to_simplified(text) == text, d.id
        assert not GLOSS.search(text), d.id
        assert "?" not in text and "\ufffd" not in text, d.id
        for line in d.body.splitlines():
            assert line and line == line.strip(), d.id
            assert not PAGE.search(line), (d.id, line)
            assert not SITE.search(line), (d.id, line[:40])
            assert not r.noise.search(line), (d.id, line[:40])
            assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", line), (d.id, line[:40])


def test_every_document_records_title_unit_source_and_position(shipped_docs):
    units = {"town", "county", "city", "village", "community", "school", "bank", "police", "health",
             "enterprise", "department", "other"}
    for d in shipped_docs:
        assert d.title and d.unit in units and d.source.endswith(".txt") and d.position >= 1, d.id
        assert re.fullmatch(r"\d{3}-\d{2}", d.id) and d.path.name == f"{d.id}.txt"
        assert len(d.source_sha256) == 64 and d.extra["line"].isdigit()
    by_id = {d.id: d for d in shipped_docs}
    assert by_id["001-01"].title == "乡镇抗击肺炎疫情阻击战工作情况汇报" and by_id["001-01"].unit == "town"
    assert by_id["003-01"].title == "XX市疫情防控工作汇报" and by_id["003-01"].unit == "city"
    assert [by_id[f"000-0{i}"].unit for i in (1, 2, 3)] == ["town", "county", "village"]
    assert by_id["004-01"].title == "市卫生健康委喜迎二十大安保维稳疫情防控工作情况汇报"
    assert by_id["004-02"].title == "区卫健局关于党的二十大安保维稳工作开展情况汇报"
    assert by_id["002-01"].unit == "police" and by_id["002-16"].unit == "bank"
    assert by_id["002-01"].extra["part"] == "篇一"


def test_reimporting_the_sources_reproduces_the_shipped_files_byte_for_byte(cli, tmp_path, seed_paths):
    target = tmp_path / "rebuilt"
    r = cli("corpus", "add", *map(str, seed_paths), "--corpus", str(target))
    assert r.exit_code == 0, r.stderr
    for sub in ("reports", "other"):
        mine = sorted(p.name for p in (target / sub).glob("*.txt"))
        shipped = sorted(p.name for p in (SHIPPED / sub).glob("*.txt"))
        assert mine == shipped
        for name in mine:
            assert (target / sub / name).read_bytes() == (SHIPPED / sub / name).read_bytes(), name


# --- splitting -----------------------------------------------------------------
def pieces_of(name: str):
    (path,) = SOURCES.glob(f"{name}_*.txt")
    return split_reports(normalize(path.read_text(encoding="utf-8")))


def test_compilation_3pian_splits_into_its_three_reports():
    pieces = pieces_of("000")
    assert [p.title for p in pieces] == ["新冠肺炎疫情防控汇报"] * 3
    assert pieces[0].text.text.startswith("（一）强化组织领导。")
    assert pieces[1].text.text.startswith("各位领导：\n根据会议安排")
    assert pieces[2].text.text.startswith("XX村两委班子")
    assert [p.raw_line for p in pieces] == [12, 100, 224]


def test_two_reports_joined_in_one_docx_are_separated():
    pieces = pieces_of("004")
    assert [p.type for p in pieces] == ["report", "report"]
    assert pieces[0].text.text.endswith("迅速应对处置。")
    assert pieces[1].text.text.startswith("*区卫生健康局高度重视")


def test_reports_glued_inside_one_pian_are_cut_apart():
    pieces = pieces_of("002")
    part2 = [p for p in pieces if p.part == "篇二"]
    starts = [p.text.text[:12] for p in part2]
    assert len(part2) == 13
    assert starts[:4] == ["太平镇状元社区位于万源市", "疫情就是命令，防控就是责", "市纪委：\n收到文件后，及", "新型冠状病毒，来势汹汹，"]
    assert [p.unit for p in part2[:8]] == ["community", "village", "enterprise", "school", "town",
                                           "department", "school", "school"]
    part10 = [p for p in pieces if p.part == "篇十"]
    assert [p.type for p in part10] == ["report", "essay"]  # a village report, then a 村官's essay
    assert part10[0].text.text.endswith("做到底数清、情况明。") or "排查档案" in part10[0].text.text


def test_a_single_report_is_not_cut_at_its_own_statement_or_a_repeated_subject():
    text = ("XX县疫情防控工作汇报\n"
            "新冠肺炎疫情发生以来，县委、县政府高度重视，迅速成立领导小组，全面部署疫情防控工作，取得阶段性成效。\n"
            "全县上下迅速行动，联防联控，各项工作扎实有效开展，累计排查返乡人员1200人。\n"
            "按照市委、市政府的统一部署，全县各乡镇、各部门认真落实各项防控措施，确保工作落到实处。\n"
            "现将有关工作情况汇报如下：\n"
            "一、加强组织领导。成立了以县委书记为组长的领导小组，召开会议5次。\n"
            "二、强化排查管控。共设置卡点12个，排查车辆3000台次。\n"
            "按照上级要求，县委、县政府高度重视复工复产工作，及时出台支持政策，帮助企业解决实际困难。\n"
            "三、下步打算。继续抓好各项防控措施落实，确保全县疫情防控形势持续稳定。\n")
    (piece,) = split_reports(normalize(text))
    assert (piece.title, piece.unit, piece.type) == ("XX县疫情防控工作汇报", "county", "report")
    assert piece.text.text.startswith("新冠肺炎疫情发生以来") and piece.text.text.endswith("持续稳定。")


def test_duplicate_pian_is_imported_once(cli, tmp_path):
    (path,) = SOURCES.glob("002_*.txt")
    r = cli("corpus", "add", str(path), "--corpus", str(tmp_path / "c"), "--format", "json")
    data = json.loads(r.stdout)
    (f,) = data["files"]
    assert f["skipped"] == 1 and f["skipped_documents"][0]["reason"] == "内容重复"
    assert f["reports"] == 26 and f["other"] == 8


def test_guess_unit_from_title_opening_and_vocabulary():
    assert guess_unit("XX县人民医院疫情防控工作汇报", "") == "health"
    assert guess_unit("", "市文化和旅游局党组高度重视，及时安排部署。") == "department"
    assert guess_unit("", "县委、县政府高度重视，多次召开会议。") == "county"
    assert guess_unit("", "我行严格落实上级行的要求，全行员工……网点正常营业。") == "bank"
    assert guess_unit("", "我村两委班子带领全村党员……") == "village"
    assert guess_unit("", "今天天气很好。") == "other"
    assert resolve_unit("乡镇") == "town" and resolve_unit("town") == "town" and resolve_unit("火星") is None


# --- corpus add: the command -------------------------------------------------
REPORT = ("关于2023年安全生产工作的汇报\n\n今年以来，我镇高度重视安全生产工作，现将有关情况汇报如下：\n"
          "一、加强组织领导。成立了以镇长为组长的安全生产领导小组，召开专题会议3次。\n"
          "二、开展隐患排查。共排查企业12家，发现隐患5处，已全部整改到位。\n"
          "三、下步打算。继续加强监管，确保全镇安全生产形势稳定。\n")


def test_add_writes_into_the_users_folder_by_default_never_into_the_package(cli, tmp_path):
    from assistant.paths import user_corpus

    src = tmp_path / "report.txt"
    src.write_text(REPORT, encoding="utf-8")
    before = sorted(p.name for p in (SHIPPED / "reports").iterdir())
    r = cli("corpus", "add", str(src))
    assert r.exit_code == 0, r.stderr
    (doc,) = store.iter_docs([user_corpus()])
    assert doc.title == "关于2023年安全生产工作的汇报" and doc.unit == "town" and doc.type == "report"
    assert re.fullmatch(r"[0-9a-f]{10}-01", doc.id)
    assert doc.body.startswith("今年以来，我镇高度重视安全生产工作")
    assert sorted(p.name for p in (SHIPPED / "reports").iterdir()) == before
    assert "新增 1 篇" in r.stdout


def test_add_into_a_new_folder_twice_does_not_duplicate(cli, tmp_path):
    src = tmp_path / "report.txt"
    src.write_text(REPORT, encoding="utf-8")
    target = tmp_path / "new" / "corpus"
    r1 = cli("corpus", "add", str(src), "--corpus", str(target), "--format", "json")
    r2 = cli("corpus", "add", str(src), "--corpus", str(target), "--format", "json")
    assert r1.exit_code == r2.exit_code == 0
    d1, d2 = json.loads(r1.stdout), json.loads(r2.stdout)
    assert (d1["added"], d1["skipped"]) == (1, 0)
    assert (d2["added"], d2["skipped"]) == (0, 1)
    assert len(list((target / "reports").glob("*.txt"))) == 1
    # --replace imports it again in place
    r3 = cli("corpus", "add", str(src), "--corpus", str(target), "--replace", "--format", "json")
    d3 = json.loads(r3.stdout)
    assert (d3["added"], d3["files"][0]["replaced"]) == (1, 1)
    assert len(list((target / "reports").glob("*.txt"))) == 1


def test_add_with_unit_overrides_the_guess_and_accepts_chinese_labels(cli, tmp_path):
    src = tmp_path / "report.txt"
    src.write_text(REPORT, encoding="utf-8")
    r = cli("corpus", "add", str(src), "--corpus", str(tmp_path / "c"), "--unit", "学校", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["files"][0]["documents"][0]["unit"] == "school"


def test_add_reads_docx_html_md_and_stdin(cli, tmp_path):
    import docx

    d = docx.Document()
    for line in REPORT.strip().split("\n"):
        if line:
            d.add_paragraph(line)
    d.save(tmp_path / "a.docx")
    (tmp_path / "b.html").write_text(
        "<html><body><div>网站首页 | 范文</div><h1>社区疫情防控工作汇报</h1>"
        "<p>我社区高度重视，现将情况汇报如下：</p><p>一、成立领导小组。社区成立了疫情防控领导小组，排查居民120户。</p>"
        "<p>二、加强宣传。发放宣传资料300份，居民知晓率100%。</p></body></html>", encoding="utf-8")
    (tmp_path / "c.md").write_text("# 学校疫情防控工作汇报\n\n我校高度重视，全校师生1200人全部完成排查，"
                                   "现将情况汇报如下：\n\n- 一、成立领导小组，召开会议2次。\n", encoding="utf-8")
    target = tmp_path / "c"
    r = cli("corpus", "add", str(tmp_path / "a.docx"), str(tmp_path / "b.html"), str(tmp_path / "c.md"),
            "--corpus", str(target), "--format", "json")
    assert r.exit_code == 0, r.stderr
    docs = {Path(f["path"]).suffix: f["documents"] for f in json.loads(r.stdout)["files"]}
    assert docs[".docx"][0]["title"] == "关于2023年安全生产工作的汇报"
    assert docs[".html"][0]["title"] == "社区疫情防控工作汇报" and docs[".html"][0]["unit"] == "community"
    assert docs[".md"][0]["title"] == "学校疫情防控工作汇报" and docs[".md"][0]["unit"] == "school"
    r = cli("corpus", "add", "-", "--corpus", str(target), "--format", "json", input=REPORT.replace("12家", "13家"))
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["files"][0]["documents"][0]["id"].endswith("-01")


def _bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fake.docx").write_text("这不是 docx", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes(bytes(range(0x80, 0x100)) * 10)
    (tmp_path / "good.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "adir").mkdir()
    return {
        "missing": [str(tmp_path / "nope.txt")],
        "directory": [str(tmp_path / "adir")],
        "binary": [str(tmp_path / "binary.txt")],
        "empty": [str(tmp_path / "empty.txt")],
        "bad docx": [str(tmp_path / "fake.docx")],
        "unknown encoding": [str(tmp_path / "latin.txt")],
        "good then bad": [str(tmp_path / "good.txt"), str(tmp_path / "nope.txt")],
        "unknown unit": [str(tmp_path / "good.txt"), "--unit", "martian"],
    }


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "empty", "bad docx", "unknown encoding",
                                  "good then bad", "unknown unit"])
def test_bad_input_is_one_line_exit_2_and_the_corpus_is_untouched(cli, tmp_path, case):
    args = _bad_inputs(tmp_path)[case]
    existing = tmp_path / "existing"
    (existing / "reports").mkdir(parents=True)
    (existing / "reports" / "keep.txt").write_text(
        "---\nid: keep\ntitle: 旧报告\nunit: town\ntype: report\n---\n旧报告正文。\n", encoding="utf-8")
    before = sorted(str(p.relative_to(existing)) for p in existing.rglob("*"))
    for target in (existing, tmp_path / "fresh"):
        r = cli("corpus", "add", *args, "--corpus", str(target))
        assert r.exit_code == 2, (case, r.stdout, r.stderr)
        assert r.stderr.startswith("assist: 错误：") and r.stderr.count("\n") == 1, r.stderr
        assert "Traceback" not in r.stderr
    assert sorted(str(p.relative_to(existing)) for p in existing.rglob("*")) == before
    assert not (tmp_path / "fresh").exists()


# A city government's work report in Markdown, written for these tests in the shape the
# published ones take: front matter, byline, the speech, bold part headings, a glossary.
GOV_MD = """\
---
title: 北河市政府工作报告（20xx年1月x日）
---

——20xx年1月x日在北河市第x届人民代表大会第x次会议上

北河市人民政府市长××

各位代表：

现在，我代表市人民政府向大会报告工作，请予审议。

**一、20xx年工作回顾**

过去一年，我们坚持稳中求进工作总基调，全市经济运行回升向好，地区生产总值增长x%。

（一）产业发展提质增效。新建成投产项目xx个，规模以上工业增加值增长x%。

（二）城乡面貌持续改善。改造老旧小区xx个，新建口袋公园xx个，完成农村户厕改造xx户。

各位代表！这些成绩来之不易，是全市人民团结奋斗的结果。在此，我代表市人民政府，向全市人民表示衷心感谢！

同时，我们也清醒地看到，发展中还存在一些困难和问题：产业结构不优，创新能力不强。我们将认真加以解决。

**二、20xx年工作安排**

（一）全力扩大有效需求。谋划实施重大项目xx个，办好消费促进活动。

（二）持续增进民生福祉。落实就业优先政策，办好十件民生实事。

**三、全面加强政府自身建设**

坚持依法行政，自觉接受人大监督和政协民主监督，驰而不息纠治“四风”。

<!-- 图片说明：会议现场 -->

各位代表！让我们更加紧密地团结起来，埋头苦干、勇毅前行，奋力谱写北河发展新篇章！

**名词解释**

1.“口袋公园”：指规模较小、分布零散的小型公园。

2.“十件民生实事”：指市政府年初确定的十项重点民生工程。

3.“四风”：指形式主义、官僚主义、享乐主义和奢靡之风。
"""


@pytest.mark.parametrize("front_matter", [True, False])
def test_a_government_work_report_is_one_clean_city_report(tmp_path, cli, front_matter) -> None:
    """A 政府工作报告 file is one report (its rhetoric — 各位代表！ — does not cut it), unit city;
    the byline before 各位代表： and the glossary after the speech are not its text (the header
    keeps the byline and where the cut back matter started); Markdown bold marks and HTML
    comments are gone. Without front matter it is still one report (a speech that reports)."""
    folder = tmp_path / "北河市"
    folder.mkdir()
    src = folder / "2026.md"
    src.write_text(GOV_MD if front_matter else GOV_MD.split("---\n", 2)[2], encoding="utf-8")
    r = cli("corpus", "add", str(src), "--corpus", str(tmp_path / "c"), "--format", "json")
    assert r.exit_code == 0, r.stderr
    docs = json.loads(r.stdout)["files"][0]["documents"]
    assert [(d["type"], d["unit"]) for d in docs] == [("report", "city")]
    doc = store.load(next((tmp_path / "c" / "reports").glob("*.txt")))
    assert doc.source == "北河市/2026.md"  # a file named by its year keeps its folder
    if front_matter:
        assert doc.title == "北河市政府工作报告（20xx年1月x日）"
    assert doc.body.startswith("各位代表：\n现在，我代表市人民政府")
    assert doc.extra["byline"] == "——20xx年1月x日在北河市第x届人民代表大会第x次会议上 北河市人民政府市长××"
    assert doc.body.rstrip().endswith("奋力谱写北河发展新篇章！")
    assert "名词解释" not in doc.body and "口袋公园”：" not in doc.body
    assert int(doc.extra["back_matter_line"]) == src.read_text(encoding="utf-8").splitlines().index("**名词解释**") + 1
    assert "**" not in doc.body and "<!--" not in doc.body and "一、20xx年工作回顾" in doc.body


def test_government_title_gives_the_level_of_the_unit() -> None:
    assert guess_unit("北河市政府工作报告", "") == "city"
    assert guess_unit("南山县人民政府工作报告", "") == "county"
    assert guess_unit("东林自治州政府工作报告", "") == "city"
    assert guess_unit("西坪镇政府工作报告", "") == "town"


GOV = REPO.parent / "shared" / "data" / "gov-reports"


@pytest.mark.skipif(not GOV.is_dir(), reason="../shared/data/gov-reports is absent (tests and benchmarks only)")
def test_real_government_reports_import_one_to_one(tmp_path) -> None:
    """A sample of the real 政府工作报告 (read in place, never copied): one file, one city
    report, and no leftovers in the text: no front matter or byline, no glossary or appendix
    headings, no Markdown or HTML marks, no table rows. (All 564: bench/bench_import.py.)"""
    from assistant.corpus.importer import BACK_MATTER, import_paths
    from assistant.outline import match_heading

    files = sorted(GOV.glob("*/*.md"))[::19]  # 30 files across the alphabet
    res = import_paths(files, tmp_path / "c")
    assert len(res.files) == len(files) == res.added and res.skipped == 0
    assert {(d["type"], d["unit"]) for f in res.files for d in f.added} == {("report", "city")}
    for path in (tmp_path / "c" / "reports").glob("*.txt"):
        doc = store.load(path)
        lines = doc.body.splitlines()
        assert "会议上" not in lines[0] and not lines[0].startswith(("——", "title", "---")), path
        for line in lines:
            assert not (len(line) <= 40 and BACK_MATTER.match(line) and match_heading(line) is None), (path, line)
            assert "**" not in line and "<!--" not in line and not line.startswith("|"), (path, line)
