"""The user's data for ``assist fill``: YAML, JSON, CSV or .xlsx, in the shapes staff keep.

Shapes accepted (the same for CSV and the first sheet of an .xlsx):

- two columns, field and value, one field per row, with or without a header row
  such as ``字段,值`` or ``项目,数量`` (a third column headed ``单位`` gives the
  measure word of the value, a column headed ``备注``/``说明`` is ignored);
- a header row of field names over one row of values.

YAML and JSON hold one mapping of field name → value. Values are numbers,
dates, names or text; an empty value means "not known yet" (a skeleton written
by ``assist fill --fields`` has only empty values).

**Sentence pins.** A key that contains a placeholder mark (``xx``, ``＊``,
``_``, ``某某``…) is not a field name but a piece of the report's sentence: it
pins its value to the placeholder found in that sentence, whatever the matcher
would infer. ``"共排查xx户": 120`` fills the ``xx`` of ``共排查xx户``. A pin with
several marks takes a list of values, one per mark in order
(``"居家观察_人、集中观察_人": [12, 3]``).

Everything that is wrong with the data is an ``InputError`` (one line, exit 2).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from assistant.errors import InputError

DATA_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")

# Header words of the two-column shape (first column / second column).
KEY_HEADERS = {"字段", "字段名", "字段名称", "项目", "项目名称", "名称", "指标", "指标名称", "事项", "内容项",
               "field", "name", "key", "item"}
VALUE_HEADERS = {"值", "数值", "数量", "数据", "数", "内容", "填写", "填报", "填报值", "取值", "value", "values"}
UNIT_HEADERS = {"单位", "计量单位", "量词", "unit"}
SEQ_HEADERS = {"序号", "编号", "序", "no", "no.", "#", "code", "代码", "编码", "行次"}
# a column or row of one period: 2024年, 2024年1-6月, 2024年上半年, 本期, 本年
_PERIOD_HEAD = re.compile(r"^(?:(?:19|20)\d{2}(?:年度?)?(?:\d{1,2}(?:[-—~至]\d{1,2})?月|[上下]半年|[一二三四]季度|第?[一二三四1-4]季度)?(?:累计)?"
                          r"|本期|本年|本年度|今年|本年累计|上年同期|去年同期|同期|上年|去年)$")
_PERIOD_KEY = re.compile(r"^(?:统计期|统计期间|期间|时期|年度|年份|时间|月份|统计时段|周期)$")
NOTE_HEADERS = {"备注", "说明", "注释", "note", "notes", "remark", "comment"}

# A placeholder mark inside a pin key (a subset of shared/spec/placeholders.md).
PIN_MARK = re.compile(
    r"[xX]{2,}|[ｘＸ]{2,}|×+|[*]+|[＊]+|_+|＿+|-{2,}|－{2,}|某某|[○〇]{2,}|□+"
    r"|(?<=[\u4e00-\u9fff\d])[xX*＊](?=[\u4e00-\u9fff])|^[xX*＊](?=[年月日号时])"
)

_THOUSANDS = re.compile(r"^(?:约|近|超过|超|逾)?[+-]?\d{1,3}(?:[,，]\d{3})+(?!\d)")
_THOUSANDS_SEP = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_NUM = re.compile(
    r"^(?P<pre>约|近|超过|超|逾)?(?P<num>[+-]?\d[\d,，]*(?:\.\d+)?)(?P<mag>万|亿|千|百)?(?P<more>余|多)?"
    r"(?P<unit>[^\d\s]{0,3})$"
)
_DATE_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s+(\d{1,2})[:：时点](\d{2})?分?)?$")
_DATE_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DATE_MD = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$")
_ONE_DAY = r"(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?"
_RANGE = re.compile(r"^(" + _ONE_DAY + r")\s*(?:至|到|—+|－|~|～|-)\s*(" + _ONE_DAY + r")$")
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:：](\d{2})|[时点](?:(\d{1,2})分)?|[时点]整)$")
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?\n]")


@dataclass
class Value:
    """One value as the user gave it, and what it is."""

    raw: Any
    text: str  # what goes into the report (numbers as written, dates as 2020年2月8日)
    kind: str  # number, date, name, text or empty
    unit: str = ""  # a number's own measure word, when the user wrote one: "120户" → 户
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    hour: Optional[int] = None
    start: Optional["Value"] = None  # a period (kind "range"): its first and last day
    end: Optional["Value"] = None

    @property
    def empty(self) -> bool:
        return self.kind == "empty"

    def part(self, which: str) -> Optional[str]:
        """The year/month/day/hour part of a date value (as text), or None."""
        v = getattr(self, which, None)
        return None if v is None else str(v)


@dataclass
class Pin:
    """A data key that quotes the report's sentence around one or more marks."""

    key: str
    pieces: list[str]  # literal text around the marks: len(pieces) == len(values) + 1
    values: list[Value]
    row: str = ""  # where it was given, for messages


@dataclass
class FillData:
    """Fields (name → value, in the order given) and sentence pins, plus how the file is laid out."""

    path: Optional[Path]
    fields: dict[str, Value] = field(default_factory=dict)
    pins: list[Pin] = field(default_factory=list)
    fmt: str = "yaml"  # yaml, json, csv or xlsx
    shape: str = "mapping"  # mapping, rows (two columns) or columns (header over values)
    header: bool = False  # rows shape: a header row is present
    encoding: str = "utf-8"
    delimiter: str = ","
    captions: list[str] = field(default_factory=list)  # a table's caption rows (not fields)
    # fields the data contradicts itself on (a group's 合计 that its parts do not add up to) → why
    conflicts: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Optional[Value]:
        return self.fields.get(name)


# ---------------------------------------------------------------- values


def _fmt_number(x: float | int) -> str:
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, int):
        return str(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("not a number")
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x)).rstrip("0").rstrip(".") if "e" not in repr(float(x)) else f"{x:f}".rstrip("0").rstrip(".")


def _date_text(y: Optional[int], m: Optional[int], d: Optional[int]) -> str:
    out = ""
    if y is not None:
        out += f"{y}年"
    if m is not None:
        out += f"{m}月"
    if d is not None:
        out += f"{d}日"
    return out


