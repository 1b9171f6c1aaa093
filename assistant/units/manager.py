"""Plugin discovery and the registry of unit types (the simonw/llm pattern, with pluggy).

Plugins are found, in this order:

1. the ``plugins/`` folder shipped with assist (the built-in unit types);
2. pip packages with an entry point in the ``assist`` group;
3. the folders named by ``--plugins DIR`` / ``ASSIST_PLUGINS`` (os.pathsep-separated).

A *plugin folder* holds ``unit.toml`` / ``unit.yaml`` (a unit type), ``topic.toml`` /
``topic.yaml`` (a topic), or both, its 范文 in ``fanwen/``, and optionally ``plugin.py``.
A folder is data: a small data plugin registers its files through the same hooks a
package uses (``register_units``, ``register_topics``). Its ``plugin.py`` runs only when
the user asks for it (``--run-plugin-code`` / ``ASSIST_RUN_PLUGIN_CODE=1``): a folder
someone shared must not run code unasked. A folder named by ``--plugins`` may be one plugin
folder or hold several.

A unit name already taken (built-ins come first) or an extra section kind given another
parent than before makes the later plugin a broken one. Once all are loaded, each unit's
vocabulary is merged: other units' words for a concept it shares → its own (model.py).

Every plugin's hook is called on its own: a plugin that fails to import, raises (even
SystemExit), or gives bad data is reported by name in one line on stderr and skipped, and
the others keep working; the command's exit code stays its own. Loading reads a few TOML files: no segmentation, no scikit-learn.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import pluggy

from assistant.errors import InputError
from assistant.units import hookspecs
from assistant.units.hookspecs import hookimpl
from assistant.units.model import (
    CORE_KINDS, UNIT_FILES, Kind, Unit, UnitDataError, find_unit_file, load_unit_file, unit_from_data,
    with_vocabulary,
)
from assistant.units.topics import TOPIC_FILES, Topic, find_topic_file, load_topic_file, topic_from_data

ENTRY_POINT_GROUP = "assist"
PLUGIN_MODULE = "plugin.py"


@dataclass
class _Plugin:
    name: str  # shown to the user
    obj: Any  # what is registered with pluggy
    base: Path | None  # relative paths given to register() start here


class _DataPlugin:
    """A plugin folder used as data: registers its unit file and its topic file like any
    plugin would (a folder may hold either or both)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).resolve()  # registered as is: never joined to a base again

    @hookimpl
    def register_units(self, register: Callable[[Any], None]) -> None:
        if find_unit_file(self.folder) is not None:
            register(self.folder)

    @hookimpl
    def register_topics(self, register: Callable[[Any], None]) -> None:
        if find_topic_file(self.folder) is not None:
            register(self.folder)


class Registry:
    """The registered unit types and topics, looked up by name, label or alias."""

    def __init__(self, units: Iterable[Unit], problems: list[str] | None = None,
                 topics: Iterable[Topic] = ()) -> None:
        self.units: dict[str, Unit] = {u.name: u for u in units}
        self.topics: dict[str, Topic] = {t.name: t for t in topics}
        self.problems = list(problems or [])
        self._lookup = _lookup_table(self.units.values())
        self._topic_lookup = _lookup_table(self.topics.values())
        self.kinds: dict[str, Kind] = {}
        for item in (*self.units.values(), *self.topics.values()):
            for kind in item.kinds:
                self.kinds.setdefault(kind.id, kind)

    def find(self, name_or_alias: str) -> Unit | None:
        name = self._lookup.get(_norm(name_or_alias or ""))
        return self.units[name] if name else None

    def get(self, name_or_alias: str) -> Unit:
        unit = self.find(name_or_alias)
        if unit is None:
            available = "、".join(self.units) or "无"
            raise InputError(f"未知的单位类型：{name_or_alias}（可用：{available}）")
        return unit

    def find_topic(self, name_or_alias: str) -> Topic | None:
        name = self._topic_lookup.get(_norm(name_or_alias or ""))
        return self.topics[name] if name else None

    def get_topic(self, name_or_alias: str) -> Topic:
        topic = self.find_topic(name_or_alias)
        if topic is None:
            available = "、".join(f"{t.name}（{t.label}）" for t in self.topics.values()) or "无"
            raise InputError(f"未知的主题：{name_or_alias}（可用：{available}）")
        return topic


