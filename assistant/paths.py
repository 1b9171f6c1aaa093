"""Where things live: the shipped data, the user's data folder and the cache.

The installed package is never written to. Shipped data (corpus, plugins,
templates) sits inside the wheel under ``assistant/_data``; in a source
checkout (or an editable install) it is read from the top-level folders.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent


def shipped(name: str) -> Path:
    """The shipped data folder ``name`` (corpus, plugins or templates)."""
    inside = _PKG / "_data" / name
    if inside.is_dir():
        return inside
    return _REPO / name


def _xdg(env: str, fallback: str) -> Path:
    value = os.environ.get(env)
    return Path(value) if value else Path.home() / fallback


def user_home() -> Path:
    """The per-user data folder (user corpus additions, settings)."""
    value = os.environ.get("ASSIST_HOME")
    if value:
        return Path(value)
    return _xdg("XDG_DATA_HOME", ".local/share") / "assist"


def cache_dir() -> Path:
    """The per-user cache folder (indexes)."""
    value = os.environ.get("ASSIST_CACHE")
    if value:
        return Path(value)
    return _xdg("XDG_CACHE_HOME", ".cache") / "assist"


def user_corpus() -> Path:
    """Where ``assist corpus add`` puts a user's own reports by default."""
    return user_home() / "corpus"
