"""Section kinds: labels cover the corpus, the model is stored without pickle and predicts
without scikit-learn, and `assist classify` / `outline` report kinds on any input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant import outline, paths
from assistant.classify import core_kinds, labels
from assistant.corpus import index, store
from assistant.textmap import MappedText

SEED_001 = Path(__file__).resolve().parents[1] / "corpus" / "sources" / "001_ae3b8ced769e67fc.txt"

# A school report written for this test (the corpus has few school reports).
SCHOOL = textwrap.dedent("""\
    ××中学关于疫情防控工作开展情况的汇报
    接到上级通知后，我校高度重视，迅速部署，现将有关情况汇报如下：
    一、加强组织领导，压实防控责任
    成立以校长为组长的疫情防控工作领导小组，制定学校疫情防控工作方案和应急预案，明确各部门职责分工。
    二、强化宣传教育，普及防护知识
    通过家长群、班级群、校园公众号推送防护知识，发放《致家长的一封信》，开展健康教育主题班会。
    三、全面摸排登记，落实晨午检制度
    对全体师生假期行程逐一摸排登记，建立健康台账，每日开展晨午检和体温监测，做好因病缺课追踪。
    四、做好校园消毒，改善环境卫生
    每日对教室、宿舍、食堂、卫生间等场所进行消毒消杀，开窗通风，清理卫生死角。
    五、存在问题
    一是部分学生防护意识不强；二是防疫物资储备不足。
    六、下步打算
    下一步，我校将继续加强排查，进一步完善应急预案，确保校园安全。
    """)


def corpus_sections():
    for d in store.iter_docs([paths.shipped("corpus")]):
        tree = outline.parse(MappedText(d.body), title_hint=d.title)
        for o, s in enumerate(outline.sections(tree)):
            yield d.id, o, labels.section_key_heading(s.role, s.heading)


def test_every_corpus_section_has_a_confirmed_core_label() -> None:
    labs = labels.read(paths.shipped("corpus"))
    keys = list(corpus_sections())
    assert len(keys) >= 200
    for doc_id, o, heading in keys:
        lab = labs.get((doc_id, o))
        assert lab is not None, (doc_id, o, heading)
        assert lab.heading == heading, (doc_id, o)
        assert lab.kind in core_kinds()
    assert len(labs) == len(keys)
    header = (paths.shipped("corpus") / labels.FILENAME).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("#")


def test_model_is_plain_numbers_in_the_index() -> None:
    conn = index.open_index([paths.shipped("corpus")])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"model_meta", "model_features"} <= tables
    meta = dict(conn.execute("SELECT key, value FROM model_meta"))
    # every kind the labels of the corpus use (the seeds have no results section)
    labelled = {lab.kind for lab in labels.read(paths.shipped("corpus")).values()}
    assert set(json.loads(meta["classes"])) == labelled and labelled <= set(core_kinds())
    assert len(labelled) >= len(core_kinds()) - 1
    assert 0.02 <= json.loads(meta["temperature"]) <= 2.0
    blob = conn.execute("SELECT weights FROM model_features LIMIT 1").fetchone()[0]
    assert len(blob) == 4 * len(json.loads(meta["classes"]))  # float32 per class, nothing else
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM sections GROUP BY kind"))
    assert None not in kinds and sum(kinds.values()) >= 200


def test_classify_a_school_report(tmp_path: Path, cli) -> None:
    p = tmp_path / "school.txt"
    p.write_text(SCHOOL, encoding="utf-8")
    r = cli("classify", str(p), "--format", "json")
    assert r.exit_code == 0, r.stderr
    secs = json.loads(r.stdout)["files"][0]["sections"]
    got = [(s["heading"], s["kind"]) for s in secs]
    assert got == [
        (None, "opening"),
        ("加强组织领导，压实防控责任", "leadership"),
        ("强化宣传教育，普及防护知识", "publicity"),
        ("全面摸排登记，落实晨午检制度", "screening"),
        ("做好校园消毒，改善环境卫生", "sanitation"),
        ("存在问题", "problems"),
        ("下步打算", "next_steps"),
    ]
    assert [s["line"] for s in secs] == [2, 3, 5, 7, 9, 11, 13]
    for s in secs:
        assert 0 < s["confidence"] <= 1 and s["low_confidence"] == (s["confidence"] < 0.7)
        assert s["subkind"] is None or isinstance(s["subkind"], str)


def test_classify_traditional_web_copy_stdin_and_single(cli) -> None:
    raw = SEED_001.read_text(encoding="utf-8")
    r = cli("classify", "-", "--format", "json", input=raw)
    assert r.exit_code == 0, r.stderr
    secs = json.loads(r.stdout)["files"][0]["sections"]
    kinds = [s["kind"] for s in secs]
    assert kinds[0] == "opening" and "problems" in kinds and kinds[-2:] == ["next_steps", "closing"]
    # the line numbers are those of the file as written (traditional, web page)
    lines = raw.splitlines()
    heading_line = next(s["line"] for s in secs if s["kind"] == "problems")
    assert "存在問題" in lines[heading_line - 1]
    r = cli("classify", str(SEED_001), "--single", "--format", "json")
    single = json.loads(r.stdout)["files"][0]["sections"]
    assert len(single) == 1 and single[0]["kind"] in core_kinds()


def test_classify_docx_and_text_output(tmp_path: Path, cli) -> None:
    import docx

    d = docx.Document()
    for line in SCHOOL.splitlines():
        d.add_paragraph(line)
    p = tmp_path / "school.docx"
    d.save(p)
    r = cli("classify", str(p))
    assert r.exit_code == 0, r.stderr
    assert "宣传引导(publicity)" in r.stdout and "存在问题(problems)" in r.stdout


def test_outline_has_kinds(tmp_path: Path, cli) -> None:
    p = tmp_path / "school.md"
    p.write_text(SCHOOL, encoding="utf-8")
    r = cli("outline", str(p), "--format", "json")
    data = json.loads(r.stdout)
    assert data["title"] == "××中学关于疫情防控工作开展情况的汇报"
    assert [s["kind"] for s in data["sections"]][1:4] == ["leadership", "publicity", "screening"]
    # the text view marks the sections classify would mark as low-confidence
    from assistant.classify.api import LOW_CONFIDENCE

    def nodes(items):
        for n in items:
            yield n
            yield from nodes(n["children"])

    unsure = {n["line"]: n["confidence"] < LOW_CONFIDENCE for n in nodes(data["sections"]) if n["role"] == "section"}
    text = cli("outline", str(p)).stdout.splitlines()
    marked = {ln for ln in text if "〔" in ln}
    assert len(marked) == len(unsure)
    for ln in marked:
        line = int(ln.rsplit("第", 1)[1].rstrip("行）"))
        assert ("？置信度低〕" in ln) == unsure[line], ln


@pytest.mark.parametrize("args, message", [
    (["classify", "missing.txt"], "文件不存在"),
    (["classify", "."], "是文件夹"),
    (["outline", "nothing.docx"], "文件不存在"),
    (["classify", "x.txt", "--unit", "martian"], "未知的单位类型"),
])
def test_bad_input_is_one_line(cli, tmp_path: Path, args, message) -> None:
    (tmp_path / "x.txt").write_text("一、加强领导。成立领导小组。\n", encoding="utf-8")
    r = cli(*args)
    assert r.exit_code == 2 and message in r.stderr and r.stderr.count("\n") == 1


def test_classify_does_not_import_sklearn(tmp_path: Path) -> None:
    index.ensure([paths.shipped("corpus"), paths.user_corpus()])  # built (and trained) beforehand
    p = tmp_path / "school.txt"
    p.write_text(SCHOOL, encoding="utf-8")
    code = ("import sys, runpy; sys.argv=['assist','classify',%r];"
            "import assistant.cli as c\n"
            "try:\n    c.main()\nexcept SystemExit: pass\n"
            "print('SKLEARN' if 'sklearn' in sys.modules else 'CLEAN', file=sys.stderr)") % str(p)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert out.stderr.strip().endswith("CLEAN"), out.stderr


def test_eval_grouped_cv_beats_the_plain_keyword_baseline(cli) -> None:
    """`assist eval classify` on the shipped corpus: no report has sections on both sides of a
    split, every labelled section is scored once, and the model is at least ten points above
    the plain baseline (the typical cues of section-kinds.md)."""
    from assistant.classify import evaluate

    r = cli("eval", "classify", "--corpus", str(paths.shipped("corpus")), "--curve-repeats", "0", "--silver", "0",
            "--format", "json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    n = sum(1 for _ in corpus_sections())
    assert res["model"]["n"] == res["baseline"]["n"] == res["rules"]["n"] == n
    assert res["documents"] == len({d for d, _, _ in corpus_sections()}) and not res["label_problems"]
    assert res["repeated"] is None  # one split unless --repeats
    assert res["model"]["accuracy"] >= res["baseline"]["accuracy"] + 0.10
    assert res["model"]["macro_f1"] >= res["baseline"]["macro_f1"] + 0.10
    conf = res["model"]["confusion"]
    assert sum(sum(row.values()) for row in conf.values()) == n
    # the folds are grouped by report: each report's sections are all in one test fold
    from sklearn.model_selection import GroupKFold

    groups = [d for d, _, _ in corpus_sections()]
    for tr, te in GroupKFold(n_splits=res["folds"]).split(groups, groups, groups):
        assert not {groups[i] for i in tr} & {groups[i] for i in te}
    # the plain baseline uses only the spec's cues: a heading with a curated cue but no spec cue
    from assistant.classify import keywords

    assert keywords.predict("信息化程度不高", "", "section") == "problems"
    assert keywords.predict_plain("信息化程度不高", "", "section") == keywords.DEFAULT
    assert evaluate.metrics(["a", "b"], ["a", "a"], ["a", "b"])["accuracy"] == 0.5


def test_numbering_runs_follow_containers_and_the_last_run_is_the_smaller_part() -> None:
    """A report whose part headings were lost: the numbering starting again at （一） is a new
    run, and a short last run is flagged (most often the plans). Items numbered 1. 2. … under
    开学前 and again under 开学后 are one list, not two parts; and a last run holding most of
    the report is its main body, not flagged."""
    from assistant.classify.features import context_of, raw_features, section_contexts

    text = textwrap.dedent("""\
        我局高度重视，现将有关情况汇报如下：
        （一）加强组织领导。成立领导小组。
        （二）强化宣传引导。发放一封信。
        （三）全面排查登记。逐户摸排。
        （四）做好环境消杀。每日消毒。
        （一）持续加强排查。将继续摸排。
        （二）持续强化宣传。将继续宣传。
        """)
    secs = outline.sections(outline.parse(MappedText(text)))
    ctx = context_of([s.number for s in secs], [None] * len(secs))
    assert [c["run"] for c in ctx] == [0, 0, 0, 0, 0, 1, 1]
    assert [c["last"] for c in ctx] == [False] * 5 + [True, True]
    feats = raw_features(secs[5].heading, secs[5].text, secs[5].role, context=ctx[5])
    assert feats["last_run"] == 1.0 and feats["runof:1/2"] == 1.0
    assert "last_run" not in raw_features(secs[1].heading, secs[1].text, secs[1].role, context=ctx[1])

    school = textwrap.dedent("""\
        为做好开学工作，我校积极行动。
        1.成立领导小组。校长任组长。
        2.建立联系网络。及时报送信息。
        （一）开学前
        1.学校应汇总学生信息。逐人登记。
        2.学校应开展集中消杀。全面消毒。
        3.学校应储备防疫物资。购置口罩。
        （二）开学后
        1.学校应每日晨午检。测量体温。
        2.学生应佩戴口罩。保持距离。
        3.学校应避免大型集体活动。错峰就餐。
        """)
    secs = outline.sections(outline.parse(MappedText(school)))
    containers = [s.container_line for s in secs]
    assert [s.heading for s in secs if s.container is not None][:1] == ["学校应汇总学生信息"]
    assert len({c for c in containers if c is not None}) == 2
    with_containers = context_of([s.number for s in secs], containers)
    full = section_contexts(secs)  # what the index and classify use: the same, with the part
    assert [{k: v for k, v in c.items() if k != "part"} for c in full] == with_containers
    assert [c["part"] for c in full] == [None] * len(secs)  # 开学前/开学后 say nothing of a part
    assert {c["runs"] for c in with_containers} == {1}  # one numbering, never restarted
    assert not any(c["last"] for c in with_containers)  # a single run is the whole report
    flat = context_of([s.number for s in secs])  # without the containers: three runs, the
    assert {c["runs"] for c in flat} == {3}  # items after 开学后 taken for the plans
    assert [c["last"] for c in flat][-3:] == [True] * 3


def test_eval_repeated_splits(cli) -> None:
    """`--repeats N`: N grouped splits (GroupKFold, then documents shuffled by seed), each
    keeping every report whole in one test fold; the mean lies within the range and the
    first split's figures are the headline ones."""
    from assistant.classify.evaluate import shuffled_group_folds

    r = cli("eval", "classify", "--corpus", str(paths.shipped("corpus")), "--folds", "3", "--repeats", "3",
            "--seed", "5", "--curve-repeats", "0", "--silver", "0", "--format", "json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    rep = res["repeated"]
    assert rep["splits"] == 3 and rep["seed"] == 5
    for m in ("accuracy", "macro_f1"):
        assert rep[m]["min"] <= rep[m]["mean"] <= rep[m]["max"]
    assert rep["accuracy"]["min"] <= res["model"]["accuracy"] <= rep["accuracy"]["max"]
    groups = [d for d, _, _ in corpus_sections()]
    folds = shuffled_group_folds(groups, 3, 5)
    assert sorted(i for _, te in folds for i in te) == list(range(len(groups)))
    for tr, te in folds:
        assert not {groups[i] for i in tr} & {groups[i] for i in te}
    assert folds != shuffled_group_folds(groups, 3, 6)  # another seed, another split
    from assistant.classify.evaluate import format_report

    assert "3 种分组划分" in format_report(res)


@pytest.mark.parametrize("args, message", [
    (["eval", "classify", "--repeats", "0"], "--repeats"),
    (["eval", "classify", "--seed", "x"], "--seed"),
    (["classify", "x.txt", "--bogus"], "--bogus"),
    (["--bogus"], "--bogus"),
    (["no-such-command"], "no-such-command"),
])
def test_usage_mistakes_are_one_line(cli, args, message) -> None:
    """A bad option or value: one line on stderr naming it, exit 2 (the contract), not
    click's usage block; a command group without arguments still shows its whole help."""
    r = cli(*args)
    assert r.exit_code == 2 and message in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    group = cli("corpus")
    assert group.exit_code == 2 and "build" in group.stderr + group.stdout


SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "section-kinds.md"


@pytest.mark.skipif(not SPEC.is_file(), reason="../shared/spec/section-kinds.md is not beside the project")
def test_kinds_are_the_spec_table_and_spec_cues_its_cue_column_word_for_word() -> None:
    """kinds.yaml and units.CORE_KINDS list the kinds of section-kinds.md in its order with its
    names; each kind's ``spec`` cues are the Chinese words of its typical-cues column (split at /
    and commas, English glosses left out), nothing added."""
    import re

    from assistant.classify import kind_table
    from assistant.units import CORE_KINDS

    rows = []
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (\w+) \| (\S+) \| (.*) \|$", line)
        if m and m.group(1) != "id":
            rows.append((m.group(1), m.group(2), re.findall(r"[^\x00-\x7f，、（）：]+", m.group(3))))
    table = kind_table()
    assert [r[0] for r in rows] == list(table) == list(CORE_KINDS) == core_kinds()
    assert {"training", "results"} <= set(table)
    for kind, name, cues in rows:
        assert table[kind]["label"] == CORE_KINDS[kind] == name
        assert table[kind]["spec"] == cues, kind


@pytest.mark.parametrize("text, kind", [
    # written for this test
    ("今年以来，我镇坚持人民至上、生命至上，统筹发展和安全，扎实推进安全生产各项工作，全镇安全形势总体平稳。"
     "现将有关情况汇报如下：", "opening"),
    ("下一步，我们将继续坚持问题导向，持续深化隐患排查整治，坚决守住安全底线，为全镇高质量发展营造安全稳定的环境。",
     "closing"),
])
def test_a_paragraph_classified_alone_keeps_its_kind(cli, tmp_path: Path, text, kind) -> None:
    """`classify --single`: an opening paragraph alone is an opening, a closing one a closing
    (the model is trained on every section also without its place in a report)."""
    src = tmp_path / "p.txt"
    src.write_text(text + "\n", encoding="utf-8")
    r = cli("classify", "--single", str(src), "--format", "json")
    assert r.exit_code == 0, r.stderr
    sec = json.loads(r.stdout)["files"][0]["sections"]
    assert len(sec) == 1 and sec[0]["kind"] == kind and sec[0]["role"] == "single"


def test_source_groups() -> None:
    from assistant.classify.evaluate import source_group

    seed = store.StoredDoc(id="002-04", title="t", unit="town", body="", source="002_2830f3087f7c5350.txt")
    fanwen = store.StoredDoc(id="fw-town-safety-01", title="t", unit="town", body="", source="范文",
                             topic="safety", extra={"fanwen": "yes"})
    other = store.StoredDoc(id="ab-01", title="t", unit="city", body="", source="三亚市/2023.md")
    assert [source_group(d) for d in (seed, fanwen, other)] == ["种子002", "范文:safety", "文件:三亚市/2023.md"]


def test_a_restarted_numbering_without_plans_is_not_the_plans_part() -> None:
    """An excerpt whose numbering starts again over measures (no plan words): its last run is
    not flagged as the plans part (last_run needs the last run to speak more of plans than
    the rest); the same run written as plans is flagged."""
    from assistant.classify.features import raw_features, section_contexts

    measures = textwrap.dedent("""\
        （一）严格卡口管控。在主要路口设置卡点xx个，对进出车辆逐一登记查验。
        （二）关停密集场所。辖区网吧、歌舞厅全部暂停营业，执法队每日巡查。
        （三）落实网格管理。网格员逐户走访，登记外来人员信息。
        （一）加强市场管理。农贸市场实行错峰入场，劝离聚集人员。
        （二）落实隔离措施。对重点人员实行居家隔离，专人上门服务。
        """)
    secs = outline.sections(outline.parse(MappedText(measures)))
    ctx = section_contexts(secs)
    assert [c["run"] for c in ctx] == [0, 0, 0, 1, 1] and not any(c["last"] for c in ctx)
    assert "last_run" not in raw_features(secs[4].heading, secs[4].text, secs[4].role, context=ctx[4])
    plans = measures.replace("农贸市场实行错峰入场，劝离聚集人员", "下一步将继续加强农贸市场管理，进一步落实错峰入场") \
                    .replace("对重点人员实行居家隔离，专人上门服务", "将持续落实居家隔离，继续做好上门服务")
    secs = outline.sections(outline.parse(MappedText(plans)))
    assert [c["last"] for c in section_contexts(secs)] == [False] * 3 + [True] * 2


def test_a_section_in_a_plans_part_is_next_steps_whatever_its_topic() -> None:
    """The part rule: an item under 20xx年工作安排 is next_steps whatever the model's scores
    (here items about leadership, publicity, sanitation); without the rule the model answers
    by their topics."""
    from assistant.classify.features import RULE, raw_features, section_contexts
    from assistant.classify.model import LinearModel

    text = textwrap.dedent("""\
        现将有关情况汇报如下：
        20xx年工作安排
        （一）强化组织领导。成立领导小组，压实工作责任。
        （二）加强宣传引导。发放倡议书，营造浓厚氛围。
        （三）做好环境整治。清理卫生死角，整治人居环境。
        """)
    secs = outline.sections(outline.parse(MappedText(text)))
    ctx = section_contexts(secs)
    conn = index.open_index([paths.shipped("corpus")])
    model = LinearModel.load(conn)
    conn.close()
    assert [s.heading for s in secs[1:]] == ["强化组织领导", "加强宣传引导", "做好环境整治"]
    for s, c in zip(secs[1:], ctx[1:]):
        feats = raw_features(s.heading, s.text, s.role, context=c)
        assert feats[RULE + "next_steps"] == 1.0 and feats["part:next_steps"] == 1.0
        kind, conf, _ = model.predict(feats)
        assert kind == "next_steps" and conf >= 0.9
        assert model.predict({f: v for f, v in feats.items() if not f.startswith(RULE)})[0] != "next_steps"


def test_eval_leave_one_source_out_and_learning_curve(cli) -> None:
    """`assist eval classify` also leaves out one whole source at a time (a seed page, one
    topic's 范文, another corpus): every labelled section is predicted once by a model that
    never saw its source, and the learning curve grows towards that figure."""
    from assistant.classify.evaluate import format_sources

    r = cli("eval", "classify", "--corpus", str(paths.shipped("corpus")), "--curve-repeats", "1",
            "--silver", "0", "--format", "json")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    lo = res["leave_one_source_out"]
    assert sorted(lo["sources"]) == ["种子000", "种子001", "种子002", "种子003", "种子004"]
    n = sum(1 for _ in corpus_sections())
    assert lo["model"]["n"] == sum(s["n"] for s in lo["sources"].values()) == n
    assert sum(s["reports"] for s in lo["sources"].values()) == 33
    assert lo["model"]["accuracy"] >= 0.7  # five seed pages, one of them 26 of the 33 reports
    curve = res["learning_curve"]
    assert [c["sources"] for c in curve] == [1, 2, 4]
    assert curve[-1]["accuracy"] == pytest.approx(lo["model"]["accuracy"])
    assert curve[0]["accuracy"] < curve[-1]["accuracy"]
    assert "留一来源验证" in format_sources(lo, curve) and "学习曲线" in format_sources(lo, curve)
    assert res["silver"] is None


GOV = Path(__file__).resolve().parents[2] / "shared" / "data" / "gov-reports"


@pytest.mark.skipif(not GOV.is_dir(), reason="../shared/data/gov-reports is absent (tests and benchmarks only)")
def test_silver_check_on_real_government_reports(cli, monkeypatch) -> None:
    """The silver check on a sample of the real 政府工作报告 (read in place): sections under a
    review part are results or a body kind, under a plans part next_steps, a problems
    paragraph problems; the sample is small here (the full figure is `assist eval classify`:
    120 reports)."""
    monkeypatch.setenv("ASSIST_GOV_REPORTS", str(GOV))
    r = cli("eval", "classify", "--corpus", str(paths.shipped("corpus")), "--curve-repeats", "0",
            "--silver", "12", "--format", "json")
    assert r.exit_code == 0, r.stderr
    sil = json.loads(r.stdout)["silver"]
    assert sil["files"] == 12 and sil["reports"] >= 10 and sil["sections"] >= 100
    assert set(sil["parts"]) == {"review", "plans", "problems"} and sil["parts"]["plans"]["n"] > 0
    assert sil["accuracy"] >= 0.85
    assert 0 < sil["decided_by_part_rule"] < sil["sections"]


def test_a_body_section_is_never_an_opening_or_a_closing() -> None:
    """Openings and closings are places (before the first, after the last numbered section):
    a body section that reads like one still gets a body kind, its probabilities renormalised
    over the kinds allowed; the same text alone may be an opening."""
    from assistant.classify.features import raw_features
    from assistant.classify.model import LinearModel

    conn = index.open_index([paths.shipped("corpus")])
    model = LinearModel.load(conn)
    conn.close()
    text = "今年以来，我镇高度重视安全生产工作，坚决贯彻上级部署，扎实推进各项工作。现将有关情况汇报如下："  # written for this test
    kind, conf, p = model.predict(raw_features(None, text, "section"))
    assert kind not in ("opening", "closing") and abs(sum(p) - 1.0) < 1e-6 and conf == max(p)
    assert p[model.classes.index("opening")] == 0.0
    assert model.predict(raw_features(None, text, "single"))[0] == "opening"