def _lookup_table(items: Iterable[Any]) -> dict[str, str]:
    """name, label and aliases → name; names first, so that no alias can shadow a name, and
    the first registered item keeps a label or alias two of them claim."""
    items = list(items)
    lookup: dict[str, str] = {}
    for item in items:
        lookup.setdefault(_norm(item.name), item.name)
    for item in items:
        for key in (item.label, *item.aliases):
            lookup.setdefault(_norm(key), item.name)
    return lookup


def _norm(key: str) -> str:
    return key.strip().lower()


# ---- the cached registry ---------------------------------------------------------------

_cached: tuple[tuple, Registry] | None = None


def registry() -> Registry:
    """The registry for the current plugin folders (built once, then cached)."""
    global _cached
    from assistant.units import plugin_code_allowed, plugin_dirs

    dirs = plugin_dirs()
    key = (tuple(str(d) for d in dirs), tuple(sys.path), plugin_code_allowed())
    if _cached is None or _cached[0] != key:
        _cached = (key, build_registry(dirs, run_code=plugin_code_allowed()))
    return _cached[1]


def reset() -> None:
    """Forget the cached registry (tests, or after installing a plugin)."""
    global _cached
    _cached = None


# ---- building it ---------------------------------------------------------------------------

def _guarded(call: Callable[[], Any]) -> Any:
    """Run a plugin's code; anything it raises — SystemExit included — becomes an ordinary
    exception, so that a plugin can neither end the command nor change its exit code."""
    try:
        return call()
    except (KeyboardInterrupt, MemoryError):
        raise
    except UnitDataError:
        raise
    except BaseException as exc:  # noqa: BLE001 — SystemExit, GeneratorExit… from a plugin
        if isinstance(exc, Exception):
            raise
        raise _PluginExit(f"{type(exc).__name__}: {exc}") from None


class _PluginExit(Exception):
    """A plugin tried to end the program (sys.exit, os._exit is beyond reach)."""


