"""Rules are data: every rule's examples run here (table-driven), a meta-test fails
if a rule has none, plugins add rules in the same shape, and the engines behave
on the raw seed files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.check import check_text
from assistant.check.config import CheckConfig
from assistant.check.engine import (builtin_rules, first_chars, parse_rules, rule_examples_failures,
                                    run_rules)
from assistant.check.fix import apply_fixes
from assistant.errors import InputError

SOURCES = Path(__file__).resolve().parents[1] / "corpus" / "sources"
RULES = builtin_rules()
EXAMPLES = [(r.id, want, text) for r in RULES for want in ("flag", "pass") for text in r.examples[want]]


def _seed(prefix: str) -> str:
    (path,) = SOURCES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def test_every_rule_has_should_flag_and_should_pass_examples() -> None:
    missing = [r.id for r in RULES if not r.examples.get("flag") or not r.examples.get("pass")]
    assert not missing, f"rules without examples: {missing}"


def test_the_issue_rules_are_all_there() -> None:
    ids = {r.id for r in RULES}
    assert {"placeholder", "web-leftover", "numbering", "punctuation", "traditional",
            "pinyin-gloss", "duplicate-sentence"} <= ids
    severities = {r.id: r.severity for r in RULES}
    assert severities["placeholder"] == severities["web-leftover"] == severities["pinyin-gloss"] == "error"
    assert severities["numbering"] == severities["punctuation"] == severities["traditional"] == "warning"
    assert severities["duplicate-sentence"] == "warning"


@pytest.mark.parametrize("rule_id, want, text", EXAMPLES,
                         ids=[f"{r}-{w}-{i}" for i, (r, w, _) in enumerate(EXAMPLES)])
def test_rule_examples(rule_id: str, want: str, text: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    hits = run_rules(text, "txt", [rule], CheckConfig())
    if want == "flag":
        assert hits, f"{rule_id} should flag {text!r}"
    else:
        assert not hits, f"{rule_id} should pass {text!r}, flagged {[h.text for h in hits]}"


def test_examples_runner_reports_a_failing_example() -> None:
    bad = [{"id": "demo", "severity": "info", "message": "m", "engine": "words", "words": ["甲"],
            "examples": {"flag": ["乙"], "pass": ["甲"]}}]
    failures = rule_examples_failures(bad)
    assert len(failures) == 2 and all(f.startswith("demo") for f in failures)
    assert rule_examples_failures() == []


# --- rules from plugins (extra_rules) ----------------------------------------------

UNIT_RULE = {"id": "unit-forbidden-word", "severity": "error", "engine": "words",
             "words": ["村民", "村两委"], "exceptions": ["村民委员会"],
             "message": '学校的报告中不应出现"{match}"',
             "examples": {"flag": ["组织村民开展工作。"], "pass": ["组织师生开展工作。"]},
             "replacements": {"村民": "师生"}, "unit": "school"}


def test_a_unit_plugin_adds_rules_through_extra_rules() -> None:
    text = "组织村民开展工作。配合村民委员会工作。村两委成员带头。"
    findings = [f for f in check_text(text, extra_rules=[UNIT_RULE]) if f.rule == "unit-forbidden-word"]
    assert [(f.col, f.text, f.severity) for f in findings] == [(3, "村民", "error"), (20, "村两委", "error")]
    assert findings[0].message == '学校的报告中不应出现"村民"'
    assert rule_examples_failures([UNIT_RULE]) == []
    # and the rule is subject to the user's configuration like any other
    off = check_text(text, extra_rules=[UNIT_RULE], config={"rules": {"unit-forbidden-word": "off"}})
    assert not [f for f in off if f.rule == "unit-forbidden-word"]


def test_a_regex_rule_from_a_plugin_with_a_list_of_patterns() -> None:
    rule = {"id": "demo-regex", "severity": "warning", "message": "不规范：{text}", "engine": "regex",
            "pattern": ["停课不停[教课]", "^注："]}
    findings = check_text("落实停课不停教要求。\n注：以上数据\n", extra_rules=[rule])
    assert [(f.line, f.text) for f in findings if f.rule == "demo-regex"] == [(1, "停课不停教"), (2, "注：")]


BAD_RULES = [
    ("not a list", {"id": "x"}),
    ("no id", [{"severity": "error", "message": "m", "engine": "words", "words": ["a"]}]),
    ("bad id", [{"id": "Bad Id", "severity": "error", "message": "m", "engine": "words", "words": ["a"]}]),
    ("bad severity", [{"id": "a", "severity": "fatal", "message": "m", "engine": "words", "words": ["a"]}]),
    ("no message", [{"id": "a", "severity": "error", "engine": "words", "words": ["a"]}]),
    ("unknown engine", [{"id": "a", "severity": "error", "message": "m", "engine": "magic"}]),
    ("bad regex", [{"id": "a", "severity": "error", "message": "m", "engine": "regex", "pattern": "(["}]),
    ("regex without pattern", [{"id": "a", "severity": "error", "message": "m", "engine": "regex"}]),
    ("words not a list", [{"id": "a", "severity": "error", "message": "m", "engine": "words", "words": "村民"}]),
    ("empty words", [{"id": "a", "severity": "error", "message": "m", "engine": "words", "words": []}]),
    ("pattern on words", [{"id": "a", "severity": "error", "message": "m", "engine": "words",
                           "words": ["a"], "pattern": "a"}]),
    ("bad examples", [{"id": "a", "severity": "error", "message": "m", "engine": "words", "words": ["a"],
                       "examples": {"flagged": ["a"]}}]),
    ("duplicate ids", [{"id": "a", "severity": "error", "message": "m", "engine": "words", "words": ["a"]}] * 2),
    ("clashes with a built-in rule", [{"id": "placeholder", "severity": "error", "message": "m",
                                       "engine": "words", "words": ["a"]}]),
]


@pytest.mark.parametrize("why, rules", BAD_RULES, ids=[b[0] for b in BAD_RULES])
def test_bad_rules_are_input_errors(why: str, rules) -> None:
    with pytest.raises(InputError):
        check_text("文字", extra_rules=rules if isinstance(rules, list) else [rules])
    if not isinstance(rules, list):
        with pytest.raises(InputError):
            parse_rules(rules)


# --- the regex speed-up must not change what is found ---------------------------------

def test_first_chars_is_conservative() -> None:
    _needs_cache()
    assert first_chars("第\\d+页") == {"第"}
    assert first_chars("^[ \\t]*(?:相关推荐|客服)") == {" ", "\t", "相", "客"}
    assert first_chars("x?y") == {"x", "y"}
    # a look-ahead gives its start where known; look-behinds and negative look-aheads are zero width
    assert first_chars("(?=a)a") == first_chars("(?=.)a") == {"a"}
    assert first_chars("(?<!x)(?!y)[ab]") == {"a", "b"}
    for unknown in ("\\d+", ".", "[^a]", "(?i:word)", "a|", "a*"):
        assert first_chars(unknown) is None, unknown


def test_joined_regex_finds_what_each_pattern_finds() -> None:
    import yaml

    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "assistant/check/rules.yaml")
                          .read_text(encoding="utf-8"))
    text = "\n".join(_seed(p) for p in ("000", "001", "002", "003", "004"))
    for raw in data:
        if raw["engine"] != "regex":
            continue
        items = raw["pattern"] if isinstance(raw["pattern"], list) else [raw["pattern"]]
        separate = {m.span() for p in items for m in re.finditer(p, text, re.M) if m.start() < m.end()}
        rule = next(r for r in RULES if r.id == raw["id"])
        joined = [m.span() for rx in rule.compiled for m in rx.finditer(text)]
        # every match of a single pattern is covered by a match of the compiled rule
        for s, e in separate:
            assert any(a <= s < b for a, b in joined), (raw["id"], text[s:e])
        assert separate, raw["id"]


# --- engines on the seed files ------------------------------------------------------

def _by_rule(text: str, rule: str) -> list:
    return [f for f in check_text(text) if f.rule == rule]


def test_web_leftovers_in_the_seeds() -> None:
    texts = [f.text for f in _by_rule(_seed("000"), "web-leftover")]
    assert "第 1 页 共 7 页" in texts and "第 7 页 共 7 页" in texts and "发布者:" in texts
    assert [f.text for f in _by_rule(_seed("002"), "web-leftover")][-1] == "本文地址"
    assert {"上传人:lao****ou", "文档编号:", "第1页 / 共15页", "展开阅读全文", "客服", "_第1页"} <= {
        f.text for f in _by_rule(_seed("004"), "web-leftover")}
    assert all(f.severity == "error" for f in _by_rule(_seed("004"), "web-leftover"))


def test_numbering_defects_in_the_seeds() -> None:
    (first,) = _by_rule(_seed("000"), "numbering")
    assert (first.line, first.text) == (12, "(一)") and "之前" in first.message
    messages = {(f.line, f.text): f.message for f in _by_rule(_seed("002"), "numbering")}
    assert "跳过了“8.”" in messages[(81, "9.")]
    assert "跳过了“3、”" in messages[(286, "4、")]


NUMBERING = [
    ("一、甲\n二、乙\n四、丁\n", [(3, "跳过了“三、”")]),
    ("（一）甲\n（二）乙\n（四）丁\n", [(3, "跳过了“（三）”")]),
    ("1.甲\n2.乙\n2.丙\n", [(3, "重复")]),
    ("1、甲\n2.乙\n", [(2, "混用")]),
    ("一是甲。二是乙。四是丁。\n", [(1, "跳过了“三是”")]),
    ("一要加强领导。\n一、总结\n二、打算\n", [(1, "却没有“二要”")]),
    ("一、总结\n一是加强。\n二、打算\n二是落实。\n", [(2, "却没有“二是”")]),
    ("（一）甲\n一、乙\n二、丙\n", [(1, "之前")]),
    ("一、甲\n（一）子\n（二）子\n二、乙\n（一）子\n（二）子\n", []),
    ("1. 甲\n2. 乙\n一、新的一节\n1、丙\n2、丁\n", []),
]


@pytest.mark.parametrize("text, expected", NUMBERING)
def test_numbering_cases(text: str, expected: list) -> None:
    found = [(f.line, f.message) for f in _by_rule(text, "numbering")]
    assert len(found) == len(expected), found
    for (line, message), (want_line, fragment) in zip(found, expected):
        assert line == want_line and fragment in message


def test_traditional_characters() -> None:
    trad = _by_rule(_seed("001"), "traditional")
    assert trad and trad[0].line == 1 and "網→网" in trad[0].message
    assert not _by_rule(_seed("000"), "traditional")
    (one,) = _by_rule("我镇黨委高度重视，著名的乾隆皇帝。", "traditional")
    assert (one.col, one.text) == (3, "黨")


def test_pinyin_glosses_are_errors_with_a_certain_fix() -> None:
    text = "突出關(guān)鍵信息，專業(yè)性"
    glosses = _by_rule(text, "pinyin-gloss")
    assert [(f.col, f.text, f.severity) for f in glosses] == [(4, "(guān)", "error"), (16, "(yè)", "error")]
    fixed, counts = apply_fixes(text, glosses)
    assert fixed == "突出關鍵信息，專業性" and counts["pinyin-gloss"] == 2


def test_duplicate_sentences() -> None:
    dups = _by_rule(_seed("002"), "duplicate-sentence")
    assert {f.line for f in dups} >= {356, 358, 361, 363, 365, 366}
    assert "第 301 行" in next(f.message for f in dups if f.line == 358)
    assert not _by_rule(_seed("003"), "duplicate-sentence")


def test_punctuation_fixes_are_certain_and_only_between_chinese() -> None:
    text = "疫情就是命令,防控就是责任;各村(社区)联络员:张三。共计1,200人,时间:2023-12-25。(KTV)"
    findings = _by_rule(text, "punctuation")
    fixed, counts = apply_fixes(text, findings)
    assert fixed == "疫情就是命令，防控就是责任；各村（社区）联络员：张三。共计1,200人，时间:2023-12-25。(KTV)"
    assert counts["punctuation"] == 5


def test_garbled_text_is_reported_and_its_underscore_is_not_a_placeholder() -> None:
    text = "認真?zhèn)鬟_貫徹上級最新決策部署"
    assert [f.rule for f in check_text(text) if f.rule in ("garbled", "placeholder")] == ["garbled"]


def test_findings_are_sorted_and_have_the_documented_fields() -> None:
    findings = check_text(_seed("000"))
    assert [(f.line, f.col) for f in findings] == sorted((f.line, f.col) for f in findings)
    d = findings[0].to_dict()
    assert list(d) == ["line", "col", "end_col", "text", "kind", "rule", "severity", "message"]
    placeholders = [f for f in findings if f.rule == "placeholder"]
    assert len(placeholders) == 27 and all(f.kind in {"number", "date", "name", "other"} for f in placeholders)
    assert all(f.end_col - f.col == len(f.text) for f in findings)


# --- the compiled-regex cache ---------------------------------------------------------

def _needs_cache() -> None:
    from assistant.check import recache

    if not recache.enabled():
        pytest.skip("the regex cache is not used on this Python (recache.VERIFIED)")


def test_the_private_regex_api_is_used_only_where_verified(monkeypatch) -> None:
    import types

    from assistant.check import recache

    monkeypatch.setattr(recache, "_new", {})
    for version, name, env, on in [((3, 12), "cpython", "1", True), ((3, 99), "cpython", "1", False),
                                   ((3, 12), "pypy", "1", False), ((3, 12), "cpython", "0", False)]:
        monkeypatch.setattr(recache, "sys", types.SimpleNamespace(
            version_info=version, implementation=types.SimpleNamespace(name=name), version="x"))
        monkeypatch.setenv("ASSIST_REGEX_CACHE", env)
        monkeypatch.setattr(recache, "_enabled", None)
        assert recache.enabled() is on
        if not on:
            assert recache.compile("(?=[ab])(?:a+|bc)").findall("xaabcx") == ["aa", "bc"]
            assert recache._new == {}  # nothing went through _sre


def test_check_without_the_private_regex_api_finds_the_same(tmp_path: Path) -> None:
    """ASSIST_REGEX_CACHE=0 (or an unverified Python): plain re.compile, no start sets, no
    first-character joins; every finding on the seeds is the same."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    seeds = sorted(str(p) for p in (repo / "corpus" / "sources").glob("*.txt"))
    outs = []
    for flag in ("1", "0"):
        env = dict(os.environ, PYTHONPATH=str(repo), ASSIST_REGEX_CACHE=flag, ASSIST_CACHE=str(tmp_path / flag))
        r = subprocess.run([sys.executable, "-m", "assistant.check", "--format", "json", *seeds],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 1, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1] and outs[0].count('"rule"') > 1000
    assert not (tmp_path / "0" / "check" / "regex-cache.bin").exists()