def parse_value(raw: Any) -> Value:
    """Classify one raw value (from YAML, JSON, a CSV cell or an Excel cell)."""
    if raw is None:
        return Value(raw, "", "empty")
    if isinstance(raw, bool):
        return Value(raw, "是" if raw else "否", "name")
    if isinstance(raw, _dt.datetime):
        hour = raw.hour if (raw.hour or raw.minute) else None
        return Value(raw, _date_text(raw.year, raw.month, raw.day), "date", year=raw.year, month=raw.month,
                     day=raw.day, hour=hour)
    if isinstance(raw, _dt.date):
        return Value(raw, _date_text(raw.year, raw.month, raw.day), "date", year=raw.year, month=raw.month, day=raw.day)
    if isinstance(raw, (int, float)):
        return Value(raw, _fmt_number(raw), "number")
    if not isinstance(raw, str):
        raise TypeError(type(raw).__name__)
    text = raw.strip()
    if not text:
        return Value(raw, "", "empty")
    compact = re.sub(r"\s+", "", text)
    m = _DATE_FULL.match(text)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        hour = int(m.group(4)) if m.group(4) else None
        return Value(raw, _date_text(y, mo, d), "date", year=y, month=mo, day=d, hour=hour)
    m = _DATE_YM.match(compact)
    if m and ("年" in compact or "-" in compact or "/" in compact) and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        return Value(raw, _date_text(y, mo, None), "date", year=y, month=mo)
    m = _PERIOD_YM.match(compact)
    if m and 1 <= int(m.group(2)) <= int(m.group(3)) <= 12:
        # 2024年1-6月 (a statistics period): its year, and the month it runs to
        return Value(raw, compact, "date", year=int(m.group(1)), month=int(m.group(3)))
    m = _PERIOD_M.match(compact)
    if m and 1 <= int(m.group(1)) < int(m.group(2)) <= 12:
        return Value(raw, compact, "date", month=int(m.group(2)))  # 1-10月: the month it runs to
    m = _DATE_MD.match(compact)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        mo, d = int(m.group(1)), int(m.group(2))
        return Value(raw, _date_text(None, mo, d), "date", month=mo, day=d)
    m = _RANGE.match(compact)
    if m:  # 2024.09.28-2024.10.08, 4月10日至4月28日, 5/19-5/25: a period
        a, b = _range_end(m.group(1)), _range_end(m.group(2))
        if a.kind == "date" and b.kind == "date" and a.day is not None and b.day is not None:
            if b.year is None and a.year is not None:
                b = Value(b.raw, _date_text(a.year, b.month, b.day), "date", year=a.year, month=b.month, day=b.day)
            return Value(raw, f"{a.text}至{b.text}", "range", start=a, end=b)
    m = _TIME.match(compact)
    if m and int(m.group(1)) <= 24:  # 10:00 / 10点: a time of day (for 上午xx点前)
        return Value(raw, f"{int(m.group(1))}时", "date", hour=int(m.group(1)))
    m = _NUM.match(compact)
    if m and (not m.group("unit") or re.fullmatch(r"[\u4e00-\u9fff%％]{1,3}", m.group("unit"))):
        unit = m.group("unit") or ""
        if m.group("mag") in ("千", "百") and not m.group("more") and m.group("mag") + unit in _PREFIXED_UNITS:
            unit = m.group("mag") + unit  # 68200千瓦: kilowatts, not 68200 thousand 瓦
        if _THOUSANDS.search(compact):
            compact = _THOUSANDS_SEP.sub("", compact)  # 1,468 / 31,250人: the digits as a number
        if unit in {"%", "％"}:
            return Value(raw, compact, "number", unit="%")
        return Value(raw, compact[: len(compact) - len(unit)] if unit else compact, "number", unit=unit)
    if len(text) <= 30 and not _SENTENCE_PUNCT.search(text) and "，" not in text:
        return Value(raw, text, "name")
    return Value(raw, text, "text")


# measures that start with a magnitude's character (千瓦 is no 千 of 瓦)
_PREFIXED_UNITS = frozenset("千瓦 千瓦时 千伏 千伏安 千米 千克 千帕 千卡 千兆 百分点".split())

_PERIOD_M = re.compile(r"^(\d{1,2})(?:月)?[-—–~～至到](\d{1,2})月份?(?:累计)?$")
_PERIOD_YM = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})(?:月)?[-—–~～至到](\d{1,2})月份?(?:累计)?$")
_MD_SLASH = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{1,2})$")


def _range_end(text: str) -> Value:
    """One end of a period: a date, or a month and day written 5/19 (only in a range: alone, 5.19 is
    a number)."""
    m = _MD_SLASH.match(text)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        mo, d = int(m.group(1)), int(m.group(2))
        return Value(text, _date_text(None, mo, d), "date", month=mo, day=d)
    return parse_value(text)


# ---------------------------------------------------------------- pins


def pin_pieces(key: str) -> Optional[list[str]]:
    """Split a pin key into the literal pieces around its marks; None if it is a plain field name."""
    key = re.sub(r"\s+", "", key)
    marks = list(PIN_MARK.finditer(key))
    if not marks:
        return None
    pieces: list[str] = []
    last = 0
    for m in marks:
        pieces.append(key[last:m.start()])
        last = m.end()
    pieces.append(key[last:])
    context = "".join(pieces)
    if len(re.findall(r"[\u4e00-\u9fff]", context)) < 2:
        return None  # "xx" alone is no sentence
    return pieces


def _add(data: FillData, key: Any, raw: Any, where: str, seen: dict[str, str]) -> None:
    if key is None or (isinstance(key, str) and not key.strip()):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return  # an empty row
        raise InputError(f"{_name(data)}：{where}有值却没有字段名")
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        raise InputError(f"{_name(data)}：{where}的字段名「{_fmt_number(key)}」是数字；"
                         "表格应为两列（字段,值）或一行字段名加一行数值")
    if isinstance(key, (_dt.date, _dt.datetime)):
        raise InputError(f"{_name(data)}：{where}的字段名是日期；表格应为两列（字段,值）或一行字段名加一行数值")
    name = str(key).strip()
    norm = re.sub(r"\s+", "", name)
    if norm in seen:
        where_both = f"（{seen[norm]}和{where}）" if where and seen[norm] else ""
        raise InputError(f"{_name(data)}：字段「{name}」出现了两次{where_both}")
    seen[norm] = where
    pieces = pin_pieces(name)
    if pieces is not None:
        raws = raw if isinstance(raw, list) else [raw]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raws = [None] * (len(pieces) - 1)  # a skeleton's pin, not filled in yet
        if len(raws) == 1 and len(pieces) > 2 and parse_value(raws[0]).kind == "date":
            raws = raws * (len(pieces) - 1)  # "截至x月x日": 2020-02-08 fills every part of the date
        if len(raws) != len(pieces) - 1:
            raise InputError(f"{_name(data)}：「{name}」中有 {len(pieces) - 1} 处占位符，却给了 {len(raws)} 个值")
        values = [_value(data, name, r, where) for r in raws]
        data.pins.append(Pin(name, pieces, values, where))
        return
    if isinstance(raw, (list, dict)):
        raise InputError(f"{_name(data)}：字段「{name}」的值应是数字、日期或文字，不能是列表或表格")
    data.fields[name] = _value(data, name, raw, where)


