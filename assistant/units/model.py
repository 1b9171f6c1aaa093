"""What a unit type is: the data a plugin provides, validated once at load time.

A unit type (school, bank, village…) is mostly data, read from ``unit.toml`` or
``unit.yaml`` beside an optional Python module (see ``manager.py`` for discovery):

    name, label, aliases, cues            who the unit is and how to recognise it
    terms                                 its own words for shared concepts
                                          (people, self, whole, area, leaders…)
    vocabulary                            explicit word → its own word
    keep                                  words that contain a mapped word but stay whole
    uses                                  words it uses though another unit type's reports use
                                          them most (片区 of a town, 居民 of a 卫生院): check --unit
                                          does not call them another unit's
    governs_all                           true for a general government (县, 市) whose reports speak
                                          of every kind of unit: only another unit's own voice
                                          (我校, 我行) is foreign to it
    variants                              kinds of this unit type that do not say everything it
                                          says ([[variants]] name, names, not_said, self: a 卫生院
                                          does no 三四级手术, a 派出所 says 我所): a draft for a unit
                                          named so leaves out the sentences that say them
    mentions                              those of its marks that other units' reports name
                                          too (学生 in a police report on campus safety, 银行卡
                                          in one on fraud): check --unit calls a sentence another
                                          unit's for one of them only beside a second mark
    forbidden                             words that never belong in its reports
    outline, fields, kinds, rules         report structure, data fields, extra section
                                          kinds with a core parent, extra check rules
    templates                             a folder of template overrides

``Unit.vocabulary`` is the merged mapping shown with the forbidden-word rule (the
unit's own word for a word it must not use): the explicit
``vocabulary`` plus mappings derived from every other registered unit's ``terms``
(another unit's word for a concept → this unit's first word for it). The manager
computes it once all plugins are loaded.

Importing this module is cheap: no pluggy, no yaml, no segmentation.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from dataclasses import dataclass
from dataclasses import field as _dc_field
from pathlib import Path
from typing import Any, Mapping, Sequence

# shared/spec/section-kinds.md
CORE_KINDS: dict[str, str] = {
    "opening": "开头总述",
    "leadership": "组织领导",
    "publicity": "宣传引导",
    "screening": "排查监测",
    "control": "管控处置",
    "medical": "医疗救治",
    "supplies": "保障支撑",
    "duty": "值班报送",
    "inspection": "督导问责",
    "care": "关爱服务",
    "operations": "业务运行",
    "sanitation": "环境整治",
    "training": "培训演练",
    "results": "工作成效",
    "problems": "存在问题",
    "next_steps": "下步打算",
    "closing": "结尾",
}

FIELD_TYPES = ("number", "date", "name", "text")
SEVERITIES = ("error", "warning", "info")  # as assistant.check
ENGINES = ("words", "regex")

# Shared concepts a unit may name its own words for. The set is open: a plugin may use
# another id, and it is matched with every other unit that uses the same id.
CONCEPTS = {
    "self": "自称（我校、我行、我村）",
    "whole": "全体（全校、全行、全村）",
    "area": "范围（校园、营业场所、辖区）",
    "people": "服务对象（师生、客户、村民、群众）",
    "leaders": "领导集体（学校领导班子、行领导班子、村两委）",
    "cadres": "工作人员（教职工、员工、村干部）",
    "head": "主要负责人（校长、行长、村党支部书记）",
    "returnees": "返回人员（返校师生、返岗员工、返乡人员）",
    "subunit": "下属单元（班级、网点、村民小组）",
    "subunit_head": "下属单元负责人（班主任、网点负责人、村民组长）",
    "representatives": "代表（家长代表、客户代表、村民代表）",
}

# Concepts whose words may be rewritten from one unit type into another without changing
# what a sentence says: who speaks (我镇 → 我校). The whole of it is not (全村xx户 → 全校xx户
# says something no school would): 全镇 marks a town's sentence.
SAFE_CONCEPTS = ("self",)
# concepts whose words other units' reports name as well (the people a unit serves, its whole,
# its area, its parts): weak marks (``Unit.weak_marks``)
WEAK_CONCEPTS = ("people", "whole", "area")

UNIT_KEYS = {
    "name", "label", "aliases", "cues", "terms", "vocabulary", "keep", "uses", "forbidden",
    "outline", "fields", "kinds", "rules", "templates", "description", "marks", "name_mark", "family",
    "issuer", "mentions", "governs_all", "variants",
}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,59}$")  # kind ids
_RULE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # rule ids, as assistant.check


class UnitDataError(Exception):
    """A plugin's unit data is invalid. The message is Chinese and names the problem."""


