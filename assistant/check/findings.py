"""The one ``Finding`` type of ``assist check`` and its formatters (text, json).

A finding knows nothing about files: ``line``/``col`` are 1-based and count
characters, ``end_col`` is the column just after the matched text (on the same
line). The formatters add the path.

This module is on the start-up path of every ``assist check`` run, so it
imports nothing beyond the standard library's already loaded modules
(``Finding`` is written out by hand rather than with ``dataclasses``, whose
import pulls in ``inspect`` and costs more than checking a short report).
"""

from __future__ import annotations

SEVERITIES = ("info", "warning", "error")
LEVELS = {"info": 1, "warning": 2, "error": 3}
JSON_VERSION = 1

KIND_LABELS = {"number": "应填数字", "date": "应填日期", "name": "应填名称", "other": "应填内容"}

_PUBLIC = ("line", "col", "end_col", "text", "kind", "rule", "severity", "message")


class Finding:
    """One finding. Behaves like a dataclass of the eight public fields (``==``
    and ``repr`` use only those); ``start``/``end`` (offsets in the checked
    text) and ``edits`` (certain ``(start, end, replacement)`` edits that
    ``--fix`` may apply) are not part of the public shape."""

    __slots__ = _PUBLIC + ("start", "end", "edits")
    __match_args__ = __slots__

    def __init__(self, line: int, col: int, end_col: int, text: str, kind: str | None, rule: str,
                 severity: str, message: str, start: int = 0, end: int = 0, edits: tuple = ()) -> None:
        self.line = line
        self.col = col
        self.end_col = end_col
        self.text = text
        self.kind = kind  # placeholders: number | date | name | other; otherwise None
        self.rule = rule
        self.severity = severity  # error | warning | info
        self.message = message
        self.start = start
        self.end = end
        self.edits = edits

    def _key(self) -> tuple:
        return (self.line, self.col, self.end_col, self.text, self.kind, self.rule, self.severity,
                self.message)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key() == other._key()  # type: ignore[attr-defined]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a non-frozen dataclass

    def __repr__(self) -> str:
        return "Finding(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in _PUBLIC) + ")"

    def to_dict(self) -> dict:
        return {"line": self.line, "col": self.col, "end_col": self.end_col, "text": self.text,
                "kind": self.kind, "rule": self.rule, "severity": self.severity,
                "message": self.message}

    @property
    def fixable(self) -> bool:
        return bool(self.edits)


def at_or_above(findings, level: str) -> list[Finding]:
    """The findings whose severity is ``level`` or worse."""
    threshold = LEVELS[level]
    return [f for f in findings if LEVELS.get(f.severity, 0) >= threshold]


def to_json(files: list[tuple[str, list[Finding]]]) -> dict:
    """The documented json shape (shared/spec/cli.md), plus a version number."""
    return {"version": JSON_VERSION,
            "files": [{"path": path, "findings": [f.to_dict() for f in findings]}
                      for path, findings in files]}


def dumps_json(files: list[tuple[str, list[Finding]]]) -> str:
    """``json.dumps(to_json(files), ensure_ascii=False, indent=2)``, byte for byte,
    several times faster: with ``indent`` the json module formats every value
    in Python, which takes longer than checking a long report. Strings go
    through the json module's own (C) string encoder."""
    try:  # what json.dumps uses with ensure_ascii=False (importing json costs more)
        from _json import encode_basestring as enc
    except ImportError:  # pragma: no cover - no C accelerator
        from json.encoder import encode_basestring as enc

    def value(v) -> str:
        cls = v.__class__
        if cls is str:
            return enc(v)
        if cls is int:
            return int.__repr__(v)
        if v is None:
            return "null"
        import json

        return json.dumps(v, ensure_ascii=False, indent=2)  # not expected: exact anyway

    if not files:
        return '{\n  "version": %d,\n  "files": []\n}' % JSON_VERSION
    out = ['{\n  "version": %d,\n  "files": [' % JSON_VERSION]
    append = out.append
    ind = "\n          "
    for k, (path, findings) in enumerate(files):
        append(("\n    {" if k == 0 else ",\n    {") + '\n      "path": ' + value(path)
               + ',\n      "findings": ')
        if not findings:
            append("[]\n    }")
            continue
        parts = []
        add = parts.append
        for f in findings:
            add("{" + ind + '"line": ' + value(f.line)
                + "," + ind + '"col": ' + value(f.col)
                + "," + ind + '"end_col": ' + value(f.end_col)
                + "," + ind + '"text": ' + value(f.text)
                + "," + ind + '"kind": ' + value(f.kind)
                + "," + ind + '"rule": ' + value(f.rule)
                + "," + ind + '"severity": ' + value(f.severity)
                + "," + ind + '"message": ' + value(f.message)
                + "\n        }")
        append("[\n        " + ",\n        ".join(parts) + "\n      ]\n    }")
    append("\n  ]\n}")
    return "".join(out)


