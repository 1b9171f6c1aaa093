"""Section labels: the ground truth the model learns from, kept as data in the corpus.

``labels.tsv`` in a corpus folder, one line per section::

    doc_id <TAB> section ordinal <TAB> kind <TAB> heading (or ［开头］/［结尾］, to check the key)

Lines starting with # are comments. The heading column guards against a label
drifting onto another section if the splitter or outline parser changes: a
label whose heading does not match is reported and not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError

FILENAME = "labels.tsv"
ROLE_MARK = {"opening": "［开头］", "closing": "［结尾］"}


@dataclass(frozen=True)
class Label:
    doc_id: str
    ord: int
    kind: str
    heading: str


def section_key_heading(role: str, heading: str | None) -> str:
    return ROLE_MARK.get(role) or (heading or "")


def read(folder: Path) -> dict[tuple[str, int], Label]:
    path = Path(folder) / FILENAME
    out: dict[tuple[str, int], Label] = {}
    if not path.is_file():
        return out
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise InputError(f"无法读取标注文件（须为 UTF-8 文本）：{path}") from None
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        if not parts[1].strip().isdecimal():
            raise InputError(f"{path}:{no}: 第二列应为节的序号（整数）：{parts[1]!r}")
        doc_id, ord_, kind = parts[0], int(parts[1]), parts[2].strip()
        heading = parts[3] if len(parts) > 3 else ""
        out[(doc_id, ord_)] = Label(doc_id, ord_, kind, heading)
    return out


def read_all(folders: list[Path]) -> dict[tuple[str, int], Label]:
    """The labels of several corpus folders (a later folder wins on the same key)."""
    out: dict[tuple[str, int], Label] = {}
    for folder in folders:
        out.update(read(Path(folder)))
    return out


def write(folder: Path, labels: list[Label], header: str = "") -> None:
    from assistant import atomic

    lines = [f"# {h}" for h in header.splitlines()] if header else []
    lines += [f"{l.doc_id}\t{l.ord}\t{l.kind}\t{l.heading}" for l in labels]
    atomic.write_text(Path(folder) / FILENAME, "\n".join(lines) + "\n")


def propose(path: Path) -> list[tuple[Label, str]]:
    """The sections of a corpus file as the index sees them, each with a proposed kind
    (the curated keyword rules) and the first words of its text: a labels.tsv draft for a
    person to correct (``python -m assistant.classify.labels FILE...``)."""
    from assistant import outline
    from assistant.classify import keywords
    from assistant.corpus import store
    from assistant.textmap import MappedText

    doc = store.load(Path(path))
    tree = outline.parse(MappedText(doc.body), title_hint=doc.title or None)
    out = []
    for i, sec in enumerate(outline.sections(tree)):
        kind = keywords.predict(sec.heading, sec.text, sec.role)
        out.append((Label(doc.id, i, kind, section_key_heading(sec.role, sec.heading)),
                    " ".join(sec.text.split())[:40]))
    return out


if __name__ == "__main__":  # pragma: no cover - a helper for people writing labels
    import sys

    for arg in sys.argv[1:]:
        for lab, preview in propose(Path(arg)):
            print(f"{lab.doc_id}\t{lab.ord}\t{lab.kind}\t{lab.heading}\t# {preview}")
