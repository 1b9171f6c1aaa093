"""The index of corpus folders, for callers that name folders (the default corpus, ``--corpus DIR``).

A thin front to the backends (``assistant.backends``): the index of folders is the SQLite
backend's file in the cache; the pipeline that builds it is ``assistant.corpus.build``.
Commands that may also be given a database corpus open it with ``backends.open_corpus``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from assistant.backends import BuildStats, CorpusIndex
from assistant.backends.sqlite import FolderCorpus, forget_verified, verified_path, verify  # noqa: F401
from assistant.corpus.build import (PARALLEL_MIN_BYTES, SCHEMA_VERSION, SENTENCE, analyse_doc,  # noqa: F401
                                    analyse_file, default_jobs, sentence_spans)
from assistant.corpus.source import corpus_files  # noqa: F401

Progress = Callable[[int, int], None]  # (done, total)

__all__ = ["BuildStats", "CorpusIndex", "build", "corpus_files", "ensure", "index_path", "is_current",
           "list_documents", "open_index", "sentence_spans", "stats"]


def index_path(dirs: list[Path]) -> Path:
    return FolderCorpus(dirs).index_path()


def is_current(dirs: list[Path]) -> bool:
    return FolderCorpus(dirs).is_current()


def ensure(dirs: list[Path], progress: Optional[Progress] = None, force: bool = False,
           jobs: Optional[int] = None, warn: Optional[Callable[[str], None]] = None) -> BuildStats | Path:
    """The index path, building it first if it is missing, stale or damaged (then its BuildStats).

    ``warn``: where messages about the corpus go (duplicate ids, a damaged index being
    rebuilt); standard error by default."""
    corpus = FolderCorpus(dirs)
    result = corpus.ensure(progress, force=force, jobs=jobs, warn=warn)
    return result if result is not None else corpus.index_path()


def open_index(dirs: list[Path], progress: Optional[Progress] = None) -> CorpusIndex:
    """The up-to-date, undamaged index of ``dirs``."""
    return FolderCorpus(dirs).open_index(progress)


def build(dirs: list[Path], target: Path, sig: str, progress: Optional[Progress] = None,
          train_model: bool = True, jobs: Optional[int] = None,
          warn: Optional[Callable[[str], None]] = None) -> BuildStats:
    """Build the index of the folders ``dirs`` into the file ``target`` atomically."""
    from assistant.backends.sqlite import build_file
    from assistant.corpus.source import FolderSource

    return build_file(FolderSource(dirs), Path(target), sig, progress, train_model=train_model, jobs=jobs, warn=warn)


def stats(ix: CorpusIndex) -> dict:
    return ix.stats()


def list_documents(ix: CorpusIndex) -> list[dict]:
    return ix.list_documents()
