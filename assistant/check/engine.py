"""Rules as data, and the runner that applies them to a text.

The built-in rules live in ``rules.yaml`` beside this file; plugins (unit types)
add rule dicts of the same shape through ``extra_rules``. A rule names an
engine: ``regex`` and ``words`` are driven by the rule's data alone, the named
Python engines are in ``engines.py``.

Suppression happens here, at three levels: per-rule severity / off in the user
configuration, words never to flag (the config's ``ignore-words`` and a rule's
``exceptions``), and inline ``assist-disable`` / ``assist-enable`` markers.
"""

from __future__ import annotations

import functools
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping

from assistant.check.config import CheckConfig, from_mapping
from assistant.check.engines import ENGINES, Context
from assistant.check.findings import SEVERITIES, Finding, Rows
from assistant.check.recache import compile as _rx
from assistant.errors import InputError

RULES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules.yaml")
_ID = _rx(r"^[a-z0-9][a-z0-9-]*$")
_COMMON_KEYS = {"id", "severity", "message", "engine", "exceptions", "examples"}
_ENGINE_KEYS = {
    "regex": {"pattern", "fix"},
    "words": {"words"},
    "marks": {"marks", "partners", "weak", "owners", "own"},
    "duplicate-sentence": {"min_chars"},
}


class Rule:
    """One rule, validated and compiled (a plain class: see findings.Finding)."""

    __slots__ = ("id", "severity", "message", "engine", "pattern", "fix", "words", "exceptions",
                 "examples", "options", "source", "compiled")

    def __init__(self, id: str, severity: str, message: str, engine: str, pattern: str | None = None,
                 fix: str | None = None, words: tuple[str, ...] = (), exceptions: tuple[str, ...] = (),
                 examples: Mapping | None = None, options: Mapping | None = None,
                 source: str = "内置规则", compiled=None) -> None:
        self.id = id
        self.severity = severity
        self.message = message
        self.engine = engine
        self.pattern = pattern
        self.fix = fix
        self.words = words
        self.exceptions = exceptions
        self.examples = {} if examples is None else examples
        self.options = {} if options is None else options
        self.source = source
        self.compiled = compiled

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, severity={self.severity!r}, engine={self.engine!r})"


# --- loading and validating rules ---------------------------------------------------

def _load_yaml(path: str):
    import yaml

    from assistant.yamlfile import safe_load

    try:
        with open(path, encoding="utf-8") as fh:
            return safe_load(fh.read())
    except yaml.YAMLError as exc:
        raise InputError(f"规则文件 {os.path.basename(path)} 格式错误：{exc}") from exc


def _cached_rule_dicts(path: str) -> list:
    """The rule dicts of ``path``; parsed YAML is kept as JSON in the cache folder,
    which loads several times faster than YAML on every run."""
    from assistant.paths import cache_dir_name

    st = os.stat(path)
    cache = os.path.join(cache_dir_name(), "check", f"rules-{st.st_mtime_ns}-{st.st_size}.json")
    from assistant.check.recache import loads_json

    try:
        with open(cache, encoding="utf-8") as fh:
            return loads_json(fh.read())
    except (OSError, ValueError):
        pass
    data = _load_yaml(path)
    try:
        from assistant.atomic import write_text

        import json

        write_text(cache, json.dumps(data, ensure_ascii=False))
    except (OSError, TypeError, ValueError):
        pass
    return data


@functools.lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    """The rules that ship with assist (rules.yaml), validated and compiled."""
    return tuple(parse_rules(_cached_rule_dicts(RULES_FILE), source="内置规则"))


def parse_rules(data, source: str = "插件规则") -> list[Rule]:
    """Validate rule dicts (YAML shape) and compile them; ``InputError`` if malformed."""
    if isinstance(data, Mapping) or not isinstance(data, Iterable) or isinstance(data, (str, bytes)):
        raise InputError(f"{source}：规则必须是列表")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data, 1):
        rule = _parse_rule(raw, f"{source}第 {i} 条")
        if rule.id in seen:
            raise InputError(f"{source}：规则 id “{rule.id}” 重复")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _str_list(value, what: str, where: str, allow_empty: bool = True) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)) \
            or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"{where}：{what} 必须是非空字符串的列表")
    if not value and not allow_empty:
        raise InputError(f"{where}：{what} 不能为空")
    return tuple(value)