def _fresh_recache(monkeypatch, tmp_path: Path):
    from assistant.check import recache

    _needs_cache()

    monkeypatch.setenv("ASSIST_CACHE", str(tmp_path))
    for name, value in (("_store", None), ("_new", {}), ("_used", set()), ("_blob", b""),
                        ("_generation", 0)):
        monkeypatch.setattr(recache, name, value)
    return recache


def test_regex_cache_gives_the_same_patterns(tmp_path: Path, monkeypatch) -> None:
    recache = _fresh_recache(monkeypatch, tmp_path)
    text = "\n".join(_seed(p) for p in ("000", "001", "002", "003", "004"))
    patterns = [(r"(?P<x>[xX]+)|(?P<mou>某+)", 0), (r"^[ \t]*第\d+[页頁]$", re.M),
                (f"[{chr(0x3400)}-{chr(0x9fff)}]+", 0), (r"(\*\*|__)(.+?)\1", 0),
                ("(?P<名>某+)\t(?P=名)", 0)]
    fresh = [recache.compile(p, f) for p, f in patterns]
    assert recache.cached("k", lambda: "某\n\t值") == "某\n\t值" and recache.cached("n", lambda: None) is None
    recache.save()
    assert (tmp_path / "check" / "regex-cache.bin").is_file()
    _fresh_recache(monkeypatch, tmp_path)  # a new process, as it were
    for (p, f), a in zip(patterns, fresh):
        b = recache.compile(p, f)
        assert (b.pattern, b.flags, b.groups, b.groupindex) == (a.pattern, a.flags, a.groups, a.groupindex)
        assert [m.span() for m in b.finditer(text)] == [m.span() for m in re.compile(p, f).finditer(text)]
    assert recache.cached("k", lambda: "other") == "某\n\t值" and recache.cached("n", lambda: "x") is None
    assert not recache._new  # all came from the cache file
    # a damaged cache file is ignored
    (tmp_path / "check" / "regex-cache.bin").write_bytes(b"assist regex cache 3\tnot\tthis")
    _fresh_recache(monkeypatch, tmp_path)
    assert recache.compile(patterns[0][0]).match("xx") and recache._new
    with pytest.raises(re.error):
        recache.compile("([")


