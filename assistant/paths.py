"""Where things live: the shipped data, the user's data folder and the cache.

The installed package is never written to. Shipped data (corpus, plugins,
templates) sits inside the wheel under ``assistant/_data``; in a source
checkout (or an editable install) it is read from the top-level folders.

``pathlib`` is imported only when a ``Path`` is asked for: ``assist check``
finds its cache folder with ``cache_dir_name()`` and starts faster without it.
"""

from __future__ import annotations

import os


def _pkg():
    from pathlib import Path

    return Path(__file__).resolve().parent


def shipped(name: str):
    """The shipped data folder ``name`` (corpus, plugins or templates), a ``Path``."""
    pkg = _pkg()
    inside = pkg / "_data" / name
    if inside.is_dir():
        return inside
    return pkg.parent / name


def _xdg(env: str, fallback: str):
    from pathlib import Path

    value = os.environ.get(env)
    return Path(value) if value else Path.home() / fallback


def user_home():
    """The per-user data folder (user corpus additions, settings), a ``Path``."""
    value = os.environ.get("ASSIST_HOME")
    if value:
        from pathlib import Path

        return Path(value)
    return _xdg("XDG_DATA_HOME", ".local/share") / "assist"


def cache_dir_name() -> str:
    """The per-user cache folder (indexes), as a string."""
    value = os.environ.get("ASSIST_CACHE")
    if value:
        return value
    value = os.environ.get("XDG_CACHE_HOME")
    return os.path.join(value if value else os.path.join(os.path.expanduser("~"), ".cache"), "assist")


def cache_dir():
    """The per-user cache folder (indexes), a ``Path``."""
    from pathlib import Path

    return Path(cache_dir_name())


def user_corpus():
    """Where ``assist corpus add`` puts a user's own reports by default."""
    return user_home() / "corpus"