def _value(data: FillData, name: str, raw: Any, where: str) -> Value:
    try:
        return parse_value(raw)
    except (TypeError, ValueError):
        raise InputError(f"{_name(data)}：{where}字段「{name}」的值无法识别") from None


def _name(data: FillData) -> str:
    return str(data.path) if data.path is not None else "数据"


# ---------------------------------------------------------------- loaders


def load_data(path: str | Path) -> FillData:
    """Read a data file of any supported kind (by suffix)."""
    from assistant.reader import read_bytes

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise InputError(f"不支持的数据文件类型：{path}（支持 .yaml .yml .json .csv .xlsx）")
    raw = read_bytes(p)
    if suffix == ".xlsx":
        return load_xlsx(raw, p)
    if not raw.strip():
        raise InputError(f"{path} 是空文件")
    if suffix == ".csv":
        return load_csv(raw, p)
    text = _decode(raw, p)
    if suffix == ".json":
        return load_json(text, p)
    return load_yaml(text, p)


UNIT_NAME_KEYS = ("单位名称", "单位", "报告单位", "落款单位", "单位全称", "填报单位", "汇报单位")
# the date a table was filled in or sent: no date of its figures (a report on 2024 is sent in 2025)
SUBMITTED_WORDS = "报送|填报|上报|报出|打印|制表|填表|导出"
YEAR_FIELD = re.compile(r"^(?:报告|统计|所属|汇报|工作)?(?:年度|年份|年)$")  # 年度 = 2024


def year_of(v: Value) -> Optional[int]:
    """The year of a date or of a period's start (2024年1-6月, 2024-01-01至2024-08-31)."""
    if v.kind == "date" and v.year:
        return v.year
    if v.kind == "range" and v.start is not None and v.start.year:
        return v.start.year
    return None


_CAPTION_KEYS = ("表名", "标题", "表格名称", "报表名称", "表头", "title", "名称")


_MONEY_UNIT_KEYS = ("金额单位", "货币单位", "金额计量单位", "单位（金额）", "单位(金额)")
_MONEY_NAME = re.compile(r"金额|余额|总额|资金|投资|收入|支出|贷款|存款|授信|用信|经费|费用|成本|利润|税款|价款|资产|负债|产值|营收|营业额|补贴|补助|奖金|工资|报酬")
_NOT_MONEY = re.compile(r"笔数|户数|人数|次数|件数|个数|数量|率|占比|比例|增幅|增速|同比|环比|笔$|户$|人$|次$|个$|项$")


def _finish(data: FillData) -> FillData:
    """What a whole file says beside its fields: a money unit said once, a caption's unit name."""
    return _with_changes_checked(_with_caption_year(_with_caption_name(_with_money_unit(data))))


_CHANGE_TAIL = re.compile(r"(同比(?:增减|增长|变化|增幅)?(?:率|幅度)?|增减幅度|增幅)(?:[（(]%[）)])?$")
_PREVIOUS = ("上年同期", "去年同期", "上年同期数", "上年", "去年")


def _with_changes_checked(data: FillData) -> FillData:
    """A change a table states beside its two figures (本期 186.4, 上年同期 162.8, 同比 12.6%)
    must be theirs: one that is not, (186.4 − 162.8) / 162.8 = 14.5%, is a conflict the writer
    settles (fill leaves its mark open). Rounding is judged as check judges a report's own."""
    from assistant.check.numbers import rounds_to

    fields = data.fields
    for name, v in fields.items():
        m = _CHANGE_TAIL.search(name)
        if m is None or v.kind != "number" or name in data.conflicts:
            continue
        base = name[:m.start()]
        cur = fields.get(base) or fields.get(base + "本期")
        prev = next((fields[base + p] for p in _PREVIOUS if base + p in fields), None)
        if not base or cur is None or prev is None or cur.kind != "number" or prev.kind != "number":
            continue
        try:
            a, b = float(_plain_digits(cur.text)), float(_plain_digits(prev.text))
            given = float(v.text.rstrip("%％"))
        except ValueError:
            continue
        if not b or cur.unit != prev.unit:
            continue
        calc = (a - b) / b * 100
        if v.unit != "%" and abs(given) <= 5 and abs(calc) > 5 * abs(given) + 1:
            given *= 100  # a fraction (0.126) as Excel keeps a rate
        text = v.text.rstrip("%％")
        decimals = len(text.split(".")[1]) if "." in text else 0
        if not rounds_to(calc, given, decimals):
            data.conflicts[name] = (f"{name} {_fmt_number(given)}% 与 {base} {cur.text}、上年同期 {prev.text} "
                                    f"算得的 {calc:.1f}% 不符")
    return data


def _plain_digits(text: str) -> str:
    """A figure's digits (186.4万 → 186.4: both figures of a change are in one magnitude)."""
    return re.sub(r"[万亿千百余多]+$", "", text)


def _with_money_unit(data: FillData) -> FillData:
    """「金额单位：万元」 said once for the whole file: the bare figures of money fields
    (余额, 授信总额, 投资…) are in it."""
    unit = next((data.fields[k].text for k in _MONEY_UNIT_KEYS if k in data.fields), "")
    if unit not in ("元", "万元", "亿元", "千元", "百万元"):
        return data
    for name, v in list(data.fields.items()):
        if v.kind == "number" and not v.unit and _MONEY_NAME.search(name) and not _NOT_MONEY.search(name):
            data.fields[name] = parse_value(f"{v.text}{unit}")
    return data


