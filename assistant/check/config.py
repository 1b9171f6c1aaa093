"""User settings for ``assist check``.

Read from ``assist.toml`` in the working folder (table ``[check]``), or else from
``pyproject.toml`` there (table ``[tool.assist.check]``)::

    [check]
    ignore-words = ["某某公司"]          # never flagged, by any rule

    [check.rules]
    traditional = "off"                  # off | info | warning | error
    punctuation = "error"

Anything malformed is an ``InputError`` (one line, exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from assistant.errors import InputError

LEVEL_VALUES = ("off", "info", "warning", "error")
_KNOWN_KEYS = {"rules", "ignore-words"}


@dataclass(frozen=True)
class CheckConfig:
    """Per-rule severities (``"off"`` disables a rule) and words never to flag."""

    rules: Mapping[str, str] = field(default_factory=dict)
    ignore_words: tuple[str, ...] = ()
    source: Optional[str] = None  # the file it came from, for messages

    def severity(self, rule_id: str, default: str) -> str:
        return self.rules.get(rule_id, default)


def from_mapping(data: Any, source: str = "配置") -> CheckConfig:
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


def _read_toml(path: Path) -> dict:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"配置文件 {path.name} 格式错误：{exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"配置文件 {path.name} 不是 UTF-8 编码") from exc
    except OSError as exc:
        raise InputError(f"无法读取配置文件 {path.name}：{exc.strerror or exc}") from exc


def load_config(folder: Path | str | None = None) -> CheckConfig:
    """The settings that apply in ``folder`` (default: the working folder)."""
    base = Path.cwd() if folder is None else Path(folder)
    own = base / "assist.toml"
    if own.is_file():
        data = _read_toml(own)
        return from_mapping(data.get("check"), source=own.name)
    project = base / "pyproject.toml"
    if project.is_file():
        data = _read_toml(project)
        tool = data.get("tool", {})
        assist = tool.get("assist") if isinstance(tool, dict) else None
        if assist is None:
            return CheckConfig()
        if not isinstance(assist, dict):
            raise InputError("pyproject.toml：[tool.assist] 必须是一个表（table）")
        return from_mapping(assist.get("check"), source="pyproject.toml [tool.assist]")
    return CheckConfig()
