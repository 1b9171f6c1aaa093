"""The hooks a plugin implements: unit types and topics.

A plugin is a module (from a pip package's ``assist`` entry point, or ``plugin.py`` in
a plugin folder) with::

    from pathlib import Path
    from assistant.units import hookimpl

    @hookimpl
    def register_units(register):
        register(Path(__file__).with_name("unit.toml"))

A plugin folder with only ``unit.toml`` (or ``unit.yaml``) and no ``plugin.py`` is
registered through the same hook by a small data plugin (see manager.py), so the
built-in unit types in ``plugins/`` register exactly like a third party's.
"""

from __future__ import annotations

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("assist")
hookimpl = HookimplMarker("assist")


@hookspec
def register_units(register):  # type: ignore[no-untyped-def]
    """Register unit types.

    ``register(source)`` accepts a path to ``unit.toml``/``unit.yaml`` (or the folder
    holding it; relative paths are taken from the plugin's folder), a mapping with the
    same keys, or an ``assistant.units.Unit``. It may be called several times.
    """


@hookspec
def register_topics(register):  # type: ignore[no-untyped-def]
    """Register topics (安全生产, 防汛…).

    ``register(source)`` accepts a path to ``topic.toml``/``topic.yaml`` (or the folder
    holding it; relative paths are taken from the plugin's folder), a mapping with the
    same keys, or an ``assistant.units.topics.Topic``. It may be called several times.
    """