# Columns on a terminal: East Asian wide and full-width characters take two.
_WIDE_RANGES = ("\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
                "\U00020000-\U0003fffd")
_narrow = None  # runs of narrow characters
_odd = None  # a narrow character that is not ASCII


def _patterns():
    global _narrow, _odd
    from assistant.check.recache import compile as _rx

    _narrow = _rx(f"[^{_WIDE_RANGES}]+")  # (fewer, longer matches than single characters)
    _odd = _rx(f"[^\\x00-\\x7f{_WIDE_RANGES}]")
    return _narrow


def _width(s: str) -> int:
    """Columns on a terminal: East Asian wide and full-width characters take two."""
    if s.isascii():
        return len(s)
    narrow = _narrow or _patterns()
    return 2 * len(s) - sum(map(len, narrow.findall(s)))


def format_text(path: str, findings: list[Finding], source: str, context: int = 12) -> str:
    """``path:line:col: severity rule message`` per finding, then the line around the
    match with the matched text underlined by carets."""
    lines = source.splitlines()
    nlines = len(lines)
    expanded: dict[int, tuple] = {}
    match_width: dict[str, int] = {}
    out: list[str] = []
    append = out.append
    if _odd is None:
        _patterns()
    odd = _odd.search
    drop_narrow = _narrow.sub  # what is left of a string: its wide characters
    prefix = f"{path}:"
    for f in findings:
        n = f.line
        if not 0 < n <= nlines:
            append(f"{prefix}{n}:{f.col}: {f.severity} {f.rule} {f.message}")
            continue
        entry = expanded.get(n)
        if entry is None:
            line = lines[n - 1].expandtabs(1)
            # plain: every character ASCII (one column) or wide (two), widths by counting
            entry = expanded[n] = (line, odd(line) is None, len(line), f"{prefix}{n}:")
        line, plain, length, head = entry
        col = f.col
        s = col - 1
        e = f.end_col - 1 if f.end_col > col else col
        b = e + context
        match = line[s:e]
        # Columns: one per character, plus one more for each wide character.
        wm = match_width.get(match)
        if wm is None:
            wm = len(match) if match.isascii() else len(match) + len(drop_narrow("", match))
            wm = match_width[match] = wm or 1
        a = s - context if s > context else 0
        before = line[a:s]
        if before.isascii():
            wb = len(before)
        elif plain:
            wb = 2 * len(before) - len(before.encode("ascii", "ignore"))
        else:
            wb = len(before) + len(drop_narrow("", before))
        if a:
            append(f"{head}{col}: {f.severity} {f.rule} {f.message}\n"
                   f"    …{before}{match}{line[e:b]}{'…' if b < length else ''}\n"
                   f"     {' ' * wb}{'^' * wm}")
        else:
            append(f"{head}{col}: {f.severity} {f.rule} {f.message}\n"
                   f"    {before}{match}{line[e:b]}{'…' if b < length else ''}\n"
                   f"    {' ' * wb}{'^' * wm}")
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
