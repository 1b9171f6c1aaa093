"""What ``assist check`` does, independent of the command-line parser.

Both the typer command (assistant/cli/check.py) and the fast entry point
(assistant/check/fastcli.py, no typer import) call ``run_check``.
"""

from __future__ import annotations

import sys

from assistant.errors import ExitCode, InputError

NO_FIX_FORMATS = {"docx": ".docx 文件", "html": "网页文件"}


def unit_rules(unit: str) -> list[dict]:
    """The check rules a unit type (plugin) adds, with ``foreign-unit`` from the marks of the
    default corpus's index (built first if it has to be; the plugins' marks alone if it
    cannot be)."""
    try:
        from assistant.units import get_unit
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("assistant.units"):
            raise InputError("--unit 需要单位类型功能（assistant.units），当前版本尚未提供") from exc
        raise
    u = get_unit(unit)
    conn = None
    try:
        import os
        from pathlib import Path

        from assistant.corpus import default_dirs, index

        env = os.environ.get("ASSIST_CORPUS")
        conn = index.open_index([Path(env)] if env else default_dirs())
    except InputError:
        conn = None  # no corpus to learn from: the plugins' marks
    try:
        return unit_rules_for(u, conn)
    finally:
        if conn is not None:
            conn.close()


def unit_rules_for(unit, conn=None) -> list[dict]:  # noqa: ANN001 - a Unit, an index connection
    """The unit's own rules, its forbidden words and ``foreign-unit`` (marks of ``conn``)."""
    from assistant.units.fitness import foreign_rule, unit_table

    rules = list(unit.check_rules() or [])
    rule = foreign_rule(unit, unit_table(conn))
    if rule is not None:
        rules.append(rule)
    return rules


def run_check(paths, *, fmt: str = "text", fail_level: str = "error",
              fix: bool = False, unit: str | None = None) -> int:
    """Check ``paths``, print findings (stdout) and messages (stderr); the exit code.

    Files that cannot be read are reported after the others, and then the
    last of them is raised as ``InputError`` (exit 2).
    """
    from assistant.check.config import load_config
    from assistant.check.engine import check_rows
    from assistant.check.findings import LEVELS, dumps_json, format_text, summary
    from assistant.reader import read_document

    err = sys.stderr
    config = load_config()
    extra = unit_rules(unit) if unit else []
    _warn_unknown_rules(config, extra, err)
    results = []
    errors: list[str] = []
    for path in paths:
        try:
            doc = read_document(path, allow_empty=True)  # an empty file: nothing found (cli.md)
        except InputError as exc:
            errors.append(str(exc))
            continue
        text = doc.text
        findings = check_rows(text, doc.fmt, config=config, extra_rules=extra)
        if fix:
            text, findings = _fix(doc, findings, config, extra, err)
        results.append((doc.path, findings, text))
        if fmt == "text" and findings:
            sys.stdout.write(format_text(doc.path, findings, text))
    if fmt == "json":
        # = json.dumps(to_json(...), ensure_ascii=False, indent=2), faster
        sys.stdout.write(dumps_json([(p, f) for p, f, _ in results]) + "\n")
    sys.stdout.flush()
    from assistant.check import recache

    recache.save()  # compiled patterns for the next run
    if results:
        err.write(summary([(p, f) for p, f, _ in results]) + "\n")
    if errors:
        for message in errors[:-1]:
            err.write(f"assist: 错误：{message}\n")
        raise InputError(errors[-1])
    from operator import itemgetter

    severities = {s for _, rows, _ in results for s in set(map(itemgetter(9), rows))}
    threshold = LEVELS[fail_level]  # = bool(at_or_above(all findings, fail_level))
    failing = any(LEVELS.get(s, 0) >= threshold for s in severities)
    return int(ExitCode.FINDINGS) if failing else int(ExitCode.OK)


def _warn_unknown_rules(config, extra, err) -> None:
    """A rule named in the configuration that does not exist is a likely typo."""
    if not config.rules:
        return
    from assistant.check.engine import builtin_rules

    known = {r.id for r in builtin_rules()} | {str(r.get("id")) for r in extra if isinstance(r, dict)}
    for rule_id in sorted(set(config.rules) - known):
        err.write(f"{config.source or '配置'}：没有名为 {rule_id} 的规则，已忽略\n")


def _fix(doc, findings, config, extra, err):
    """Rewrite ``doc`` with the certain fixes (atomically); the new text and findings
    (``Rows``, as given)."""
    from assistant.check.engine import check_rows
    from assistant.check.fix import apply_fixes, describe

    name = "标准输入" if doc.path == "-" else doc.path
    if doc.path == "-" or doc.fmt in NO_FIX_FORMATS:
        what = "标准输入" if doc.path == "-" else NO_FIX_FORMATS[doc.fmt]
        err.write(f"{name}：{what}不能自动修正，只做检查\n")
        return doc.text, findings
    if not any(row[11] for row in findings):
        return doc.text, findings
    new_text, counts = apply_fixes(doc.text, findings.findings())
    if not counts:
        return doc.text, findings
    encoding = doc.encoding or "utf-8"
    try:
        data = new_text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        err.write(f"{name}：修正后的文字无法按原编码 {encoding} 保存，未修改文件\n")
        return doc.text, findings
    from assistant.atomic import write_bytes

    try:
        write_bytes(doc.path, data)
    except OSError as exc:
        raise InputError(f"无法写入 {name}：{exc.strerror or exc}") from exc
    err.write(f"已修正 {name}：{describe(counts)}\n")
    return new_text, check_rows(new_text, doc.fmt, config=config, extra_rules=extra)
