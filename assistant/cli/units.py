"""``assist units`` and ``assist topics``: the unit types and topics that plugins provide."""

from __future__ import annotations

from typing import Any, Callable

from assistant.cli.app import FORMAT_OPTION, Format, app, emit_json


def _listing(items: list[Any], extra: Callable[[Any], list[str]]) -> list[str]:
    """Each unit type or topic: its name, label and plugin, aliases, data fields and own kinds,
    and what ``extra`` adds."""
    from assistant.units.model import CORE_KINDS

    lines = []
    for x in items:
        lines.append(f"{x.name}  {x.label}（插件 {x.plugin}）")
        if x.aliases:
            lines.append(f"  别名：{'、'.join(x.aliases)}")
        if x.fields:
            fields = [f"{f.label}（{f.measure}）" if f.measure else f.label for f in x.fields]
            lines.append(f"  数据字段：{'、'.join(fields)}")
        if x.kinds:
            kinds = [f"{k.label} → {CORE_KINDS.get(k.parent, k.parent)}" for k in x.kinds]
            lines.append(f"  扩展章节：{'、'.join(kinds)}")
        lines += extra(x)
    return lines


@app.command("units")
def units_command(fmt: Format = FORMAT_OPTION) -> None:
    """列出插件提供的单位类型：名称、别名、数据字段和扩展章节类型。"""
    from assistant.units import all_units

    units = all_units()
    if fmt == Format.json:
        emit_json({"units": [u.summary() for u in units]})
        return
    print("\n".join(_listing(units, lambda u: [f"  禁用词：{'、'.join(u.forbidden)}"] if u.forbidden else [])))


@app.command("topics")
def topics_command(fmt: Format = FORMAT_OPTION) -> None:
    """列出插件提供的主题（疫情防控、安全生产、防汛……）：名称、别名、标题格式、数据字段和扩展章节类型。"""
    from assistant.units import all_topics

    topics = all_topics()
    if fmt == Format.json:
        emit_json({"topics": [t.summary() for t in topics]})
        return

    def extra(t: Any) -> list[str]:
        out = [f"  标题：{t.make_title('××')}"]
        if t.unit_outline:
            out.append(f"  单位提纲：{'、'.join(t.unit_outline)}")
        return out

    lines = _listing(topics, extra)
    print("\n".join(lines) if lines else "没有已安装的主题")
