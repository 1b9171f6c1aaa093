"""The index of corpus folders (the SQLite backend): built from corpus files, rebuilt when they
change, built atomically."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.backends import sqlite as sqlite_backend
from assistant.corpus import build as build_mod
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
    conn = index.open_index(dirs).conn
    st = index.stats(index.open_index(dirs))
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
    assert index.stats(index.open_index(dirs))["documents"] == 3


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


# Sentences that take every path of the phrase table's fast analysis: markers that end a
# block (一、 （二） 第三，) and markers that do not (一是 1.), whitespace of every kind,
# figures (Arabic, full-width, circled, years, dates, stock figures), placeholders
# (x xx XX ××), local names and the same phrasing with other figures in two reports.
TRICKY_A = """各位领导：
一、加强组织领导。新江镇成立由书记张莹任组长的领导小组，2020年1月25日召开专题会议。
（二）强化宣传引导。发放《致居民的一封信》5000份，做到村不漏户、户不漏人。
第三，落实24小时值班和日报告制度，配备84消毒液100%覆盖。
一是防护物资不足；二是群众防范意识有待提高；三是翁源县返乡人员１２名需要跟踪。
1.严格落实 居家隔离\u3000措施，每日测量体温两次以上。
2.对xx名密切接触者进行XX管控，××村全部纳入网格化管理。
①加强督查检查，对发现的问题\xa0立即整改到位，确保不留死角。
  全镇共排查返乡人员356人，其中湖北返乡人员12人。
