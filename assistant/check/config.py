"""User settings for ``assist check``.

Read from ``assist.toml`` in the working folder (table ``[check]``), or else from
``pyproject.toml`` there (table ``[tool.assist.check]``)::

    [check]
    ignore-words = ["某某公司"]          # never flagged, by any rule

    [check.rules]
    traditional = "off"                  # off | info | warning | error
    punctuation = "error"

Anything malformed is an ``InputError`` (one line, exit 2). What a file holds
for check is kept in the cache folder until the file changes (``_cached``):
parsing TOML costs more than checking a report.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from assistant.check.frozen import Frozen
from assistant.errors import InputError

LEVEL_VALUES = ("off", "info", "warning", "error")
_KNOWN_KEYS = {"rules", "ignore-words"}


class CheckConfig(Frozen):
    """Per-rule severities (``"off"`` disables a rule) and words never to flag.

    Immutable and compared by value (``Frozen``: check must start fast)."""

    __slots__ = ("rules", "ignore_words", "source")

    def __init__(self, rules: Mapping[str, str] | None = None, ignore_words: tuple[str, ...] = (),
                 source: str | None = None) -> None:
        object.__setattr__(self, "rules", {} if rules is None else rules)
        object.__setattr__(self, "ignore_words", ignore_words)
        object.__setattr__(self, "source", source)  # the file it came from, for messages

    def severity(self, rule_id: str, default: str) -> str:
        return self.rules.get(rule_id, default)


def from_mapping(data, source: str = "配置") -> CheckConfig:
    """Validate the ``[check]`` table (a dict) and build a ``CheckConfig``."""
    if data is None:
        return CheckConfig(source=source)
    if not isinstance(data, Mapping):
        raise InputError(f"{source}：[check] 必须是一个表（table）")
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise InputError(f"{source}：[check] 中有未知的设置项 {', '.join(unknown)}"
                         f"（可用：rules、ignore-words）")
    rules = data.get("rules", {})
    if not isinstance(rules, Mapping):
        raise InputError(f"{source}：rules 必须是一个表，例如 [check.rules] traditional = \"off\"")
    levels: dict[str, str] = {}
    for rule_id, value in rules.items():
        if not isinstance(value, str) or value.lower() not in LEVEL_VALUES:
            raise InputError(f"{source}：规则 {rule_id} 的级别 {value!r} 无效"
                             f"（可用：off、info、warning、error）")
        levels[str(rule_id)] = value.lower()
    words = data.get("ignore-words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise InputError(f"{source}：ignore-words 必须是非空字符串的列表，例如 [\"某某公司\"]")
    return CheckConfig(rules=levels, ignore_words=tuple(words), source=source)


def _read_toml(path: str) -> dict:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"配置文件 {name} 格式错误：{exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"配置文件 {name} 不是 UTF-8 编码") from exc
    except RecursionError:
        raise InputError(f"配置文件 {name} 嵌套层次太深") from None
    except ValueError as exc:  # beyond Python's limits (a number of thousands of digits)
        raise InputError(f"配置文件 {name} 中有无法读取的值：{str(exc).split(';')[0]}") from None
    except OSError as exc:
        raise InputError(f"无法读取配置文件 {name}：{exc.strerror or exc}") from exc


def load_config(folder=None) -> CheckConfig:
    """The settings that apply in ``folder`` (a path, default: the working folder)."""
    base = os.getcwd() if folder is None else os.fspath(folder)
    own = os.path.join(base, "assist.toml")
    if os.path.isfile(own):
        return from_mapping(_cached(own, _own_table), source="assist.toml")
    project = os.path.join(base, "pyproject.toml")
    if os.path.isfile(project):
        found = _cached(project, _project_table)
        if found["kind"] == "none":
            return CheckConfig()
        if found["kind"] != "table":
            raise InputError("pyproject.toml：[tool.assist] 必须是一个表（table）")
        return from_mapping(found["check"], source="pyproject.toml [tool.assist]")
    return CheckConfig()


def _own_table(data: dict):
    return data.get("check")


def _project_table(data: dict) -> dict:
    tool = data.get("tool", {})
    assist = tool.get("assist") if isinstance(tool, dict) else None
    if assist is None:
        return {"kind": "none"}
    if not isinstance(assist, dict):
        return {"kind": "not a table"}
    return {"kind": "table", "check": assist.get("check")}


def _cached(path: str, extract):
    """``extract(the TOML file at path)``, or the InputError its reading raises.

    What a file holds for check is kept in the cache folder as json, by the
    file's place, size and time: reading TOML costs more than checking a report
    (the parser and what it imports), and a project's pyproject.toml seldom
    changes and seldom has a [tool.assist] table. Values that json does not give
    back exactly (dates, for one) are not kept."""
    import zlib

    from assistant.paths import cache_dir_name

    full = os.path.abspath(path)
    try:
        st = os.stat(full)
    except OSError:
        return extract(_read_toml(path))  # reports the error
    cache = os.path.join(cache_dir_name(), "check", "config-%08x-%d-%d-%d.json" % (
        zlib.crc32(full.encode("utf-8", "surrogatepass")), st.st_mtime_ns, st.st_size, st.st_ino))
    try:
        from assistant.check.recache import loads_json

        with open(cache, encoding="utf-8") as fh:
            kept = loads_json(fh.read())
        if isinstance(kept, dict) and kept.get("path") == full:
            if "error" in kept:
                raise InputError(str(kept["error"]))
            if "value" in kept:
                return kept["value"]
    except (OSError, ValueError):
        pass
    try:
        value = extract(_read_toml(path))
        kept = {"path": full, "value": value}
    except InputError as exc:
        if str(exc).startswith("无法读取"):  # could not be read this time: nothing to keep
            raise
        kept, value = {"path": full, "error": str(exc)}, exc
    if _plain(kept):
        try:
            import json

            from assistant.atomic import write_text

            write_text(cache, json.dumps(kept, ensure_ascii=False, allow_nan=False))
        except (OSError, ValueError):
            pass  # a read-only cache only costs time
    if isinstance(value, InputError):
        raise value
    return value


def _plain(value) -> bool:
    """True if json gives ``value`` back exactly (the same types and values)."""
    if value is None or value.__class__ in (str, bool, int):
        return True
    if value.__class__ is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if value.__class__ is list:
        return all(map(_plain, value))
    if value.__class__ is dict:
        return all(k.__class__ is str for k in value) and all(map(_plain, value.values()))
    return False