class _Record:
    """Frozen records also read like the mappings the spec shows: ``item["kind"]``."""

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


@dataclass(frozen=True)
class Field(_Record):
    """A data field typical of the unit's reports (``assist fill`` data keys)."""

    name: str  # identifier, e.g. "households"
    label: str  # as staff write it, e.g. 排查户数
    measure: str = ""  # measure word, e.g. 户 (empty for dates and names)
    type: str = "number"  # number / date / name / text
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every key a data file may use for this field."""
        return (self.name, self.label, *self.aliases)


@dataclass(frozen=True)
class Kind(_Record):
    """A plugin section kind, folded back onto a core kind by ``parent``."""

    id: str
    label: str
    parent: str  # a core kind id
    cues: tuple[str, ...] = ()  # typical words of such a section (for classify)


@dataclass(frozen=True)
class OutlineItem(_Record):
    """One section of the unit's usual outline; ``heading`` is empty for opening/closing."""

    kind: str
    heading: str = ""


def plugin_summary(plugin: Any) -> dict[str, Any]:
    """The listing entries a unit type and a topic share (``assist units/topics --format json``)."""
    return {
        "name": plugin.name,
        "label": plugin.label,
        "aliases": list(plugin.aliases),
        "fields": [f.to_dict() for f in plugin.fields],
        "kinds": [{"id": k.id, "label": k.label, "parent": k.parent} for k in plugin.kinds],
    }


@dataclass(frozen=True)
class Variant:
    """A kind of a unit type that its name tells (卫生院 of 卫生健康), and what it never says of
    itself."""

    name: str
    names: tuple[str, ...]
    not_said: tuple[str, ...]
    self_words: tuple[str, ...] = ()  # how it says "we" when not as the unit type does (派出所: 我所)

    def rule(self) -> dict:
        """A check rule (words engine) that flags what this variant does not say."""
        return {"id": "unit-variant", "severity": "warning", "engine": "words", "words": list(self.not_said),
                "message": f"{self.name}的报告一般不写“{{match}}”：这句话像是别的单位的"}


