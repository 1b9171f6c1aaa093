"""Draft templates run with limits (issue 18, item 2): time, output size, sizes of single
operations, recursion, memory; every template error is one line naming the template's file
and line (exit 2), and nothing is written."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant.errors import InputError

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"

CONTEXT = {"title": "××学校疫情防控工作情况汇报", "sections": [], "opening": [], "closing": []}


def render(tmp_path: Path, template: str, **files: str) -> str:
    from assistant.draft.render import render_context

    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "report.txt.j2").write_text(template, encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return render_context(dict(CONTEXT), "txt", [folder])


# template, what the message says, the line it names
RUNAWAY = [
    ("{{ title }}\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
     "时间上限", 2),
    ("{{ title }}\n\n{{ 'x' * 2000000000 }}\n", "上限", 3),
    ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(1) }}\n", "递归太深", 1),
    ("{% for i in range(10**12) %}{% endfor %}\n", "range() 最多 100000 项", 1),
    ("{{ title }}\n{% for i in range(50) %}\n{{ 'y' * 100000 }}\n{% endfor %}\n", "输出超过", 3),
    ("{% set ns = namespace(s='x') %}\n{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}\n",
     "相加", 2),
    ("{{ 'x' | center(2000000000) }}\n", "上限", 1),
    ("{{ '{:>2000000000}'.format(1) }}\n", "格式宽度", 1),
    ("{{ '%2000000000s' % 1 }}\n", "格式宽度", 1),
    ("{{ 7 ** 100000000 }}\n", "乘方", 1),
    ("{{ ('x' * 900000).replace('x', 'yy') }}\n", "替换", 1),
    ("{{ (['ab'] * 10) | join('-' * 200000) }}\n", "连接", 1),
    ("\n{{ 1 / 0 }}\n", "ZeroDivisionError", 2),
    ("{% include 'report.txt.j2' %}\n", "递归太深", 1),
]


@pytest.mark.parametrize("template, message, line", RUNAWAY)
def test_runaway_templates_end_quickly_as_one_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          template: str, message: str, line: int) -> None:
    monkeypatch.setenv("ASSIST_TEMPLATE_TIMEOUT", "0.5")
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        render(tmp_path, template)
    assert time.perf_counter() - start < 5
    text = str(err.value)
    assert message in text and "\n" not in text, text
    assert f"report.txt.j2 第 {line} 行" in text, text


def test_doubling_by_concatenation_hits_the_memory_cap(tmp_path: Path) -> None:
    """``~`` is not an operator the sandbox can intercept: the address-space cap stops it."""
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("the memory cap is Linux only")
    template = "{% set ns = namespace(s='x') %}\n{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n"
    with pytest.raises(InputError, match="内存"):
        render(tmp_path, template)


def test_a_template_in_a_worker_thread_is_timed_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Off the main thread there is no SIGALRM: the timer raises into the thread instead."""
    monkeypatch.setenv("ASSIST_TEMPLATE_TIMEOUT", "0.3")
    caught: list[BaseException] = []

    def work() -> None:
        try:
            render(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
        except BaseException as exc:  # noqa: BLE001
            caught.append(exc)

    thread = threading.Thread(target=work)
    start = time.perf_counter()
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and time.perf_counter() - start < 5
    assert len(caught) == 1 and isinstance(caught[0], InputError) and "时间上限" in str(caught[0])


def test_limits_leave_a_normal_template_alone(tmp_path: Path) -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    text = render(tmp_path, "{{ title }}\n{% for i in range(3) %}{{ '-' * 10 }}{{ 'ab'.center(6) }}\n{% endfor %}"
                            "{{ ['a', 'b'] | join('、') }}{{ '%5s' % 'x' }}{{ 2 ** 10 }}\n")
    assert text.startswith("××学校") and text.count("----------") == 3 and "a、b" in text and "1024" in text
    assert signal.getsignal(signal.SIGALRM) == before  # the timer is undone
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("setting", ["env", "toml"])
def test_limits_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    from assistant.draft.sandbox import limits

    assert limits().max_output == 1_000_000 and limits().timeout == 5
    if setting == "env":
        monkeypatch.setenv("ASSIST_TEMPLATE_MAX_OUTPUT", "20")
        monkeypatch.setenv("ASSIST_TEMPLATE_TIMEOUT", "2.5")
    else:
        (tmp_path / "assist.toml").write_text("[templates]\ntimeout = 2.5\nmax-output = 20\n", encoding="utf-8")
    assert (limits().timeout, limits().max_output) == (2.5, 20)
    assert render(tmp_path, "{{ 'x' * 20 }}") == "x" * 20
    with pytest.raises(InputError, match="输出超过 20 个字符"):
        render(tmp_path, "{{ 'x' * 10 }}{{ 'y' * 11 }}")


@pytest.mark.parametrize("env, value", [("ASSIST_TEMPLATE_TIMEOUT", "abc"), ("ASSIST_TEMPLATE_TIMEOUT", "-1"),
                                        ("ASSIST_TEMPLATE_MAX_OUTPUT", "0")])
def test_a_bad_limit_is_an_input_error(monkeypatch: pytest.MonkeyPatch, env: str, value: str) -> None:
    from assistant.draft.sandbox import limits

    monkeypatch.setenv(env, value)
    with pytest.raises(InputError, match=env):
        limits()


def test_draft_with_a_runaway_template_is_exit_2_and_writes_nothing(cli, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_TEMPLATE_TIMEOUT", "0.5")
    folder = tmp_path / "tpl"
    folder.mkdir()
    out = tmp_path / "out.txt"
    out.write_text("旧内容", encoding="utf-8")
    for template in ("{{ title }}\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                     "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{ 'x' * 300000000 }}"):
        (folder / "report.txt.j2").write_text(template, encoding="utf-8")
        r = cli("draft", "--unit", "school", "--corpus", str(CORPUS), "--templates", str(folder), "-o", str(out))
        assert r.exit_code == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "report.txt.j2 第" in lines[0] and "Traceback" not in r.stderr
        assert out.read_text(encoding="utf-8") == "旧内容"
