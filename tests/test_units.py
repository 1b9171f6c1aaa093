"""Unit types as plugins: discovery, the built-in data, check rules, adaptation, guessing."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.units import CORE_KINDS, get_unit, guess_unit, kind_parent, unit_names
from assistant.units import manager
from assistant.units.adapt import speak_as
from assistant.units.model import find_matches

DATA = Path(__file__).parent / "data" / "units"
TEST_PLUGINS = DATA / "plugins"
RICH = ("school", "bank", "village")
BUILTIN = ("school", "bank", "village", "town", "community", "county", "city", "enterprise",
           "health", "police", "department")


@pytest.fixture(autouse=True)
def _fresh_registry():
    manager.reset()
    yield
    manager.reset()


def units_json(cli, *pre: str) -> tuple[dict, str]:
    r = cli(*pre, "units", "--format", "json")
    assert r.exit_code == 0, r.stderr
    return {u["name"]: u for u in json.loads(r.stdout)["units"]}, r.stderr


# ---- assist units ------------------------------------------------------------------------

def test_units_json_lists_builtin_types_with_fields_and_kinds(cli):
    units, stderr = units_json(cli)
    assert stderr == ""
    assert set(BUILTIN) <= set(units)
    for name in RICH:
        u = units[name]
        assert u["label"] and u["aliases"]
        assert len(u["fields"]) >= 6
        for f in u["fields"]:
            assert set(f) >= {"name", "label", "measure", "type", "aliases"}
            assert f["type"] in ("number", "date", "name", "text")
        assert u["kinds"] and all(k["parent"] in CORE_KINDS for k in u["kinds"])
    assert units["school"]["label"] == "学校"
    assert {"中小学", "幼儿园", "教育局"} <= set(units["school"]["aliases"])
    kinds = {k["label"]: k["parent"] for n in RICH for k in units[n]["kinds"]}
    assert kinds["教学安排"] == "operations"
    assert kinds["金融服务"] == "operations"
    assert kinds["村务公开"] == "publicity"
    labels = {f["label"]: f for f in units["village"]["fields"]}
    assert labels["排查户数"]["measure"] == "户" and labels["排查户数"]["type"] == "number"


def test_units_text_output(cli):
    r = cli("units")
    assert r.exit_code == 0
    assert "school  学校" in r.stdout
    assert "金融服务 → 业务运行" in r.stdout
    assert "排查户数（户）" in r.stdout


# ---- the built-in data, table-driven ----------------------------------------------------------

@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_outline_fields_and_vocabulary(name):
    unit = get_unit(name)
    kinds = [o.kind for o in unit.outline]
    assert len(set(kinds)) >= 6
    assert kinds[0] == "opening" and kinds[-1] == "closing"
    assert {"problems", "next_steps"} <= set(kinds)
    for o in unit.outline:
        assert o.kind in CORE_KINDS or unit.kind(o.kind) is not None
        assert o["heading"] == o.heading  # readable like the {kind, heading} of the spec
    assert len(unit.fields) >= (6 if name in RICH else 5)
    # its forbidden words are other units' words for themselves or their whole (我行, 全村):
    # never one of its own, never one it writes when it speaks as itself
    rule = next(r for r in unit.check_rules() if r["id"] == "unit-forbidden-word")
    others = {w for u in (get_unit(n) for n in BUILTIN if n != name) for c in ("self", "whole")
              for w in u.terms.get(c, ())}
    assert set(unit.forbidden) <= others, set(unit.forbidden) - others
    assert not [w for ws in unit.terms.values() for w in ws if find_matches(rule, w)]


@pytest.mark.parametrize("name", BUILTIN)
def test_check_rules_shape_and_examples(name):
    rules = get_unit(name).check_rules()
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert "unit-forbidden-word" in ids
    for rule in rules:
        assert rule["severity"] in ("error", "warning", "info")
        assert "{match}" in rule["message"]
        assert rule["engine"] in ("words", "regex")
        assert rule["words"] if rule["engine"] == "words" else rule["pattern"]
        assert isinstance(rule["exceptions"], list)
        # every rule says what it flags and what it lets pass, and means it
        assert rule["examples"]["flag"] and rule["examples"]["pass"], rule["id"]
        for text in rule["examples"]["flag"]:
            assert find_matches(rule, text), (rule["id"], text)
        for text in rule["examples"]["pass"]:
            assert not find_matches(rule, text), (rule["id"], text)


def test_forbidden_word_rule_for_school():
    rule = next(r for r in get_unit("school").check_rules() if r["id"] == "unit-forbidden-word")
    assert rule["severity"] == "error" and rule["engine"] == "words"
    assert rule["message"] == '学校的报告中不应出现"{match}"'
    assert {"我行", "全村"} <= set(rule["words"])
    assert "我行我素" in rule["exceptions"]
    text = "我行安排专人值守，全村上下齐心，我行我素要不得"
    assert [m for _, _, m in find_matches(rule, text)] == ["我行", "全村"]
    # a bank report has no 我校 and no 全村
    bank = next(r for r in get_unit("bank").check_rules() if r["id"] == "unit-forbidden-word")
    assert {"我校", "全村"} <= set(bank["words"])


def test_get_unit_by_name_label_alias_and_unknown():
    assert get_unit("school") is get_unit("学校") is get_unit("幼儿园") is get_unit("教育局")
    assert get_unit("BANK").name == "bank"
    assert get_unit("村委会").name == "village"
    assert set(BUILTIN) <= set(unit_names())
    with pytest.raises(InputError) as err:
        get_unit("火星基地")
    assert str(err.value).startswith("未知的单位类型：火星基地（可用：")
    assert "school" in str(err.value)


def test_kind_parent():
    assert kind_parent("teaching") == "operations"
    assert kind_parent("financial_service") == "operations"
    assert kind_parent("village_affairs") == "publicity"
    assert kind_parent("screening") == "screening"
    assert kind_parent("no-such-kind", None) is None
    with pytest.raises(InputError):
        kind_parent("no-such-kind")


# ---- third-party plugins -------------------------------------------------------------------

HOSPICE = """
name = "kindergarten-x"
label = "托育机构"
aliases = ["托儿所", "托育中心"]
forbidden = ["村民", "客户"]
keep = ["客户端"]