def _with_caption_year(data: FillData) -> FillData:
    """The year a caption names (白沙中学2024年防溺水工作台账) as 年度, where no field gives
    the year the figures are of."""
    if any((YEAR_FIELD.match(re.sub(r"\s+", "", k)) or re.sub(r"\s+", "", k) == "统计期")
           and (v.kind != "date" or v.year) for k, v in data.fields.items()):
        return data
    if any(year_of(v) is not None and not re.search(SUBMITTED_WORDS, k) for k, v in data.fields.items()):
        return data  # a date of the figures (数据日期, 统计时段) says the year better
    for t in data.captions:
        m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*年", t)
        if m:
            data.fields["年度"] = parse_value(int(m.group(1)))
            break
    return data


def _with_caption_name(data: FillData) -> FillData:
    """A data file that names its unit only in a caption (江源县人民医院主要业务指标（上半年）,
    a 表名 field) gets that name as 单位名称, unless a field already names the unit."""
    from assistant.fill.lexicon import lexicon

    named = set(UNIT_NAME_KEYS) | set(lexicon().unit_name_fields)
    if any(re.sub(r"\s+", "", k) in named for k in data.fields):
        return data
    texts = list(data.captions) + [v.text for k, v in data.fields.items()
                                   if k.strip().lower() in _CAPTION_KEYS and v.kind in ("name", "text")]
    for t in texts:
        name = name_from_caption(t)
        if name:
            data.fields["单位名称"] = parse_value(name)
            break
    return data


def _decode(raw: bytes, p: Path) -> str:
    from assistant.reader import decode_bytes

    text, _enc = decode_bytes(raw, str(p))
    return text


