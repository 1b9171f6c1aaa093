"""The speed-ups of ``assist check`` find exactly what the plain way finds.

Each fast path is compared with the straightforward one it replaces: OpenCC's
tables against OpenCC itself, patterns split by first character against the
one pattern, findings as rows against Finding objects, line-start loops
against ``finditer``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from assistant.check import check_text, engines, placeholders, tradchars
from assistant.check.engine import builtin_rules, check_rows
from assistant.check.findings import Rows, dumps_json, format_text, to_json

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "corpus" / "sources"
RULES = {r.id: r for r in builtin_rules()}


def _texts() -> list[str]:
    """The raw seeds, the corpus, and the seeds run together (a long report)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*/*.txt"))
              if p.parent.name != "sources"]
    texts.append("\n".join(texts[:5]))
    return texts


TEXTS = _texts()


# --- traditional characters: OpenCC's tables against OpenCC ----------------------------

@pytest.fixture(scope="module")
def tables():
    t = tradchars.tables()
    if t is None:
        pytest.skip("OpenCC's tables cannot be read here (no opencc_dict): OpenCC converts")
    return t


def _by_opencc(text: str, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setattr(tradchars, "tables", lambda: None)
        return [tuple(h) for h in engines.traditional_engine(engines.Context(text), RULES["traditional"])]


def _by_tables(text: str) -> list:
    return [tuple(h) for h in engines.traditional_engine(engines.Context(text), RULES["traditional"])]


def _mixtures(t, count: int, seed: int) -> list[str]:
    """Lines of the texts with dictionary phrases (and the forms that become them)
    put in at random places: where OpenCC does more than one character at a time."""
    rng = random.Random(seed)
    lines = [line for text in TEXTS for line in text.split("\n") if line]
    out = []
    for _ in range(count):
        chosen = rng.sample(lines, 12)
        for k, line in enumerate(chosen):
            for _ in range(rng.randint(0, 3)):
                i = rng.randint(0, len(line))
                line = line[:i] + rng.choice(t.triggers) + line[i:]
            chosen[k] = line
        out.append("\n".join(chosen))
    return out


def test_tables_agree_with_opencc_on_their_own_check(tables) -> None:
    assert tradchars._validate(tables) is None


def test_traditional_findings_from_tables_are_opencc_s(tables, monkeypatch) -> None:
    texts = TEXTS + _mixtures(tables, 60, 1)
    texts.append("鄉鎮" + "".join(sorted(tables.special_chars)[:40]) + "關於\n" + TEXTS[2][:3000])  # special characters
    texts.append("只有一个人针对方針，肥皂")  # few suspects: only their lines
    found = 0
    for text in texts:
        mine = _by_tables(text)
        assert mine == _by_opencc(text, monkeypatch), text[:80]
        found += len(mine)
    assert found > 1000


def test_text_with_ideographic_description_characters_goes_to_opencc(tables, monkeypatch) -> None:
    text = "⿰氵每關係\n與會人員\n" * 20
    assert tables.scan(text) is None
    assert _by_tables(text) == _by_opencc(text, monkeypatch)


def test_conversion_around_phrases_is_opencc_s_on_long_lines(tables) -> None:
    convert = tradchars.converter()
    rng = random.Random(7)
    keys = [k for st in tables.stages for plan in st.plans.values() for m, _ in plan for k in m]
    keys += list(tables.triggers)
    pool = [c for c in tables.changed_chars[:3000]] + list("的一是在了不和有大这，。 a1")
    lines = []
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(2, 10)):
            parts.append(rng.choice(keys))
            parts.append("".join(rng.choice(pool) for _ in range(rng.choice((0, 1, 5, 9, 10, 11, 30)))))
        lines.append("".join(parts))
    text = "\n".join(lines)
    specials, spans = tables.scan(text)
    assert not specials and spans
    starts = engines.Context(text).line_starts
    expected = convert(text).split("\n")
    import bisect

    by_line: dict[int, list] = {}
    for s, e in spans:
        k = bisect.bisect_right(starts, s) - 1
        by_line.setdefault(k, []).append((s - starts[k], e - starts[k]))
    for k, line in enumerate(lines):
        assert tables.convert(line) == expected[k]
        assert tables.convert_around(line, by_line.get(k, [])) == expected[k]


def test_damaged_or_unusable_tables_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ASSIST_CACHE", str(tmp_path))
    path = tradchars._cache_file("tables", tradchars._TABLES_VERSION)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(tradchars._MAGIC + "\nunusable: no opencc_dict here", encoding="utf-8")
    tradchars.tables.cache_clear()
    try:
        assert tradchars.tables() is None  # not tried again: OpenCC converts
        Path(path).write_text(tradchars._MAGIC + "\nnorm 1\n", encoding="utf-8")  # damaged: built anew
        tradchars.tables.cache_clear()
        rebuilt = tradchars.tables()
        assert rebuilt is None or Path(path).read_text(encoding="utf-8").endswith("\nend")
    finally:
        tradchars.tables.cache_clear()


# --- patterns split by their first character --------------------------------------------

_HAN = engines._HAN
_OLD_PUNCT = re.compile(f"[,;:?!](?<=[{engines._BEFORE}][,;:?!])[ \\t]*(?=[{engines._AFTER}])")
_OLD_SPACED = re.compile(f"[ \\t](?<=[{engines._BEFORE}][ \\t])[ \\t]*[,;:?!][ \\t]*(?=[{engines._AFTER}])")


def _random_punctuation(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("中文，。,,;:?!  \t\t（）()“”a1") for _ in range(20000))


def test_punctuation_patterns_find_what_one_pattern_finds() -> None:
    for text in TEXTS + [_random_punctuation(3)]:
        split = sorted(m.span() for rx in engines._PUNCT for m in rx.finditer(text))
        assert split == [m.span() for m in _OLD_PUNCT.finditer(text)]
        split = sorted(m.span() for rx in engines._PUNCT_SPACED for m in rx.finditer(text))
        assert split == [m.span() for m in _OLD_SPACED.finditer(text)]


def test_numbering_looks_where_the_line_start_pattern_matches() -> None:
    for text in TEXTS:
        ctx = engines.Context(text)
        mine = [o for o in ctx.line_starts if o < len(text) and text[o] in engines._HEADING_FIRST
                and engines._HEADING_START.match(text, o)]
        assert mine == [m.start() for m in engines._HEADING_START.finditer(text)]


_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


def test_sentences_by_split_are_the_sentences_found() -> None:
    from itertools import accumulate

    for text in TEXTS + ["。。\n\n！abc。！？\n\ndef", ""]:
        parts = engines._SENTENCES.split(text)
        assert parts[1::2] == _SENTENCE.findall(text)
        ends = list(accumulate(map(len, parts)))
        assert [ends[2 * i] for i in range(len(parts) // 2)] == [m.start() for m in _SENTENCE.finditer(text)]


def test_placeholder_character_sets_are_the_regex_classes() -> None:
    word = re.compile("[A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
    for c in map(chr, range(0x30000)):
        assert (c in placeholders._WORD_CHARS) == bool(word.match(c))
    text = "".join(map(chr, range(0x3300, 0xFB00)))
    for i in range(0, len(text), 97):
        run = placeholders._han_run(text, i, 8)
        expected = re.match(f"[{_HAN}]{{0,8}}", text[i:]).group()
        assert run == expected


# --- findings as rows -------------------------------------------------------------------

def test_rows_are_the_findings_in_the_same_order() -> None:
    for text in TEXTS[:6]:
        rows = check_rows(text)
        findings = check_text(text)
        assert rows.findings() == findings
        assert [f.start for f in findings] == sorted(f.start for f in findings)
        assert format_text("a.txt", rows, text) == format_text("a.txt", findings, text)
        assert dumps_json([("a.txt", rows)]) == dumps_json([("a.txt", findings)]) \
            == json.dumps(to_json([("a.txt", findings)]), ensure_ascii=False, indent=2)


def test_equal_positions_keep_the_order_they_were_found_in(monkeypatch) -> None:
    from assistant.check import engine

    def twice(ctx, rule):
        return [(0, 2, "乙", None, ()), (0, 2, "甲", None, ()), (3, 4, "", None, ())]

    monkeypatch.setitem(engine.ENGINES, "twice", twice)
    monkeypatch.setitem(engine._ENGINE_KEYS, "twice", set())
    rules = engine.parse_rules([{"id": "z-rule", "severity": "info", "message": "{detail}", "engine": "twice"},
                                {"id": "a-rule", "severity": "info", "message": "{detail}", "engine": "twice"}])
    found = engine.run_rules("ab cd", "txt", rules, engine.CheckConfig())
    assert [(f.rule, f.message) for f in found] == [
        ("a-rule", "乙"), ("a-rule", "甲"), ("z-rule", "乙"), ("z-rule", "甲"), ("a-rule", ""), ("z-rule", "")]


def test_rows_of_findings_made_by_hand() -> None:
    from assistant.check.findings import Finding

    made = [Finding(2, 1, 1, "", None, "r", "warning", "消息", 5, 5), Finding(9, 3, 4, "x", "other", "r", "error", "m")]
    text = "第一行\n第二行"
    assert Rows.of(made).findings() == made
    assert format_text("p", made, text).splitlines()[0] == "p:2:1: warning r 消息"
    assert format_text("p", made, text).splitlines()[-1] == "p:9:3: error r m"


def test_enumerations_by_verb_are_the_enumerations_found() -> None:
    rng = random.Random(5)
    texts = TEXTS + ["".join(rng.choice("一二三十是要，。 a") for _ in range(5000))]
    for text in texts:
        old = [(m.group(2), m.group(1), m.start()) for m in re.finditer("([一二三四五六七八九十])([是要])(?![是要])", text)]
        new = [(verb, text[m.start() - 1], m.start() - 1)
               for verb, rx in engines._ENUM_BY_VERB for m in rx.finditer(text)]
        assert sorted(new, key=lambda x: x[2]) == old


def test_a_regex_rule_of_one_pattern_finds_what_the_pattern_finds() -> None:
    rule = RULES["pinyin-gloss"]
    (compiled,) = rule.compiled
    for text in TEXTS:
        assert [m.span() for m in compiled.finditer(text)] == \
            [m.span() for m in re.finditer(rule.pattern, text, re.M)]


def _duplicates_the_plain_way(text: str, min_chars: int) -> list:
    """The duplicate-sentence engine as first written: one sentence after the other."""
    spaces = re.compile(r"[\s\u3000]+")
    starts, sentences = zip(*((m.start(), m.group()) for m in _SENTENCE.finditer(text))) or ((), ())
    seen: dict[str, int] = {}
    out = []
    for i, sentence in enumerate(sentences):
        key = spaces.sub("", sentence.strip()).rstrip("。！？!?")
        count = len(key) - len(key.encode("ascii", "ignore"))
        if len(sentence) < min_chars or count < min_chars:
            continue
        first = seen.setdefault(key, i)
        if first != i:
            begin = starts[i] + len(sentence) - len(sentence.lstrip())
            line = text.count("\n", 0, starts[first] + len(sentences[first]) - len(sentences[first].lstrip())) + 1
            out.append((begin, starts[i] + len(sentence.rstrip()), str(line), None, ()))
    return out


def test_duplicate_sentences_are_found_as_one_by_one() -> None:
    rng = random.Random(11)
    pieces = ["我们要加强组织领导，全面压实工作责任", "全面 压实工作责任", "abc", "短句", "\n", "。", "！", "  "]
    texts = TEXTS + ["".join(rng.choice(pieces) for _ in range(3000)) for _ in range(3)]
    rule = RULES["duplicate-sentence"]
    for text in texts:
        for min_chars in (1, 5, 12):
            with_rule = type(rule)(rule.id, rule.severity, rule.message, rule.engine, options={"min_chars": min_chars})
            assert engines.duplicate_sentence_engine(engines.Context(text), with_rule) == \
                _duplicates_the_plain_way(text, min_chars)


def test_a_rule_s_patterns_joined_find_what_they_find_joined_one_by_one() -> None:
    """The items of a regex rule become one alternation; as if each were in its own group."""
    import yaml

    from assistant.check.engine import _class_escape, first_chars

    data = yaml.safe_load((REPO / "assistant/check/rules.yaml").read_text(encoding="utf-8"))
    for raw in data:
        items = raw.get("pattern")
        if raw["engine"] != "regex" or not isinstance(items, list) or len(items) < 2:
            continue
        chars = "".join(sorted(set("".join("".join(sorted(first_chars(p))) for p in items))))
        grouped = re.compile(f"(?=[{_class_escape(chars)}])(?:{'|'.join(f'(?:{p})' for p in items)})", re.M)
        (compiled,) = RULES[raw["id"]].compiled
        for text in TEXTS:
            assert [m.span() for m in compiled.finditer(text)] == [m.span() for m in grouped.finditer(text)]
