"""``assist units`` and ``assist topics``: the unit types and topics that plugins provide."""

from __future__ import annotations

from assistant.cli.app import FORMAT_OPTION, Format, app, emit_json


@app.command("units")
def units_command(fmt: Format = FORMAT_OPTION) -> None:
    """列出插件提供的单位类型：名称、别名、数据字段和扩展章节类型。"""
    from assistant.units import all_units
    from assistant.units.model import CORE_KINDS

    units = all_units()
    if fmt == Format.json:
        emit_json({"units": [u.summary() for u in units]})
        return
    lines = []
    for u in units:
        lines.append(f"{u.name}  {u.label}（插件 {u.plugin}）")
        if u.aliases:
            lines.append(f"  别名：{'、'.join(u.aliases)}")
        if u.fields:
            fields = [f"{f.label}（{f.measure}）" if f.measure else f.label for f in u.fields]
            lines.append(f"  数据字段：{'、'.join(fields)}")
        if u.kinds:
            kinds = [f"{k.label} → {CORE_KINDS.get(k.parent, k.parent)}" for k in u.kinds]
            lines.append(f"  扩展章节：{'、'.join(kinds)}")
        if u.forbidden:
            lines.append(f"  禁用词：{'、'.join(u.forbidden)}")
    print("\n".join(lines))


@app.command("topics")
def topics_command(fmt: Format = FORMAT_OPTION) -> None:
    """列出插件提供的主题（疫情防控、安全生产、防汛……）：名称、别名、数据字段和扩展章节类型。"""
    from assistant.units import all_topics
    from assistant.units.model import CORE_KINDS

    topics = all_topics()
    if fmt == Format.json:
        emit_json({"topics": [t.summary() for t in topics]})
        return
    lines = []
    for t in topics:
        lines.append(f"{t.name}  {t.label}（插件 {t.plugin}）")
        if t.aliases:
            lines.append(f"  别名：{'、'.join(t.aliases)}")
        lines.append(f"  标题：{t.make_title('××')}")
        if t.fields:
            fields = [f"{f.label}（{f.measure}）" if f.measure else f.label for f in t.fields]
            lines.append(f"  数据字段：{'、'.join(fields)}")
        if t.kinds:
            kinds = [f"{k.label} → {CORE_KINDS.get(k.parent, k.parent)}" for k in t.kinds]
            lines.append(f"  扩展章节：{'、'.join(kinds)}")
        if t.unit_outline:
            lines.append(f"  单位提纲：{'、'.join(t.unit_outline)}")
    print("\n".join(lines) if lines else "没有已安装的主题")
