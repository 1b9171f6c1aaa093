"""The one ``Finding`` type of ``assist check`` and its formatters (text, json).

A finding knows nothing about files: ``line``/``col`` are 1-based and count
characters, ``end_col`` is the column just after the matched text (on the same
line). The formatters add the path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

SEVERITIES = ("info", "warning", "error")
LEVELS = {"info": 1, "warning": 2, "error": 3}
JSON_VERSION = 1

KIND_LABELS = {"number": "应填数字", "date": "应填日期", "name": "应填名称", "other": "应填内容"}


@dataclass(slots=True)
class Finding:
    line: int
    col: int
    end_col: int
    text: str
    kind: Optional[str]  # placeholders: number | date | name | other; otherwise None
    rule: str
    severity: str  # error | warning | info
    message: str
    # Not part of the public shape: offsets in the checked text and certain edits
    # (start, end, replacement) that ``--fix`` may apply.
    start: int = field(default=0, repr=False, compare=False)
    end: int = field(default=0, repr=False, compare=False)
    edits: tuple = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"line": self.line, "col": self.col, "end_col": self.end_col, "text": self.text,
                "kind": self.kind, "rule": self.rule, "severity": self.severity,
                "message": self.message}

    @property
    def fixable(self) -> bool:
        return bool(self.edits)


def at_or_above(findings: Iterable[Finding], level: str) -> list[Finding]:
    """The findings whose severity is ``level`` or worse."""
    threshold = LEVELS[level]
    return [f for f in findings if LEVELS.get(f.severity, 0) >= threshold]


def to_json(files: list[tuple[str, list[Finding]]]) -> dict:
    """The documented json shape (shared/spec/cli.md), plus a version number."""
    return {"version": JSON_VERSION,
            "files": [{"path": path, "findings": [f.to_dict() for f in findings]}
                      for path, findings in files]}


_WIDE_RANGES = ("\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
                "\U00020000-\U0003fffd")
_narrow = None


def _width(s: str) -> int:
    """Columns on a terminal: East Asian wide and full-width characters take two."""
    global _narrow
    if s.isascii():
        return len(s)
    if _narrow is None:
        from assistant.check.recache import compile as _rx

        _narrow = _rx(f"[^{_WIDE_RANGES}]+")  # runs of narrow characters (fewer, longer matches)
    return 2 * len(s) - sum(map(len, _narrow.findall(s)))


def format_text(path: str, findings: list[Finding], source: str, context: int = 12) -> str:
    """``path:line:col: severity rule message`` per finding, then the line around the
    match with the matched text underlined by carets."""
    lines = source.splitlines()
    expanded: dict[int, str] = {}
    out: list[str] = []
    append = out.append
    for f in findings:
        append(f"{path}:{f.line}:{f.col}: {f.severity} {f.rule} {f.message}")
        if not 0 < f.line <= len(lines):
            continue
        line = expanded.get(f.line)
        if line is None:
            line = expanded[f.line] = lines[f.line - 1].expandtabs(1)
        s = f.col - 1
        e = f.end_col - 1 if f.end_col > f.col else f.col
        a = s - context if s > context else 0
        b = e + context
        lead = "…" if a else ""
        tail = "…" if b < len(line) else ""
        before = line[a:s]
        match = line[s:e]
        append(f"    {lead}{before}{match}{line[e:b]}{tail}")
        append("    " + " " * (_width(before) + len(lead)) + "^" * (_width(match) or 1))
    return "\n".join(out) + ("\n" if out else "")


def summary(files: list[tuple[str, list[Finding]]]) -> str:
    """One Chinese line for stderr: how many files, errors, warnings, notes."""
    counts = {s: 0 for s in SEVERITIES}
    for _, findings in files:
        for f in findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    n = len(files)
    if not any(counts.values()):
        return f"检查了 {n} 个文件，未发现问题。"
    return (f"检查了 {n} 个文件：{counts['error']} 个错误，{counts['warning']} 个警告，"
            f"{counts['info']} 个提示。")
