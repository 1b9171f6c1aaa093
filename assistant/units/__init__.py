"""Unit types (school, bank, village…) and topics (安全生产, 防汛…) provided by plugins.

    get_unit("学校")            → Unit (InputError if unknown)
    all_units(), unit_names()
    kind_parent("teaching")     → "operations"
    guess_unit(title, text)     → "school"
    get_topic("防汛")           → Topic (InputError if unknown); all_topics(), guess_topic(text)
    adapt.speak_as(text, unit)  → who speaks rewritten for the unit (我镇 → 我校)

Importing this package is cheap (no dataclasses, no pluggy until a unit is asked for):
the CLI's root callback imports it on every command to hand over ``--plugins`` folders.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from assistant.units.manager import Registry
    from assistant.units.model import Unit
    from assistant.units.topics import Topic

_MODEL_NAMES = ("CORE_KINDS", "CONCEPTS", "Field", "Kind", "OutlineItem", "Unit", "UnitDataError")

__all__ = [
    "CORE_KINDS", "Field", "Kind", "OutlineItem", "Unit", "UnitDataError", "all_topics", "all_units",
    "get_topic", "get_unit", "guess_topic", "guess_unit", "hookimpl", "kind_parent", "plugin_code_allowed",
    "plugin_dirs", "registry", "set_plugin_code", "set_plugin_dirs", "unit_names",
]

_explicit_dirs: list[Path] | None = None
_run_code: bool | None = None


def set_plugin_dirs(dirs: Iterable[str | os.PathLike] | None) -> None:
    """Plugin folders given on the command line (None: fall back to ASSIST_PLUGINS)."""
    global _explicit_dirs
    _explicit_dirs = [Path(d) for d in dirs] if dirs else None


def plugin_dirs() -> list[Path]:
    """The user's plugin folders: ``--plugins`` if given, else ``ASSIST_PLUGINS``."""
    if _explicit_dirs is not None:
        return list(_explicit_dirs)
    env = os.environ.get("ASSIST_PLUGINS", "")
    return [Path(p) for p in env.split(os.pathsep) if p.strip()]


def set_plugin_code(allowed: bool | None) -> None:
    """Whether plugin folders' ``plugin.py`` may run (None: fall back to ASSIST_RUN_PLUGIN_CODE)."""
    global _run_code
    _run_code = allowed


def plugin_code_allowed() -> bool:
    """``--run-plugin-code`` if given, else ``ASSIST_RUN_PLUGIN_CODE`` (1, true, yes)."""
    if _run_code is not None:
        return _run_code
    return os.environ.get("ASSIST_RUN_PLUGIN_CODE", "").strip().lower() in ("1", "true", "yes", "on")


def registry() -> "Registry":
    from assistant.units.manager import registry as _registry

    return _registry()


def get_unit(name_or_alias: str) -> "Unit":
    """The unit type called ``name_or_alias`` (name, Chinese label or alias)."""
    return registry().get(name_or_alias)


def all_units() -> "list[Unit]":
    """Every registered unit type, built-in ones first, in registration order."""
    return list(registry().units.values())


def unit_names() -> list[str]:
    return list(registry().units)


def get_topic(name_or_alias: str) -> "Topic":
    """The topic called ``name_or_alias`` (name, Chinese label or alias); InputError if unknown."""
    return registry().get_topic(name_or_alias)


def all_topics() -> "list[Topic]":
    """Every registered topic, built-in ones first, in registration order."""
    return list(registry().topics.values())


def guess_topic(text: str, title: str = "", default: str | None = None, min_score: float | None = None) -> str | None:
    """The registered topic a text (a report, a query) is about, by cue words; ``default``
    when nothing stands out."""
    from assistant.units.topics import MIN_SCORE, guess_topic as _guess

    return _guess(text, all_topics(), title, default, MIN_SCORE if min_score is None else min_score)


def kind_parent(kind_id: str, default: Any = ...) -> Any:
    """The core kind of ``kind_id`` (a core kind is its own parent).

    Unknown ids raise InputError, or return ``default`` when one is given."""
    from assistant.units.manager import kind_parent as _kind_parent

    return _kind_parent(kind_id, default)


def guess_unit(title: str, text: str, default: str = "") -> str:
    """The registered unit type a report most likely comes from (``default`` if no clue)."""
    from assistant.units.guess import guess_unit as _guess

    return _guess(title, text, default)


def __getattr__(name: str) -> Any:
    # Lazy: the model's dataclasses and pluggy load only when a unit is asked for.
    if name in ("hookimpl", "hookspec"):
        from assistant.units import hookspecs

        return getattr(hookspecs, name)
    if name in _MODEL_NAMES:
        from assistant.units import model

        return getattr(model, name)
    raise AttributeError(f"module 'assistant.units' has no attribute {name!r}")
