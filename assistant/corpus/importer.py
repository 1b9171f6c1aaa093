"""Importing reports into a corpus: split, sort, guess the unit, store.

A file as found on the web is rarely one report. Compilations carry 篇一 …
篇十七 or "3篇" with a title before each report; a Word file may hold two
reports one after the other; some 篇 of a compilation are several reports
glued together with no title between them; and some pieces are not work
reports at all (essays, a survey). ``split_reports`` cuts a normalised text
into :class:`Piece` objects, each with a title, a guessed unit type and a
type (report, essay, survey, other); ``import_paths`` reads files, splits them
and writes one corpus file per piece (reports into ``reports/``, the rest
into ``other/``).

Everything that decides here is data at the top of this module (UNIT_TABLE,
the opening and essay cues), so it can be tuned or replaced (unit plugins)
without touching the logic.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from assistant.normalize import (COMPILATION_TITLE, HEADING_START, LIST_START, PIAN_TITLE,
                                 is_title_line, normalize)
from assistant.textmap import MappedText

# --- data -----------------------------------------------------------------
# Unit types and how a report gives its writer away. ``label`` and
# ``aliases`` are what --unit accepts besides the id. ``self`` cues are the
# writer speaking of itself (weight 3), ``words`` are the vocabulary of the
# sector (weight 1); ``title`` cues decide when the title names the unit;
# ``org`` cues map the subject of the opening sentence (市文化和旅游局党组高度重视).
UNIT_TABLE: dict[str, dict[str, list[str] | str]] = {
    "police": {"label": "公安", "aliases": ["公安局", "派出所", "公安分局"],
               "title": ["公安", "派出所", "分局", "警"], "org": ["公安", "分局", "派出所", "警"],
               "self": ["我局民警", "全警", "我所"], "words": ["民警", "警力", "警辅", "公安", "分局", "派出所"]},
    "health": {"label": "卫生健康", "aliases": ["卫健", "卫生", "医院", "卫生院", "疾控"],
               "title": ["卫生", "卫健", "医院", "疾控", "卫生院"], "org": ["卫生", "卫健", "医院", "疾控"],
               "self": ["我院", "全院", "本院", "我委"], "words": ["卫健", "卫生健康委", "卫生健康局", "医疗卫生机构"]},
    "bank": {"label": "银行", "aliases": ["银行", "支行", "金融"],
             "title": ["银行", "支行", "分行", "信用社"], "org": ["银行", "支行", "分行", "信用社"],
             "self": ["我行", "全行", "本行"], "words": ["网点", "银行", "金融服务"]},
    "school": {"label": "学校", "aliases": ["学校", "教育", "幼儿园", "中学", "小学"],
               "title": ["学校", "小学", "中学", "学院", "大学", "幼儿园", "教育", "教体"],
               "org": ["学校", "小学", "中学", "学院", "大学", "幼儿园", "教育", "教体"],
               "self": ["我校", "全校", "本校", "我园", "全园", "本园"],
               "words": ["学校", "师生", "教职工", "学生", "幼儿", "教师", "开学", "校园", "各校"]},
    "enterprise": {"label": "企业", "aliases": ["企业", "公司", "集团"],
                   "title": ["公司", "集团", "企业", "工厂"], "org": ["公司", "集团", "企业", "厂"],
                   "self": ["我公司", "本公司", "我司", "我集团", "全公司"],
                   "words": ["公司", "集团", "项目部", "参建单位"]},
    "community": {"label": "社区", "aliases": ["社区", "居委会"],
                  "title": ["社区", "居委会"], "org": ["社区", "居委会"],
                  "self": ["我社区", "本社区", "全社区", "社区两委", "社区党委", "社区居委会"],
                  "words": ["社区", "小区", "居民", "楼栋", "网格员"]},
    "village": {"label": "村", "aliases": ["村委会", "行政村", "村两委"],
                "title": ["村"], "org": ["村", "村委会", "两委"],
                "self": ["我村", "全村", "本村", "村两委班子", "两委班子"],
                "words": ["村民", "村组", "村委会"]},
    "town": {"label": "乡镇", "aliases": ["乡镇", "镇", "乡", "街道"],
             "title": ["镇", "乡", "街道"], "org": ["镇", "乡", "街道"],
             "self": ["我镇", "全镇", "本镇", "我乡", "全乡", "本乡", "该镇", "该乡", "我街道", "全街道"],
             "words": ["镇村", "乡村两级", "驻村", "镇干部", "镇长", "乡长", "街道"]},
    "county": {"label": "县区", "aliases": ["县", "区", "县区"],
               "title": ["县", "区"], "org": ["县", "区"],
               "self": ["我县", "全县", "本县", "我区", "全区", "本区"], "words": ["县委", "县政府", "各乡镇"]},
    "city": {"label": "市", "aliases": ["市", "地市"],
             "title": ["市"], "org": ["市"],
             "self": ["我市", "全市", "本市"], "words": ["市委", "市政府", "各县区", "市区"]},
    "department": {"label": "机关部门", "aliases": ["机关", "部门", "局", "委办局"],
                   "title": ["局", "委员会", "办公室", "妇联", "人大", "政协"],
                   "org": ["局", "委员会", "办", "妇联", "人大", "团委", "工会", "宣传部", "组织部"],
                   "self": ["我局", "本局", "局党组", "局机关", "我办", "我部"], "words": ["局党组", "机关干部"]},
    "other": {"label": "其他", "aliases": [], "title": [], "org": [], "self": [], "words": []},
}
# When the title or the opening names several, the more specific wins.
UNIT_ORDER = ["police", "health", "bank", "school", "enterprise", "community", "village",
              "town", "county", "city", "department"]

# The subject of an opening sentence: an organisation followed by what it did.
OPENING_VERB = re.compile(r"高度重视|坚决贯彻|深入贯彻|认真贯彻|积极行动|认真履行|切实提高|积极响应|迅速行动|迅速反应")
_ORG_BEFORE = re.compile(r"[\w*＊、]{1,24}$")
OPENING_START = re.compile(r"^(?:为|根据|按照|自|新型冠状病毒|新冠|面对|开展|“[^”]{1,12}”疫情|疫情发生|.{0,25}以来)")
STATEMENT = re.compile(r"现[将就].{0,50}?(?:汇报|报告|总结|说明)如下|(?:汇报|报告)如下")
SALUTATION = re.compile(r"^(?!.*(?:如下|现将|现就|汇报|报告|情况|工作|问题|措施|以下|方面|我们|几点))[^，。；：]{2,16}：$")
# The addressee of a speech (各位代表：): what follows is one speech, rhetoric included.
SPEECH_SALUTATION = re.compile(r"^(?:尊敬的)?(?:各位|全体)(?:代表|委员|领导|同志|来宾)[^。；：]{0,12}[：:]|^同志们[：:]")
# Lines before the addressee of a speech that name when, where and who (——2023年1月4日在
# ××市第×届人民代表大会第×次会议上 / ××市人民政府市长××): its byline, not its text.
BYLINE_MAX = 60
# The back matter after a report: glossary, appendices, notes (名词解释, 附件1, 注释…).
BACK_MATTER = re.compile(
    r"^[*【\[《<!\-\s]*(?:《?政府工作报告》?)?(?:有关|部分)?(?:内容)?(?:名词|用语|词语)(?:解释|注释|说明)|"
    r"^[*【\[]*(?:附件|附表|附注|注释|注解|附[:：])|^[（(](?:此件|注[:：])|"
    r"^\*{0,2}(?:.{0,8}\d{4}年|附[:：]).{0,10}(?:民生实事|惠民实事|民生项目)|^(?:-{3,}|\*{3,}|_{3,})$")
BACK_MATTER_FROM = 0.6  # back matter starts in the last 40% of a report's text
# A glossary entry: a number, a term, a colon and its explanation (12.“五社联动”：…).
GLOSSARY_ENTRY = re.compile(r"^[\[［【]?\d{1,3}[\]］】.．、]?\s*[“\"《]?[^：:。，]{1,30}[”\"》]?[:：]")
# A government's own work report: the level of the government names the unit.
GOV_TITLE = re.compile(r"(省|自治区|市|自治州|州|盟|地区|县|区|旗|镇|乡|街道)(?:人民)?政府(?:工作)?报告")
# The government a speaker speaks for (我代表市人民政府向大会报告工作).
GOV_SPEAKER = re.compile(r"我代表[^，。：]{0,12}?(省|自治区|市|自治州|州|盟|地区|县|区|旗|镇|乡|街道)(?:人民)?政府")
_GOV_LEVELS = {"省": "city", "自治区": "city", "市": "city", "自治州": "city", "州": "city", "盟": "city",
               "地区": "city", "县": "county", "区": "county", "旗": "county", "镇": "town", "乡": "town",
               "街道": "town"}
FIRST_PERSON_UNIT = re.compile(r"我(镇|乡|县|区|市|村|校|园|局|行|院|公司|社区|委)")
_FIRST_PERSON_UNITS = {"镇": "town", "乡": "town", "县": "county", "区": "county", "市": "city",
                       "村": "village", "校": "school", "园": "school", "局": "department", "行": "bank",
                       "院": "health", "公司": "enterprise", "社区": "community", "委": "department"}

# Essays: written in the first person singular or to "you", with the rhetoric
# of a speech; work reports count, list and report.
ESSAY_CUES = re.compile(
    r"我(?![们国省市县区镇乡村校局行院所园司部委厅处科队站党])|你|作为一名|誓言|青春|致敬|感动|"
    r"逆行者|英雄|不平凡|让我们|相信我们|我们(?:要|应该|必须|一定)|我们党|年轻干部|"
    r"干部(?:要|应当|一定要)|一定要|如何|所以|然而|不是.{1,10}而是|身影|忠诚|热爱|赤诚|铜墙铁壁|血肉|"
    r"！|……|说：“|之所以|正如|犹如|仿佛")
REPORT_CUES = re.compile(
    r"汇报如下|报告如下|截至|截止|累计|共计|排查|成立了?|落实|部署|开展|领导小组|"
    r"\d+(?:人|户|名|个|家|次|份|处|台|辆|万|余)")
# Facts a work report gives: dates, counts, meetings held, groups set up.
FACT_CUES = re.compile(
    r"\d+月\d+日|\d+(?:人|户|名|个|家|次|份|处|台|辆|万|余|张|起|间|条)|截至|截止|累计|共计|成立了?|"
    r"领导小组|召开|汇报如下|报告如下|[xX*＊_]+(?:人|户|名|个|家|次|份|处)")
SURVEY_CUES = re.compile(r"问卷|调研结果显示|调查显示|调查中|受访|样本")
# Machine-rewritten ("spun") text: synonyms swapped until the text is nonsense.
GARBLED_CUES = re.compile(r"参加比赛|消毒杀戮|预防管理|联合预防|上司指挥|全面垄断|齿轮传导")

PIECE_TYPES = ("report", "essay", "survey", "other")


@dataclass
class Piece:
    """One report (or non-report) cut out of a normalised file."""

    title: str
    unit: str
    type: str  # report, essay, survey, other
    text: MappedText  # the body (title line excluded), a slice of the normalised file
    position: int  # 1-based order of the piece in its file
    reason: str = ""  # why a piece is not a report
    part: str = ""  # the 篇 of a compilation it comes from (篇二), if any
    byline: str = ""  # the lines before a speech's addressee (date, meeting, speaker), cut from the text
    back_matter_line: int = 0  # the line of the file where cut back matter (名词解释, 附件) starts

    @property
    def raw_line(self) -> int:
        """The line of the file as written where the body starts."""
        if self.text is None:
            return self._line
        return self.text.raw_line_col(0)[0] if self.text.text else 1

    @property
    def body(self) -> str:
        return self._body if self.text is None else self.text.text

    def freeze(self) -> None:
        """Keep the body and its first line, drop the map back to the file (a per-character
        table, several times the text's size: an import of many files keeps only what it
        writes)."""
        if self.text is not None:
            self._line, self._body = self.raw_line, self.text.text
            self.text = None  # type: ignore[assignment]

    _line: int = 1
    _body: str = ""


# --- unit guess -------------------------------------------------------------
def opening_subjects(text: str) -> list[tuple[int, str]]:
    """(offset, organisation) for each "<organisation> 高度重视/坚决贯彻…" in ``text``.

    The organisation is the run of word characters before the verb, back to
    the previous punctuation (at most 24 characters): 市文化和旅游局党组,
    县委、县政府, __幼儿园.
    """
    out: list[tuple[int, str]] = []
    for m in OPENING_VERB.finditer(text):
        before = _ORG_BEFORE.search(text, max(0, m.start() - 24), m.start())
        if before:
            out.append((before.start(), before.group()))
    return out



def _title_unit(title: str) -> Optional[str]:
    gov = GOV_TITLE.search(title)
    if gov:
        return _GOV_LEVELS[gov.group(1)]
    t = re.sub(r"(?:疫情|防控|工作|情况|汇报|报告|总结|新冠|肺炎|阻击战|抗击)", "", title)
    for unit in UNIT_ORDER:
        if any(c in t for c in UNIT_TABLE[unit]["title"]):  # type: ignore[union-attr]
            return unit
    return None


_LEVELS = {"县": "county", "区": "county", "市": "city", "镇": "town", "乡": "town"}
# Organisations of a sector first, then bodies (局, 委员会…), then places.
_ORG_ORDER = ["police", "health", "bank", "school", "enterprise", "department",
              "community", "village", "town", "county", "city"]


def _org_unit(org: str) -> Optional[str]:
    org = re.sub(r"(党委|党组|领导班子|两委班子|、.*政府)$", "", org)
    if not org or org.startswith(("我", "本", "全", "该", "各")):
        return None
    level = re.search(r"([县市区镇乡])(?:委|政府)$", org)
    if level:  # 县委、县政府 / xx市委市政府
        return _LEVELS[level.group(1)]
    for unit in _ORG_ORDER:
        if any(c in org for c in UNIT_TABLE[unit]["org"]):  # type: ignore[union-attr]
            return unit
    return None


def _table_guess(title: str, text: str) -> str:
    """The unit the table above recognises ("other" when nothing gives the writer away)."""
    unit = _title_unit(title or "")
    if unit:
        return unit
    speaker = GOV_SPEAKER.search(text[:600])
    if speaker:
        return _GOV_LEVELS[speaker.group(1)]
    for _, org in opening_subjects(text[:400]):
        unit = _org_unit(org)
        if unit:
            return unit
    scores: Counter[str] = Counter()
    for unit in UNIT_ORDER:
        table = UNIT_TABLE[unit]
        scores[unit] += 3 * sum(text.count(c) for c in table["self"])  # type: ignore[union-attr]
        scores[unit] += sum(text.count(c) for c in table["words"])  # type: ignore[union-attr]
    if "我局" in text or "局党组" in text:
        scores["department"] += 20
    if not scores or max(scores.values()) == 0:
        return "other"
    return max(UNIT_ORDER, key=lambda u: (scores[u], -UNIT_ORDER.index(u)))


def guess_unit(title: str, text: str) -> str:
    """The unit type that most likely wrote the report: a registered unit id, or "other".

    The table above (tuned on real reports) decides first; when it finds no clue,
    the unit plugins' own guess (their aliases and words) gets a say, so a
    third-party unit type can be recognised too.
    """
    unit = _table_guess(title, text)
    if unit != "other":
        return unit
    from assistant.units import guess_unit as plugin_guess

    return plugin_guess(title, text, default="other")


def unit_ids() -> list[str]:
    from assistant.units import unit_names

    return unit_names()


def resolve_unit(name: str) -> Optional[str]:
    """A registered unit id for what a user typed (id, label or alias), or None."""
    from assistant.units import registry

    unit = registry().find(name.strip())
    return unit.name if unit else None


# --- classification ---------------------------------------------------------
def classify_piece(text: str) -> tuple[str, str]:
    """(type, reason): report, essay, survey or other."""
    n = max(len(text), 1)
    survey = len(SURVEY_CUES.findall(text))
    # two cues in a page of a survey, not two in a long report (打造…样本)
    if survey >= 2 and survey * 1000 / n >= 1.0 and ("问卷" in text or text.count("%") >= 5):
        return "survey", "问卷调查"
    if len(set(GARBLED_CUES.findall(text))) >= 3:
        return "other", "机器改写的文字"
    if _reporting_speech(text):
        return "report", ""
    essay = len(ESSAY_CUES.findall(text)) * 1000 / n
    report = len(REPORT_CUES.findall(text)) * 1000 / n
    headings = sum(1 for line in text.split("\n") if HEADING_START.match(line) or LIST_START.match(line))
    report += 2 * headings * 1000 / n
    facts = len(FACT_CUES.findall(text)) * 1000 / n
    # an essay argues more than it states facts; a long speech with figures is a report
    if (essay > 2.0 and essay > report * 0.35 and essay > facts) or (facts < 0.5 and report < 4.5 and essay > 0.5):
        return "essay", "议论或抒情文章"
    if len(text) < 60:
        return "other", "篇幅过短"
    return "report", ""


# A speech that says it reports (各位代表：现在，我代表市人民政府向大会报告工作 / 各位领导：现将……汇报如下):
# a 工作报告 or 汇报发言, whatever its rhetoric.
REPORTING = re.compile(r"报告.{0,4}工作|工作报告|汇报工作|汇报如下|报告如下|作(?:工作)?汇报|汇报.{0,12}情况")


def _reporting_speech(text: str) -> bool:
    lines = [ln.strip() for ln in text[:400].split("\n") if ln.strip()]
    for k, line in enumerate(lines[:4]):
        if SPEECH_SALUTATION.match(line):
            return bool(REPORTING.search(" ".join(lines[k:k + 3])[:300]))
    return False


def paragraph_essay_score(text: str) -> float:
    n = max(len(text), 1)
    return (len(ESSAY_CUES.findall(text)) - 0.5 * len(REPORT_CUES.findall(text))) * 1000 / n


# --- splitting --------------------------------------------------------------
def _is_heading(text: str) -> bool:
    return bool(HEADING_START.match(text) or LIST_START.match(text))


def _named_opening(text: str) -> Optional[str]:
    """The organisation an opening paragraph starts with (not 我X), if any."""
    head = re.split(r"(?<=。)", text[:220], maxsplit=2)
    first = "".join(head[:2])
    subjects = opening_subjects(first)
    if not (OPENING_START.match(first) or (subjects and subjects[0][0] == 0)):
        return None
    for _, org in subjects:
        if not org.startswith(("我", "本", "全", "该", "各")) and "我" not in org and _org_unit(org):
            return org
    return None


@dataclass
class _Seg:
    titles: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # indices into the line list


def _title_of(titles: list[str]) -> tuple[str, str]:
    """(title, part) from the title lines before a piece."""
    best = ""
    for t in titles:
        if COMPILATION_TITLE.search(t) and not PIAN_TITLE.match(t):
            continue  # "…3篇": the title of the whole compilation
        best = t
    m = PIAN_TITLE.match(best)
    if m:
        return m.group("title"), "篇" + m.group("num")
    return best, ""


def _glued_starts(lines: list[str]) -> list[int]:
    """Indices (into ``lines``) where a new report starts inside one piece.

    A new report starts at a salutation (市纪委：), at an opening paragraph
    that states what follows (现将…汇报如下), at an opening whose subject is
    another organisation (…，__幼儿园高度重视), at 根据/按照… 我镇 from a
    different unit, or where the text turns from report into essay.
    """
    starts: list[int] = []
    cur = 0  # first line of the current report
    scores = [0.0 if _is_heading(t) else paragraph_essay_score(t) for t in lines]
    seen_orgs: set[str] = set()

    def has_body(a: int, b: int) -> bool:
        return b - a >= 2 and any(len(lines[k]) >= 40 and not _is_heading(lines[k]) for k in range(a, b))

    for j in range(1, len(lines)):
        t = lines[j]
        if j - 1 >= cur:
            org0 = _named_opening(lines[j - 1])
            if org0:
                seen_orgs.add(org0)
        if _is_heading(t) or not has_body(cur, j):
            continue
        prev = lines[j - 1]
        if SALUTATION.match(prev) or is_title_line(prev):
            continue
        new = False
        org = _named_opening(t)
        if SALUTATION.match(t):
            new = True
        elif STATEMENT.search(t[:300]) and len(t) >= 40 and j - cur >= 3:
            new = True
        elif org:
            running = guess_unit("", "\n".join(lines[cur:j]))
            new = _org_unit(org) != running or org not in seen_orgs
        elif re.match(r"^(?:根据|按照)", t):
            m = FIRST_PERSON_UNIT.search(re.split(r"。", t, maxsplit=1)[0])
            if m:
                running = guess_unit("", "\n".join(lines[cur:j]))
                new = _FIRST_PERSON_UNITS[m.group(1)] != running
        if not new:
            new = _essay_turn(lines, scores, cur, j)
        if new:
            starts.append(j)
            cur = j
            seen_orgs = set()
    return starts


def _essay_turn(lines: list[str], scores: list[float], cur: int, j: int) -> bool:
    """A report running into an essay with no title between (篇十: 村 report, then a 村官's essay)."""
    if j - cur < 3 or scores[j] < 4.0:
        return False
    after = [scores[k] for k in range(j, min(j + 3, len(lines))) if not _is_heading(lines[k])]
    before = [scores[k] for k in range(max(cur, j - 3), j) if not _is_heading(lines[k])]
    return bool(before) and sum(after) / len(after) >= 2.0 and sum(before) / len(before) < 1.0


def front_matter(text: str) -> dict[str, str]:
    """The ``key: value`` lines of a YAML front matter block at the start of ``text`` (a file
    as read, before cleaning), or {} when there is none."""
    m = _FRONT.match(text)
    if not m:
        return {}
    out = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t")):
            out[key.strip()] = value.strip().strip("'\"")
    return out


_FRONT = re.compile(r"\A\ufeff?\s*(?:---|－－－)[ \t]*\r?\n(.*?)\r?\n(?:---|－－－|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _trim(norm: MappedText, start: int, end: int) -> tuple[int, int, str, int]:
    """The part of ``norm.text[start:end]`` that is the report: without the byline before a
    speech's addressee and without back matter after its end (a glossary, appendices, notes).
    Returns (start, end, byline, offset where the cut back matter started or -1)."""
    entries = [(off, line) for off, line in norm.slice(start, end).lines() if line.strip()]
    if not entries:
        return start, end, "", -1
    byline = ""
    for k, (_, line) in enumerate(entries[:6]):
        if SPEECH_SALUTATION.match(line.strip()):
            before = [t for _, t in entries[:k]]
            if before and all(len(t) <= BYLINE_MAX and "。" not in t for t in before):
                byline = " ".join(t.strip() for t in before)
                entries = entries[k:]
            break
    back = -1
    n = len(entries)
    from_off = entries[0][0] + BACK_MATTER_FROM * (entries[-1][0] - entries[0][0])
    for k in range(1, n):
        line = entries[k][1].strip()
        if entries[k][0] >= from_off and len(line) <= 40 and BACK_MATTER.match(line) and _heading(line) is None:
            back = k
            break
    if back < 0:
        # a numbered glossary at the end with no title of its own (12.“五社联动”：…)
        k = n
        while k > 1 and GLOSSARY_ENTRY.match(entries[k - 1][1].strip()):
            k -= 1
        if n - k >= 3 and entries[k][0] >= from_off:
            back = k
    new_start = start + entries[0][0]
    if back >= 0:
        last = entries[back - 1]
        return new_start, start + last[0] + len(last[1]), byline, start + entries[back][0]
    last = entries[-1]
    return new_start, start + last[0] + len(last[1]), byline, -1


def _heading(line: str):  # noqa: ANN202
    from assistant.outline import match_heading

    return match_heading(line)


def _piece(norm: MappedText, start: int, end: int, title: str, part: str) -> Piece:
    start, end, byline, back = _trim(norm, start, end)
    piece_text = norm.slice(start, end)
    ptype, reason = classify_piece(piece_text.text)
    return Piece(title=title, unit=guess_unit(title, piece_text.text), type=ptype, text=piece_text,
                 position=0, reason=reason, part=part, byline=byline,
                 back_matter_line=norm.raw_line_col(back)[0] if back >= 0 else 0)


def split_reports(norm: MappedText, whole: bool = False, title: str = "") -> list[Piece]:
    """Cut a normalised file into reports and other pieces (see the module docstring).

    ``whole``: the file is one document (it has front matter, which may give its ``title``):
    one piece, without splitting; only its byline and back matter are cut off. Without a
    ``title``, a first line that is a title (政府工作报告——2024年1月28日在……会议上) gives it."""
    if whole:
        if not norm.text.strip():
            return []
        start = 0
        if not title:
            first = next(iter(norm.lines()))[1]
            head, dash, _ = first.partition("——")
            if is_title_line(first) or (dash and is_title_line(head.strip())):
                title = (head if dash and is_title_line(head.strip()) else first).strip()
                if not dash:
                    start = len(first)
        piece = _piece(norm, start, len(norm.text), title, "")
        piece.position = 1
        return [piece]
    entries = [(off, line) for off, line in norm.lines() if line.strip()]
    texts = [line for _, line in entries]
    title_count = Counter(t for t in texts if is_title_line(t))

    segs: list[_Seg] = []
    seen_body = False
    for i, t in enumerate(texts):
        if is_title_line(t) and _starts_piece(t, i, texts, title_count, seen_body):
            if segs and not segs[-1].lines:
                segs[-1].titles.append(t)
            else:
                segs.append(_Seg(titles=[t]))
            continue
        if not segs:
            segs.append(_Seg())
        segs[-1].lines.append(i)
        seen_body = True

    pieces: list[Piece] = []
    for seg in segs:
        if not seg.lines:
            continue
        title, part = _title_of(seg.titles)
        body = [texts[i] for i in seg.lines]
        # a speech that reports (各位代表：……报告工作) is one report, its rhetoric included
        glued = [] if _reporting_speech("\n".join(body[:4])) else _glued_starts(body)
        cuts = [0] + glued + [len(body)]
        for a, b in zip(cuts, cuts[1:]):
            first, last = seg.lines[a], seg.lines[b - 1]
            start = entries[first][0]
            end = entries[last][0] + len(entries[last][1])
            pieces.append(_piece(norm, start, end, title, part))
    for k, p in enumerate(pieces, 1):
        p.position = k
    return pieces


def _starts_piece(t: str, i: int, texts: list[str], title_count: Counter, seen_body: bool) -> bool:
    if PIAN_TITLE.match(t) or COMPILATION_TITLE.search(t):
        return True
    if not seen_body:
        return True
    if title_count[t] >= 2:
        return True
    nxt = texts[i + 1] if i + 1 < len(texts) else ""
    return (len(t) >= 8 and re.search(r"(?:汇报|报告|总结)$", t) is not None and nxt != ""
            and not _is_heading(nxt))


# --- import -----------------------------------------------------------------
@dataclass
class FileResult:
    path: str
    sha256: str
    added: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    replaced: int = 0

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "added": len(self.added),
            "skipped": len(self.skipped),
            "reports": sum(1 for d in self.added if d["type"] == "report"),
            "other": sum(1 for d in self.added if d["type"] != "report"),
            "replaced": self.replaced,
            "documents": self.added,
            "skipped_documents": self.skipped,
        }


@dataclass
class ImportResult:
    corpus: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(len(f.added) for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(len(f.skipped) for f in self.files)

    def as_dict(self) -> dict:
        return {"corpus": self.corpus, "added": self.added, "skipped": self.skipped,
                "files": [f.as_dict() for f in self.files]}


_SEED_NAME = re.compile(r"^(\d{3})_[0-9a-f]{16}$")


def doc_prefix(path: str | Path, sha256: str) -> str:
    """Id prefix for the pieces of a file: the seed number, else a content hash."""
    m = _SEED_NAME.match(Path(str(path)).stem)
    return m.group(1) if m else sha256[:10]


def _source_name(path: str) -> str:
    """The name a document records as its source: the file name, with its folder when the
    name alone is only a number (三亚市/2023.md: a folder of reports named by year)."""
    if path == "-":
        return "stdin"
    p = Path(path)
    if p.stem.isdecimal() and p.parent.name:
        return f"{p.parent.name}/{p.name}"
    return p.name


def _title_from_name(path: str) -> str:
    return "标准输入" if path == "-" else Path(path).stem


def _body_key(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def _guess_topic(text: str, title: str) -> str:
    from assistant.units import guess_topic

    return guess_topic(text, title) or ""


def import_paths(paths: Sequence[str | Path], corpus_dir: str | Path, unit: Optional[str] = None,
                 progress: Optional[Callable[[int, int, str], None]] = None,
                 replace: bool = False, topic: Optional[str] = None) -> ImportResult:
    """Import report files into ``corpus_dir`` (reports/ and other/).

    Every input is read, cleaned and split before anything is written, so a
    bad file leaves the corpus untouched (``InputError``). A file whose
    content is already in the corpus (``source_sha256``) is skipped, and so is
    a piece whose text is already there; ``replace`` first removes the
    documents imported earlier from the same file name or content.
    """
    from assistant.corpus import store
    from assistant.errors import InputError
    from assistant.reader import read_bytes, read_document

    if unit is not None:
        resolved = resolve_unit(unit)
        if resolved is None:
            raise InputError(f"未知的单位类型：{unit}（可选：{'、'.join(unit_ids())}）")
        unit = resolved
    if topic is not None:
        from assistant.units import get_topic

        topic = get_topic(topic).name
    corpus = Path(corpus_dir)
    if corpus.exists() and not corpus.is_dir():
        raise InputError(f"语料库路径不是文件夹：{corpus}")

    # 1. read, clean and split everything first
    prepared: list[tuple[str, str, list[Piece]]] = []
    total = len(paths)
    for k, path in enumerate(paths, 1):
        if progress:
            progress(k, total, str(path))
        doc = read_document(path)
        data = read_bytes(path) if str(path) != "-" else doc.text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        norm = normalize(doc.text, doc.fmt)
        if not norm.text.strip():
            raise InputError(f"{path} 中没有可导入的正文")
        # a file whose front matter names its title is one document: it is not split
        meta = front_matter(doc.text)
        pieces = split_reports(norm, whole=bool(meta), title=meta.get("title", ""))
        if unit is not None:
            for p in pieces:
                p.unit = unit
        if not pieces:
            raise InputError(f"{path} 中没有可导入的正文")
        for p in pieces:
            p.freeze()
        prepared.append((str(path), sha, pieces))

    # 2. what is already there
    existing = list(store.iter_docs([corpus], include_other=True)) if corpus.is_dir() else []
    to_remove: list[Path] = []
    replaced: Counter[str] = Counter()
    if replace:
        by_name = {_source_name(p): p for p, _, _ in prepared}
        by_sha = {s: p for p, s, _ in prepared}
        keep = []
        for d in existing:
            owner = by_sha.get(d.source_sha256) or by_name.get(d.source)
            if owner is not None and d.path is not None:
                to_remove.append(d.path)
                replaced[owner] += 1
            else:
                keep.append(d)
        existing = keep
    known_sha = {d.source_sha256 for d in existing if d.source_sha256}
    known_body = {_body_key(d.body) for d in existing}
    used_ids = {d.id for d in existing}

    # 3. write
    result = ImportResult(str(corpus))
    plan: list[store.StoredDoc] = []
    for path, sha, pieces in prepared:
        fr = FileResult(path, sha, replaced=replaced[path])
        result.files.append(fr)
        if sha in known_sha:
            fr.skipped.extend({"title": p.title, "position": p.position, "reason": "已导入过该文件"} for p in pieces)
            continue
        known_sha.add(sha)
        prefix = doc_prefix(path, sha)
        position = 0
        for p in pieces:
            key = _body_key(p.body)
            if key in known_body:
                fr.skipped.append({"title": p.title, "position": p.position, "reason": "内容重复"})
                continue
            known_body.add(key)
            position += 1
            doc_id = f"{prefix}-{position:02d}"
            n = 1
            while doc_id in used_ids:
                n += 1
                doc_id = f"{prefix}-{position:02d}-{n}"
            used_ids.add(doc_id)
            extra = {"line": str(p.raw_line)}
            if p.part:
                extra["part"] = p.part
            if p.reason:
                extra["reason"] = p.reason
            if p.byline:
                extra["byline"] = p.byline
            if p.back_matter_line:
                extra["back_matter_line"] = str(p.back_matter_line)
            title = p.title or _title_from_name(path)
            sd = store.StoredDoc(id=doc_id, title=title, unit=p.unit,
                                 topic=topic or _guess_topic(p.body, title) if p.type == "report" else "",
                                 body=p.body, type=p.type, source=_source_name(path),
                                 position=position, source_sha256=sha, extra=extra)
            plan.append(sd)
            fr.added.append({"id": doc_id, "title": sd.title, "unit": sd.unit, "topic": sd.topic or None,
                             "type": sd.type, "position": position, "line": p.raw_line})
    for old in to_remove:
        old.unlink(missing_ok=True)
    for sd in plan:
        store.save(corpus, sd)
    return result