def test_regex_cache_refuses_damaged_code_and_drops_old_entries(tmp_path: Path, monkeypatch) -> None:
    recache = _fresh_recache(monkeypatch, tmp_path)
    recache.compile("a+b", 0)
    recache.save()
    path = tmp_path / "check" / "regex-cache.bin"
    data = path.read_bytes()
    path.write_bytes(data[:-4] + b"\xff\xff\xff\xff")  # the last word of the code is nonsense
    _fresh_recache(monkeypatch, tmp_path)
    assert [m.span() for m in recache.compile("a+b", 0).finditer("xaab ab")] == [(1, 4), (5, 7)]
    # an entry that is not used for _KEEP writes of the cache is dropped
    recache.save()
    for n in range(recache._KEEP + 1):
        _fresh_recache(monkeypatch, tmp_path)
        recache.compile(f"c{n}d", 0)
        recache.save()
    _fresh_recache(monkeypatch, tmp_path)
    store = recache._load()
    assert "0:a+b" not in store and f"0:c{recache._KEEP}d" in store


# --- speed-ups that must not change results ---------------------------------------------

def _all_check_patterns() -> list:
    """Every regex that check compiles through the cache."""
    from assistant.check import engines, findings, placeholders, tradchars

    found = []
    for r in RULES:
        if r.engine == "regex":
            found += list(r.compiled)
        elif r.engine == "words":
            found.append(r.compiled)
    findings._patterns()
    for module in (engines, placeholders, findings):
        for value in vars(module).values():
            if isinstance(value, re.Pattern):
                found.append(value)
            elif isinstance(value, tuple):
                found += [v for v in value if isinstance(v, re.Pattern)]
                found += [v[1] for v in value if isinstance(v, tuple) and len(v) == 2
                          and isinstance(v[1], re.Pattern)]
    found.append(tradchars.pattern())
    tables = tradchars.tables()
    if tables is not None:
        found += [tables._class(name, astral) for name in ("changed", "special", "pairs")
                  for astral in (False, True)]
        found += [tables._seg_firsts] + [stage._firsts for stage in tables.stages]
    return [rx for rx in found if rx is not None]