def _parse_rule(raw, where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise InputError(f"{where}：每条规则必须是一个映射（id、severity、message、engine …）")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise InputError(f"{where}：id 必须是小写字母、数字和连字符，例如 web-leftover")
    where = f"{where}（{rule_id}）"
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise InputError(f"{where}：severity 必须是 error、warning 或 info")
    message = raw.get("message")
    if not isinstance(message, str) or not message.strip():
        raise InputError(f"{where}：缺少 message")
    name = raw.get("engine")
    if name not in ENGINES:
        raise InputError(f"{where}：未知的 engine {name!r}（可用：{'、'.join(sorted(ENGINES))}）")
    engine_keys = set().union(*_ENGINE_KEYS.values())
    misplaced = sorted((set(raw) & engine_keys) - _ENGINE_KEYS.get(name, set()))
    if misplaced:
        raise InputError(f"{where}：engine {name} 不用字段 {', '.join(misplaced)}")
    # Other keys (a plugin's "replacements", "unit" …) are kept as metadata.
    examples = raw.get("examples") or {}
    if not isinstance(examples, Mapping) or set(examples) - {"flag", "pass"}:
        raise InputError(f"{where}：examples 只能有 flag 和 pass 两个列表")
    examples = {k: _str_list(examples.get(k), f"examples.{k}", where) for k in ("flag", "pass")}
    rule = Rule(id=rule_id, severity=severity, message=message, engine=name,
                exceptions=_str_list(raw.get("exceptions"), "exceptions", where),
                examples=examples, source=where,
                options={k: v for k, v in raw.items() if k not in _COMMON_KEYS})
    if name == "regex":
        pattern = raw.get("pattern")
        items = _str_list(pattern, "pattern", where, False) if isinstance(pattern, (list, tuple)) \
            else (pattern,) if isinstance(pattern, str) and pattern else None
        if not items:
            raise InputError(f"{where}：regex 规则需要 pattern（一个正则表达式或它们的列表）")
        try:
            rule.compiled = _compile_items(items)
        except re.error as exc:
            raise InputError(f"{where}：pattern 不是有效的正则表达式：{exc}") from exc
        pattern = "|".join(items)
        rule.pattern = pattern
        fix = raw.get("fix")
        if fix is not None and not isinstance(fix, str):
            raise InputError(f"{where}：fix 必须是字符串")
        rule.fix = fix
    elif name == "words":
        rule.words = _str_list(raw.get("words"), "words", where, allow_empty=False)
        from assistant.check import recache

        alternation = "|".join(re.escape(w) for w in sorted(set(rule.words), key=len, reverse=True))
        rule.compiled = recache.compile(alternation)
    elif name == "marks":
        marks = raw.get("marks")
        if not isinstance(marks, Mapping) or not marks or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in marks.items()):
            raise InputError(f"{where}：marks 必须是 词语: 说明 的非空映射")
        from assistant.units.fitness import _trie_pattern

        rule.compiled = re.compile(_trie_pattern(marks))
        partners = raw.get("partners") or ()
        if partners:
            words = _str_list(partners, "partners", where)
            # a partner word, then up to eight characters of the same clause
            rule.options["_partner"] = re.compile("(?:" + "|".join(map(re.escape, words)) + ")[^，。；！？,;!?]{0,8}$")
        owners = raw.get("owners") or {}
        if owners:
            if not isinstance(owners, Mapping) or not all(isinstance(k, str) and k and isinstance(v, str)
                                                          for k, v in owners.items()):
                raise InputError(f"{where}：owners 必须是 词语: 单位类型 的映射")
            alt = "|".join(re.escape(w) for w in sorted(owners, key=len, reverse=True))
            # a unit named just before the mark (银行柜员), or visited in the sentence (进校园,
            # 走进县第三中学): its marks there name that unit, not who writes
            rule.options["_owner"] = re.compile(f"(?:{alt})$")
            own = _str_list(raw.get("own") or [], "own", where)
            if own:
                rule.options["_own"] = re.compile("|".join(re.escape(w) for w in sorted(own, key=len, reverse=True)))
            rule.options["_visit"] = re.compile(f"进校园|进课堂|进(?:{alt})|(?:走进|深入|来到)[^，。；！？,;!?\n]{{0,12}}?(?:{alt}|校园)")
            # a unit the writer acts on (督促学校落实…, 对全县学校食堂开展检查): its people and business
            # in that clause are the unit's, seen by the writer
            rule.options["_object"] = re.compile(
                f"(?:对|督促|检查|指导|约谈|要求|帮助|走访|推动|引导|监督)[^，。；！？,;!?\n]{{0,8}}?(?:{alt})")
    elif name == "duplicate-sentence":
        value = rule.options.get("min_chars", 12)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(f"{where}：min_chars 必须是正整数")
    return rule