def build_registry(dirs: Iterable[Path] = (), shipped: bool = True,
                   entry_points: bool = True, run_code: bool = False) -> Registry:
    """Every plugin's unit types and topics.

    ``run_code``: also run the ``plugin.py`` of plugin folders (the user asked for it with
    ``--run-plugin-code`` / ``ASSIST_RUN_PLUGIN_CODE=1``); without it a folder is data only.
    Installed packages (entry points) are code the user installed, and always run."""
    problems: list[str] = []

    def note(line: str) -> None:
        problems.append(line)
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def warn(name: str, reason: str) -> None:
        note(f"assist: 警告：插件 {name} 无法加载，已跳过：{' '.join(str(reason).split())}")

    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    plugins: list[_Plugin] = []

    def add(plugin: _Plugin) -> None:
        try:
            pm.register(plugin.obj, name=f"{len(plugins)}:{plugin.name}")
        except Exception as exc:  # pluggy validation: wrong hook arguments, registered twice…
            warn(plugin.name, f"{type(exc).__name__}: {exc}")
            return
        plugins.append(plugin)

    if shipped:
        from assistant.paths import shipped as shipped_dir

        for folder in _plugin_folders(shipped_dir("plugins"), warn):
            _add_folder(folder, add, warn, note, run_code=True)  # our own: data only anyway
    if entry_points:
        for plugin in _entry_point_plugins(warn):
            add(plugin)
    for directory in dirs:
        directory = Path(directory)
        if not directory.is_dir():
            warn(str(directory), "插件文件夹不存在")
            continue
        folders = _plugin_folders(directory, warn)
        if not folders:
            note(f"assist: 警告：插件文件夹 {directory} 中没有插件（应有 unit.toml、topic.toml 或放着它们的子文件夹）")
        for folder in folders:
            _add_folder(folder, add, warn, note, run_code=run_code)

    unit_impls = {id(impl.plugin): impl for impl in pm.hook.register_units.get_hookimpls()}
    topic_impls = {id(impl.plugin): impl for impl in pm.hook.register_topics.get_hookimpls()}
    accepted: list[Unit] = []
    topics: list[Topic] = []
    kinds: dict[str, tuple[Kind, str]] = {}
    for plugin in plugins:
        u_impl, t_impl = unit_impls.get(id(plugin.obj)), topic_impls.get(id(plugin.obj))
        if u_impl is None and t_impl is None:
            warn(plugin.name, "没有实现 register_units 或 register_topics 钩子（是否漏了 @hookimpl？）")
            continue
        got: list[Unit] = []
        got_topics: list[Topic] = []

        def register(source: Any, _plugin: _Plugin = plugin, _got: list[Unit] = got) -> None:
            _got.append(_to_unit(source, _plugin))

        def register_topic(source: Any, _plugin: _Plugin = plugin, _got: list[Topic] = got_topics) -> None:
            _got.append(_to_topic(source, _plugin))

        try:
            for impl, reg in ((u_impl, register), (t_impl, register_topic)):
                if impl is not None:
                    _guarded(lambda impl=impl, reg=reg: impl.function(*[reg for _ in impl.argnames]))
            _check_conflicts(got, accepted, kinds)
            _check_conflicts(got_topics, topics, kinds, "主题")
        except UnitDataError as exc:
            warn(plugin.name, str(exc))
            continue
        except Exception as exc:  # a plugin's bug must not take the others down
            warn(plugin.name, f"{type(exc).__name__}: {exc}")
            continue
        for item in (*got, *got_topics):
            for kind in item.kinds:
                kinds.setdefault(kind.id, (kind, item.name))
        accepted.extend(got)
        topics.extend(got_topics)

    units = _merge_vocabularies(accepted)
    _note_shadowed(units, "单位类型", note)
    _note_shadowed(topics, "主题", note)
    topics = [t for t in topics if _check_topic_outlines(t, units, kinds, warn)]
    return Registry(units, problems, topics)


def _note_shadowed(items: list[Any], what: str, note: Callable[[str], None]) -> None:
    """A label or alias that an earlier item already has keeps meaning the earlier one: say so."""
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(_norm(item.name), item)
    for item in items:
        for key in (item.label, *item.aliases):
            owner = seen.setdefault(_norm(key), item)
            if owner is not item and key == item.label:
                note(f"assist: 警告：插件 {item.plugin} 的{what} {item.name} 的名称“{key}”已属于 {owner.name}"
                     f"（插件 {owner.plugin}），“{key}”仍指 {owner.name}；请用 {item.name} 指定它")


def _check_topic_outlines(topic: Topic, units: list[Unit], kinds: dict[str, tuple[Kind, str]],
                          warn: Callable[[str, str], None]) -> bool:
    """A topic's per-unit outlines may use the unit's own kinds: every kind must be known."""
    by_name = {u.name: u for u in units}
    own = {k.id for k in topic.kinds}
    for unit_name, items in topic.unit_outline.items():
        unit = by_name.get(unit_name)
        for item in items:
            if item.kind in CORE_KINDS or item.kind in own:
                continue
            if unit is not None and unit.kind(item.kind) is not None:
                continue
            if unit is None and item.kind in kinds:
                continue
            warn(topic.plugin, f"主题 {topic.name} 的 unit_outline.{unit_name} 中的章节类型“{item.kind}”"
                               "既不是核心类型，也不是该主题或该单位类型的类型")
            return False
    return True


def _to_topic(source: Any, plugin: _Plugin) -> Topic:
    if isinstance(source, Topic):
        return source
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_absolute() and plugin.base is not None:
            path = plugin.base / path
        return load_topic_file(path, plugin=plugin.name)
    if isinstance(source, dict):
        return topic_from_data(source, plugin=plugin.name)
    raise UnitDataError(f"register() 只接受主题数据文件路径、映射或 Topic，而不是 {type(source).__name__}")


