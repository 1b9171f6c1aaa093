"""The one ``Finding`` type of ``assist check``, its row form (``Rows``: what the
command prints from) and its formatters (text, json).

A finding knows nothing about files: ``line``/``col`` are 1-based and count
characters, ``end_col`` is the column just after the matched text (on the same
line). The formatters add the path.

This module is on the start-up path of every ``assist check`` run, so it
imports nothing beyond the standard library's already loaded modules
(``Finding`` is written out by hand rather than with ``dataclasses``, whose
import pulls in ``inspect`` and costs more than checking a short report).
"""

from __future__ import annotations

from operator import attrgetter, itemgetter

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


_SEVERITY = attrgetter("severity")
_ROW_SEVERITY = itemgetter(9)


class Rows(list):
    """Findings as rows: one tuple per finding, ``(start, end, rule, seq, line, col,
    end_col, text, kind, severity, message, edits)``; sorted, they are in order of
    position (``seq`` keeps the order in which equal positions were found).

    ``assist check`` works on these: on a long messy report (thousands of
    findings) making an object per finding, and reading its fields back one by
    one to print it, take longer than finding them. ``findings()`` makes the
    objects."""

    __slots__ = ()

    @classmethod
    def of(cls, findings: list[Finding]) -> Rows:
        return cls((f.start, f.end, f.rule, k, f.line, f.col, f.end_col, f.text, f.kind, f.severity,
                    f.message, f.edits) for k, f in enumerate(findings))

    def findings(self) -> list[Finding]:
        return [Finding(line, col, end_col, text, kind, rule, severity, message, start, end, edits)
                for start, end, rule, _, line, col, end_col, text, kind, severity, message, edits in self]


def at_or_above(findings, level: str) -> list[Finding]:
    """The findings whose severity is ``level`` or worse."""
    threshold = LEVELS[level]
    return [f for f in findings if LEVELS.get(f.severity, 0) >= threshold]


def to_json(files: list[tuple[str, list[Finding]]]) -> dict:
    """The documented json shape (shared/spec/cli.md), plus a version number."""
    return {"version": JSON_VERSION,
            "files": [{"path": path, "findings": [f.to_dict() for f in findings]}
                      for path, findings in files]}


_IND = "\n          "
_JSON_FINDING = ("{" + _IND + '"line": %s,' + _IND + '"col": %s,' + _IND + '"end_col": %s,' + _IND
                 + '"text": %s,' + _IND + '"kind": %s,' + _IND + '"rule": %s,' + _IND
                 + '"severity": %s,' + _IND + '"message": %s\n        }')


def dumps_json(files: list[tuple[str, list[Finding] | Rows]]) -> str:
    """``json.dumps(to_json(files), ensure_ascii=False, indent=2)``, byte for byte,
    several times faster: with ``indent`` the json module formats every value
    in Python, which takes longer than checking a long report. Strings go
    through the json module's own (C) string encoder. The findings of a file
    may be given as ``Rows``."""
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
    for k, (path, findings) in enumerate(files):
        append(("\n    {" if k == 0 else ",\n    {") + '\n      "path": ' + value(path)
               + ',\n      "findings": ')
        if not len(findings):
            append("[]\n    }")
            continue
        rows = findings if isinstance(findings, Rows) else Rows.of(findings)
        fields = []
        for k in (4, 5, 6, 7, 8, 2, 9, 10):  # the public fields, in their order
            column = [row[k] for row in rows]
            if k in (4, 5, 6) and all(v.__class__ is int for v in column):
                fields.append(column)  # "%s" of an int is its repr
            elif k == 7 and all(v.__class__ is str for v in column):
                fields.append(map(enc, column))
            elif all(v is None or v.__class__ is str for v in column):
                # rules, severities, messages and kinds repeat: each is encoded once
                encoded = {v: value(v) for v in set(column)}
                fields.append(map(encoded.__getitem__, column))
            else:  # not expected: exact anyway
                fields.append(map(value, column))
        append("[\n        " + ",\n        ".join(map(_JSON_FINDING.__mod__, zip(*fields)))
               + "\n      ]\n    }")
    append("\n  ]\n}")
    return "".join(out)


# Columns on a terminal: East Asian wide and full-width characters take two.
_WIDE_RANGES = ("\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
                "\U00020000-\U0003fffd")
_odd = None  # a narrow character that is not ASCII


def _patterns():
    global _odd
    from assistant.check.recache import compile as _rx

    _odd = _rx(f"[^\\x00-\\x7f{_WIDE_RANGES}]")
    return _odd


def format_text(path: str, findings: list[Finding] | Rows, source: str, context: int = 12) -> str:
    """``path:line:col: severity rule message`` per finding, then the line around the
    match with the matched text underlined by carets. ``findings`` may be given
    as ``Rows``."""
    rows = findings if isinstance(findings, Rows) else Rows.of(findings)
    lines = source.splitlines()
    nlines = len(lines)
    out: list[str] = []
    append = out.append
    odd = _odd or _patterns()
    odd_search, odd_sub = odd.search, odd.sub
    current = 0  # the line of the findings before
    line = widths = head = ""
    length = 0
    for _, _, rule, _, n, col, end_col, _, _, severity, message, _ in rows:
        if n != current:
            if not 0 < n <= nlines:
                append(f"{path}:{n}:{col}: {severity} {rule} {message}")
                continue
            current = n
            line = lines[n - 1]
            if "\t" in line:
                line = line.expandtabs(1)
            length = len(line)
            head = f"{path}:{n}:"
            # Columns: ASCII characters take one, wide ones two. In ``widths`` every
            # other (narrow) character is an "a", so that the width of a piece is
            # twice its length less its ASCII characters.
            widths = line if line.isascii() or odd_search(line) is None else odd_sub("a", line)
        s = col - 1
        e = end_col - 1 if end_col > col else col
        b = e + context
        if s > context:
            a = s - context
            t = widths[a:s]
            wb = (len(t) << 1) - len(t.encode("ascii", "ignore")) + 1  # + the "…"
            t = widths[s:e]
            wm = (len(t) << 1) - len(t.encode("ascii", "ignore")) or 1
            append(f"{head}{col}: {severity} {rule} {message}\n    …{line[a:b]}{'…' if b < length else ''}"
                   f"\n    {' ' * wb}{'^' * wm}")
        else:
            t = widths[:s]
            wb = (len(t) << 1) - len(t.encode("ascii", "ignore"))
            t = widths[s:e]
            wm = (len(t) << 1) - len(t.encode("ascii", "ignore")) or 1
            append(f"{head}{col}: {severity} {rule} {message}\n    {line[:b]}{'…' if b < length else ''}"
                   f"\n    {' ' * wb}{'^' * wm}")
    return "\n".join(out) + ("\n" if out else "")


def summary(files: list[tuple[str, list[Finding] | Rows]]) -> str:
    """One Chinese line for stderr: how many files, errors, warnings, notes."""
    severities: list[str] = []
    for _, findings in files:
        severities += map(_ROW_SEVERITY if isinstance(findings, Rows) else _SEVERITY, findings)
    counts = {s: severities.count(s) for s in SEVERITIES}
    n = len(files)
    if not any(counts.values()) and not severities:
        return f"检查了 {n} 个文件，未发现问题。"
    return (f"检查了 {n} 个文件：{counts['error']} 个错误，{counts['warning']} 个警告，"
            f"{counts['info']} 个提示。")