def _compile_items(items) -> tuple:
    """Compile a regex rule's pattern(s) for speed.

    Python's regex engine scans fast only when a pattern starts with something
    simple. When the possible first characters of every item are known, the
    items are joined into one pattern behind a look-ahead on those characters
    (several times faster on long reports); otherwise each item is its own regex.
    Both find the same text (tests check it on the seed files).
    """
    from assistant.check import recache

    if len(items) == 1:  # nothing to join
        return (recache.compile(items[0], re.M),)
    firsts = [recache.cached("first:" + p, lambda p=p: _sorted_or_none(first_chars(p))) for p in items]
    if all(f is not None for f in firsts):
        chars = "".join(sorted(set("".join(firsts))))
        # One alternation of all the items' alternatives: the regex engine skips the
        # ones whose first character does not match without entering them (the
        # same as "(?:item1)|(?:item2)|...": alternatives are tried in order).
        joined = "|".join(items)
        try:
            return (recache.compile(f"(?=[{_class_escape(chars)}])(?:{joined})", re.M),)
        except re.error:  # one item is bad (reported below) or too many groups
            pass
    return tuple(recache.compile(p, re.M) for p in items)  # raises re.error for a bad item


def _sorted_or_none(chars: set[str] | None) -> str | None:
    return None if chars is None else "".join(sorted(chars))


def _class_escape(chars: str) -> str:
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


def first_chars(pattern: str) -> set[str] | None:
    """The characters a match of ``pattern`` can start with, or None if unknown
    (or if it could match the empty string). Conservative: any construct not
    understood gives None (the analysis is ``recache``'s start set). It reads the pattern
    with ``re._parser``, a private API: None where ``recache`` is not enabled."""
    from assistant.check.recache import enabled

    if not enabled():
        return None
    try:
        try:
            from re import _constants as C, _parser as P  # Python 3.11+
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_constants as C  # type: ignore[no-redef]
            import sre_parse as P  # type: ignore[no-redef]
        from assistant.check.recache import start_items

        parsed = P.parse(pattern, re.M)
        if parsed.state.flags & (re.I | re.X):
            return None
        items = start_items(list(parsed), C)
        if items is None:
            return None
        chars: set[str] = set()
        for op, av in items:  # LITERAL or RANGE
            if op is C.LITERAL:
                chars.add(chr(av))
            elif av[1] - av[0] <= 300:
                chars.update(map(chr, range(av[0], av[1] + 1)))
            else:
                return None
    except Exception:  # internal API: never let an optimisation break checking
        return None
    return chars if chars and len(chars) <= 300 else None


# --- running rules ----------------------------------------------------------------------

def check_text(text: str, fmt: str = "txt", *, config=None,
               extra_rules: Iterable[Mapping] = ()) -> list[Finding]:
    """Every finding in ``text`` (placeholders and the other defects), sorted by position.

    ``config`` is a ``CheckConfig``, or the ``[check]`` table as a dict, or None
    (every rule at its own severity, nothing ignored; no file is read here).
    ``extra_rules`` are rule dicts in the YAML shape, e.g. from a unit plugin.
    """
    return check_rows(text, fmt, config=config, extra_rules=extra_rules).findings()


def check_rows(text: str, fmt: str = "txt", *, config=None,
               extra_rules: Iterable[Mapping] = ()) -> Rows:
    """``check_text`` as ``Rows`` (what ``assist check`` prints from)."""
    if config is None:
        config = CheckConfig()
    elif not isinstance(config, CheckConfig):
        config = from_mapping(config)
    rules = list(builtin_rules())
    extra = list(extra_rules or ())
    if extra:
        rules += _parsed_extra(extra)
    return run_rows(text, fmt, rules, config)


_EXTRA_CACHE: dict[str, list[Rule]] = {}


