"""The PostgreSQL backend: a team corpus in a real database.

These tests need a PostgreSQL server: ``ASSIST_TEST_POSTGRES`` is the URL of a database on
it whose user may create databases (``.ci/run`` starts a throw-away server from Debian's
package, ``.ci/postgres.sh``); each test gets a new database. Without it they skip, saying
why. The full-text terms are checked against SQLite's FTS5 without a server.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from assistant.backends.postgres import fts
from assistant.corpus import default_dirs, index

REPO = Path(__file__).resolve().parents[1]
ADMIN = os.environ.get("ASSIST_TEST_POSTGRES", "")


def _server_reason() -> str | None:
    if not ADMIN:
        return "no PostgreSQL server: set ASSIST_TEST_POSTGRES=postgresql://… (.ci/run starts one)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return 'psycopg is not installed (pip install ".[postgres]")'
    return None


needs_server = pytest.mark.skipif(_server_reason() is not None, reason=_server_reason() or "")


def _with_db(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` (the query string, with its socket, kept)."""
    base, _, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}" + (f"?{query}" if query else "")


@pytest.fixture
def pg_url():
    """A new, empty database for one test, dropped after it."""
    import psycopg

    name = "assist_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield _with_db(ADMIN, name)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- full-text terms: what FTS5's unicode61 makes of the tokens (no server needed) ------------

def test_fts_terms_are_the_fts5_terms() -> None:
    """Every phrase of the default corpus: fts.terms of its tokens is the list of terms SQLite's
    FTS5 stores for it, in order (so BM25 sees the same terms and lengths on both backends)."""
    ix = index.open_index(default_dirs())
    conn = ix.conn
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, phrases_fts, instance)")
    stored: dict[int, list[tuple[int, str]]] = {}
    for term, doc, _, offset in conn.execute("SELECT term, doc, col, offset FROM temp.v"):
        stored.setdefault(doc, []).append((offset, term))
    n = 0
    for pid, tokens in conn.execute("SELECT id, tokens FROM phrases"):
        assert fts.terms(tokens) == [t for _, t in sorted(stored.get(pid, []))], tokens
        n += 1
    assert n > 3000
    ix.close()


@pytest.mark.parametrize("text, terms", [
    ("KN95 口罩 ， 发放 3.5 万只 。", ["kn95", "口罩", "发放", "3", "5", "万只"]),
    ("COVID-19 疫情", ["covid", "19", "疫情"]),
    ("Café 咖啡", ["cafe", "咖啡"]),
    ("“ 一 是 ” ２４ 小时", ["一", "是", "２４", "小时"]),
])
def test_fts_terms_of_mixed_text(text: str, terms: list[str]) -> None:
    assert fts.terms(text) == terms
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    conn.execute("INSERT INTO t VALUES (?)", (text,))
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    assert [r[0] for r in conn.execute("SELECT term FROM v ORDER BY offset")] == terms


# --- the same results as SQLite -------------------------------------------------------------

QUERIES = [
    ("微信群发通知 发了一封信", {}), ("成立领导小组", {}), ("返乡人员排查登记", {}), ("核酸检测全覆盖", {}),
    ("口罩消毒液储备", {}), ("24小时值班 零报告", {}), ("存在的问题 群众意识不强", {}),
    ("开学准备", {"unit": "school"}), ("防汛巡查 水库", {"unit": "village"}), ("网格化管理", {"n": 10}),
    ("信访矛盾纠纷排查化解", {"topic": "petition"}), ("KN95口罩 发放", {}), (None, {"kind": "problems"}),
]


@needs_server
def test_suggest_and_draft_are_the_same_as_sqlite(pg_url: str) -> None:
    """A new database corpus starts as the default corpus does (shipped reports and 范文): its
    top suggestions (text, source, score) and its drafts are those of the SQLite index."""
    from assistant.backends import open_corpus
    from assistant.draft.compose import make_draft
    from assistant.draft.render import render_draft
    from assistant.suggest.rank import Suggester
    from assistant.units import get_unit

    pg = open_corpus(pg_url)
    built = pg.ensure()
    assert built is not None and built.documents == len(index.corpus_files(default_dirs()))
    with index.open_index(default_dirs()) as lite_ix, pg.open_index() as pg_ix:
        assert pg_ix.stats() == lite_ix.stats()
        assert pg_ix.list_documents() == lite_ix.list_documents()
        assert sorted(pg_ix.marks("unit")) == sorted(lite_ix.marks("unit"))
        lite, post = Suggester(lite_ix), Suggester(pg_ix)
        for query, opts in QUERIES:
            a = [s.to_json() for s in lite.suggest(query, **opts)]
            b = [s.to_json() for s in post.suggest(query, **opts)]
            assert a and a == b, query
        toks = lite.query_tokens("防控 宣传 排查")
        assert [(h.id, h.bm25) for h in lite_ix.search_phrases(toks, None, 50)] == \
               [(h.id, h.bm25) for h in pg_ix.search_phrases(toks, None, 50)]
    for unit, topic in (("school", None), ("village", "flood"), ("bank", None)):
        a = make_draft(unit, default_dirs(), topic=topic)
        b = make_draft(unit, open_corpus(pg_url), topic=topic)
        assert render_draft(a, "md", get_unit(unit)).text == render_draft(b, "md", get_unit(unit)).text