def test_start_sets_added_to_compiled_patterns_find_the_same_matches() -> None:
    """recache adds the set of possible first characters to patterns that lack one
    (a speed-up inside the regex engine): every match stays the same."""
    _needs_cache()
    text = "\n".join(_seed(p) for p in ("000", "001", "002", "003", "004"))
    text += "\n" + "\n".join(t for _, _, t in EXAMPLES)
    patterns = _all_check_patterns()
    assert len(patterns) > 20
    for rx in patterns:
        plain = re.compile(rx.pattern, rx.flags)
        ours = [(m.span(), m.groups()) for m in rx.finditer(text)]
        assert ours == [(m.span(), m.groups()) for m in plain.finditer(text)], rx.pattern[:80]


@pytest.mark.parametrize("pattern, flags", [
    (r"(?=[ab])(?:a+|bc)", 0), (r"^[ \t]*[一二三]、", re.M), (r"x*y", 0), (r"(?<=a)b", 0),
    (r"(?:a|)b", 0), (r"(?!ab)[abc]{2}", 0), (r"(a*)b", 0), (r"\bfoo|bar", 0), (r"(?i:a)b|cb", 0),
    (r"[^ab]c", 0), (r"(?=\d)\w+", 0), (r"$x|^y", re.M), (r"(?:ab)+c|d", 0), (r"(?=a*)b", 0),
])
def test_start_sets_are_sound_on_tricky_patterns(pattern: str, flags: int, tmp_path: Path,
                                                 monkeypatch) -> None:
    import random

    from assistant.check import recache

    _needs_cache()
    monkeypatch.setenv("ASSIST_CACHE", str(tmp_path))
    monkeypatch.setattr(recache, "_store", None)
    monkeypatch.setattr(recache, "_new", {})
    rng = random.Random(pattern)
    text = "".join(rng.choice("abcdxyfo \t\n一二三、Bb12") for _ in range(5000))
    ours = recache.compile(pattern, flags)
    plain = re.compile(pattern, flags)
    assert [m.span() for m in ours.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_fast_json_writer_is_byte_identical_to_json_dumps() -> None:
    import json

    from assistant.check.findings import dumps_json, to_json

    files = [(f"{p}.txt", check_text(_seed(p))) for p in ("000", "002")] + [("空.txt", [])]
    for chosen in (files, files[:1], files[2:], []):
        assert dumps_json(chosen) == json.dumps(to_json(chosen), ensure_ascii=False, indent=2)


def _reference_width(s: str) -> int:
    wide = [(0x1100, 0x115F), (0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
            (0xA000, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFF60),
            (0xFFE0, 0xFFE6), (0x20000, 0x3FFFD)]
    return sum(2 if any(a <= ord(c) <= b for a, b in wide) else 1 for c in s)


def test_text_output_carets_sit_under_the_match_on_the_seeds() -> None:
    """The fast column arithmetic of format_text equals a character-by-character count."""
    from assistant.check.findings import format_text

    for p in ("000", "002"):
        text = _seed(p)
        findings = check_text(text)
        out = format_text("x.txt", findings, text).splitlines()
        assert len(out) == 3 * len(findings)
        lines = text.splitlines()
        for k, f in enumerate(findings):
            shown, carets = out[3 * k + 1][4:], out[3 * k + 2][4:]
            line = lines[f.line - 1].expandtabs(1)
            s = f.col - 1
            a = max(0, s - 12)
            prefix = ("…" if a else "") + line[a:s]
            assert shown.startswith(prefix + f.text)
            assert carets == " " * _reference_width(prefix) + "^" * (_reference_width(f.text) or 1)
