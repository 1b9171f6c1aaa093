"""Topics as plugins: the built-in ones, a third party's folder, inference, --topic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.units import manager

DATA = Path(__file__).parent / "data"
FOREST = DATA / "topics" / "forest_fire"
BUILTIN = {"epidemic": "疫情防控", "safety": "安全生产", "flood": "防汛", "petition": "信访维稳",
           "rural": "乡村振兴", "party": "基层党建", "annual": "年度工作总结"}


@pytest.fixture(autouse=True)
def _fresh_registry():
    manager.reset()
    yield
    manager.reset()


def topics_json(cli, *pre: str) -> tuple[dict, str]:
    r = cli(*pre, "topics", "--format", "json")
    assert r.exit_code == 0, r.stderr
    return {t["name"]: t for t in json.loads(r.stdout)["topics"]}, r.stderr


def test_builtin_topics_with_the_contract_shape(cli):
    topics, stderr = topics_json(cli)
    assert stderr == ""
    assert {n: t["label"] for n, t in topics.items() if n in BUILTIN} == BUILTIN
    from assistant.units import CORE_KINDS

    for t in topics.values():
        assert set(t) >= {"name", "label", "aliases", "fields", "kinds"}
        assert t["fields"] and all(set(f) >= {"name", "label", "measure", "type", "aliases"} for f in t["fields"])
        assert all(k["parent"] in CORE_KINDS for k in t["kinds"])
    assert {"排查隐患数", "整改隐患数"} <= {f["label"] for f in topics["safety"]["fields"]}
    assert topics["safety"]["title"] == "××关于20xx年上半年安全生产工作情况的汇报"


def test_a_third_party_topic_folder_works_with_no_code(cli):
    topics, stderr = topics_json(cli, "--plugins", str(FOREST))
    assert stderr == ""
    assert topics["forest_fire"]["label"] == "森林防火"
    assert topics["forest_fire"]["kinds"] == [{"id": "fire_source_control", "label": "野外火源管控", "parent": "control"}]
    assert set(BUILTIN) <= set(topics)
    # its 范文 join the default corpus: a draft on it, for the unit type it wrote for, is its own
    r = cli("--plugins", str(FOREST), "draft", "--unit", "村", "--topic", "护林防火", "--format", "json")
    assert r.exit_code == 0, r.stderr
    draft = json.loads(r.stdout)
    assert draft["topic"] == "forest_fire" and draft["title"] == "××村关于20xx年森林防火工作情况的汇报"
    sources = {x["source"].split(":")[0] for s in draft["sections"] for x in s["sentences"]}
    assert sources == {"fw-village-forest_fire-01"}
    assert [s["heading"] for s in draft["sections"] if s["role"] == "section"][:3] == [
        "压实森林防火责任", "严管野外火源", "加强防火宣传"]
    # suggest finds its phrasing and infers the topic from the query
    r = cli("--plugins", str(FOREST), "suggest", "护林员巡山", "--format", "json")
    assert r.exit_code == 0, r.stderr
    top = json.loads(r.stdout)["suggestions"][0]
    assert top["source"].startswith("fw-village-forest_fire-01:") and top["topic"] == "forest_fire"
    # without the folder the topic is unknown: one line, exit 2
    r = cli("draft", "--unit", "village", "--topic", "森林防火")
    assert r.exit_code == 2 and "未知的主题" in r.stderr


def test_a_broken_topic_file_is_named_and_skipped(cli, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "topic.toml").write_text('name = "bad"\nlabel = "坏"\n[[kinds]]\nid = "x"\nlabel = "x"\nparent = "nonsense"\n',
                                    encoding="utf-8")
    topics, stderr = topics_json(cli, "--plugins", str(bad))
    assert "bad" not in topics and "插件 bad 无法加载" in stderr and "nonsense" in stderr


@pytest.mark.parametrize("topic", sorted(BUILTIN))
def test_every_fanwen_reads_as_its_topic(topic):
    """Each 范文's title and text say its topic (what `corpus add` records and drafts infer)."""
    from assistant.corpus import store
    from assistant.paths import shipped
    from assistant.units import guess_topic

    docs = [d for d in store.iter_docs(sorted(shipped("plugins").glob("*/fanwen"))) if d.topic == topic]
    assert docs
    wrong = [d.id for d in docs if guess_topic(d.body, d.title) != topic]
    assert not wrong


@pytest.mark.parametrize("query, topic", [
    ("防汛", "flood"), ("汛期巡查河道", "flood"), ("下一步要继续抓好安全隐患排查整治", "safety"),
    ("信访维稳", "petition"), ("三会一课", "party"), ("发展村集体经济", "rural"),
    ("挨家挨户排查返乡人员", "epidemic"), ("微信群发通知", None),
])
def test_a_query_names_its_topic(query, topic):
    from assistant.units import guess_topic

    assert guess_topic(query, min_score=0.6) == topic


def test_suggest_never_offers_an_epidemic_sentence_for_a_flood_query(cli):
    for query in ("防汛巡查", "转移群众", "物资储备", "值班值守", "加强组织领导"):
        r = cli("suggest", query, "--topic", "防汛", "-n", "5", "--format", "json")
        assert r.exit_code == 0, r.stderr
        for s in json.loads(r.stdout)["suggestions"]:
            assert s["topic"] != "epidemic" or not any(w in s["text"] for w in ("疫情", "核酸", "隔离", "返乡"))
            assert not any(w in s["text"] for w in ("疫情", "核酸", "隔离", "新冠")), s


@pytest.mark.parametrize("query, topic", [("产业没有特色，带不动", "rural"), ("每个月按时开党员大会", "party"),
                                          ("有的小作坊老板不重视安全", "safety")])
def test_a_query_without_cue_words_takes_the_topic_of_its_best_matches(cli, query, topic):
    """No cue word names the topic, but the reports the best matches come from mostly share
    one: all three suggestions are phrasings from reports on it (not a 疫情 sentence that
    happens to share a word)."""
    from assistant.units import guess_topic

    assert guess_topic(query, min_score=0.6) is None
    r = cli("suggest", query, "-n", "3", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert [s["topic"] for s in json.loads(r.stdout)["suggestions"]] == [topic] * 3