def _yaml_loader():
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # the C parser when PyYAML has it
        pass

    def construct_mapping(loader, node, deep=False):  # noqa: ANN001
        # keys are told apart as written: 1 and true are two keys (in Python 1 == True)
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            written = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            line = key_node.start_mark.line + 1
            if written in seen:
                raise InputError(f"字段「{written}」出现了两次（第 {seen[written]} 行和第 {line} 行）")
            seen[written] = line
        pairs = []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if isinstance(key, bool) or key is None:
                key = key_node.value  # true / null / 是: a field name as written, not a truth value
            pairs.append((key, loader.construct_object(value_node, deep=deep)))
        return dict(pairs)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def load_yaml(text: str, path: Optional[Path] = None) -> FillData:
    import yaml

    data = FillData(path, fmt="yaml", shape="mapping")
    try:
        obj = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except InputError as exc:
        raise InputError(f"{_name(data)}：{exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise InputError(f"{_name(data)} 不是有效的 YAML{('（' + where + '）') if where else ''}") from None
    except (RecursionError, ValueError, OverflowError, MemoryError) as exc:
        raise InputError(f"{_name(data)} 无法读取：{_limit_reason(exc)}") from None
    return _finish(_from_mapping(data, obj))


def load_json(text: str, path: Optional[Path] = None) -> FillData:
    data = FillData(path, fmt="json", shape="mapping")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise InputError(f"{_name(data)}：字段「{k}」出现了两次")
            out[k] = v
        return out

    try:
        obj = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(f"{_name(data)} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except (RecursionError, ValueError, OverflowError, MemoryError) as exc:
        raise InputError(f"{_name(data)} 无法读取：{_limit_reason(exc)}") from None
    return _finish(_from_mapping(data, obj))


def _limit_reason(exc: BaseException) -> str:
    """Why a parser gave up on a data file that is well-formed but beyond Python's limits."""
    if isinstance(exc, RecursionError):
        return "嵌套层次太深"
    if isinstance(exc, MemoryError):
        return "内容太大，内存不足"
    if "digits" in str(exc):
        return "其中有位数过多的数字"
    return "其中有无法表示的值"


def _from_mapping(data: FillData, obj: Any) -> FillData:
    if obj is None:
        raise InputError(f"{_name(data)} 中没有数据")
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        # a list of records: [{项目: 扑火队员, 数值: 36, 单位: 人}, …] is the two-column table;
        # [{排查户数: 120}, {整改数: 96}] is one mapping
        heads = list(dict.fromkeys(_hdr(k) for x in obj for k in x))
        same = len(obj) >= 2 and all(set(x) == set(obj[0]) for x in obj) and len(obj[0]) >= 2
        if (any(h in KEY_HEADERS for h in heads) and any(h in VALUE_HEADERS for h in heads)) or same:
            # a table kept as records ({序号, 指标名称, 本年完成, 累计完成}…)
            keys = list(dict.fromkeys(k for x in obj for k in x))
            return _from_table(data, [keys] + [[x.get(k) for k in keys] for x in obj], False)
        merged: dict = {}
        for x in obj:
            for k, v in x.items():
                if k in merged:
                    raise InputError(f"{_name(data)}：字段「{k}」出现了两次")
                merged[k] = v
        obj = merged
    if not isinstance(obj, dict):
        raise InputError(f"{_name(data)} 的内容应是“字段: 值”的映射，而不是{_kind_name(obj)}")
    table = _header_rows(obj)
    seen: dict[str, str] = {}
    if table is not None:  # {表头: [指标, 本期, 上年同期, 单位], 数据: [[…], …]}
        _from_table(data, table, False)
        # and the rest of the mapping beside the table (表名, 统计区间, a group of its own)
        seen.update({re.sub(r"\s+", "", k): "" for k in data.fields})
        obj = {k: v for k, v in obj.items() if not (isinstance(v, list) and v and
                                                    (all(isinstance(x, str) for x in v) or
                                                     all(isinstance(x, list) for x in v)))}
    obj = _legend_applied(obj)
    items = list(_flat(obj, conflicts=data.conflicts, paths=True))
    # a key given in two groups (org: {name}, contact: {name}): each named with its group's
    counts = Counter(re.sub(r"\s+", "", str(k)) for k, _, _ in items)
    items = [(_qualified(k, path) if counts[re.sub(r"\s+", "", str(k))] > 1 and path else k, raw)
             for k, raw, path in items]
    for key, raw in items:
        if isinstance(raw, list) and raw and all(isinstance(x, dict) for x in raw):
            sub = _from_mapping(FillData(data.path, fmt=data.fmt, shape="mapping"), raw)  # 养老服务台账: [{项目, 数量, 单位}]
            for k, v in sub.fields.items():
                if re.sub(r"\s+", "", k) not in seen:
                    seen[re.sub(r"\s+", "", k)] = ""
                    data.fields[k] = v
            continue
        if re.sub(r"\s+", "", str(key)) in seen and table is not None:
            continue  # a field of the table given again beside it: the table's
        _add(data, key, raw, "", seen)
    if not data.fields and not data.pins:
        raise InputError(f"{_name(data)} 中没有数据")
    return data


def _header_rows(obj: dict) -> Optional[list[list[Any]]]:
    """A table kept as a header list and a list of rows, or None."""
    head = next((v for v in obj.values() if isinstance(v, list) and v and all(isinstance(x, str) for x in v)
                 and any(_hdr(x) in KEY_HEADERS for x in v)), None)
    rows = next((v for v in obj.values() if isinstance(v, list) and v and all(isinstance(x, list) for x in v)), None)
    if head is None or rows is None or any(len(r) != len(head) for r in rows):
        return None
    return [list(head)] + [list(r) for r in rows]


_GROUP_TAIL = re.compile(r"(?:基本)?(?:情况|建设|工作|数据|统计|指标|台账)$")


def _qualified(key: Any, path: str) -> str:
    """A field named again in another group, with its group's name: contact + name → contact_name,
    联系人 + 电话 → 联系人电话."""
    key = str(key)
    if re.fullmatch(r"[A-Za-z0-9_ .-]+", key) and re.fullmatch(r"[A-Za-z0-9_ .-]+", path):
        return f"{path}_{key}"
    return path + key


def _legend_applied(obj: dict) -> dict:
    """A data export that explains its coded keys in a table of its own (zdsm: {dwmc: 单位名称,
    kssw: 库水位（米）}, fields: {…}): the keys renamed as explained, the legend itself dropped."""
    def leaves(o: Any) -> list[str]:
        out = []
        for k, v in (o.items() if isinstance(o, dict) else ()):
            out += leaves(v) if isinstance(v, dict) else [k]
        return out

    for name, legend in obj.items():
        if not (isinstance(legend, dict) and len(legend) >= 3 and all(
                isinstance(k, str) and re.fullmatch(r"[A-Za-z0-9_]+", k) and isinstance(v, str)
                and re.search(r"[\u4e00-\u9fff]", v) for k, v in legend.items())):
            continue
        rest = {k: v for k, v in obj.items() if k != name}
        keys = leaves(rest)
        if not keys or sum(k in legend for k in keys) < 0.6 * len(keys):
            continue

        def renamed(o: dict, out: dict) -> dict:
            for k, v in o.items():
                if isinstance(v, dict) and k not in legend and re.fullmatch(r"[A-Za-z0-9_]+", k):
                    renamed(v, out)  # a coded group (jbxx): its fields stand at the top
                else:
                    out.setdefault(legend.get(k, k), renamed(v, {}) if isinstance(v, dict) else v)
            return out

        return renamed(rest, {})
    return obj


def _flat(obj: dict, parent: str = "", depth: int = 0, conflicts: Optional[dict] = None,
          paths: bool = False):  # noqa: ANN202
    """(field, value) of a mapping whose values may be groups of fields (党员情况: {在职: 231}):
    a short field in a group takes the group's words (党员在职), a long one stands alone.
    ``conflicts``: filled with the group totals (合计) that their parts do not add up to.
    ``paths``: (field, value, the name of the group it stands in, '' at the top)."""
    total_name, why = None, ""
    if conflicts is not None and parent:
        why = _total_mismatch(obj)
    for key, raw in obj.items():
        name = key
        if parent and isinstance(key, str):
            bare = re.sub(r"[（(][^）)]*[）)]", "", key).strip()
            stem = _GROUP_TAIL.sub("", parent) or parent
            shared = any(stem[i:i + 2] in bare for i in range(len(stem) - 1))
            if (len(bare) <= 3 or bare.startswith("其中")) and not shared:
                # 其中高龄独居老人家庭 under 加装燃气报警器（台）: a part of the group's, in its measure
                m = re.fullmatch(r"(.+?)\s*([（(][^（()）]{1,6}[）)])", stem)
                name = m.group(1) + key + m.group(2) if m and not re.search(r"[（(]", key) else stem + key
        if why and isinstance(key, str) and key.strip() in _TOTAL_ROW:
            total_name = name
        if isinstance(raw, dict) and raw and depth < 3 and isinstance(key, str) and pin_pieces(key) is None:
            yield from _flat(raw, name, depth + 1, conflicts, paths)
        else:
            yield (name, raw, parent) if paths else (name, raw)
    if total_name is not None and conflicts is not None:
        conflicts[total_name] = why


def _total_mismatch(group: dict) -> str:
    """Why a group's 合计 is not the sum of its other figures ('' when it is, or when the group is
    no total and its parts: a 其中 part, a figure that is no number)."""
    total_key = next((k for k in group if isinstance(k, str) and k.strip() in _TOTAL_ROW), None)
    if total_key is None:
        return ""
    parts = [(k, v) for k, v in group.items() if k != total_key]
    if len(parts) < 2 or any(not isinstance(k, str) or k.strip().startswith("其中") for k, _ in parts):
        return ""
    total, values = parse_value(group[total_key]), [parse_value(v) for _, v in parts]
    if total.kind != "number" or any(v.kind != "number" or v.unit != total.unit for v in values):
        return ""
    try:
        t, s = float(total.text), sum(float(v.text) for v in values)
    except ValueError:
        return ""
    if abs(t - s) < 1e-6:
        return ""
    return f"合计 {total.text} 与各项之和 {_fmt_number(s)} 不符"


def _kind_name(obj: Any) -> str:
    if isinstance(obj, list):
        return "列表"
    if isinstance(obj, str):
        return "一段文字"
    return "单个值"


def load_csv(raw: bytes, path: Optional[Path] = None) -> FillData:
    from assistant.reader import decode_bytes

    data = FillData(path, fmt="csv")
    text, enc = decode_bytes(raw, _name(data))
    data.encoding = "utf-8" if enc in ("utf-8", "utf-8-sig") else enc
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", "，", ";")}
    delim = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    data.delimiter = delim
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim))
    except csv.Error as exc:
        raise InputError(f"{_name(data)} 不是有效的 CSV：{exc}") from None
    cells = [[c.strip() if c.strip() else None for c in row] for row in rows]
    blocks = _stacked_tables(cells)
    _from_table(data, blocks[0], numeric_strings=True)
    _add_tables(data, blocks[1:], numeric_strings=True)
    return _finish(data)