@dataclass(frozen=True, eq=False)
class Unit:
    """One unit type. Sequences are tuples; mappings must not be modified."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    vocabulary: dict[str, str] = _dc_field(default_factory=dict)
    forbidden: tuple[str, ...] = ()
    outline: tuple[OutlineItem, ...] = ()
    fields: tuple[Field, ...] = ()
    kinds: tuple[Kind, ...] = ()
    rules: tuple[dict, ...] = ()
    templates: Path | None = None
    terms: dict[str, tuple[str, ...]] = _dc_field(default_factory=dict)
    keep: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()  # another unit type's marks this one uses too (its own check passes them)
    cues: tuple[str, ...] = ()
    description: str = ""
    plugin: str = ""  # the plugin that registered it
    source: Path | None = None  # its data file, if any
    own_vocabulary: dict[str, str] = _dc_field(default_factory=dict)  # explicit entries only
    # words that name this unit type's own institutions, roles, people, places or business
    # (校长, 教职工, 班主任, 课堂…): a sentence holding one is not another unit type's to use
    marks: tuple[str, ...] = ()
    # those of its marks (and terms) that other units' reports name too: weak evidence alone
    mentions: tuple[str, ...] = ()
    # a general government (县, 市) whose reports speak of every kind of unit it governs: check
    # --unit calls a sentence another unit's only when that unit speaks as itself (我校, 我行)
    governs_all: bool = False
    # kinds of this unit type by what their names say (卫生院 of 卫生健康), each with the words
    # its reports never say of itself (三四级手术, 胸痛中心): ``variant_for``
    variants: tuple["Variant", ...] = ()
    name_mark: str = ""  # the unit's name as a placeholder (××镇, ××学校); "" → ×× + label
    # kinds of unit whose material can stand in for its own where it has none (government,
    # grassroots, institution, business…): a draft takes another unit type's passages only
    # from a unit type of a family it shares
    family: tuple[str, ...] = ()
    # who signs its reports, by topic ("default" for the rest): {name} is the name
    # (××县人民政府; 中共××县委员会 for 党建)
    issuer: dict[str, str] = _dc_field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Unit({self.name!r}, {self.label!r}, plugin={self.plugin!r})"

    @property
    def short_label(self) -> str:
        """The label without its parenthesised part: 县（区） → 县."""
        return re.sub(r"[（(][^）)]*[）)]", "", self.label) or self.label

    def name_placeholder(self) -> str:
        """How a draft writes the unit's name before it is known: ××学校, ××镇."""
        return self.name_mark or f"××{self.short_label}"

    def issuer_name(self, name: str, topic: str | None = None) -> str:
        """The name a report on ``topic`` is titled and signed with: ``name`` (the unit's
        name or its placeholder) as the unit's ``issuer`` writes it, unless it already
        names an issuing body (人民政府, 委员会, 党委…)."""
        template = self.issuer.get(topic or "") or self.issuer.get("default")
        if not template or re.search(r"(?:政府|委员会|党委|党组|[县市区镇乡]委|支部|总支)$", name):
            return name
        return template.format(name=name)

    def weak_marks(self) -> set[str]:
        """Its marks that other units' reports name too: its ``mentions`` and its words for
        the people it serves, its whole and its area (居民, 全镇, 小区)."""
        words = {w for concept in WEAK_CONCEPTS for w in self.terms.get(concept, ())}
        return words | set(self.mentions)

    def mark_words(self) -> set[str]:
        """Words that mark a text as this unit type's own: its ``marks`` and its terms for
        shared concepts other than who speaks (我校 is rewritten safely)."""
        words = {w for concept, ws in self.terms.items() if concept not in SAFE_CONCEPTS for w in ws}
        words.update(self.marks)
        return {w for w in words if len(w) >= 2}

    # ---- words -------------------------------------------------------------------
    def own_words(self) -> set[str]:
        """Words that are the unit's own (never mapped away in its reports)."""
        words = {w for ws in self.terms.values() for w in ws}
        words.update(self.own_vocabulary.values())
        return words

    def forbidden_exceptions(self) -> list[str]:
        """``keep`` words that contain a forbidden word: not flagged, not replaced."""
        return [k for k in self.keep if any(f in k and f != k for f in self.forbidden)]

    # ---- fields and kinds ----------------------------------------------------------
    def field(self, key: str) -> Field | None:
        """The field whose name, label or alias is ``key``."""
        for f in self.fields:
            if key in f.names():
                return f
        return None

    def kind(self, kind_id: str) -> Kind | None:
        for k in self.kinds:
            if k.id == kind_id:
                return k
        return None

    def as_variant(self, variant: "Variant") -> "Unit":
        """This unit type as the variant speaks (a 派出所 of 公安 says 我所, not 我局)."""
        if not variant.self_words:
            return self
        from dataclasses import replace

        return replace(self, terms={**self.terms, "self": variant.self_words})

    def variant_for(self, name: str | None) -> "Variant | None":
        """The variant a unit named ``name`` (or a title naming it) is, if any."""
        if not name:
            return None
        return next((v for v in self.variants if any(n in name for n in v.names)), None)

    # ---- check rules -----------------------------------------------------------------
    def check_rules(self) -> list[dict]:
        """The unit's own rules plus one for its forbidden words (check rule format)."""
        rules = [copy.deepcopy(r) for r in self.rules]
        if self.forbidden:
            rules.append(self._forbidden_rule())
        return rules

    def _forbidden_rule(self) -> dict:
        exceptions = self.forbidden_exceptions()
        replacements = {w: self.vocabulary[w] for w in self.forbidden if w in self.vocabulary}
        flag = [f"组织{w}开展疫情防控工作。" for w in self.forbidden[:3]]
        passing = [f"组织{replacements.get(w, self.label)}开展疫情防控工作。" for w in self.forbidden[:3]]
        passing += [f"配合{e}开展工作。" for e in exceptions[:2]]
        return {
            "id": "unit-forbidden-word",
            "severity": "error",
            "message": f'{self.label}的报告中不应出现"{{match}}"',
            "engine": "words",
            "words": list(self.forbidden),
            "exceptions": exceptions,
            "examples": {"flag": flag, "pass": passing},
            "replacements": replacements,  # extra: the unit's own word for each (unit.toml vocabulary)
            "unit": self.name,
        }

    # ---- reporting ---------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The ``assist units --format json`` entry (shared/spec/cli.md), plus extras."""
        return {
            **plugin_summary(self),
            "outline": [o.to_dict() for o in self.outline],
            "forbidden": list(self.forbidden),
            "plugin": self.plugin,
        }


