"""What a topic is (安全生产, 防汛, 疫情防控…): the data a plugin provides, and how a topic
is recognised in a text.

A topic plugin folder holds ``topic.toml`` (or ``topic.yaml``) and, like a unit plugin,
its 范文 in ``fanwen/``::

    name, label, description, aliases   who the topic is and what a user may type
    cues                                words that identify it in a report or a query
    marks                               further words that belong to it alone (cues count too)
    title, period                       the title of a report on it: {unit} and {period}
    kinds                               finer section kinds, each under a core kind
    fields                              data fields typical of its reports
    outline                             its usual outline, for any unit type
    unit_outline.<unit>                 the outline of one unit type where it differs

Importing this module is cheap: no pluggy, no segmentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _dc_field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from assistant.units.model import (
    CORE_KINDS, Field, Kind, OutlineItem, UnitDataError, _check_keys, _record_fields, _record_kinds,
    _record_outline, _str, _strs, data_file_path, find_data_file, plugin_summary, read_data_file,
)

TOPIC_KEYS = {"name", "label", "description", "aliases", "cues", "marks", "title", "period", "kinds",
              "fields", "outline", "unit_outline"}
TOPIC_FILES = ("topic.toml", "topic.yaml", "topic.yml")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
DEFAULT_TITLE = "{unit}关于{period}{label}工作情况的汇报"
DEFAULT_PERIOD = "20xx年"


@dataclass(frozen=True, eq=False)
class Topic:
    """One topic. Sequences are tuples; mappings must not be modified."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    title: str = DEFAULT_TITLE
    period: str = DEFAULT_PERIOD
    kinds: tuple[Kind, ...] = ()
    fields: tuple[Field, ...] = ()
    outline: tuple[OutlineItem, ...] = ()
    unit_outline: dict[str, tuple[OutlineItem, ...]] = _dc_field(default_factory=dict)
    description: str = ""
    plugin: str = ""
    source: Path | None = None

    def __repr__(self) -> str:
        return f"Topic({self.name!r}, {self.label!r}, plugin={self.plugin!r})"

    def kind(self, kind_id: str) -> Kind | None:
        for k in self.kinds:
            if k.id == kind_id:
                return k
        return None

    def field(self, key: str) -> Field | None:
        for f in self.fields:
            if key in f.names():
                return f
        return None

    def words(self) -> tuple[str, ...]:
        """Words that mark a text as being about this topic: its cues and marks."""
        return tuple(dict.fromkeys((*self.cues, *self.marks)))

    def outline_for(self, unit: str) -> tuple[OutlineItem, ...]:
        """The outline of a report on this topic by a unit of type ``unit``."""
        return self.unit_outline.get(unit) or self.outline

    def make_title(self, unit_name: str, period: str | None = None) -> str:
        return self.title.format(unit=unit_name, period=period or self.period, label=self.label)

    def summary(self) -> dict[str, Any]:
        """The ``assist topics --format json`` entry (shared/spec/cli.md), plus extras."""
        return {
            **plugin_summary(self),
            "cues": list(self.cues),
            "title": self.make_title("××"),
            "outline": [o.to_dict() for o in self.outline],
            "unit_outline": {u: [o.to_dict() for o in items] for u, items in self.unit_outline.items()},
            "plugin": self.plugin,
        }


def find_topic_file(folder: Path) -> Path | None:
    return find_data_file(folder, TOPIC_FILES)


def load_topic_file(path: Path, plugin: str = "") -> Topic:
    """A Topic from ``topic.toml``/``topic.yaml`` (a folder is looked into)."""
    path = data_file_path(path, TOPIC_FILES, "主题")
    return topic_from_data(read_data_file(path), plugin=plugin, source=path)