2020。
"""
TRICKY_B = """一、全面摸排登记。对返乡人员逐户排查，落实居家隔离和健康监测。
全镇共排查返乡人员412人，其中湖北返乡人员9人。
二是群众防范意识有待提高；
\t加强消杀防疫，每天对公共区域进行消毒消杀。\t
"""


def _phrase_dump(conn: sqlite3.Connection) -> tuple[list, list]:
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, phrases_fts, instance)")
    return (list(conn.execute("SELECT * FROM phrases ORDER BY id")),
            list(conn.execute("SELECT term, doc, col, offset FROM temp.v ORDER BY 1, 2, 3, 4")))


def test_fast_phrase_table_is_the_reference_one(tmp_path: Path) -> None:
    """The build analyses new sentences from their cut words and a table of word tags
    (phrases.candidate_of_words, segment.WordTags); the phrase table must be the one the
    plain way gives: phrases.build_rows over the stored sentences, tagging each body itself."""
    from assistant import paths
    from assistant.suggest import phrases

    folder = tmp_path / "c"
    for d in store.iter_docs([paths.shipped("corpus")]):
        store.save(folder, d)
    store.save(folder, store.StoredDoc(id="x-01", title="镇疫情防控工作汇报", unit="town", body=TRICKY_A))
    store.save(folder, store.StoredDoc(id="x-02", title="社区疫情防控情况", unit="community", body=TRICKY_B))
    db = tmp_path / "i.sqlite"
    index.build([folder], db, "test", train_model=False)
    conn = sqlite3.connect(db)
    fast = _phrase_dump(conn)
    # the plain way: every stored sentence analysed on its own (phrases.candidate), into a new
    # phrase table with the marks the index keeps
    rows = list(conn.execute(
        "SELECT se.text, se.tokens, se.line, se.ord, s.kind, s.role, s.heading, d.unit, d.doc_id, d.topic, "
        "d.origin = 'fanwen' FROM sentences se JOIN sections s ON s.id = se.section "
        "JOIN documents d ON d.id = se.doc ORDER BY se.id"))
    fitness = phrases.Fitness.from_index(sqlite_backend.SqliteIndex(db))
    plain, of = phrases.build_rows(rows, fitness=fitness)
    assert len(set(of.values())) == len(fast[0])
    plain_db = tmp_path / "plain.sqlite"
    writer = sqlite_backend.SqliteWriter(plain_db)
    writer.add_phrases(plain)
    writer.commit({})
    assert _phrase_dump(sqlite3.connect(plain_db)) == fast
    texts = {r[2] for r in fast[0]}
    assert {"严格落实 居家隔离\u3000措施，每日测量体温两次以上。", "加强消杀防疫，每天对公共区域进行消毒消杀。"} <= texts
    neutral = dict(conn.execute("SELECT text, neutral FROM phrases"))
    assert neutral["翁源县返乡人员１２名需要跟踪。"].startswith("××县返乡人员xx")
    docs = dict(conn.execute("SELECT neutral, docs FROM phrases"))
    assert docs["全镇共排查返乡人员xx人，其中湖北返乡人员xx人。"] == 2


def test_jieba_backend_build_stores_sentence_tokens(tmp_path: Path) -> None:
    """Without rjieba the build cuts with jieba (whose cut is a generator: the tokens must
    still reach the sentences)."""
    from assistant import segment

    try:
        segment.use_backend("jieba")
        db = tmp_path / "i.sqlite"
        index.build([make_corpus(tmp_path / "c")], db, "test", train_model=False)
        conn = sqlite3.connect(db)
        for text, toks in conn.execute("SELECT text, tokens FROM sentences"):
            assert toks == " ".join(segment.cut(text)), text
        assert conn.execute("SELECT COUNT(*) FROM phrases").fetchone()[0] > 5
    finally:
        segment.use_backend("rjieba")


def _tables(db: Path) -> dict[str, list]:
    """Every row of the index's tables (model weights excepted: training is not bit-for-bit
    repeatable) and the FTS5 index as term instances."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, phrases_fts, instance)")
    out = {t: list(conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2"))
           for t in ("documents", "sections", "sentences", "tokens", "phrases")}
    out["fts"] = list(conn.execute("SELECT term, doc, col, offset FROM temp.v ORDER BY 1, 2, 3, 4"))
    out["features"] = sorted(r[0] for r in conn.execute("SELECT * FROM model_features"))
    return out


def test_parallel_build_is_the_single_process_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes analyse the files of a large corpus; the index (kinds from the
    trained model included) is the one a single process builds. The shipped corpus is made
    to count as large, with the tricky sentences and a report copied (sentences that two
    workers both see)."""
    from assistant import paths
    from assistant.classify import labels as labels_mod

    folder = tmp_path / "c"
    for d in store.iter_docs([paths.shipped("corpus")]):
        store.save(folder, d)
    store.save(folder, store.StoredDoc(id="x-01", title="镇疫情防控工作汇报", unit="town", body=TRICKY_A))
    store.save(folder, store.StoredDoc(id="zz-01", title="镇疫情防控工作汇报", unit="town", body=TRICKY_A))
    store.save(folder, store.StoredDoc(id="x-02", title="社区疫情防控情况", unit="community", body=TRICKY_B))
    (folder / "labels.tsv").write_text(paths.shipped("corpus").joinpath("labels.tsv").read_text("utf-8"), "utf-8")
    one, two = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    calls: list[str] = []
    real = build_mod.analyse_doc

    def counted(doc, *args):  # noqa: ANN001, ANN202
        calls.append(doc.id)  # in the process that analyses the report
        return real(doc, *args)

    monkeypatch.setattr(build_mod, "analyse_doc", counted)
    index.build([folder], one, "test", jobs=1)
    assert len(calls) == len(index.corpus_files([folder]))
    calls.clear()
    monkeypatch.setattr(build_mod, "PARALLEL_MIN_BYTES", 0)
    index.build([folder], two, "test", jobs=2)
    # the labelled reports are analysed first, to train the classifier; every other in a worker
    assert sorted(calls) == sorted({doc for doc, _ in labels_mod.read(folder)})
    a, b = _tables(one), _tables(two)
    assert len(a["sections"]) > 200 and a["features"]
    assert sum(r[8] is not None for r in a["sections"]) == len(a["sections"])  # every section has a kind
    for name in a:
        assert a[name] == b[name], name


def test_parallel_build_errors_leave_the_previous_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corrupt corpus file found by a worker is bad input (one message, no traceback);
    Ctrl-C during a parallel build stops it. Either way the previous index stays as it was."""
    from assistant import paths
    from assistant.errors import InputError

    folder = tmp_path / "c"
    for d in store.iter_docs([paths.shipped("corpus")]):
        store.save(folder, d)
    dirs = [folder]
    index.ensure(dirs, jobs=1)
    path = index.index_path(dirs)
    before = path.read_bytes()
    monkeypatch.setattr(build_mod, "PARALLEL_MIN_BYTES", 0)
    files = index.corpus_files(dirs)
    files[-3].write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(InputError, match="不是 UTF-8"):
        index.ensure(dirs, jobs=2)
    files[-3].write_text(store.StoredDoc(id="zz", title="t", unit="town", body=BODY_B).dumps(), "utf-8")

    def interrupt(done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.ensure(dirs, progress=interrupt, jobs=2)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".building")]
    assert index.stats(index.open_index(dirs))["documents"] == len(files)  # and it builds again