def load_xlsx(raw: bytes, path: Optional[Path] = None) -> FillData:
    import zipfile

    data = FillData(path, fmt="xlsx")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError(f"{_name(data)} 不是有效的 .xlsx 文件")
    from assistant.reader import check_zip

    check_zip(raw, _name(data), ".xlsx")  # a zip bomb: refused before unpacking
    try:
        import openpyxl  # lazy: only for Excel data

        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheets = []
        for ws in wb.worksheets:
            cells = []
            for row in ws.iter_rows():
                out = []
                for c in row:
                    v = getattr(c, "value", None)
                    if isinstance(v, str):
                        v = v.strip() or None
                    elif isinstance(v, (int, float)) and not isinstance(v, bool):
                        fmt = getattr(c, "number_format", "") or ""
                        if fmt.endswith("%"):
                            v = _fmt_number(round(v * 100, 6)) + "%"
                    out.append(v)
                cells.append(out)
            sheets.append(cells)
        wb.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise InputError(f"{_name(data)} 无法作为 .xlsx 读取：{type(exc).__name__}") from None
    # the first sheet must read; further sheets add the fields they hold (a sheet that is no
    # table of fields, a chart's data, is passed over); so do further tables stacked below the
    # first one in a sheet (a caption, a header, rows)
    blocks = [_stacked_tables(sh) for sh in sheets]
    _from_table(data, blocks[0][0], numeric_strings=False)
    _add_tables(data, blocks[0][1:] + [b for bs in blocks[1:] for b in bs], numeric_strings=False)
    return _finish(data)


def _add_tables(data: FillData, tables: list[list[list[Any]]], numeric_strings: bool) -> None:
    """The fields of more tables (further sheets, tables stacked under the first): a table that
    is no table of fields is passed over; a field already read keeps its first value."""
    for more in tables:
        extra = FillData(data.path, fmt=data.fmt)
        try:
            _from_table(extra, more, numeric_strings=numeric_strings)
        except InputError:
            continue
        for k, v in extra.fields.items():
            data.fields.setdefault(k, v)
        data.captions += extra.captions


def _stacked_tables(cells: list[list[Any]]) -> list[list[list[Any]]]:
    """A sheet's tables, one under another: a new one starts at a caption row (one cell of text)
    over a header row (two cells of text or more) after the rows of the table before; the
    footer rows (填报单位：…) stay with the last table."""
    def filled(r: list[Any]) -> list[Any]:
        return [c for c in r if c is not None and str(c).strip()]

    starts = [0]
    seen_rows = 0
    for i, r in enumerate(cells):
        f = filled(r)
        if not f:
            continue
        nxt = next((filled(x) for x in cells[i + 1:] if filled(x)), [])
        if (seen_rows >= 2 and len(f) == 1 and isinstance(f[0], str) and _note_pairs(r) is None
                and len(nxt) >= 2 and all(isinstance(c, str) for c in nxt)):
            starts.append(i)
            seen_rows = 0
        seen_rows += 1
    return [cells[a:b] for a, b in zip(starts, starts[1:] + [len(cells)])]


def _is_numberish(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float, _dt.date)):
        return True
    return isinstance(cell, str) and parse_value(cell).kind in ("number", "date")


def _hdr(cell: Any) -> str:
    return re.sub(r"\s+", "", str(cell)).lower() if cell is not None else ""