def topic_from_data(data: Mapping, plugin: str = "", source: Path | None = None) -> Topic:
    """Validate a topic mapping (from TOML/YAML or a Python dict) and build a Topic.

    Outline kinds are checked here against the core kinds and the topic's own; a unit's
    own kinds (school's 教学安排) in ``unit_outline`` are checked by the registry, which
    knows the units."""
    if not isinstance(data, Mapping):
        raise UnitDataError("主题数据应是一个映射（键: 值）")
    _check_keys(data, TOPIC_KEYS, "")
    name = _str(data, "name", "")
    if not _NAME_RE.match(name):
        raise UnitDataError(f"name“{name}”只能用小写字母、数字、-、_，并以字母开头")
    where = f"主题 {name}："
    label = _str(data, "label", where)
    kinds = _record_kinds(data, where)
    title = _str(data, "title", where, required=False, default=DEFAULT_TITLE)
    try:
        title.format(unit="××", period="20xx年", label=label)
    except (KeyError, IndexError, ValueError) as exc:
        raise UnitDataError(f"{where}title 中只能用 {{unit}}、{{period}}、{{label}}：{exc}") from None
    if "{unit}" not in title:
        raise UnitDataError(f"{where}title 中应有 {{unit}}（单位名称的位置）")
    outline = _record_outline(data, "outline", where, kinds, strict=True)
    raw = data.get("unit_outline", {}) or {}
    if not isinstance(raw, Mapping):
        raise UnitDataError(f"{where}unit_outline 应是 单位类型 = [提纲…] 的表")
    unit_outline = {str(u): _record_outline({"outline": items}, "outline", f"{where}unit_outline.{u}：", kinds,
                                            strict=False)
                    for u, items in raw.items()}
    return Topic(
        name=name, label=label, aliases=_strs(data, "aliases", where), cues=_strs(data, "cues", where),
        marks=_strs(data, "marks", where), title=title,
        period=_str(data, "period", where, required=False, default=DEFAULT_PERIOD),
        kinds=tuple(kinds), fields=_record_fields(data, where), outline=outline, unit_outline=unit_outline,
        description=_str(data, "description", where, required=False), plugin=plugin, source=source,
    )


# ---- recognising a topic in a text ------------------------------------------------------------

TITLE_WEIGHT = 4.0  # a cue in the title counts this many times
MIN_SCORE = 2.0  # below this no topic is named


def topic_scores(text: str, topics: Iterable[Topic], title: str = "") -> dict[str, float]:
    """Evidence for each topic in ``text``: its cue words (longer cues weigh more, the label
    and aliases most, each cue counted at most a few times), the title's weighing more."""
    out: dict[str, float] = {}
    for t in topics:
        score = 0.0
        for word, weight in _weighted_cues(t):
            n = min(text.count(word), 4)
            if title and word in title:
                n += TITLE_WEIGHT
            if n:
                score += weight * n
        if score:
            out[t.name] = score
    return out


def _weighted_cues(topic: Topic) -> list[tuple[str, float]]:
    cues: dict[str, float] = {}
    for w in (topic.label, *topic.aliases):
        cues[w] = 2.0
    for w in topic.cues:
        cues.setdefault(w, 1.0 if len(w) >= 3 else 0.6)
    return [(w, v) for w, v in cues.items() if w]


def guess_topic(text: str, topics: Sequence[Topic], title: str = "", default: str | None = None,
                min_score: float = MIN_SCORE) -> str | None:
    """The topic a text is about (by cue words), or ``default`` when nothing stands out: the
    best topic must have some evidence (``min_score``: lower for a short query) and clearly
    more than the next one."""
    if title:
        # a title that names one topic decides (××县公安局20xx年工作总结 is a year's summary,
        # whatever else a year's work touches on)
        heads = sorted(topic_scores("", topics, title).items(), key=lambda kv: (-kv[1], kv[0]))
        if heads and (len(heads) == 1 or heads[0][1] >= 2 * heads[1][1]):
            return heads[0][0]
    scores = topic_scores(text, topics, title)
    if not scores:
        return default
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best, s = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if s < min_score or s < 1.3 * second:
        return default
    return best


__all__ = ["Topic", "guess_topic", "load_topic_file", "topic_from_data", "topic_scores", "TOPIC_FILES",
           "CORE_KINDS"]
