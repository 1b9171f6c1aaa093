"""The on-disk corpus format: one readable UTF-8 text file per report.

A corpus folder holds::

    reports/<id>.txt     one clean work report per file (the report corpus)
    other/<id>.txt       pieces that are not work reports (essays, surveys…)
    domain_dict.txt      optional: extra words for segmentation (jieba format)

Each file starts with a metadata header between ``---`` lines, one
``key: value`` per line, then the normalised text (one paragraph per line,
headings on lines of their own)::

    ---
    id: seed002-01
    title: 疫情防控工作的情况报告
    unit: police
    topic: epidemic
    type: report
    source: 002_2830f3087f7c5350.txt
    position: 1
    source_sha256: 9f…
    ---
    新型冠状病毒感染肺炎疫情发生以来……
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from assistant import atomic
from assistant.errors import InputError

REPORTS = "reports"
OTHER = "other"
HEADER_KEYS = ("id", "title", "unit", "topic", "type", "source", "position", "source_sha256")
OPTIONAL_KEYS = ("topic",)  # written only when known


@dataclass
class StoredDoc:
    """One corpus file: metadata plus normalised body text."""

    id: str
    title: str
    unit: str
    body: str
    topic: str = ""  # the topic plugin's name (safety, flood…), "" when not known
    type: str = "report"  # report, essay, survey, other
    source: str = ""
    position: int = 1
    source_sha256: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    body_line: int = 1  # the line of the file where the body starts (after the header)

    def header(self) -> str:
        lines = ["---"]
        for key in HEADER_KEYS:
            value = getattr(self, key)
            if key in OPTIONAL_KEYS and not value:
                continue
            lines.append(f"{key}: {value}")
        for key, value in sorted(self.extra.items()):
            lines.append(f"{key}: {value}")
        lines.append("---")
        return "\n".join(lines) + "\n"

    @property
    def fanwen(self) -> bool:
        """A 范文: a model report written for a plugin (header ``fanwen: yes``)."""
        return self.extra.get("fanwen", "").strip().lower() in ("yes", "true", "1", "是")

    def dumps(self) -> str:
        return self.header() + self.body.strip("\n") + "\n"


def parse(text: str, path: Path | None = None) -> StoredDoc:
    """Parse a corpus file's text (header + body)."""
    if not text.startswith("---\n"):
        raise InputError(f"语料文件缺少元数据头：{path}")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise InputError(f"语料文件的元数据头未结束：{path}")
    meta: dict[str, str] = {}
    for line in text[4:end].splitlines():
        if ":" in line:
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    body = text[end + 5:]
    known = {k: meta.pop(k) for k in list(meta) if k in HEADER_KEYS}
    try:
        position = int(known.get("position") or 1)
    except ValueError:
        position = 1
    return StoredDoc(
        id=known.get("id") or (path.stem if path else ""),
        title=known.get("title", ""),
        unit=known.get("unit", "other"),
        topic=known.get("topic", ""),
        type=known.get("type", "report"),
        source=known.get("source", ""),
        position=position,
        source_sha256=known.get("source_sha256", ""),
        body=body,
        extra=meta,
        path=path,
        body_line=text.count("\n", 0, end + 5) + 1,
    )


def load(path: Path) -> StoredDoc:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"语料文件不是 UTF-8 文本（可能已损坏）：{path}") from None
    except OSError as e:
        raise InputError(f"无法读取语料文件：{path}（{e.strerror or e}）") from None
    return parse(text, path)


def save(folder: Path, doc: StoredDoc) -> Path:
    """Write ``doc`` into ``folder`` (reports/ or other/ by its type), atomically."""
    sub = REPORTS if doc.type == "report" else OTHER
    target = Path(folder) / sub / f"{doc.id}.txt"
    atomic.write_text(target, doc.dumps())
    return target


FANWEN = "fanwen"  # a plugin's folder of 范文: its report files sit in the folder itself


def files(folder: Path, include_other: bool = False) -> list[Path]:
    """The corpus files of ``folder`` in a stable order.

    A corpus folder keeps its reports in ``reports/`` (and other pieces in ``other/``); a
    plugin's ``fanwen/`` folder holds its 范文 directly, with its ``labels.tsv`` beside them."""
    folder = Path(folder)
    if folder.name == FANWEN:
        return sorted(folder.glob("*.txt"))
    subs = [REPORTS, OTHER] if include_other else [REPORTS]
    out: list[Path] = []
    for sub in subs:
        d = folder / sub
        if d.is_dir():
            out.extend(sorted(d.glob("*.txt")))
    return out


def iter_docs(folders: list[Path], include_other: bool = False) -> Iterator[StoredDoc]:
    """Every stored document of the given corpus folders (missing folders are empty)."""
    for folder in folders:
        for path in files(folder, include_other):
            yield load(path)