def _from_table(data: FillData, cells: list[list[Any]], numeric_strings: bool) -> FillData:
    """Fields from a table: two columns (field, value) or a header row over one row of values."""
    # drop empty rows, then empty trailing/leading columns
    rows = [r for r in cells if any(c is not None for c in r)]
    if not rows:
        raise InputError(f"{_name(data)} 中没有数据")
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    used = [j for j in range(width) if any(r[j] is not None for r in rows)]
    rows = [[r[j] for j in used] for r in rows]
    ncols = len(used)
    shape_hint = "表格应为两列（字段,值），或一行字段名加一行数值"
    seen: dict[str, str] = {}
    # rows of 「字段：值」 cells only (填报单位：红星中学（盖章） 填报日期：2024年6月28日, a table's
    # footer or note): each cell is a field of its own
    labelled = [_note_pairs(r) for r in rows]
    if any(labelled) and not all(labelled):
        for i, pairs in enumerate(labelled, start=1):
            for k, v in pairs or ():
                if re.sub(r"\s+", "", k) not in seen:
                    _add(data, k, v, f"第 {i} 行", seen)
        rows = [r for r, lab in zip(rows, labelled) if not lab]
    # a caption row above the table (青山农商银行2024年指标完成情况, one merged cell): not a header
    first = 0
    while first < len(rows) - 2 and sum(c is not None and str(c).strip() != "" for c in rows[first]) == 1:
        first += 1
    if first:
        captions = [str(c) for r in rows[:first] for c in r if c is not None and str(c).strip()]
        rows = rows[first:]
        data.captions.extend(captions)
    full_rows = rows  # as they are, 序号 column and all (for _from_grid)
    head = [_hdr(c) for c in rows[0]]
    # a 序号 column numbers the rows: no field of the report
    seq = [j for j, h in enumerate(head) if h in SEQ_HEADERS]
    if seq and ncols - len(seq) >= 2:
        rows = [[c for j, c in enumerate(r) if j not in seq] for r in rows]
        head = [h for j, h in enumerate(head) if j not in seq]
        ncols -= len(seq)

    # the field and value columns with a header (字段,值[,单位][,备注], in any order: 指标,单位,数值);
    # columns of periods (2023年1-6月, 2024年1-6月; 本期, 上年同期): the latest is the report's
    key_col = next((j for j, h in enumerate(head) if h in KEY_HEADERS), None)
    val_col = next((j for j, h in enumerate(head) if h in VALUE_HEADERS), None)
    periods = [j for j, h in enumerate(head) if _PERIOD_HEAD.match(h)]
    period_label = None
    if key_col is not None and val_col is None and periods:
        val_col = max(periods, key=lambda j: _period_rank(head[j]))
        period_label = rows[0][val_col]  # 2024年1-6月: the period the report speaks of
        head = [h if j in (key_col, val_col) or j not in periods else "备注" for j, h in enumerate(head)]
    if key_col is None and len(rows) >= 3 and _PERIOD_KEY.match(head[0] or "") and \
            all(_PERIOD_HEAD.match(_hdr(r[0])) for r in rows[1:] if r[0] is not None):
        # one row per period (统计期: 2023年1-6月, 2024年1-6月): the latest row under the header
        latest = max(rows[1:], key=lambda r: _period_rank(_hdr(r[0])))
        rows = [rows[0], latest]
    if ncols >= 2 and key_col is not None and val_col is not None and \
            all(h in UNIT_HEADERS | NOTE_HEADERS for j, h in enumerate(head) if j not in (key_col, val_col)):
        data.shape, data.header = "rows", True
        unit_col = next((j for j, h in enumerate(head) if h in UNIT_HEADERS), None)
        for i, r in enumerate(rows[1:], start=first + 2):
            value = r[val_col]
            if unit_col is not None and r[unit_col] is not None and str(r[unit_col]).strip() and value is not None:
                value = f"{_cell_text(value)}{r[unit_col]}"
            _add(data, r[key_col], value, f"第 {i} 行", seen)
        if period_label is not None and parse_value(period_label).kind in ("date", "range") and "统计期" not in seen:
            _add(data, "统计期", period_label, "表头", seen)
        return _nonempty(data)

    if ncols == 1:
        raise InputError(f"{_name(data)} 只有一列：{shape_hint}")
    if ncols == 3 and not any(_is_numberish(r[0]) for r in rows) and \
            all(r[2] is None or (isinstance(r[2], str) and len(r[2]) <= 6 and not _is_numberish(r[2])) for r in rows):
        # no header: field, value, unit (户籍人口,2386,人)
        data.shape, data.header = "rows", False
        for i, r in enumerate(rows, start=first + 1):
            value = r[1]
            if r[2] and value is not None:
                value = f"{_cell_text(value)}{r[2]}"
            _add(data, r[0], value, f"第 {i} 行", seen)
        return _nonempty(data)
    if ncols == 2 and len(rows) != 2 or ncols == 2 and not any(_is_numberish(r[0]) for r in rows):
        # two columns, no header: every first cell is a field name
        if any(_is_numberish(r[0]) for r in rows):
            raise InputError(f"{_name(data)}：第一列应是字段名，却有数字；{shape_hint}")
        data.shape, data.header = "rows", False
        for i, r in enumerate(rows, start=1):
            _add(data, r[0], r[1], f"第 {i} 行", seen)
        return _nonempty(data)
    if len(rows) == 2 and key_col is not None and _from_grid(data, full_rows, seen):
        data.shape, data.header = "rows", True  # 指标,单位,1-9月,上年同期 over one row: a 台账 of one line
        return _nonempty(data)
    if len(rows) == 2:
        # header row of field names over one row of values
        if any(_is_numberish(c) for c in rows[0]):
            raise InputError(f"{_name(data)}：第一行应是字段名，却有数字；{shape_hint}")
        data.shape = "columns"
        for j in range(ncols):
            _add(data, rows[0][j], rows[1][j], f"第 {j + 1} 列", seen)
        return _nonempty(data)
    if _from_grid(data, full_rows, seen):
        data.shape, data.header = "rows", True
        return _nonempty(data)
    raise InputError(f"{_name(data)} 有 {len(rows)} 行 {ncols} 列：{shape_hint}")


def _note_pairs(row: list[Any]) -> Optional[list[tuple[str, str]]]:
    """The (field, value) pairs of a row of notes (填报单位：红星中学（盖章）  填报日期：…;
    辖区行政村：14个    常住人口：31,250人 in one cell), or None when it is no such row (a
    number of its own, a cell that is neither a pair nor a date)."""
    pairs: list[tuple[str, str]] = []
    cells = [c for c in row if not (c is None or (isinstance(c, str) and not c.strip()))]
    labels = [isinstance(c, str) and _LABEL_CELL.fullmatch(c.strip()) is not None for c in cells]
    for k, c in enumerate(cells):
        if k and labels[k - 1]:
            continue  # the value of the label before it (填报日期： | 2024-12-10)
        if labels[k] and k + 1 < len(cells):
            v = cells[k + 1]
            text = _date_text(v.year, v.month, v.day) if isinstance(v, (_dt.date, _dt.datetime)) else str(v).strip()
            pairs.append((c.strip()[:-1], text))
            continue
        if not isinstance(c, str):
            if isinstance(c, (_dt.date, _dt.datetime)):
                continue
            return None
        for part in re.split(r"[ \t\u3000]{2,}", c.strip()):
            m = _LABELLED.match(part)
            if m:
                pairs.append((m.group(1), _SEAL.sub("", m.group(2)).strip()))
            elif parse_value(part).kind != "date":
                return None
    return pairs or None


_TOTAL_ROW = frozenset({"合计", "总计", "合计数", "总数", "全部", "汇总"})
# columns that hold the figure of the whole period: one of them is the field's own value
_MAIN_HEADS = ("全年", "本年", "本年完成", "本年数", "本期完成", "当年", "本年累计", "年度合计", "合计", "总计", "本期", "今年", "本年度")
_PRIOR_HEAD = re.compile(r"上年|去年|同期|上期|前年")
_RATIO_HEAD = re.compile(r"率|比|增减|增幅|增速|百分|占比")
_REL_PERIOD = re.compile(r"^\d{1,2}\s*[-—~至]\s*\d{1,2}\s*月(?:累计|份)?$|^[一二三四1-4]季度$|^[上下]半年$")


