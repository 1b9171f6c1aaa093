"""The SQLite index: built from corpus files, rebuilt when they change, built atomically."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.corpus import index, store

BODY_A = """各位领导：
现将我镇疫情防控工作汇报如下：
一、加强组织领导。成立由书记任组长的领导小组，建立联防联控机制。
二、强化宣传引导。发放《致居民的一封信》，做到村不漏户、户不漏人。
三、存在问题。一是防护物资不足；二是群众防范意识有待提高。
"""
BODY_B = """一、全面摸排登记。对返乡人员逐户排查，落实居家隔离和健康监测。
二、加强消杀防疫。每天对公共区域进行消毒消杀。
"""


def make_corpus(folder: Path) -> Path:
    store.save(folder, store.StoredDoc(id="a-01", title="镇疫情防控工作汇报", unit="town", body=BODY_A))
    store.save(folder, store.StoredDoc(id="b-01", title="社区疫情防控情况", unit="community", body=BODY_B))
    return folder


def test_build_counts_and_tokens(tmp_path: Path) -> None:
    dirs = [make_corpus(tmp_path / "c")]
    conn = index.open_index(dirs)
    st = index.stats(conn)
    assert st["documents"] == 2
    assert st["by_unit"] == {"community": 1, "town": 1}
    heads = [r[0] for r in conn.execute("SELECT heading FROM sections WHERE role='section' ORDER BY id")]
    assert heads == ["加强组织领导", "强化宣传引导", "存在问题", "全面摸排登记", "加强消杀防疫"]
    # domain words stay whole in the tokens and are searchable through FTS5
    hit = conn.execute("SELECT p.text FROM phrases_fts f JOIN phrases p ON p.id=f.rowid "
                       "WHERE phrases_fts MATCH '联防联控'").fetchall()
    assert len(hit) == 1 and "联防联控机制" in hit[0][0]
    df = dict(conn.execute("SELECT token, df FROM tokens WHERE token IN ('返乡人员','消毒消杀')"))
    assert df == {"返乡人员": 1, "消毒消杀": 1}
    sentences = [r[0] for r in conn.execute("SELECT text FROM sentences")]
    assert "一是防护物资不足；" in sentences


def test_rebuilt_when_corpus_changes(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path / "c")
    dirs = [folder]
    first = index.ensure(dirs)
    assert isinstance(first, index.BuildStats)
    assert not isinstance(index.ensure(dirs), index.BuildStats)  # unchanged: no rebuild
    store.save(folder, store.StoredDoc(id="c-01", title="第三篇", unit="school", body=BODY_B))
    assert not index.is_current(dirs)
    conn = index.open_index(dirs)
    assert index.stats(conn)["documents"] == 3


def test_interrupted_build_leaves_previous_index_usable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_corpus(tmp_path / "c")
    dirs = [folder]
    index.ensure(dirs)
    path = index.index_path(dirs)
    before = path.read_bytes()
    store.save(folder, store.StoredDoc(id="c-01", title="第三篇", unit="school", body=BODY_B))

    from assistant import segment

    calls = {"n": 0}

    def dying(real):
        def segment_dying(text: str):
            calls["n"] += 1
            if calls["n"] > 3:
                raise KeyboardInterrupt
            return real(text)
        return segment_dying

    # the build segments with the tagger when the backend has one, else with the cutter
    real_cutter, real_tagger = segment.raw_cutter(), segment.raw_tagger()
    monkeypatch.setattr(segment, "raw_cutter", lambda: dying(real_cutter))
    monkeypatch.setattr(segment, "raw_tagger", lambda: real_tagger and dying(real_tagger))
    with pytest.raises(KeyboardInterrupt):
        index.ensure(dirs)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".building")]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2


def test_cli_build_stats_list(tmp_path: Path, cli) -> None:
    folder = make_corpus(tmp_path / "c")
    r = cli("corpus", "build", "--corpus", str(folder), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["rebuilt"] is True
    r = cli("corpus", "stats", "--corpus", str(folder), "--format", "json")
    data = json.loads(r.stdout)
    assert set(data) >= {"documents", "sections", "sentences", "by_kind", "by_unit"}
    assert data["documents"] == 2
    r = cli("corpus", "list", "--corpus", str(folder))
    assert r.exit_code == 0 and "a-01" in r.stdout and "社区疫情防控情况" in r.stdout


def test_cli_missing_corpus_dir_is_one_line(tmp_path: Path, cli) -> None:
    r = cli("corpus", "stats", "--corpus", str(tmp_path / "nope"))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "不存在" in r.stderr


def test_one_segmentation_pass_gives_the_same_tokens_and_phrases() -> None:
    """The build segments each sentence once with the tagger: its words must be the cutter's
    tokens, and the phrase of a sentence must be what tagging the phrase body on its own
    gives (over every sentence of the shipped corpus, markers 一、 一是 1. … included)."""
    from assistant import paths, segment
    from assistant.suggest import phrases

    tagger, cut = segment.raw_tagger(), segment.raw_cutter()
    assert tagger is not None  # rjieba is installed
    n = reused = 0
    for doc in store.iter_docs([paths.shipped("corpus")]):
        for _, sent in index.sentence_spans(doc.body):
            pairs = tagger(sent)
            assert [w for w, _ in pairs] == cut(sent)
            text = sent.strip()
            while pairs[0][0].isspace():
                pairs = pairs[1:]
            while pairs[-1][0].isspace():
                pairs = pairs[:-1]
            body = phrases.strip_marker(text)
            if phrases.MIN_CHARS <= len(body) <= phrases.MAX_CHARS:
                assert phrases._body_tags(text, body, pairs) == segment.tag(body), text
            assert phrases.candidate(text, pairs) == phrases.candidate(text)
            n += 1
            reused += body != text and phrases._ends_block(text[len(text) - len(body) - 1])
    assert n > 1000 and reused > 100  # many bodies after a marker reuse the sentence's tags
