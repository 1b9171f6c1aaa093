"""Which corpus a command reads (``--corpus``, ``ASSIST_CORPUS``, else the default one).

Kept apart from the typer application so that the fast command paths (``assist suggest``)
choose a corpus exactly as the typer commands do without loading typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from assistant.errors import InputError


def corpus_dirs(corpus: "Optional[str | Path]") -> list[Path]:
    """The corpus folders a command reads: ``--corpus``/env, else the default corpus (the
    shipped reports, the plugins' 范文 and the user's own reports)."""
    if corpus is not None:
        if not Path(corpus).is_dir():
            what = "不是文件夹" if Path(corpus).exists() else "不存在"
            raise InputError(f"语料库文件夹{what}：{corpus}")
        return [Path(corpus)]
    from assistant.corpus import default_dirs

    return default_dirs()


def chosen_corpus(corpus: "Optional[str | Path]"):  # noqa: ANN201 - a backends.Corpus
    """The corpus a command reads: a database (``postgresql://…``), a folder, or the default one."""
    from assistant.backends import is_url, open_corpus
    from assistant.backends.sqlite import FolderCorpus

    if corpus is not None and is_url(str(corpus)):
        return open_corpus(str(corpus))
    return FolderCorpus(corpus_dirs(corpus))