def _from_grid(data: FillData, rows: list[list[Any]], seen: dict[str, str]) -> bool:
    """A 台账 of several columns: a header row, a column of names (the first mostly-text column,
    or 指标/项目…), and columns of figures. The column of the whole period (全年, 2024年1-9月,
    1-10月, 数量) holds each row's own value; every other column adds a field named by the row
    and the column (宣传活动一季度, 生产安全事故同比增减, 户用卫生厕所改造累计完成). A 合计 row
    under rows of entities (projects, villages) gives each column's total, named by the column.
    False when no such table is found."""
    hi = next((i for i, r in enumerate(rows) if sum(isinstance(c, str) and c.strip() != "" and not _is_numberish(c)
                                                     for c in r) >= 2), None)
    if hi is None or hi + 1 >= len(rows):
        return False
    names = [str(c).strip() if c is not None else "" for c in rows[hi]]
    head = [_hdr(c) for c in rows[hi]]
    body = rows[hi + 1:]
    n = len(head)
    seq = {j for j, h in enumerate(head) if h in SEQ_HEADERS}
    notes = {j for j, h in enumerate(head) if h in NOTE_HEADERS}
    unit_col = next((j for j, h in enumerate(head) if h in UNIT_HEADERS), None)
    skip = seq | notes | ({unit_col} if unit_col is not None else set())

    def texty(j: int) -> bool:
        vals = [r[j] for r in body if r[j] is not None and str(r[j]).strip()]
        return bool(vals) and sum(isinstance(v, str) and not _is_numberish(v) for v in vals) >= 0.6 * len(vals)

    key_col = next((j for j, h in enumerate(head) if h in KEY_HEADERS and j not in skip), None)
    if key_col is None:
        key_col = next((j for j in range(n) if j not in skip and head[j] and texty(j)), None)
    if key_col is None:
        return False
    values = [j for j in range(n) if j not in skip and j != key_col and head[j]]
    if not values:
        return False
    main = next((j for j in values if head[j] in VALUE_HEADERS), None)
    if main is None:
        main = next((j for h in _MAIN_HEADS for j in values if head[j] == h), None)
    if main is None:
        dated = [j for j in values if _PERIOD_HEAD.match(head[j]) and not _PRIOR_HEAD.search(head[j])]
        if dated:
            main = max(dated, key=lambda j: _period_rank(head[j]))
    if main is None:
        rel = [j for j in values if _REL_PERIOD.match(head[j])]
        if len(rel) == 1:
            main = rel[0]
    totals = [r for r in body if any(_hdr(r[j]) in _TOTAL_ROW for j in range(n) if r[j] is not None)]
    if main is None and len(values) >= 2 and totals:
        # rows of entities and a 合计 row: the totals, a field for each column
        t = totals[-1]
        for j in values:
            if t[j] is not None and re.sub(r"\s+", "", names[j]) not in seen:
                _add(data, names[j], t[j], "合计行", seen)
        return True
    added = False
    for i, r in enumerate(body, start=hi + 2):
        key = r[key_col]
        if key is None or not str(key).strip() or _is_numberish(key):
            continue
        key = str(key).strip()
        unit = str(r[unit_col]).strip() if unit_col is not None and r[unit_col] is not None else ""
        for j in values:
            v = r[j]
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            name = key if j == main else key + names[j]
            if re.sub(r"\s+", "", name) in seen:
                continue
            if unit and not _RATIO_HEAD.search(head[j]) and not isinstance(v, (_dt.date, _dt.datetime)) \
                    and _is_numberish(v) and not str(v).strip().endswith(("%", "％")):
                v = f"{_cell_text(v)}{unit}"
            _add(data, name, v, f"第 {i} 行", seen)
            added = True
    if added and main is not None and (_PERIOD_HEAD.match(head[main]) or _REL_PERIOD.match(head[main])) \
            and "统计期" not in seen and parse_value(names[main]).kind in ("date", "range"):
        _add(data, "统计期", names[main], "表头", seen)
    return added


# A cell that is a label alone, its value in the next cell: 填报日期： | 2024-12-10
_LABEL_CELL = re.compile(r"[^：:\d]{2,12}[：:]")
# A cell that is a field and its value at once: 填报单位：红星中学（盖章）
_LABELLED = re.compile(r"^\s*([^\d\s：:（(][^：:]{0,11}?)\s*[：:]\s*(\S.*?)\s*$", re.S)
_SEAL = re.compile(r"[（(]\s*(盖章|公章|章|签章|签字|签名)\s*[）)]")
# Where a caption's leading unit name ends (江源县人民医院|主要业务指标, 青山农商银行|2024年…)
_CAPTION_REST = re.compile(r"关于|主要|各项|\d|[（(【《“]|工作|业务|指标|情况|统计|台账|基本|年度|上半年|下半年|季度|月份|"
                           r"项目|数据|报表|汇总|明细|一览")


_ONE_CHAR_ENDS = frozenset("镇乡村县区市旗州校")  # a one-character ending that ends a name (执行 is no bank)


def unit_name_end(head: str, shortest: int, ok: Callable[[int], bool] = lambda i: True) -> tuple[int, str]:
    """(end, unit word) of the longest start of ``head``, ``shortest`` characters or more, that
    ends in a unit's word (医院, 支行, 中学, 法院 …; of one character only 镇 乡 村 县…) and that
    ``ok(end)`` accepts; (0, '') when there is none."""
    from assistant.fill.lexicon import lexicon

    lex = lexicon()
    for i in range(len(head), shortest - 1, -1):
        word = lex.unit_word_ending(head[:i])
        if word and (len(word) > 1 or word in _ONE_CHAR_ENDS) and ok(i):
            return i, word
    return 0, ""


def name_from_caption(caption: str) -> Optional[str]:
    """The writing unit's name a table's caption opens with (江源县人民医院主要业务指标 →
    江源县人民医院), or None: the caption up to its first word of what the table holds, cut
    back to the end of a unit's word (医院, 支行, 中学, 法院 …)."""
    t = re.sub(r"\s+", "", caption)
    m = _CAPTION_REST.search(t)
    head = t[:m.start()] if m else t
    end, _ = unit_name_end(head, 3)
    name = head[:end]
    if not name or name[0] in "全我本各该" or len(name) > 20:
        return None
    return name


def _period_rank(h: str) -> tuple:
    """Later periods rank higher: 2024年1-6月 over 2023年1-6月, 本期 over 上年同期."""
    m = re.match(r"(19|20)(\d{2})", h)
    if m:
        return (1, int(m.group(1) + m.group(2)), h)
    return (2 if h in ("本期", "本年", "本年度", "今年", "本年累计") else 0, 0, h)


def _cell_text(v: Any) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _fmt_number(v)
    return str(v)


def _nonempty(data: FillData) -> FillData:
    if not data.fields and not data.pins:
        raise InputError(f"{_name(data)} 中没有数据")
    return data
