"""Values into slots: the text that replaces a mark, written as a person would write it.

- Figures keep the user's writing; a value in the field's own unit goes into a slot
  written in 万 or 亿 converted when exact (53600 辆次 → 「5.36万辆次」, 3800000 元 →
  「380万元」); a conversion that needs rounding is left to the user, with the exact
  figure in the reason. 余/多 after the mark are not repeated; a rate goes into 「xx%」
  without its sign. A negative figure is never written into a count.
- Dates give the part the slot asks for (year, month, day, hour) and must agree with
  the parts the report writes out; a period (``4月10日至4月28日``) gives its start to the
  first date of 「x月x日至x月x日」 and its end to the second.
- A name that already ends with the words after the mark is not doubled (翁源县 at
  「XX县」 → 翁源); a full name of a unit replaces the unit's generic word too
  (城关镇第一小学 at 「××学校」 → 城关镇第一小学, never 城关镇第一小学学校).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Optional

from assistant.fill.data import Value
from assistant.fill.fields import Candidate
from assistant.fill.lexicon import lexicon
from assistant.fill.slots import Slot

PART_NAME = {"year": "年份", "month": "月份", "day": "日", "hour": "时"}


class Rendered(tuple):
    """(text or None, reason, consume): consume is how many characters after the mark
    the text replaces too (the unit's generic word of ××学校)."""

    def __new__(cls, text: Optional[str], reason: str = "", consume: int = 0):
        return super().__new__(cls, (text, reason, consume))


def _strip_overlap(value: str, following: str) -> str:
    """Drop the end of a value that the report writes right after the mark (120户 + 户… → 120),
    whole words only (城关镇第一小学 before 学校 keeps its 学)."""
    lex = lexicon()
    for k in range(min(len(value) - 1, len(following)), 0, -1):
        tail = value[-k:]
        if following.startswith(tail) and not re.search(r"\d", tail):
            if lex.unit_word_at(tail) or tail in lex.measure_class or k >= 2 or not re.match(r"[\u4e00-\u9fff]", tail):
                if k == 1 and lex.unit_word_at(following) and lex.unit_word_at(following) != tail:
                    continue  # 学 of 小学 before 学校: not the same word
                return value[:-k]
    return value


def _strip_lead(value: str, preceding: str) -> str:
    for k in range(min(len(value) - 1, len(preceding)), 0, -1):
        head = value[:k]
        if preceding.endswith(head) and not re.search(r"\d", head):
            return value[k:]
    return value


def _decimal(text: str) -> Optional[Decimal]:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def convert(text: str, from_mag: str, to_mag: str) -> tuple[Optional[str], Optional[Decimal]]:
    """A figure from one magnitude to another: (text if exact within two decimals, exact value)."""
    mags = lexicon().magnitudes
    d = _decimal(text)
    if d is None:
        return None, None
    f = Decimal(mags.get(from_mag, 1)) / Decimal(mags.get(to_mag, 1))
    exact = d * f
    if exact == exact.quantize(Decimal("0.01")) or exact == exact.to_integral_value():
        return _plain(exact), exact
    return None, exact


# measures of one class that convert exactly (a count of 人 never becomes 人次: those are classes apart)
_CONVERTIBLE = {"length", "weight", "area"}
_FACTORS = {(a, b): Decimal(f) for a, b, f in (
    ("米", "公里", "0.001"), ("米", "千米", "0.001"), ("公里", "米", "1000"), ("千米", "米", "1000"),
    ("公里", "千米", "1"), ("千米", "公里", "1"), ("克", "公斤", "0.001"), ("克", "千克", "0.001"),
    ("公斤", "克", "1000"), ("千克", "克", "1000"), ("公斤", "吨", "0.001"), ("千克", "吨", "0.001"),
    ("吨", "公斤", "1000"), ("吨", "千克", "1000"), ("公斤", "千克", "1"), ("千克", "公斤", "1"),
    ("平方米", "公顷", "0.0001"), ("公顷", "平方米", "10000"), ("公顷", "亩", "15"),
    ("平方公里", "公顷", "100"), ("公顷", "平方公里", "0.01"))}
_LEGAL_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "股份公司", "集团有限公司", "总公司")


_PARENT = re.compile(r"(?:集团)?(?:有限责任公司|股份有限公司|有限公司|分公司|公司|集团)|总局|局")


def _without_parent(name: str, unit_word: str) -> str:
    """A branch's own name without the company or bureau it belongs to (中国邮政集团有限公司宁乡市
    分公司玉潭 at ××揽投部 → 玉潭, 国家税务总局临湘市税务局城西 at 某某税务分局 → 城西), where the
    mark stands for the branch."""
    if not unit_word or _PARENT.match(unit_word) or lexicon().unit_family.get(unit_word) == "company":
        return name
    last = None
    for last in _PARENT.finditer(name):
        pass
    if last is None or last.end() == len(name):
        return name
    tail = name[last.end():]
    return tail if len(re.findall(r"[\u4e00-\u9fff]", tail)) >= 2 else name