def _to_unit(source: Any, plugin: _Plugin) -> Unit:
    if isinstance(source, Unit):
        return _check_unit_object(source, plugin.name)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_absolute() and plugin.base is not None:
            path = plugin.base / path
        return load_unit_file(path, plugin=plugin.name)
    if isinstance(source, dict):
        return unit_from_data(source, base=plugin.base, plugin=plugin.name)
    raise UnitDataError(f"register() 只接受单位数据文件路径、映射或 Unit，而不是 {type(source).__name__}")


def _check_unit_object(unit: Unit, plugin: str) -> Unit:
    """A Unit built in Python gets the checks its data would have had."""
    import dataclasses

    from assistant.units.model import validate_rule

    where = f"单位 {unit.name}："
    unit_from_data({"name": unit.name, "label": unit.label})  # name and label rules
    for kind in unit.kinds:
        if kind.parent not in CORE_KINDS or kind.id in CORE_KINDS:
            raise UnitDataError(f"{where}章节类型 {kind.id} 的上级类型“{kind.parent}”不是核心章节类型")
    kinds = {k.id for k in unit.kinds}
    for item in unit.outline:
        if item.kind not in CORE_KINDS and item.kind not in kinds:
            raise UnitDataError(f"{where}outline 中的章节类型“{item.kind}”既不是核心类型，也不在 kinds 中")
    rules = tuple(validate_rule(r, where) for r in unit.rules)
    return dataclasses.replace(
        unit, rules=rules, plugin=unit.plugin or plugin,
        own_vocabulary=dict(unit.own_vocabulary or unit.vocabulary))


def _check_conflicts(got: list[Any], accepted: list[Any], kinds: dict[str, tuple[Kind, str]],
                     what: str = "单位类型") -> None:
    """A unit type (topic) some plugin registered already, or a kind id another gave another
    parent: the plugin is broken."""
    names = {x.name: x for x in accepted}
    seen: set[str] = set()
    for item in got:
        if item.name in names or item.name in seen:
            owner = names[item.name].plugin if item.name in names else "本插件"
            raise UnitDataError(f"{what} {item.name} 已由插件 {owner} 注册")
        seen.add(item.name)
        for kind in item.kinds:
            if kind.id in kinds and kinds[kind.id][0].parent != kind.parent:
                other, owner = kinds[kind.id]
                raise UnitDataError(
                    f"章节类型 {kind.id} 的上级类型 {kind.parent} 与单位 {owner} 定义的 {other.parent} 冲突")


def _merge_vocabularies(units: list[Unit]) -> list[Unit]:
    """Each unit's vocabulary: other units' words for shared concepts → its own, then
    its explicit entries. ``keep`` becomes the union of every unit's keep list."""
    keep = tuple(dict.fromkeys(k for u in units for k in u.keep))
    keep_set = set(keep)
    merged = []
    for unit in units:
        own = unit.own_words()
        vocab: dict[str, str] = {}
        for other in units:
            if other is unit:
                continue
            for concept, words in other.terms.items():
                mine = unit.terms.get(concept)
                if not mine:
                    continue
                for word in words:
                    if word not in own and word not in vocab:
                        vocab[word] = mine[0]
        vocab.update(unit.own_vocabulary)
        vocab = {k: v for k, v in vocab.items() if k not in keep_set}
        merged.append(with_vocabulary(unit, vocab, keep))
    return merged


# ---- discovery -----------------------------------------------------------------------------

def _is_plugin_folder(folder: Path) -> bool:
    return (folder / PLUGIN_MODULE).is_file() or any(
        (folder / n).is_file() for n in (*UNIT_FILES, *TOPIC_FILES))


def _plugin_folders(directory: Path, warn: Callable[[str, str], None]) -> list[Path]:
    """``directory`` itself if it is a plugin folder, else its plugin subfolders."""
    if not directory.is_dir():
        return []
    if _is_plugin_folder(directory):
        return [directory]
    folders = []
    for sub in sorted(directory.iterdir()):
        if not sub.is_dir() or sub.name.startswith((".", "_")):
            continue
        if _is_plugin_folder(sub):
            folders.append(sub)
        else:
            warn(sub.name, f"{sub} 中没有 unit.toml、topic.toml 或 {PLUGIN_MODULE}")
    return folders