@needs_server
def test_cli_on_a_database_corpus(pg_url: str, cli, tmp_path: Path) -> None:
    """The corpus commands, suggest, classify, outline and draft take a database as --corpus
    (and ASSIST_CORPUS); a report added there is in the next draft's corpus."""
    r = cli("corpus", "build", "--corpus", pg_url, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["rebuilt"] is True
    r = cli("corpus", "build", "--corpus", pg_url, "--format", "json")
    assert json.loads(r.stdout)["rebuilt"] is False
    report = tmp_path / "汇报.txt"
    report.write_text(REPORT.format(n=1, town="青石"), encoding="utf-8")
    r = cli("corpus", "add", str(report), "--corpus", pg_url, "--unit", "town", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["added"] == 1
    r = cli("corpus", "list", "--corpus", pg_url, "--format", "json")
    docs = json.loads(r.stdout)["documents"]
    assert [d["origin"] for d in docs].count("user") == 1
    for args in (["suggest", "防汛值班"], ["classify", str(report)], ["outline", str(report)],
                 ["draft", "--unit", "town", "--topic", "flood"], ["corpus", "stats"]):
        r = cli(*args, "--corpus", pg_url)
        assert r.exit_code == 0, (args, r.stderr)
    r = cli("corpus", "add", str(report), "--corpus", pg_url, "--format", "json")  # the same file again
    assert json.loads(r.stdout)["added"] == 0


def test_an_unreachable_database_is_one_line(cli, tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://nobody@/nodb?host={tmp_path}"  # no server listens there
    for args in (["corpus", "stats"], ["suggest", "排查"], ["corpus", "add", str(REPO / "README.md")]):
        r = cli(*args, "--corpus", url)
        assert r.exit_code == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and "无法连接语料库数据库" in r.stderr and "nodb" in r.stderr


def test_an_unknown_scheme_is_one_line(cli) -> None:
    r = cli("corpus", "stats", "--corpus", "mongodb://localhost/x")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "mongodb" in r.stderr


# --- a team at work -------------------------------------------------------------------------

# A report of my own making, varied by number and town so that no two are the same text.
REPORT = """{town}镇第{n}期防汛工作情况汇报
入汛以来，{town}镇按照县防指的统一部署，把防汛工作作为头等大事来抓，现将第{n}期工作情况汇报如下：
一、压实防汛责任
镇党委召开专题会议{n}次，调整充实防汛抗旱指挥部，落实镇村干部包片包点责任，签订责任书{n}份。
二、加强巡查值守
对辖区{n}座山塘水库和{n}处地质灾害隐患点开展拉网式排查，实行二十四小时值班和领导带班制度。
三、做好物资准备
储备编织袋{n}千条、救生衣{n}百件，组建应急抢险队伍{n}支，开展转移避险演练{n}次。
"""
TOWNS = ["青石", "柳溪", "桂岭", "松坪"]


def _write_reports(folder: Path, who: int, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(count):
        p = folder / f"r{who}-{k:02d}.txt"
        p.write_text(REPORT.format(n=who * 100 + k + 1, town=TOWNS[who]), encoding="utf-8")
        out.append(p)
    return out


@needs_server
def test_concurrent_adds_lose_no_report(pg_url: str, tmp_path: Path) -> None:
    """Four people add 50 reports each at the same time: all 200 are in the corpus, each once,
    and the index built afterwards has them."""
    from assistant.backends import open_corpus

    corpus = open_corpus(pg_url)
    before = len(corpus.source().refs(print))
    env = dict(os.environ, PYTHONPATH=str(REPO), ASSIST_CORPUS=pg_url)
    procs = []
    for who in range(4):
        files = _write_reports(tmp_path / f"p{who}", who, 50)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "assistant", "corpus", "add", "--unit", "town", "--format", "json",
             *map(str, files)], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = [p.communicate(timeout=600) for p in procs]
    for (out, err), p in zip(results, procs):
        assert p.returncode == 0, err.decode()
        assert json.loads(out)["added"] == 50
    refs = corpus.source().refs(print)
    assert len(refs) == before + 200
    assert len({r[0] for r in refs}) == len(refs)  # every id once
    built = corpus.ensure()
    assert built is not None and built.documents == before + 200
    corpus.close()


@needs_server
def test_a_draft_does_not_wait_for_someone_elses_build(pg_url: str, tmp_path: Path) -> None:
    """While another member's build holds the build lock, opening the index gives the newest
    generation at once (not the one being built), and the corpus commands keep working."""
    import psycopg

    from assistant.backends import open_corpus
    from assistant.backends.postgres import BUILD_LOCK

    corpus = open_corpus(pg_url)
    assert corpus.ensure() is not None
    old = corpus.open_index()
    old_docs = old.stats()["documents"]
    old_name = old.schema_name
    old.close()
    corpus.add(_write_reports(tmp_path / "new", 1, 2), unit="town")
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (BUILD_LOCK,))  # someone is building
        ix = open_corpus(pg_url).open_index()
        assert ix.schema_name == old_name and ix.stats()["documents"] == old_docs
        ix.close()
        other.execute("SELECT pg_advisory_unlock(%s)", (BUILD_LOCK,))
    ix = open_corpus(pg_url).open_index()  # the lock is free: the new reports are indexed
    assert ix.stats()["documents"] == old_docs + 2
    ix.close()