def render(slot: Slot, cand: Candidate) -> Rendered:
    """The text that replaces the mark, or (None, why not)."""
    v = cand.value
    if v.empty:
        return Rendered(None, f"字段「{cand.name}」还没有值")
    shape = slot.shape
    if v.kind == "range":
        if not slot.range_role:
            return Rendered(None, f"字段「{cand.name}」是一段日期（{v.text}），这里只需要一个日期")
        part = v.start if slot.range_role == "start" else v.end
        if part is None:
            return Rendered(None, f"字段「{cand.name}」的起止日期不完整")
        from dataclasses import replace

        return render(slot, replace(cand, value=part))
    if shape in ("year", "month", "day", "hour"):
        return _render_date_part(slot, cand)
    text = v.text
    if shape == "number":
        return _render_number(slot, cand)
    if shape == "date":
        if v.kind == "date":
            return Rendered(v.text)
        return Rendered(None, f"字段「{cand.name}」的值不是日期")
    # names, other, explicit
    if v.kind == "date" and shape == "explicit":
        return Rendered(v.text)
    if shape == "explicit" and v.kind == "number" and v.text.startswith("-"):
        return Rendered(None, f"字段「{cand.name}」的值是负数（{v.text}），请核对")
    if shape in ("name", "other") and slot.unit_word and v.kind in ("name", "text"):
        lex = lexicon()
        ending = lex.unit_word_ending(text)
        stripped = _strip_overlap(text, slot.after)
        if stripped != text and lex.unit_word_at(text[len(stripped):]):
            # 新绛县第二中学 at ××中学 → 新绛县第二; 国网安仁县供电公司清泉供电所 at ××供电所 → 清泉
            return Rendered(_strip_lead(_without_parent(stripped, slot.unit_word), slot.before))
        cut = text.rfind(slot.unit_word) if len(slot.unit_word) >= 2 else -1
        if cut > 0 and stripped == text and text[cut + len(slot.unit_word):] in _LEGAL_FORMS:
            # 江城水务集团有限公司 at ××集团党委 → 江城水务 (the text keeps 集团; its legal form goes)
            return Rendered(_strip_lead(text[:cut], slot.before))
        if ending and lex.same_family(ending, slot.unit_word):
            return Rendered(_strip_lead(text, slot.before), "", len(slot.unit_word))  # ××学校 → 城关镇第一小学
        place = text.find(slot.unit_word) if lex.unit_family.get(slot.unit_word) in ("town", "county", "village") else -1
        if place > 0 and stripped == text:  # 石门镇中心卫生院 at ××镇卫生院 → 石门
            return Rendered(_strip_lead(text[:place], slot.before))
    text = _strip_overlap(text, slot.after)
    if shape == "name" and slot.unit_word and text != v.text:
        text = _without_parent(text, slot.unit_word)  # …税务局城西 at 某某税务分局 → 城西
    text = _strip_lead(text, slot.before)
    if shape == "explicit" and v.kind == "number" and v.unit:
        text = text + v.unit
    return Rendered(text)


def _render_date_part(slot: Slot, cand: Candidate) -> Rendered:
    v = cand.value
    shape = slot.shape
    if v.kind == "number":
        n = v.text
        if not re.fullmatch(r"\d{1,4}", n):
            return Rendered(None, f"字段「{cand.name}」的值不是{PART_NAME[shape]}")
        num = int(n)
        ok = {"year": 1900 <= num <= 2100, "month": 1 <= num <= 12, "day": 1 <= num <= 31, "hour": 0 <= num <= 24}
        if not ok[shape]:
            return Rendered(None, f"字段「{cand.name}」的值不像{PART_NAME[shape]}")
        if shape == "year":
            return _year_tail(slot, cand, n)  # 年度 = 2024 at 20xx年 → 24
        return Rendered(n)
    part = v.part(shape)
    if part is None:
        return Rendered(None, f"字段「{cand.name}」的值没有{PART_NAME[shape]}")
    for key, lit in slot.literal_date.items():
        have = getattr(v, key, None)
        if have is not None and have != lit:
            return Rendered(None, f"字段「{cand.name}」的日期与报告中写明的{PART_NAME[key]}（{lit}）不一致")
    if shape == "year":
        return _year_tail(slot, cand, part)
    return Rendered(part)


def _year_tail(slot: Slot, cand: Candidate, year: str) -> Rendered:
    """The digits of ``year`` the mark stands for: 24 at the xx of 20xx年."""
    digits = re.search(r"(\d+)$", slot.before)
    if digits:
        if not year.startswith(digits.group(1)):
            return Rendered(None, f"字段「{cand.name}」的年份与报告中的“{digits.group(1)}”对不上")
        year = year[len(digits.group(1)):]
    return Rendered(year)


