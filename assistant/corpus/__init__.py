"""The corpus: past reports stored as readable text files, and their index."""

from __future__ import annotations

from pathlib import Path


def fanwen_dirs() -> list[Path]:
    """The ``fanwen/`` folders of the plugins in use (shipped, then the user's plugin folders)."""
    from assistant.paths import shipped
    from assistant.units import plugin_dirs

    out: list[Path] = []
    for base in [shipped("plugins"), *plugin_dirs()]:
        base = Path(base)
        if not base.is_dir():
            continue
        candidates = [base] if (base / "fanwen").is_dir() else sorted(p for p in base.iterdir() if p.is_dir())
        for folder in candidates:
            fw = folder / "fanwen"
            if fw.is_dir() and fw not in out:
                out.append(fw)
    return out


def default_dirs() -> list[Path]:
    """The default corpus: the shipped reports, the plugins' 范文, the user's own reports."""
    from assistant.paths import shipped, user_corpus

    return [shipped("corpus"), *fanwen_dirs(), user_corpus()]