# ---- reference semantics of the two rule engines ---------------------------------------

def find_matches(rule: Mapping[str, Any], text: str) -> list[tuple[int, int, str]]:
    """(start, end, match) of ``rule`` in ``text``: the semantics ``check`` implements.

    ``words``: every literal occurrence of a word; ``regex``: ``re.finditer(pattern)``.
    A match lying inside an occurrence of one of ``exceptions`` is not a match.
    """
    spans: list[tuple[int, int]] = []
    if rule["engine"] == "words":
        for word in sorted(set(rule["words"]), key=len, reverse=True):
            start = text.find(word)
            while start != -1:
                spans.append((start, start + len(word)))
                start = text.find(word, start + 1)
    else:
        spans = [m.span() for m in re.finditer(rule["pattern"], text) if m.end() > m.start()]
    shield: list[tuple[int, int]] = []
    for exc in rule.get("exceptions") or ():
        start = text.find(exc)
        while start != -1:
            shield.append((start, start + len(exc)))
            start = text.find(exc, start + 1)
    found = []
    taken: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda p: (p[0], -(p[1] - p[0]))):
        if any(a <= s and e <= b for a, b in shield):
            continue
        if any(a <= s and e <= b for a, b in taken):  # a shorter word inside a longer match
            continue
        taken.append((s, e))
        found.append((s, e, text[s:e]))
    return found


# ---- loading and validation ----------------------------------------------------------------

UNIT_FILES = ("unit.toml", "unit.yaml", "unit.yml")


# Parsed plugin data files, kept in the user's cache as JSON (data, never code) by a digest of
# the file's bytes: every command reads the registry, and parsing its ~20 TOML files took
# ~60 ms of each cold start. A changed file has a new digest; a file JSON cannot hold exactly
# (a TOML date) is parsed every time.
PARSE_CACHE = "plugin-data.json"
PARSE_CACHE_MAX = 256
_parsed: dict[str, str] | None = None


def _parse_cache() -> dict[str, str]:
    global _parsed
    if _parsed is None:
        _parsed = {}
        try:
            import json

            from assistant.paths import cache_dir_name

            with open(os.path.join(cache_dir_name(), PARSE_CACHE), encoding="utf-8") as fh:
                data = json.load(fh)
            if isinstance(data, dict) and data.get("version") == 1 and isinstance(data.get("entries"), dict):
                _parsed = {k: v for k, v in data["entries"].items() if isinstance(v, str)}
        except (OSError, ValueError):
            pass
    return _parsed


def _remember_parse(key: str, data: dict) -> None:
    import json

    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:
            return  # non-string keys, tuples…: not the same after the round trip
    except (TypeError, ValueError):
        return
    entries = _parse_cache()
    entries[key] = text
    while len(entries) > PARSE_CACHE_MAX:
        del entries[next(iter(entries))]
    try:
        from assistant.atomic import write_text
        from assistant.paths import cache_dir

        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        write_text(folder / PARSE_CACHE, json.dumps({"version": 1, "entries": entries}, ensure_ascii=False))
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        pass