def test_model_is_reused_when_its_training_sections_are_unchanged(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a report without labels rebuilds the index without training again (the model
    of the index it replaces, or of another index with the same labelled sections, is
    kept); a changed label trains anew."""
    from assistant import paths
    from assistant.classify import model as model_mod

    monkeypatch.setenv("ASSIST_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "c"
    for d in store.iter_docs([paths.shipped("corpus")]):
        store.save(folder, d)
    labels = paths.shipped("corpus").joinpath("labels.tsv").read_text("utf-8")
    (folder / "labels.tsv").write_text(labels, "utf-8")
    first = index.ensure([folder])
    assert isinstance(first, index.BuildStats)

    def weights(db: Path) -> tuple[dict, list]:
        conn = sqlite3.connect(db)
        return dict(conn.execute("SELECT key, value FROM meta WHERE key = 'model_inputs'")), \
            list(conn.execute("SELECT * FROM model_features ORDER BY 1"))

    trained = weights(first.path)
    assert trained[0] and trained[1]
    real_train, calls = model_mod.train_apart, []
    monkeypatch.setattr(model_mod, "train_apart", lambda *a, **k: calls.append(1) or real_train(*a, **k))

    store.save(folder, store.StoredDoc(id="x-01", title="学校疫情防控工作汇报", unit="school", body=BODY_A))
    again = index.ensure([folder])
    assert isinstance(again, index.BuildStats) and again.documents == first.documents + 1
    assert calls == [] and weights(again.path) == trained
    # another set of folders holding the same labelled sections: the sibling index's model
    other = tmp_path / "more"
    store.save(other, store.StoredDoc(id="y-01", title="银行疫情防控工作汇报", unit="bank", body=BODY_B))
    index.ensure([folder, other])
    assert calls == [] and weights(index.index_path([folder, other])) == trained

    lines = labels.splitlines()
    i = next(k for k, line in enumerate(lines) if line and not line.startswith("#") and "\tleadership\t" in line)
    lines[i] = lines[i].replace("\tleadership\t", "\tpublicity\t")
    (folder / "labels.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    index.ensure([folder])
    assert calls == [1]
    assert weights(index.index_path([folder]))[0] != trained[0]


# ---- damage, duplicate ids, killed builds (issue 18, items 5, 6, 9) -------------------------------

def _garbage_in_the_middle(path: Path) -> None:
    import os

    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(os.urandom(64 * 1024))


def _drop_sentences(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE sentences")
    conn.commit()
    conn.close()


def _drop_a_column(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE documents DROP COLUMN chars")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_garbage_in_the_middle, _drop_sentences, _drop_a_column])
def test_a_damaged_index_is_rebuilt_when_opened(tmp_path: Path, cli, damage) -> None:
    from assistant import paths

    folder = tmp_path / "c"
    for d in store.iter_docs([paths.shipped("corpus")]):
        store.save(folder, d)
    dirs = [folder]
    index.ensure(dirs, jobs=1)
    path = index.index_path(dirs)
    damage(path)
    r = cli("corpus", "build", "--corpus", str(folder))
    assert r.exit_code == 0, r.stderr
    assert "索引已是最新" not in r.stderr and "已损坏" in r.stderr and "索引已构建" in r.stderr
    damage(path)
    r = cli("corpus", "stats", "--corpus", str(folder), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["documents"] == len(index.corpus_files(dirs))
    assert len(r.stderr.strip().splitlines()) == 1 and "已损坏" in r.stderr  # one line, naming the file
    assert str(path) in r.stderr
    r = cli("corpus", "build", "--corpus", str(folder))  # sound now, and known to be
    assert "索引已是最新" in r.stderr


def test_an_unchanged_index_is_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = [make_corpus(tmp_path / "c")]
    index.ensure(dirs)
    checks = []
    real = sqlite_backend.connect_ro

    def counted(path):  # noqa: ANN001, ANN202
        checks.append(path)
        return real(path)

    monkeypatch.setattr(sqlite_backend, "connect_ro", counted)
    assert index.verify(index.index_path(dirs)) is None and checks == []  # the stamp says sound
    index.verified_path(index.index_path(dirs)).unlink()
    assert index.verify(index.index_path(dirs)) is None and len(checks) == 1  # checked, stamped again
    assert index.verify(index.index_path(dirs)) is None and len(checks) == 1


def test_an_index_path_that_is_a_folder_is_named(tmp_path: Path, cli) -> None:
    folder = make_corpus(tmp_path / "c")
    path = index.index_path([folder])
    path.mkdir(parents=True)
    for args in (["corpus", "build"], ["corpus", "stats"], ["suggest", "排查"]):
        r = cli(*args, "--corpus", str(folder))
        assert r.exit_code == 2 and r.stderr.count("\n") == 1, r.stderr
        assert str(path) in r.stderr and "不是文件" in r.stderr


def test_a_duplicate_id_is_named_and_skipped(tmp_path: Path, cli) -> None:
    """A copy of a report made to start an edited version: both files named, the first kept,
    the rest built; every corpus command keeps working."""
    from assistant import paths

    folder = tmp_path / "c"
    (folder / "reports").mkdir(parents=True)
    for p in (paths.shipped("corpus") / "reports").glob("*.txt"):
        (folder / "reports" / p.name).write_bytes(p.read_bytes())
    (folder / "labels.tsv").write_bytes((paths.shipped("corpus") / "labels.tsv").read_bytes())
    copy = folder / "reports" / "000-01-mine.txt"
    copy.write_bytes((folder / "reports" / "000-01.txt").read_bytes())
    r = cli("corpus", "build", "--corpus", str(folder), "--format", "json")
    assert r.exit_code == 0, r.stderr
    warning = [line for line in r.stderr.splitlines() if "000-01" in line]
    assert len(warning) == 1 and "000-01-mine.txt" in warning[0] and "000-01.txt" in warning[0]
    n = len(list((folder / "reports").glob("*.txt")))
    assert json.loads(r.stdout)["documents"] == n - 1
    listed = cli("corpus", "list", "--corpus", str(folder), "--format", "json")
    ids = [d["doc_id"] for d in json.loads(listed.stdout)["documents"]]
    assert ids.count("000-01") == 1 and len(ids) == n - 1
    report = tmp_path / "r.txt"
    report.write_text("关于疫情防控工作的汇报\n一、加强组织领导\n成立领导小组，共排查xx户。\n", encoding="utf-8")
    for args in (["corpus", "stats"], ["suggest", "排查返乡人员"], ["outline", str(report)],
                 ["classify", str(report)], ["draft", "--unit", "school"], ["eval", "classify"],
                 ["corpus", "add", str(report)]):
        r = cli(*args, "--corpus", str(folder))
        assert r.exit_code == 0, (args, r.stderr)


def _children(pid: int) -> list[int]:
    import os

    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_build_leaves_no_worker_and_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kill -9 of a parallel `corpus build`: its workers end with it (parent-death signal),
    and the next build, of any corpus, removes the .building file it left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from assistant import paths

    if not sys.platform.startswith("linux"):
        pytest.skip("workers run on Linux only")
    cache = tmp_path / "cache"
    monkeypatch.setenv("ASSIST_CACHE", str(cache))
    folder = tmp_path / "big"
    docs = list(store.iter_docs([paths.shipped("corpus")]))
    k = 0
    while sum(p.stat().st_size for p in index.corpus_files([folder])) < 2 * index.PARALLEL_MIN_BYTES:
        k += 1
        for d in docs:
            d.id = f"{d.id.split('~')[0]}~{k}"
            store.save(folder, d)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "corpus", "build", "--corpus", str(folder),
                             "-j", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        workers: list[int] = []
        while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.01)
        assert len(workers) == 2, "the build started no workers"
        time.sleep(0.2)
        assert proc.poll() is None, "the build ended before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.time() + 5
    while time.time() < deadline and any(map(_alive, workers)):
        time.sleep(0.01)
    assert not any(map(_alive, workers))
    left = [p.name for p in cache.iterdir() if not p.name.endswith((".stamps", ".quick", ".json"))]
    assert len(left) == 1 and left[0].endswith(".building") and f".{proc.pid}." in left[0]
    index.ensure([make_corpus(tmp_path / "small")])
    assert not [p for p in cache.iterdir() if p.name.endswith(".building")]


def test_reports_of_no_known_topic_build(tmp_path: Path) -> None:
    """A report whose topic nothing names counts in the totals of topic_words only (two such
    reports once collided there), and a report's own place names are found."""
    from assistant.corpus.places import hide_names

    folder = tmp_path / "c"
    body = "一、强化组织领导\n东湖社区成立工作专班，东湖社区党委书记任组长。东湖社区各网格落实责任。\n"
    for i in range(2):
        store.save(folder, store.StoredDoc(id=f"n-0{i}", title="工作汇报", unit="community", body=body))
    db = tmp_path / "i.sqlite"
    index.build([folder], db, "test", train_model=False)
    conn = sqlite3.connect(db)
    totals = dict(conn.execute("SELECT topic, df FROM topic_words WHERE word = ''"))
    assert totals == {"": 2}
    ix = sqlite_backend.SqliteIndex(db)
    assert ix.place_names("n-00") == ("东湖",) and ix.stats()["by_topic"] == {"": 2}
    assert hide_names("东湖社区各网格", ("东湖",)) == "××社区各网格"


def test_freshness_hashes_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the index is current is decided by the files' sizes, times and inodes: nothing
    is hashed when none changed, only the changed file when one did; a file modified just
    before it was hashed is hashed again next time (its time alone cannot vouch for it)."""
    import os
    import time

    from assistant.corpus import source

    folder = make_corpus(tmp_path / "c")
    files = index.corpus_files([folder])
    past = time.time() - 3600
    for p in files:
        os.utime(p, (past, past))
    index.ensure([folder])
    hashed: list[str] = []
    real = source.Stamps._hash
    monkeypatch.setattr(source.Stamps, "_hash", lambda self, p: hashed.append(str(p)) or real(self, p))
    assert not isinstance(index.ensure([folder]), index.BuildStats) and hashed == []
    files[0].write_text(files[0].read_text(encoding="utf-8") + "四、其他工作。按期完成。\n", encoding="utf-8")
    os.utime(files[0], (past + 60, past + 60))
    assert isinstance(index.ensure([folder]), index.BuildStats)
    assert [h for h in hashed if h.endswith(".txt")] == [str(files[0])], hashed
    hashed.clear()
    assert not isinstance(index.ensure([folder]), index.BuildStats) and hashed == []
    # an edit that keeps the size and the time (within the clock's resolution): caught while the
    # file's time is too close to when it was hashed to vouch for it
    now = time.time_ns()
    os.utime(files[1], ns=(now, now))
    assert not isinstance(index.ensure([folder]), index.BuildStats)  # its time changed: hashed, the same
    assert hashed == [str(files[1])]
    files[1].write_text(files[1].read_text(encoding="utf-8").replace("消毒", "清洁"), encoding="utf-8")
    os.utime(files[1], ns=(now, now))
    assert isinstance(index.ensure([folder]), index.BuildStats)