def _add_folder(folder: Path, add: Callable[[_Plugin], None], warn: Callable[[str, str], None],
                note: Callable[[str], None], run_code: bool) -> None:
    """A plugin folder: its data files, and its ``plugin.py`` only when code may run."""
    name = folder.name
    module_path = folder / PLUGIN_MODULE
    has_data = any((folder / n).is_file() for n in (*UNIT_FILES, *TOPIC_FILES))
    if not module_path.is_file():
        add(_Plugin(name, _DataPlugin(folder), folder))
        return
    if not run_code:
        if has_data:
            note(f"assist: 提示：插件 {name} 中的 {PLUGIN_MODULE} 没有运行，只加载了它的数据文件"
                 "（文件夹插件默认只作为数据；确认可信后加 --run-plugin-code 或设 ASSIST_RUN_PLUGIN_CODE=1）")
            add(_Plugin(name, _DataPlugin(folder), folder))
        else:
            warn(name, f"它只有 {PLUGIN_MODULE}，而文件夹插件默认不运行代码"
                       "（确认可信后加 --run-plugin-code 或设 ASSIST_RUN_PLUGIN_CODE=1）")
        return
    module_name = f"_assist_plugin_{abs(hash(str(folder.resolve()))):x}_{''.join(c if c.isalnum() else '_' for c in name)}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, module_path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        _guarded(lambda: spec.loader.exec_module(module))
    except Exception as exc:
        sys.modules.pop(module_name, None)
        warn(name, f"{PLUGIN_MODULE} 导入失败：{type(exc).__name__}: {exc}")
        return
    add(_Plugin(name, module, folder))


def _assist_distributions() -> list[Path]:
    """dist-info folders on sys.path whose entry_points.txt has an ``[assist]`` group.

    The same answer as ``importlib.metadata.entry_points(group="assist")`` for
    installed packages (first folder on sys.path wins for a name), but it only reads
    entry_points.txt files instead of parsing every distribution's metadata, and it
    does not import importlib.metadata when no plugin is installed (bench_units.py)."""
    found: list[Path] = []
    seen: set[str] = set()
    for entry in sys.path:
        try:
            items = os.scandir(entry or ".")
        except OSError:  # zip files and missing folders hold no dist-info folders
            continue
        with items:
            for item in items:
                if not item.name.endswith((".dist-info", ".egg-info")):
                    continue
                key = item.name.rsplit(".", 1)[0].split("-")[0].lower().replace("_", "-").replace(".", "-")
                if key in seen:
                    continue
                seen.add(key)
                try:
                    with open(os.path.join(item.path, "entry_points.txt"), "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                if b"[" + ENTRY_POINT_GROUP.encode() + b"]" in data:
                    found.append(Path(item.path))
    return found


def _entry_point_plugins(warn: Callable[[str, str], None]) -> list[_Plugin]:
    dists = _assist_distributions()
    if not dists:
        return []
    from importlib.metadata import Distribution

    eps = [ep for path in dists for ep in Distribution.at(path).entry_points
           if ep.group == ENTRY_POINT_GROUP]
    plugins = []
    for ep in sorted(eps, key=lambda e: e.name):
        try:
            module = _guarded(ep.load)
        except Exception as exc:
            warn(ep.name, f"导入失败：{type(exc).__name__}: {exc}")
            continue
        file = getattr(module, "__file__", None)
        plugins.append(_Plugin(ep.name, module, Path(file).parent if file else None))
    return plugins


def kind_parent(kind_id: str, default: Any = ...) -> Any:
    if kind_id in CORE_KINDS:
        return kind_id
    kind = registry().kinds.get(kind_id)
    if kind is not None:
        return kind.parent
    if default is not ...:
        return default
    raise InputError(f"未知的章节类型：{kind_id}")
