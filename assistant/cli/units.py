"""``assist units``: the unit types that plugins provide."""

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
