"""Fill a report: read it as the user has it, decide on the normalised text, write back as written.

The report is read with :func:`assistant.reader.read_document` and normalised with
:func:`assistant.normalize.normalize` (the corpus importer's normaliser), so a
messy file works; placeholders are found and their contexts read on the
normalised text. Each decided placeholder's span is mapped back to the raw text
through ``MappedText.origin`` and replaced there, so everything else in the file
stays exactly as written. A .docx is written back by replacing inside its runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from assistant.errors import InputError
from assistant.fill.data import FillData, load_data
from assistant.fill.match import Decision, MatchResult, match

# characters a placeholder mark is made of in the raw text (before normalisation)
_MARK_CHARS = re.compile(r"[xXｘＸ×*＊_＿\-－—○〇□某（）()\s\u3000{}]+|\{\{[^{}]*\}\}")


@dataclass
class Placement:
    """Where one decision lands in the raw text."""

    decision: Decision
    raw_start: int
    raw_end: int
    line: int
    col: int
    raw_mark: str
    text: Optional[str]  # the replacement (None: left open)
    reason: str


@dataclass
class FillResult:
    path: str
    fmt: str  # the report's format: txt, md, html or docx
    raw: str  # the report as written (for .docx: its paragraphs, one per line)
    filled: str  # the raw text with the decided placeholders replaced
    placements: list[Placement]
    unused_fields: list[str] = field(default_factory=list)
    unused_pins: list[str] = field(default_factory=list)

    @property
    def decisions(self) -> list[Decision]:
        return [p.decision for p in self.placements]

    @property
    def n_filled(self) -> int:
        return sum(1 for p in self.placements if p.text is not None)

    @property
    def n_unfilled(self) -> int:
        return sum(1 for p in self.placements if p.text is None)

    def report(self) -> dict[str, Any]:
        """The json report of shared/spec/cli.md (plus unused_fields / unused_pins)."""
        return {
            "filled": [{"line": p.line, "col": p.col, "text": p.raw_mark, "field": p.decision.field,
                        "value": p.text} for p in self.placements if p.text is not None],
            "unfilled": [{"line": p.line, "col": p.col, "text": p.raw_mark, "reason": p.reason}
                         for p in self.placements if p.text is None],
            "unused_fields": self.unused_fields,
            "unused_pins": self.unused_pins,
        }


def normalized(raw: str, fmt: str):
    """The report's normalised text with its map back to the raw text."""
    from assistant.normalize import normalize

    return normalize(raw, fmt=fmt)


def fill_text(raw: str, data: FillData, *, fmt: str = "txt", unit: object = None, path: str = "-",
              check_arithmetic: bool = True) -> FillResult:
    """Fill the placeholders of ``raw`` (a report as written) from ``data``.

    ``check_arithmetic=False`` skips the check of the filled figures against the text's own
    arithmetic (for tests of the naming contract, whose stand-in values add up to nothing)."""
    mapped = normalized(raw, fmt)
    text = mapped.text
    result: MatchResult = match(text, data, fmt="md" if fmt == "md" else "txt", unit=unit,
                                check_arithmetic=check_arithmetic)
    placements: list[Placement] = []
    taken: list[tuple[int, int]] = []
    for d in result.decisions:
        s = d.slot
        raw_start = mapped.raw_offset(s.start)
        raw_end = mapped.raw_offset(s.end - 1) + 1 if s.end > s.start else raw_start
        line, col = mapped.raw_line_col(s.start)
        raw_mark = raw[raw_start:raw_end]
        txt, reason = d.text, d.reason
        if txt is not None and not _same_mark(raw_mark, s.mark):
            txt, reason = None, f"无法在原文中准确定位此占位符（原文为“{raw_mark[:20]}”）"
        if txt is not None and d.consume:  # ××学校 → 城关镇第一小学: the unit's word goes too
            word_end = mapped.raw_offset(s.end + d.consume - 1) + 1
            if len(raw[raw_end:word_end]) == d.consume:
                raw_end = word_end
                raw_mark = raw[raw_start:raw_end]
            else:
                txt, reason = None, f"无法在原文中准确定位此占位符后的“{mapped.text[s.end:s.end + d.consume]}”"
        if txt is not None and any(a < raw_end and raw_start < b for a, b in taken):
            txt, reason = None, "与另一处占位符重叠"
        if txt is not None:
            taken.append((raw_start, raw_end))
        placements.append(Placement(d, raw_start, raw_end, line, col, raw_mark, txt, reason))
    filled = replace_spans(raw, [(p.raw_start, p.raw_end, p.text) for p in placements if p.text is not None])
    return FillResult(path, fmt, raw, filled, placements, result.unused_fields, [p.key for p in result.unused_pins])


