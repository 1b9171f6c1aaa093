"""Suppression at three levels: assist.toml / pyproject.toml per rule, a list of
words never flagged, and inline assist-disable / assist-enable markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.check import check_text
from assistant.check.config import CheckConfig, load_config
from assistant.errors import InputError

TEXT = "共排查xx名返乡人员,其中武汉返乡人员3名。\n"


def _json(result) -> list[dict]:
    return json.loads(result.stdout)["files"][0]["findings"]


def _report(tmp_path: Path, text: str = TEXT) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == CheckConfig()


def test_assist_toml_turns_a_rule_off_and_changes_a_severity(cli, tmp_path: Path) -> None:
    path = _report(tmp_path)
    before = _json(cli("check", str(path), "--format", "json"))
    assert {f["rule"] for f in before} == {"placeholder", "punctuation"}
    (tmp_path / "assist.toml").write_text(
        '[check.rules]\npunctuation = "off"\nplaceholder = "warning"\n', encoding="utf-8")
    result = cli("check", str(path), "--format", "json")
    after = _json(result)
    assert [(f["rule"], f["severity"]) for f in after] == [("placeholder", "warning")]
    assert result.exit_code == 0  # only a warning left, and the fail level is error
    assert cli("check", str(path), "--fail-level", "warning").exit_code == 1


def test_pyproject_tool_assist_and_assist_toml_wins(cli, tmp_path: Path) -> None:
    path = _report(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.assist.check.rules]\nplaceholder = "off"\n', encoding="utf-8")
    assert {f["rule"] for f in _json(cli("check", str(path), "--format", "json"))} == {"punctuation"}
    (tmp_path / "assist.toml").write_text('[check.rules]\npunctuation = "off"\n', encoding="utf-8")
    assert {f["rule"] for f in _json(cli("check", str(path), "--format", "json"))} == {"placeholder"}


def test_pyproject_without_tool_assist_is_fine(cli, tmp_path: Path) -> None:
    path = _report(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert cli("check", str(path)).exit_code == 1


def test_ignore_words_are_never_flagged(cli, tmp_path: Path) -> None:
    path = _report(tmp_path, "某某公司捐赠口罩xx个。\n某某公司是我们的合作单位。\n")
    assert [f["text"] for f in _json(cli("check", str(path), "--format", "json"))] == ["某某", "xx", "某某"]
    (tmp_path / "assist.toml").write_text('[check]\nignore-words = ["某某公司"]\n', encoding="utf-8")
    assert [f["text"] for f in _json(cli("check", str(path), "--format", "json"))] == ["xx"]


def test_ignore_words_in_the_library_call() -> None:
    text = "关于XX光机的采购"
    assert [f.text for f in check_text(text) if f.rule == "placeholder"] == ["XX"]
    assert not check_text(text, config={"ignore-words": ["XX光机"]})


def test_unknown_rule_in_config_is_reported_and_ignored(cli, tmp_path: Path) -> None:
    path = _report(tmp_path)
    (tmp_path / "assist.toml").write_text('[check.rules]\nplacehodler = "off"\n', encoding="utf-8")
    result = cli("check", str(path))
    assert result.exit_code == 1
    assert "没有名为 placehodler 的规则" in result.stderr


BAD_CONFIGS = [
    ("syntax", "[check\nrules = 1\n"),
    ("bad level", '[check.rules]\nplaceholder = "loud"\n'),
    ("level not a string", "[check.rules]\nplaceholder = 1\n"),
    ("rules not a table", '[check]\nrules = "off"\n'),
    ("ignore-words not a list", '[check]\nignore-words = "某某"\n'),
    ("ignore-words empty string", '[check]\nignore-words = [""]\n'),
    ("unknown key", '[check]\nignore_words = ["a"]\n'),
    ("check not a table", 'check = 1\n'),
]


@pytest.mark.parametrize("why, content", BAD_CONFIGS, ids=[b[0] for b in BAD_CONFIGS])
def test_bad_config_is_one_line_and_exit_2(cli, tmp_path: Path, why: str, content: str) -> None:
    path = _report(tmp_path)
    (tmp_path / "assist.toml").write_text(content, encoding="utf-8")
    result = cli("check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assist: 错误：") and "assist.toml" in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_pyproject_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.assist]\ncheck = [1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_config(tmp_path)


# --- inline markers -------------------------------------------------------------------

MARKED = """共xx名党员,参加活动。
assist-disable
以下为模板原文：共xx名,***领导。
assist-enable
共xx人。
<!-- assist-disable placeholder -->
共xx户,参加活动。
<!-- assist-enable placeholder -->
最后xx个,参加活动。
"""


def test_inline_markers_switch_all_rules_or_named_rules_off() -> None:
    found = [(f.line, f.rule) for f in check_text(MARKED, "md")]
    assert (1, "placeholder") in found and (1, "punctuation") in found
    assert not [x for x in found if x[0] in (2, 3, 4)]
    assert (5, "placeholder") in found
    assert (7, "punctuation") in found and (7, "placeholder") not in found
    assert (9, "placeholder") in found and (9, "punctuation") in found


def test_disable_without_enable_runs_to_the_end() -> None:
    text = "共xx名。\nassist-disable placeholder, punctuation\n共xx名,好。\n再xx名,好。\n"
    assert [(f.line, f.rule) for f in check_text(text)] == [(1, "placeholder")]


def test_markers_work_from_the_command_line(cli, tmp_path: Path) -> None:
    path = _report(tmp_path, "assist-disable\n共xx名。\nassist-enable\n")
    result = cli("check", str(path))
    assert result.exit_code == 0 and result.stdout == ""


def test_what_a_config_file_holds_is_kept_until_it_changes(tmp_path: Path, monkeypatch) -> None:
    from assistant.check import config

    project = tmp_path / "pyproject.toml"
    project.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(tmp_path) == CheckConfig()
    reads = []
    real = config._read_toml
    monkeypatch.setattr(config, "_read_toml", lambda path: reads.append(path) or real(path))
    assert load_config(tmp_path) == CheckConfig() and not reads  # from the cache: not parsed again
    project.write_text('[project]\nname = "x"\n[tool.assist.check.rules]\ntraditional = "off"\n',
                       encoding="utf-8")
    assert load_config(tmp_path).rules == {"traditional": "off"} and len(reads) == 1
    assert load_config(tmp_path).rules == {"traditional": "off"} and len(reads) == 1
    project.write_text("[tool.assist\n", encoding="utf-8")  # broken: the same error each time
    with pytest.raises(InputError) as first:
        load_config(tmp_path)
    with pytest.raises(InputError) as again:
        load_config(tmp_path)
    assert str(first.value) == str(again.value) and "格式错误" in str(again.value) and len(reads) == 2
    # values that json would not give back exactly are read from the file every time
    (tmp_path / "assist.toml").write_text("[check]\nwhen = 2024-01-01\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match="未知的设置项 when"):
            load_config(tmp_path)
    assert len(reads) == 4
