"""The `numbers` rule: figures that do not add up (its flag/pass table runs in test_check_rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.check.numbers import inconsistencies

ROOT = Path(__file__).resolve().parents[1]
GOV = ROOT.parent / "shared" / "data" / "gov-reports"


@pytest.mark.parametrize("text, kind, words", [
    ("其中武汉返回23人，省内其他地区返回145人，省外返回212人，共计381人。", "sum", "380人"),
    ("共排查返乡人员120人，其中省内返乡70人、省外返乡65人。", "sum", "135人"),
    ("排查隐患120处，整改96处，整改率85%。", "rate", "96÷120 是 80%"),
    ("全镇矛盾纠纷化解率达到103%。", "share", "103%"),
    ("全镇累计排查湖北返乡人员86名，逐一登记。其后复核，全镇累计排查湖北返乡人员88名。", "repeat", "86名"),
])
def test_each_kind_says_what_does_not_add_up(text: str, kind: str, words: str) -> None:
    found = inconsistencies(text)
    assert [f.kind for f in found] == [kind]
    assert words in found[0].message
    # the finding points at a figure of the sentence, and lists every figure it is made of
    assert text[found[0].start:found[0].end].replace(".", "").isdigit()
    assert all(text[a:b].replace(".", "").isdigit() for a, b in found[0].spans)


def test_the_shipped_corpus_has_no_findings() -> None:
    """The shipped reports are consistent: the rule must stay silent on them."""
    files = sorted((ROOT / "corpus" / "reports").glob("*.txt")) + sorted((ROOT / "corpus" / "sources").glob("*.txt"))
    assert files
    found = {f.name: [x.message for x in inconsistencies(f.read_text(encoding="utf-8"))] for f in files}
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.skipif(not GOV.is_dir(), reason="../shared/data/gov-reports is not here (a user's clone)")
def test_real_government_reports_rarely_trip_it() -> None:
    """564 real 政府工作报告 (text nobody on the project wrote, full of figures): the rule fires
    on at most one report in fifty (6 today: three rates over 100% as published, three
    figures repeated for different years or districts)."""
    files = sorted(GOV.glob("*/*.md"))
    hits = sum(1 for f in files if inconsistencies(f.read_text(encoding="utf-8", errors="replace")))
    assert hits <= len(files) // 50, hits


def test_check_reports_it_as_a_warning(tmp_path: Path) -> None:
    from assistant.check.engine import builtin_rules, run_rules
    from assistant.check.config import CheckConfig

    rule = next(r for r in builtin_rules() if r.id == "numbers")
    found = run_rules("排查隐患120处，整改96处，整改率85%。\n", "txt", [rule], CheckConfig())
    assert len(found) == 1 and found[0].severity == "warning" and found[0].rule == "numbers"
    assert found[0].message.startswith("数字对不上：96÷120 是 80%")