def _parsed_extra(extra: list) -> list[Rule]:
    """Plugin rules, validated and compiled once per distinct list (callers such as
    ``assist draft`` check many short texts with the same rules)."""
    import json

    try:
        key = json.dumps(extra, sort_keys=True, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        key = None
    if key is not None and key in _EXTRA_CACHE:
        return _EXTRA_CACHE[key]
    added = parse_rules(extra, source="插件规则")
    taken = {r.id for r in builtin_rules()}
    for r in added:
        if r.id in taken:
            raise InputError(f"插件规则 id “{r.id}” 与已有规则重名")
    if key is not None:
        if len(_EXTRA_CACHE) >= 16:
            _EXTRA_CACHE.clear()
        _EXTRA_CACHE[key] = added
    return added


def run_rules(text: str, fmt: str, rules, config: CheckConfig) -> list[Finding]:
    """Every finding of ``rules`` in ``text``, sorted by position (start, end, rule id)."""
    return run_rows(text, fmt, rules, config).findings()


def run_rows(text: str, fmt: str, rules, config: CheckConfig) -> Rows:
    """``run_rules`` as ``Rows`` (see findings.Rows): the same findings, in the same
    order, as one tuple each rather than an object."""
    ctx = Context(text, fmt)
    disabled = _disabled_regions(ctx) if "assist-disable" in text else None
    ignore = tuple(config.ignore_words)
    starts = ctx.line_starts
    line_offset = [0] + starts  # 1-based line number → offset of its first character
    rows = Rows()
    append = rows.append
    seq = 0
    for rule in rules:
        severity = config.severity(rule.id, rule.severity)
        if severity == "off":
            continue
        words = rule.exceptions + ignore
        rid, template = rule.id, rule.message
        # The message depends on what the template uses: the text, the detail or
        # both; it is made once per distinct value.
        uses_text = "{text" in template or "{match" in template
        uses_detail = "{detail" in template or not uses_text
        messages: dict = {}
        for start, end, detail, kind, edits in ENGINES[rule.engine](ctx, rule):
            if words and _excepted(text, start, end, words):
                continue
            line = bisect_right(starts, start)  # 1-based line number
            if disabled is not None and _is_disabled(disabled, rid, line):
                continue
            shown = text[start:end]
            if "\n" in shown or "\r" in shown:  # a hit across lines shows its first line
                shown = _first_line(shown)
            key = (shown, detail) if uses_text and uses_detail else shown if uses_text else detail
            message = messages.get(key)
            if message is None:
                message = messages[key] = template.format_map(_Vars(text=shown, match=shown, detail=detail))
            col = start - line_offset[line] + 1
            append((start, end, rid, seq, line, col, col + len(shown), shown, kind, severity, message,
                    edits))
            seq += 1
    rows.sort()  # by position (start, end, rule id), then in the order found
    return rows


def _first_line(shown: str) -> str:
    if "\n" in shown:
        shown = shown[:shown.index("\n")]
    if shown[-1:] == "\r":
        shown = shown.rstrip("\r")
    return shown


class _Vars(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _excepted(text: str, start: int, end: int, words) -> bool:
    """True if text[start:end] lies inside an occurrence of one of ``words``."""
    for w in words:
        n = len(w)
        if n < end - start:
            continue
        i = text.find(w, max(0, end - n), start + n)
        while 0 <= i <= start:
            if i + n >= end:
                return True
            i = text.find(w, i + 1, start + n)
    return False


_MARKER = _rx(r"assist-(disable|enable)((?:[ \t]*[,，]?[ \t]*[a-z0-9][a-z0-9-]*)*)")
_ALL = "*"


def _disabled_regions(ctx: Context) -> dict[str, list[tuple[int, int]]]:
    """rule id (or "*" for all) → [(first line, last line)] switched off by markers.

    ``assist-disable`` switches every rule off until ``assist-enable``;
    ``assist-disable rule-a rule-b`` only those rules. Both marker lines are
    inside the region; without an ``assist-enable`` it runs to the end.
    """
    open_at: dict[str, int] = {}
    regions: dict[str, list[tuple[int, int]]] = {}
    for m in _MARKER.finditer(ctx.text):
        line = ctx.line_col(m.start())[0]
        ids = re.findall(r"[a-z0-9][a-z0-9-]*", m.group(2)) or [_ALL]
        if m.group(1) == "disable":
            for rid in ids:
                open_at.setdefault(rid, line)
        else:
            targets = list(open_at) if ids == [_ALL] else ids
            for rid in targets:
                if rid in open_at:
                    regions.setdefault(rid, []).append((open_at.pop(rid), line))
    last = len(ctx.line_starts)
    for rid, start in open_at.items():
        regions.setdefault(rid, []).append((start, last))
    return regions


def _is_disabled(regions: dict[str, list[tuple[int, int]]], rule_id: str, line: int) -> bool:
    for key in (_ALL, rule_id):
        for a, b in regions.get(key, ()):
            if a <= line <= b:
                return True
    return False


def rule_examples_failures(rule_dicts: Iterable[Mapping] = ()) -> list[str]:
    """Run every rule's should-flag / should-pass examples; the failures, in Chinese.

    With no argument, the built-in rules; plugin authors pass their own rule
    dicts to test them the same way.
    """
    rules = list(builtin_rules()) if not rule_dicts else parse_rules(list(rule_dicts))
    failures = []
    for rule in rules:
        for fmt_text in rule.examples.get("flag", ()):
            hits = run_rules(fmt_text, "txt", [rule], CheckConfig())
            if not hits:
                failures.append(f"{rule.id}：应当报出却没有报出：{fmt_text!r}")
        for fmt_text in rule.examples.get("pass", ()):
            hits = run_rules(fmt_text, "txt", [rule], CheckConfig())
            if hits:
                failures.append(f"{rule.id}：不应报出却报出了 {hits[0].text!r}：{fmt_text!r}")
    return failures