def read_data_file(path: Path) -> dict:
    """Parse a TOML or YAML unit file into a mapping (UnitDataError on any problem)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnitDataError(f"无法读取 {path.name}：{exc.strerror or exc}") from None
    import hashlib

    key = hashlib.blake2b(path.suffix.encode() + b"\0" + raw, digest_size=16).hexdigest()
    hit = _parse_cache().get(key)
    if hit is not None:
        import json

        return json.loads(hit)
    data = _parse_data_file(path, raw)
    _remember_parse(key, data)
    return data


def _parse_data_file(path: Path, raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnitDataError(f"{path.name} 不是 UTF-8 编码") from None
    if path.suffix == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UnitDataError(f"{path.name} 格式错误：{exc}") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"第 {mark.line + 1} 行" if mark is not None else ""
            raise UnitDataError(f"{path.name} {where}格式错误：{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise UnitDataError(f"{path.name} 的内容应是一个映射（键: 值）")
    return data


def find_data_file(folder: Path, names: Sequence[str]) -> Path | None:
    """The one of ``names`` (unit.toml, unit.yaml…) that ``folder`` holds, if any."""
    found = [folder / n for n in names if (folder / n).is_file()]
    if len(found) > 1:
        raise UnitDataError(f"{folder.name} 中同时有 {found[0].name} 和 {found[1].name}，只能保留一个")
    return found[0] if found else None


def data_file_path(path: Path, names: Sequence[str], what: str) -> Path:
    """``path`` itself, or the data file of the folder it names (UnitDataError without one)."""
    path = Path(path)
    if path.is_dir():
        file = find_data_file(path, names)
        if file is None:
            raise UnitDataError(f"{path} 中没有 {names[0]} 或 {names[1]}")
        path = file
    if not path.is_file():
        raise UnitDataError(f"找不到{what}数据文件 {path}")
    return path


def find_unit_file(folder: Path) -> Path | None:
    return find_data_file(folder, UNIT_FILES)


def load_unit_file(path: Path, plugin: str = "") -> Unit:
    """A Unit from ``unit.toml``/``unit.yaml`` (a folder is looked into)."""
    path = data_file_path(path, UNIT_FILES, "单位")
    return unit_from_data(read_data_file(path), base=path.parent, plugin=plugin, source=path)


def _bool(data: dict, key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise UnitDataError(f"{where}{key} 应是 true 或 false")
    return value


def _strs(data: Mapping, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UnitDataError(f"{where}{key} 应是非空字符串的列表")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _str(data: Mapping, key: str, where: str, required: bool = True, default: str = "") -> str:
    value = data.get(key, None)
    if value is None:
        if required:
            raise UnitDataError(f"{where}缺少 {key}")
        return default
    if not isinstance(value, str) or (required and not value.strip()):
        raise UnitDataError(f"{where}{key} 应是非空字符串")
    return value.strip()


def _table_list(data: Mapping, key: str, where: str) -> list[Mapping]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise UnitDataError(f"{where}{key} 应是表（映射）的列表")
    return value


def _check_keys(item: Mapping, allowed: set[str], where: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise UnitDataError(f"{where}未知的键：{'、'.join(map(str, unknown))}（可用：{'、'.join(sorted(allowed))}）")


def validate_rule(rule: Mapping, where: str) -> dict:
    """One check rule in the shared format; returns a normalised copy."""
    _check_keys(rule, {"id", "severity", "message", "engine", "words", "pattern", "fix", "exceptions",
                       "examples", "description"}, where)
    rid = _str(rule, "id", where)
    if not _RULE_ID_RE.match(rid):
        raise UnitDataError(f"{where}规则 id“{rid}”只能用小写字母、数字和连字符")
    where = f"{where}规则 {rid}："
    severity = _str(rule, "severity", where, required=False, default="warning")
    if severity not in SEVERITIES:
        raise UnitDataError(f"{where}severity 应是 {'、'.join(SEVERITIES)} 之一")
    engine = _str(rule, "engine", where, required=False, default="words")
    if engine not in ENGINES:
        raise UnitDataError(f"{where}engine 应是 {' 或 '.join(ENGINES)}")
    out: dict[str, Any] = {"id": rid, "severity": severity, "message": _str(rule, "message", where),
                           "engine": engine}
    if engine == "words":
        words = _strs(rule, "words", where)
        if not words:
            raise UnitDataError(f"{where}words 引擎需要 words 列表")
        out["words"] = list(words)
    else:
        pattern = _str(rule, "pattern", where)
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise UnitDataError(f"{where}正则表达式有误：{exc}") from None
        if compiled.match(""):
            raise UnitDataError(f"{where}正则表达式不能匹配空字符串")
        out["pattern"] = pattern
        if "fix" in rule:
            out["fix"] = _str(rule, "fix", where, required=False)
    out["exceptions"] = list(_strs(rule, "exceptions", where))
    examples = rule.get("examples", {}) or {}
    if not isinstance(examples, dict):
        raise UnitDataError(f"{where}examples 应是 {{flag: [...], pass: [...]}}")
    _check_keys(examples, {"flag", "pass"}, f"{where}examples ")
    out["examples"] = {"flag": list(_strs(examples, "flag", where)), "pass": list(_strs(examples, "pass", where))}
    if "description" in rule:
        out["description"] = _str(rule, "description", where)
    return out


def _record_kinds(data: Mapping, where: str) -> list[Kind]:
    """The ``kinds`` table of a unit or topic: finer kinds, each under a core kind."""
    kinds: list[Kind] = []
    for item in _table_list(data, "kinds", where):
        _check_keys(item, {"id", "label", "parent", "cues"}, f"{where}kinds：")
        kid = _str(item, "id", f"{where}kinds：")
        kw = f"{where}章节类型 {kid}："
        if not _ID_RE.match(kid):
            raise UnitDataError(f"{kw}id 只能用字母、数字、-、_、.")
        if kid in CORE_KINDS:
            raise UnitDataError(f"{kw}与核心章节类型同名")
        if any(k.id == kid for k in kinds):
            raise UnitDataError(f"{kw}重复定义")
        parent = _str(item, "parent", kw)
        if parent not in CORE_KINDS:
            raise UnitDataError(f"{kw}parent“{parent}”不是核心章节类型（{'、'.join(CORE_KINDS)}）")
        kinds.append(Kind(kid, _str(item, "label", kw), parent, _strs(item, "cues", kw)))
    return kinds


def _record_outline(data: Mapping, key: str, where: str, kinds: Sequence[Kind],
                    strict: bool = True) -> tuple[OutlineItem, ...]:
    """An outline table; with ``strict`` every kind must be a core kind or one of ``kinds``
    (a topic's per-unit outline may also use the unit's own kinds, checked later)."""
    outline: list[OutlineItem] = []
    own_kinds = {k.id for k in kinds}
    for item in _table_list(data, key, where):
        _check_keys(item, {"kind", "heading"}, f"{where}{key}：")
        kind = _str(item, "kind", f"{where}{key}：")
        if kind not in CORE_KINDS and kind not in own_kinds:
            if strict or not _ID_RE.match(kind):
                raise UnitDataError(f"{where}{key} 中的章节类型“{kind}”既不是核心类型，也不在 kinds 中")
        outline.append(OutlineItem(kind, _str(item, "heading", f"{where}{key}：", required=False)))
    return tuple(outline)


def _record_fields(data: Mapping, where: str) -> tuple[Field, ...]:
    """The ``fields`` table of a unit or topic: data fields typical of its reports."""
    fields: list[Field] = []
    for item in _table_list(data, "fields", where):
        _check_keys(item, {"name", "label", "measure", "type", "aliases"}, f"{where}fields：")
        fname = _str(item, "name", f"{where}fields：")
        fw = f"{where}字段 {fname}："
        if any(ch.isspace() for ch in fname):
            raise UnitDataError(f"{fw}name 不能含空白")
        if any(fname == f.name for f in fields):
            raise UnitDataError(f"{fw}重复定义")
        ftype = _str(item, "type", fw, required=False, default="number")
        if ftype not in FIELD_TYPES:
            raise UnitDataError(f"{fw}type 应是 {'、'.join(FIELD_TYPES)} 之一")
        fields.append(Field(fname, _str(item, "label", fw), _str(item, "measure", fw, required=False),
                            ftype, _strs(item, "aliases", fw)))
    return tuple(fields)


def unit_from_data(data: Mapping, base: Path | None = None, plugin: str = "",
                   source: Path | None = None) -> Unit:
    """Validate a unit mapping (from TOML/YAML or a Python dict) and build a Unit."""
    if not isinstance(data, Mapping):
        raise UnitDataError("单位数据应是一个映射（键: 值）")
    _check_keys(data, UNIT_KEYS, "")
    name = _str(data, "name", "")
    if not _NAME_RE.match(name):
        raise UnitDataError(f"name“{name}”只能用小写字母、数字、-、_，并以字母开头")
    where = f"单位 {name}："
    label = _str(data, "label", where)
    aliases = _strs(data, "aliases", where)
    cues = _strs(data, "cues", where)
    keep = _strs(data, "keep", where)
    uses = _strs(data, "uses", where)
    forbidden = _strs(data, "forbidden", where)

    terms_raw = data.get("terms", {}) or {}
    if not isinstance(terms_raw, dict):
        raise UnitDataError(f"{where}terms 应是 概念 = [词语…] 的表")
    terms: dict[str, tuple[str, ...]] = {}
    for concept, words in terms_raw.items():
        ws = _strs({concept: words}, concept, f"{where}terms.")
        if ws:
            terms[str(concept)] = ws

    vocab_raw = data.get("vocabulary", {}) or {}
    if not isinstance(vocab_raw, dict):
        raise UnitDataError(f"{where}vocabulary 应是 词语 = 替换词 的表")
    vocabulary: dict[str, str] = {}
    for key, value in vocab_raw.items():
        if not isinstance(key, str) or not key.strip() or not isinstance(value, str):
            raise UnitDataError(f"{where}vocabulary 中“{key}”应映射到一个字符串")
        if key.strip() != value.strip():
            vocabulary[key.strip()] = value.strip()

    issuer_raw = data.get("issuer", {}) or {}
    if isinstance(issuer_raw, str):
        issuer_raw = {"default": issuer_raw}
    if not isinstance(issuer_raw, dict) or not all(
            isinstance(v, str) and v.count("{name}") == 1 and not re.search(r"\{(?!name\})", v)
            for v in issuer_raw.values()):
        raise UnitDataError(f'{where}issuer 应是 主题 = "…{{name}}…" 的表（如 default = "{{name}}人民政府"）')
    issuer = {str(k).strip(): v.strip() for k, v in issuer_raw.items()}

    kinds = _record_kinds(data, where)
    outline = _record_outline(data, "outline", where, kinds, strict=True)
    fields = _record_fields(data, where)

    rules = []
    for item in _table_list(data, "rules", where):
        rule = validate_rule(item, where)
        if rule["id"] == "unit-forbidden-word" or any(r["id"] == rule["id"] for r in rules):
            raise UnitDataError(f"{where}规则 id {rule['id']} 重复")
        rules.append(rule)

    templates: Path | None = None
    tpl = _str(data, "templates", where, required=False)
    if tpl:
        templates = (base / tpl) if base is not None else Path(tpl)
        if not templates.is_dir():
            raise UnitDataError(f"{where}模板文件夹不存在：{templates}")
    elif base is not None and (base / "templates").is_dir():
        templates = base / "templates"

    unit = Unit(
        name=name, label=label, aliases=aliases, vocabulary=dict(vocabulary), forbidden=forbidden,
        outline=outline, fields=fields, kinds=tuple(kinds), rules=tuple(rules),
        templates=templates, terms=terms, keep=keep, uses=uses, cues=cues,
        description=_str(data, "description", where, required=False), plugin=plugin,
        source=source, own_vocabulary=dict(vocabulary), marks=_strs(data, "marks", where),
        name_mark=_str(data, "name_mark", where, required=False), family=_strs(data, "family", where),
        issuer=issuer, mentions=_strs(data, "mentions", where), governs_all=_bool(data, "governs_all", where),
        variants=_variants(data, where),
    )
    _check_consistency(unit)
    return unit


def _variants(data: Mapping, where: str) -> tuple[Variant, ...]:
    out = []
    for item in _table_list(data, "variants", where):
        _check_keys(item, {"name", "names", "not_said", "self"}, f"{where}variants：")
        vname = _str(item, "name", f"{where}variants：")
        vw = f"{where}variants {vname}："
        names, not_said = _strs(item, "names", vw), _strs(item, "not_said", vw)
        if not names or not not_said:
            raise UnitDataError(f"{vw}names 和 not_said 都不能为空")
        out.append(Variant(vname, names, not_said, _strs(item, "self", vw)))
    return tuple(out)


def _check_consistency(unit: Unit) -> None:
    """A unit must not write its own forbidden words."""
    where = f"单位 {unit.name}："
    probe = {"engine": "words", "words": list(unit.forbidden), "exceptions": list(unit.keep)}
    if not unit.forbidden:
        return
    for word in sorted(unit.own_words()):
        hit = find_matches(probe, word)
        if hit:
            raise UnitDataError(f"{where}自己的用词“{word}”含有禁用词“{hit[0][2]}”")


def with_vocabulary(unit: Unit, vocabulary: Mapping[str, str], keep: Sequence[str]) -> Unit:
    """A copy of ``unit`` with the merged vocabulary and the global keep list."""
    return dataclasses.replace(unit, vocabulary=dict(vocabulary), keep=tuple(keep))