def _same_mark(raw_mark: str, mark: str) -> bool:
    if raw_mark == mark:
        return True
    if not raw_mark or len(raw_mark) > 3 * len(mark) + 4:
        return False
    return bool(_MARK_CHARS.fullmatch(raw_mark))


def replace_spans(raw: str, spans: list[tuple[int, int, str]]) -> str:
    out = []
    last = 0
    for s, e, t in sorted(spans):
        out.append(raw[last:s])
        out.append(t)
        last = e
    out.append(raw[last:])
    return "".join(out)


def fill_document(path: str | Path, data_path: str | Path, *, unit: object = None,
                  data: Optional[FillData] = None) -> FillResult:
    """Read a report (any format read_document knows) and fill it from a data file."""
    from assistant.reader import read_document

    doc = read_document(path)
    if data is None:
        data = load_data(data_path)
    return fill_text(doc.text, data, fmt=doc.fmt, unit=unit, path=str(path))


# ------------------------------------------------------------------ output
def default_output(path: str | Path, fmt: str) -> Path:
    """Where a filled report goes when the user gives no -o: beside it, ``<stem>.filled<suffix>``."""
    p = Path(path)
    suffix = ".docx" if fmt == "docx" else (p.suffix if p.suffix.lower() in (".txt", ".md", ".markdown", ".text")
                                              else ".txt")
    return p.with_name(f"{p.stem}.filled{suffix}")


def write_result(result: FillResult, out: Path) -> None:
    """Write the filled report atomically: .docx back into the document's runs, else UTF-8 text."""
    from assistant import atomic

    if out.suffix.lower() == ".docx":
        if result.fmt != "docx":
            raise InputError(f"只有 .docx 报告才能写成 .docx（{out}）；请用 .txt 或 .md 作输出文件")
        data = fill_docx_bytes(Path(result.path), [(p.raw_start, p.raw_end, p.text) for p in result.placements
                                                    if p.text is not None])
        atomic.write_bytes(out, data)
        return
    atomic.write_text(out, result.filled)


def fill_docx_bytes(path: Path, spans: list[tuple[int, int, str]]) -> bytes:
    """The .docx at ``path`` with text spans (offsets into read_document's text) replaced inside runs.

    Formatting stays: a replacement takes the format of the run where the mark
    starts; the rest of a mark split across runs is removed from the later runs.
    """
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    # rebuild read_document's text with, per paragraph, its offset
    paras: list[tuple[int, Any]] = []
    pos = 0
    pieces: list[str] = []

    def add_para(p: Any, sep: str) -> None:
        nonlocal pos
        paras.append((pos, p))
        pieces.append(p.text + sep)
        pos += len(p.text) + len(sep)

    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            add_para(Paragraph(child, document), "\n")
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = row.cells
                for ci, cell in enumerate(cells):
                    cps = cell.paragraphs
                    for pi, cp in enumerate(cps):
                        last_in_cell = pi == len(cps) - 1
                        sep = "\n" if not last_in_cell else ("\t" if ci < len(cells) - 1 else "\n")
                        add_para(cp, sep)
    rebuilt = "".join(pieces)
    from assistant.reader import read_document

    expected = read_document(path).text
    if rebuilt.rstrip("\n") != expected.rstrip("\n"):
        raise InputError(f"{path} 的结构较复杂，无法写回 .docx；请用 -o 输出为 .txt")
    done: set[tuple[int, int, int]] = set()  # a merged table cell is read once per column it spans
    lengths = {id(p._p): len(p.text) for _start, p in paras}
    for s, e, t in sorted(spans, reverse=True):
        for start, p in paras:
            if start <= s and e <= start + lengths[id(p._p)]:
                key = (id(p._p), s - start, e - start)
                if key not in done:
                    done.add(key)
                    _replace_in_runs(p, s - start, e - start, t)
                break
        else:
            raise InputError(f"{path}：一处占位符跨越了段落，无法写回 .docx；请用 -o 输出为 .txt")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _replace_in_runs(paragraph: Any, start: int, end: int, text: str) -> None:
    """Replace paragraph.text[start:end] by ``text``, editing the runs that hold it."""
    runs = paragraph.runs
    if "".join(r.text for r in runs) != paragraph.text:
        raise InputError("占位符所在段落含超链接或域，无法写回 .docx；请用 -o 输出为 .txt")
    offset = 0
    first = True
    for run in runs:
        rt = run.text
        r0, r1 = offset, offset + len(rt)
        offset = r1
        if r1 <= start or r0 >= end:
            continue
        a, b = max(start, r0) - r0, min(end, r1) - r0
        if first:
            run.text = rt[:a] + text + rt[b:]
            first = False
        else:
            run.text = rt[:a] + rt[b:]
    if first:
        raise InputError("占位符不在普通文字中，无法写回 .docx；请用 -o 输出为 .txt")