[terms]
self = ["我园"]
whole = ["全园"]
people = ["幼儿和家长", "幼儿"]
returnees = ["返园幼儿"]

[vocabulary]
"入户走访" = "家园联系"

[[outline]]
kind = "opening"
[[outline]]
kind = "care_routine"
heading = "做好保育工作"
[[outline]]
kind = "closing"

[[kinds]]
id = "care_routine"
label = "保育照护"
parent = "care"
cues = ["保育", "午睡", "晨检"]

[[fields]]
name = "children"
label = "在园幼儿"
measure = "名"
aliases = ["幼儿人数"]

[[rules]]
id = "kg-wording"
severity = "warning"
message = '宜写作"幼儿"，而不是"{match}"'
engine = "words"
words = ["小朋友们"]
examples = { flag = ["小朋友们按时晨检。"], pass = ["幼儿按时晨检。"] }
"""


def write_plugin(root: Path, name: str, text: str, file: str = "unit.toml") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / file).write_text(text, encoding="utf-8")
    return folder


def test_data_only_plugin_folder_adds_a_unit_type(cli, tmp_path, monkeypatch):
    plugins = tmp_path / "my-plugins"
    write_plugin(plugins, "kg", HOSPICE)
    units, stderr = units_json(cli, "--plugins", str(plugins))
    assert stderr == ""
    kg = units["kindergarten-x"]
    assert kg["label"] == "托育机构"
    assert kg["kinds"] == [{"id": "care_routine", "label": "保育照护", "parent": "care"}]
    assert kg["fields"][0]["label"] == "在园幼儿"
    assert set(BUILTIN) <= set(units)  # the built-in ones keep working

    # the --plugins option lasts one command; the environment variable works the same way
    assert "kindergarten-x" not in units_json(cli)[0]
    monkeypatch.setenv("ASSIST_PLUGINS", os.pathsep.join([str(plugins), str(TEST_PLUGINS / "library")]))
    units, stderr = units_json(cli)
    assert {"kindergarten-x", "library"} <= set(units) and stderr == ""
    manager.reset()
    unit = get_unit("托儿所")
    assert unit.name == "kindergarten-x" and unit.plugin == "kg"
    assert get_unit("图书馆").name == "library"  # a YAML plugin folder named directly
    assert kind_parent("care_routine") == "care"
    # its rules and forbidden words reach `check --unit` through check_rules()
    rules = {r["id"]: r for r in unit.check_rules()}
    assert set(rules) == {"kg-wording", "unit-forbidden-word"}
    assert rules["unit-forbidden-word"]["words"] == ["村民", "客户"]
    # keep words protect everywhere: the exceptions are every unit's keep words that
    # contain one of its forbidden words
    assert {"客户端", "村民委员会"} == set(rules["unit-forbidden-word"]["exceptions"])
    # another unit's word for who speaks becomes its own
    assert speak_as("我村组织入户走访", unit) == f"{unit.terms['self'][0]}组织入户走访"


PY_PLUGIN = (
    "from assistant.units import Unit, hookimpl\n\n"
    "@hookimpl\n"
    "def register_units(register):\n"
    "    register({'name': 'stadium', 'label': '体育场馆', 'aliases': ['体育馆'],\n"
    "              'kinds': [{'id': 'events', 'label': '赛事活动', 'parent': 'operations'}]})\n"
    "    register(Unit(name='zoo', label='动物园', vocabulary={'村民': '游客'}))\n")


def test_plugin_folder_code_runs_only_when_asked(cli, tmp_path, monkeypatch):
    folder = tmp_path / "pyplug"
    folder.mkdir()
    (folder / "plugin.py").write_text(PY_PLUGIN, encoding="utf-8")
    # a folder is data: its plugin.py does not run unasked, and the user is told why
    units, stderr = units_json(cli, "--plugins", str(folder))
    assert "stadium" not in units
    assert stderr.strip().splitlines() == [stderr.strip()]
    assert "pyplug" in stderr and "--run-plugin-code" in stderr
    # asked for by option or by setting, it runs
    units, stderr = units_json(cli, "--plugins", str(folder), "--run-plugin-code")
    assert stderr == ""
    assert units["stadium"]["plugin"] == "pyplug"
    assert units["stadium"]["kinds"][0]["parent"] == "operations"
    monkeypatch.setenv("ASSIST_PLUGINS", str(folder))
    monkeypatch.setenv("ASSIST_RUN_PLUGIN_CODE", "1")
    assert get_unit("动物园").vocabulary["村民"] == "游客"


def test_plugin_folder_with_data_and_code_loads_data_only(cli, tmp_path):
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "unit.toml").write_text('name = "aquarium"\nlabel = "水族馆"\n', encoding="utf-8")
    (folder / "plugin.py").write_text("raise RuntimeError('ran')\n", encoding="utf-8")
    units, stderr = units_json(cli, "--plugins", str(folder))
    assert units["aquarium"]["label"] == "水族馆"
    assert "没有运行" in stderr and "ran" not in stderr


@pytest.mark.parametrize("body", [
    "import sys\nsys.exit(0)\n",
    "from assistant.units import hookimpl\n\n@hookimpl\ndef register_units(register):\n    raise SystemExit(0)\n",
    "raise KeyError('boom')\n",
])
def test_a_plugin_cannot_end_the_command(cli, tmp_path, body):
    """A plugin's exception or SystemExit is contained: named on stderr, skipped, and the
    command's exit code is its own (a check that finds placeholders still exits 1)."""
    folder = tmp_path / "exiter"
    folder.mkdir()
    (folder / "plugin.py").write_text(body, encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("共排查xx户。\n", encoding="utf-8")
    r = cli("--plugins", str(folder), "--run-plugin-code", "check", str(report), "--unit", "school")
    assert r.exit_code == 1, (r.stdout, r.stderr)
    assert "placeholder" in r.stdout
    assert "插件 exiter 无法加载，已跳过" in r.stderr
    units, _ = units_json(cli, "--plugins", str(folder), "--run-plugin-code")
    assert set(BUILTIN) <= set(units)


def test_empty_plugin_folder_and_shadowed_label_are_reported(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _, stderr = units_json(cli, "--plugins", str(empty))
    assert "中没有插件" in stderr and str(empty) in stderr
    extra = tmp_path / "extra"
    write_plugin(extra, "myschool", 'name = "myschool"\nlabel = "学校"\n')
    units, stderr = units_json(cli, "--plugins", str(extra))
    assert "myschool" in units
    assert "“学校”已属于 school" in stderr
    manager.reset()


def test_broken_plugins_are_named_and_skipped(cli, tmp_path):
    extra = tmp_path / "more"
    write_plugin(extra, "dup", 'name = "school"\nlabel = "又一个学校"\n')
    write_plugin(extra, "clash", 'name = "clash"\nlabel = "冲突"\n'
                 '[[kinds]]\nid = "teaching"\nlabel = "教学"\nparent = "care"\n')
    units, stderr = units_json(cli, "--plugins", str(TEST_PLUGINS), "--plugins", str(extra),
                               "--run-plugin-code")
    lines = stderr.strip().splitlines()
    named = {re.match(r"assist: 警告：插件 (\S+) 无法加载，已跳过：", line).group(1) for line in lines}
    assert named == {"broken_data", "broken_import", "bad_kind", "dup", "clash"}
    by_name = dict(zip(sorted(named), sorted(lines)))
    assert "unit.toml 格式错误" in by_name["broken_data"]
    assert "assist_no_such_module_xyz" in by_name["broken_import"]
    assert "nonsense" in by_name["bad_kind"]
    assert "已由插件 school 注册" in by_name["dup"]
    assert "teaching" in by_name["clash"]
    # the good ones still work, and nothing of the broken ones leaked in
    assert "library" in units and set(BUILTIN) <= set(units)
    assert not {"broken", "orphan", "badkind", "clash"} & set(units)
    assert units["school"]["label"] == "学校"


def test_missing_plugin_folder_is_an_input_error(cli, tmp_path):
    r = cli("--plugins", str(tmp_path / "nope"), "units")
    assert r.exit_code == 2
    assert r.stderr.strip() == f"assist: 错误：插件文件夹不存在：{tmp_path / 'nope'}"


def _build_wheel(src: Path, out: Path) -> Path:
    """A wheel of the test package, from its pyproject.toml (no build backend needed)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dist, version = project["name"].replace("-", "_"), project["version"]
    info = f"{dist}-{version}.dist-info"
    files = {p.relative_to(src).as_posix(): p.read_bytes()
             for p in sorted(src.rglob("*")) if p.is_file() and p.suffix in (".py", ".toml")
             and p.name != "pyproject.toml" and "__pycache__" not in p.parts}
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {version}\n".encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/entry_points.txt"] = "".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items())
        for group, eps in project["entry-points"].items()).encode()
    record = [f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"
              for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = out / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


@pytest.fixture(scope="session")
def museum_site(tmp_path_factory) -> Path:
    """The test package pip-installed into its own folder (``pip install --target``)."""
    work = tmp_path_factory.mktemp("museum")
    wheel = _build_wheel(DATA / "museum-pkg", work)
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", "--target", str(target), str(wheel)],
        check=True, env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"}, capture_output=True)
    return target


def test_pip_installed_plugin_found_through_entry_point(cli, museum_site, monkeypatch):
    monkeypatch.syspath_prepend(str(museum_site))
    try:
        units, stderr = units_json(cli)
        assert units["museum"]["label"] == "博物馆"
        assert units["museum"]["plugin"] == "museum"
        assert units["museum"]["kinds"][0]["parent"] == "operations"
        assert get_unit("纪念馆").fields[0].label == "接待观众"
        # its second entry point names a module that does not exist: named, skipped
        assert stderr.strip().splitlines() == [
            "assist: 警告：插件 missing 无法加载，已跳过：导入失败：ModuleNotFoundError: "
            "No module named 'assist_unit_museum_not_there'"]
    finally:
        sys.modules.pop("assist_unit_museum", None)


# ---- who speaks ---------------------------------------------------------------------------

@pytest.mark.parametrize("unit,text,expected", [
    ("school", "我镇高度重视，我村迅速行动", "我校高度重视，我校迅速行动"),
    ("bank", "本镇组织开展排查", "我行组织开展排查"),
    # nothing but who speaks: another unit's whole, people and institutions stay (a draft
    # does not take a sentence that names them)
    ("school", "全村村民和村两委干部", "全村村民和村两委干部"),
    ("village", "我村组织村民", "我村组织村民"),
    ("school", "", ""),
])
def test_speak_as_rewrites_who_speaks_only(unit, text, expected):
    assert speak_as(text, get_unit(unit)) == expected


@pytest.fixture(scope="module")
def seed_texts(seed_paths) -> list[str]:
    import opencc

    t2s = opencc.OpenCC("t2s")  # two seed files are in traditional characters
    return [t2s.convert(p.read_text(encoding="utf-8")) for p in seed_paths]


# ---- guessing the unit type of an imported report -----------------------------------------

@pytest.fixture(scope="module")
def seed_reports(seed_paths, seed_texts) -> dict[str, str]:
    """The seed reports by key: 篇一… for the pieces of the 17-report compilation (002),
    else the file's number."""
    texts = {p.name[:3]: t for p, t in zip(seed_paths, seed_texts)}
    parts = re.split(r"\n疫情防控工作的情况报告(篇[一二三四五六七八九十]+)\n", texts.pop("002"))
    texts.update({parts[i]: parts[i + 1] for i in range(1, len(parts), 2)})
    return texts


@pytest.mark.parametrize("key,title,expected", [
    ("篇一", "疫情防控工作的情况报告", "police"),  # 分局党委…全警动员
    ("篇四", "疫情防控工作的情况报告", "bank"),  # 全行…员工和客户…网点
    ("篇五", "疫情防控工作的情况报告", "school"),  # 教育系统…师生…校园
    ("篇十", "疫情防控工作的情况报告", "village"),  # 两委班子…村民…全村226户
    ("篇九", "疫情防控工作的情况报告", "department"),  # 涪陵区妇联坚决贯彻…（though it speaks of 企业）
    ("篇十一", "疫情防控工作的情况报告", "department"),  # 我市文旅行业…我局
    ("001", "乡镇抗击肺炎疫情阻击战工作情况汇报", "town"),
    ("003", "2023年XX市疫情防控工作汇报", "city"),
    ("004", "市卫生健康委喜迎二十大安保维稳疫情防控工作情况汇报", "health"),
])
def test_guess_unit_on_seed_reports(seed_reports, key, title, expected):
    assert guess_unit(title, seed_reports[key]) == expected


def test_guess_unit_title_and_default():
    assert guess_unit("XX小学疫情防控工作汇报", "") == "school"
    assert guess_unit("市卫生健康委工作情况汇报", "") == "health"  # longest alias wins over 市
    assert guess_unit("工作汇报", "今天天气很好。") == ""
    assert guess_unit("工作汇报", "", default="town") == "town"


# ---- lazy and fast -------------------------------------------------------------------------

def test_loading_units_imports_no_nlp():
    code = (
        "import sys\n"
        "import assistant.units\n"
        "assert 'pluggy' not in sys.modules\n"
        "from assistant.units import all_units, get_unit\n"
        "assert len(all_units()) >= 11 and get_unit('school').check_rules()\n"
        "from assistant import segment\n"
        "assert segment._backend is None, 'segmentation dictionary loaded'\n"
        "bad = [m for m in ('sklearn', 'jieba', 'rjieba', 'yaml', 'numpy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert r.returncode == 0, r.stderr


def test_issuer_names_who_signs_by_topic(cli, tmp_path):
    """unit.toml ``issuer``: the draft's title and signature name the issuing body, by topic;
    a name that already names one is kept; a template without {name} is refused by name."""
    from assistant.units import get_unit

    county = get_unit("county")
    assert county.issuer_name("××县") == "××县人民政府"
    assert county.issuer_name("××县", "party") == "中共××县委员会"
    assert county.issuer_name("青山县人民政府") == "青山县人民政府"
    assert get_unit("school").issuer_name("××学校", "party") == "××学校"  # no issuer: as named
    extra = tmp_path / "more"
    write_plugin(extra, "badissuer", 'name = "badissuer"\nlabel = "坏落款"\n[issuer]\ndefault = "人民政府"\n')
    _, stderr = units_json(cli, "--plugins", str(extra))
    assert "插件 badissuer 无法加载" in stderr and "issuer" in stderr
    manager.reset()


def test_parsed_plugin_files_are_cached_by_content(cli, tmp_path, monkeypatch):
    """Plugin data files are parsed once and kept (JSON, in the cache folder) by a digest of
    their bytes: an edited unit.toml is read afresh, a damaged cache file is ignored."""
    from assistant.units import model

    cache = tmp_path / "cache"
    monkeypatch.setenv("ASSIST_CACHE", str(cache))
    monkeypatch.setattr(model, "_parsed", None)
    extra = tmp_path / "more"
    folder = write_plugin(extra, "museum", 'name = "museum"\nlabel = "博物馆"\n')
    units, _ = units_json(cli, "--plugins", str(extra))
    assert units["museum"]["label"] == "博物馆"
    stored = json.loads((cache / model.PARSE_CACHE).read_text(encoding="utf-8"))
    assert {"name": "museum", "label": "博物馆"} in [json.loads(v) for v in stored["entries"].values()]
    manager.reset()
    (folder / "unit.toml").write_text('name = "museum"\nlabel = "纪念馆"\n', encoding="utf-8")
    units, _ = units_json(cli, "--plugins", str(extra))
    assert units["museum"]["label"] == "纪念馆"
    manager.reset()
    (cache / model.PARSE_CACHE).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(model, "_parsed", None)
    units, stderr = units_json(cli, "--plugins", str(extra))
    assert units["museum"]["label"] == "纪念馆" and "school" in units
    manager.reset()