def _as_marked(text: str, mag: str, slot: Slot) -> str:
    """A figure with a magnitude (1.36 and 万) written where the report has no magnitude: as the
    whole number when the marks ask for about that many digits (xxxx人次 → 13600), else with
    its magnitude (xx人 → 3.4万)."""
    whole, _exact = convert(text, mag, "")
    if whole is not None and "." not in whole and re.fullmatch(r"[xX×*＊_ｘＸ]{3,}", slot.mark) \
            and abs(len(whole) - len(slot.mark)) <= 1:
        return whole
    return text + mag


# A fall the report words itself (下降xx%, 减少xx人): a table's negative change fills it unsigned.
_FALL_BEFORE = re.compile(r"(下降|减少|降低|回落|下滑|缩减|压降|减|降)(了|约|近|达)?\s*$")


def _render_number(slot: Slot, cand: Candidate) -> Rendered:
    v = cand.value
    lex = lexicon()
    if v.kind != "number":
        return Rendered(None, f"字段「{cand.name}」的值不是数字")
    text = v.text
    if text.startswith("-") and _FALL_BEFORE.search(slot.before):
        text = text[1:]  # 同比下降xx% from -19.5%: the report says which way, the figure is how much
    if text.startswith("-"):
        return Rendered(None, f"字段「{cand.name}」的值是负数（{text}），报告中的这个数不能为负，请核对")
    if v.unit and v.unit != "%" and slot.measure and v.unit != slot.measure:
        unit_mag = v.unit[0] if v.unit[0] in lex.magnitudes and len(v.unit) > 1 else ""
        unit_rest = v.unit[len(unit_mag):]
        if lex.measure_class.get(unit_rest or v.unit) != lex.measure_class.get(slot.measure) \
                and unit_rest not in ("件套", "台套"):
            return Rendered(None, f"字段「{cand.name}」的单位“{v.unit}”与报告中的“{slot.measure}”不符")
        unit = unit_rest or v.unit
        if unit != slot.measure and lex.measure_class.get(unit) in _CONVERTIBLE:
            # 86400 米 at xx公里: 86.4, where the two units convert exactly; else the writer's call
            factor = _FACTORS.get((unit, slot.measure))
            d = _decimal(re.sub(r"(余|多)$", "", text))
            if factor is None or d is None:
                return Rendered(None, f"字段「{cand.name}」的单位是“{unit}”，报告中是“{slot.measure}”，请换算后填写")
            if unit_mag:
                d *= Decimal(lex.magnitudes[unit_mag])
            exact = d * factor
            if exact != exact.quantize(Decimal("0.01")):
                return Rendered(None, f"字段「{cand.name}」的值 {v.text} 换算成“{slot.measure}”是 {_plain(exact)}，"
                                      f"请确定保留几位小数后填写")
            text = _plain(exact)
            v = Value(v.raw, text, "number")
            cand = replace(cand, value=v, mag="")
    has_mag = re.search(r"(万|亿|千|百)余?多?$", text)
    value_mag = has_mag.group(1) if has_mag else cand.mag
    if has_mag:
        text = text[: has_mag.start()]
    if slot.more:
        text = re.sub(r"(余|多)$", "", text)
    elif re.search(r"(余|多)$", v.text):
        text = re.sub(r"(余|多)$", "", text)
    if slot.mag != value_mag:
        if slot.mag:  # 53600 (辆次) into xx万辆次 → 5.36
            conv, exact = convert(text, value_mag, slot.mag)
            if conv is None:
                if exact is None:
                    return Rendered(None, f"字段「{cand.name}」的值“{v.text}”不是数字")
                return Rendered(None, f"报告中是“{slot.mag}{slot.measure}”，字段「{cand.name}」的值 {v.text}"
                                      f" 换算后是 {_plain(exact)}{slot.mag}，请确定保留几位小数后填写")
            text = conv
        else:  # 3.4 (万人) into xx人: keep the magnitude in the text, unless the marks ask for digits
            text = _as_marked(text, value_mag, slot)
    elif has_mag and not slot.mag:
        text = _as_marked(text, value_mag, slot)
    if v.unit == "%" and slot.measure in ("%", "％"):
        text = text.rstrip("%％")
    elif slot.measure in ("%", "％") and v.unit != "%":
        d = _decimal(text)
        decimals = len(text.split(".")[1]) if "." in text else 0
        if d is not None and (0 < d < 1 and decimals >= 2 or 1 <= d < 10 and decimals >= 3):
            text = _plain(d * 100)  # 0.1289 / 1.073: a rate kept as a fraction (as Excel keeps it) → 12.89 / 107.3
        elif d is not None and 0 < d < 1:
            return Rendered(None, f"字段「{cand.name}」的值 {text} 是小数，报告中是百分数；请写成百分数（如 {_plain(d * 100)}%）")
    elif v.unit and not slot.measure and not slot.after.startswith(v.unit):
        text = text + v.unit
    return Rendered(text)
