"""``assist fill --interactive``: ask for what is left open, save the answers to the data file.

For each placeholder the data did not fill, the user sees the sentence and types
the value (Enter skips). The answer is stored under a field name written from the
context, as ``--fields`` would (or under the field the matcher already chose, when
that field only lacked a value); if that name would not bring the value back to
this very placeholder, it is stored as a sentence pin instead. Answers go into the
data file the user gave, in its own format (YAML keeps its comments, CSV its
encoding and shape, .xlsx its first sheet), written atomically; then the report is
filled again from the updated file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from assistant.errors import InputError
from assistant.fill.data import FillData, Pin, parse_value, pin_pieces
from assistant.fill.match import match
from assistant.fill.slots import Slot
from assistant.fill.slots import group_key as _group_key
from assistant.fill.slots import probe as _probe
from assistant.fill.skeleton import _pin_for, name_for, place_text


@dataclass
class Answer:
    key: str  # a field name or a sentence pin
    value: str  # as typed (a pin over several marks: one value, a date)
    slots: list[Slot]


def ask_all(text: str, placements: list, data: FillData, ask: Callable[[str], str],
            tell: Callable[[str], None], mapped=None) -> list[Answer]:
    """Ask for every unfilled placeholder group; return the answers (typed values, not yet saved)."""
    slots_all = [p.decision.slot for p in placements]
    open_groups: dict[tuple, list] = {}
    for p in placements:
        if p.text is None:
            open_groups.setdefault(_group_key(p.decision.slot), []).append(p)
    answers: list[Answer] = []
    names: Optional[dict] = None
    total = len(open_groups)
    for n, (gkey, group) in enumerate(open_groups.items(), start=1):
        d = group[0].decision
        members = [p.decision.slot for p in group]
        where = f"第 {group[0].line} 行" if group[0].line else ""
        shown = place_text(text, members[0]) if len(members) == 1 else _span_text(text, members)
        tell(f"[{n}/{total}] {where}：{shown}")
        if d.reason:
            tell(f"    未填原因：{d.reason}")
        hint = "日期，如 2020-02-08" if members[0].shape in ("year", "month", "day", "hour", "date") else "值"
        try:
            value = ask(f"    {hint}（直接回车跳过）").strip()
        except EOFError:
            break
        if not value:
            continue
        if parse_value(value).kind == "empty":
            continue
        if names is None:
            from assistant.fill.skeleton import group_names

            names = group_names(text, slots_all)
        answers.append(Answer(_key_for(d, members, data, names), value, members))
    return _settle(text, slots_all, data, answers)


def _span_text(text: str, members: list[Slot]) -> str:
    first, last = members[0], members[-1]
    start = max(text.rfind("\n", 0, first.start) + 1, first.start - 30)
    end = text.find("\n", last.end)
    end = len(text) if end < 0 else min(end, last.end + 20)
    return (text[start:first.start] + "【" + text[first.start:last.end] + "】" + text[last.end:end]).strip()


def _key_for(decision, members: list[Slot], data: FillData, names: Optional[dict] = None) -> str:
    """The field the answer belongs to: the one already chosen (it only lacked a value), the
    name in {{ }}, or a name written from the context."""
    if decision.field and decision.value is not None and decision.value.empty and decision.via != "pin":
        return decision.field
    if members[0].explicit:
        return members[0].explicit
    name = (names or {}).get(_group_key(members[0])) or name_for(_probe(members))[0]  # as --fields names it
    base, k = name, 2
    while name in data.fields and not data.fields[name].empty:
        name = f"{base}{k}"
        k += 1
    return name


def _settle(text: str, slots: list[Slot], data: FillData, answers: list[Answer]) -> list[Answer]:
    """Check in memory that each answer comes back to its own placeholder; else make it a pin."""
    if not answers:
        return answers
    key_of = {s.index: _group_key(s) for s in slots}
    for _round in range(2):
        trial = with_answers(data, answers)
        result = match(text, trial, slots=slots)
        by_slot = {d.slot.index: d for d in result.decisions}
        changed = False
        for a in answers:
            if all(by_slot[s.index].field == a.key and by_slot[s.index].filled for s in a.slots):
                continue
            if pin_pieces(a.key) is not None:
                continue
            found = _pin_for(text, slots, key_of, _group_key(a.slots[0]))
            if found is not None and len(found[1][0]) == len(a.slots):
                a.key = found[0]
                changed = True
        if not changed:
            break
    return answers


def with_answers(data: FillData, answers: list[Answer]) -> FillData:
    """A copy of the data with the answers added (pins as pins, names as fields)."""
    out = FillData(data.path, dict(data.fields), list(data.pins), data.fmt, data.shape, data.header,
                   data.encoding, data.delimiter)
    for a in answers:
        v = parse_value(a.value)
        pieces = pin_pieces(a.key)
        if pieces is not None:
            out.pins = [p for p in out.pins if p.key != a.key]
            out.pins.append(Pin(a.key, pieces, [v] * (len(pieces) - 1)))
        else:
            out.fields[a.key] = v
    return out


# ------------------------------------------------------------------ saving
def _plain(value: str):
    """A typed answer as the data file should hold it: numbers as numbers, the rest as text."""
    v = value.strip()
    if re.fullmatch(r"-?\d+", v):
        return int(v)
    if re.fullmatch(r"-?\d+\.\d+", v):
        return float(v)
    return v


def save_answers(path: Path, data: Optional[FillData], answers: list[Answer]) -> None:
    """Write the answers into the data file at ``path`` (created if missing), atomically."""
    if not answers:
        return
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        _save_yaml(path, answers)
    elif suffix == ".json":
        _save_json(path, answers)
    elif suffix == ".csv":
        _save_csv(path, data, answers)
    elif suffix == ".xlsx":
        _save_xlsx(path, data, answers)
    else:
        raise InputError(f"不支持的数据文件类型：{path}（支持 .yaml .yml .json .csv .xlsx）")


def _yaml_scalar(value: str) -> str:
    v = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}", v):
        return v
    return json.dumps(v, ensure_ascii=False)


def _yaml_key(key: str) -> str:
    from assistant.fill.skeleton import _yaml_key as yk

    return yk(key)


def _save_yaml(path: Path, answers: list[Answer]) -> None:
    from assistant import atomic

    text = path.read_text(encoding="utf-8-sig") if path.exists() else "# assist fill 的数据（交互填写）\n"
    lines = text.splitlines()
    for a in answers:
        key_forms = {a.key, json.dumps(a.key, ensure_ascii=False), f"'{a.key}'"}
        new_line = f"{_yaml_key(a.key)}: {_yaml_scalar(a.value)}"
        for i, line in enumerate(lines):
            m = re.match(r"^(\S.*?)\s*:\s*(#.*)?$", line)
            if m and m.group(1) in key_forms:  # an empty entry (a skeleton's): fill it in place
                lines[i] = new_line
                break
        else:
            lines.append(new_line)
    atomic.write_text(path, "\n".join(lines).rstrip() + "\n")


def _save_json(path: Path, answers: list[Answer]) -> None:
    from assistant import atomic

    obj = json.loads(path.read_text(encoding="utf-8-sig")) if path.exists() else {}
    if not isinstance(obj, dict):
        raise InputError(f"{path} 的内容不是“字段: 值”的映射，无法写入答案")
    for a in answers:
        obj[a.key] = _plain(a.value)
    atomic.write_text(path, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _save_csv(path: Path, data: Optional[FillData], answers: list[Answer]) -> None:
    from assistant import atomic

    enc = data.encoding if data is not None else "utf-8"
    delim = data.delimiter if data is not None else ","
    if data is not None and path.exists():
        from assistant.reader import decode_bytes

        text, _ = decode_bytes(path.read_bytes(), str(path))
        rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim)]
    else:
        rows = [["字段", "值"]]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if data is not None and data.shape == "columns":
        header, values = rows[0], (rows[1] if len(rows) > 1 else [])
        values = values + [""] * (len(header) - len(values))
        for a in answers:
            if a.key in header:
                values[header.index(a.key)] = a.value
            else:
                header.append(a.key)
                values.append(a.value)
        rows = [header, values]
    else:
        for a in answers:
            for r in rows:
                if r and r[0].strip() == a.key:
                    while len(r) < 2:
                        r.append("")
                    r[1] = a.value
                    break
            else:
                rows.append([a.key, a.value])
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(rows)
    try:
        payload = buf.getvalue().encode(enc)
    except (UnicodeEncodeError, LookupError):
        payload = buf.getvalue().encode("utf-8")
    atomic.write_bytes(path, payload)


def _save_xlsx(path: Path, data: Optional[FillData], answers: list[Answer]) -> None:
    from assistant import atomic

    import openpyxl

    if path.exists():
        try:
            wb = openpyxl.load_workbook(path)
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise InputError(f"{path} 无法作为 .xlsx 读取：{type(exc).__name__}") from None
        ws = wb.worksheets[0]
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["字段", "值"])
    if data is not None and data.shape == "columns":
        header = [c.value for c in ws[1]]
        for a in answers:
            col = header.index(a.key) + 1 if a.key in header else len(header) + 1
            if a.key not in header:
                header.append(a.key)
                ws.cell(row=1, column=col, value=a.key)
            ws.cell(row=2, column=col, value=_plain(a.value))
    else:
        for a in answers:
            for row in ws.iter_rows(min_row=1):
                if row and isinstance(row[0].value, str) and row[0].value.strip() == a.key:
                    ws.cell(row=row[0].row, column=2, value=_plain(a.value))
                    break
            else:
                ws.append([a.key, _plain(a.value)])
    with atomic.atomic_path(path, suffix=".xlsx") as tmp:
        wb.save(tmp)
