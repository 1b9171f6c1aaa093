"""Retrieval and ranking of standard phrasing.

1. Candidates: BM25 over phrase tokens (the index's full-text search: SQLite FTS5, or its
   equal in another backend; query tokens from jieba with the domain dictionary, each as a
   prefix so 微信 finds 微信群).
2. Rerank: BM25 share, coverage of the query's words (IDF-weighted), rapidfuzz
   token similarity, a boost for the requested kind (or the kind the classifier
   reads in the query), the requested unit, and standardness (the number of
   reports a phrasing recurs in).
3. Fold near-duplicates, so the top N are N different phrasings.
4. Only phrasings that serve the topic (given, or inferred from the query) and the unit
   type (``phrases.fit_topics`` / ``fit_units``), never one a check flags; those from
   reports on the topic and of the unit type rank higher.
5. Output neutral text (figures → xx, local names → ××), speaking as the unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.backends import CorpusIndex, PhraseHit

CANDIDATES = 300
NEAR_DUP = 72  # rapidfuzz ratio on neutral text at or above which two phrasings are one
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
STOPWORDS = set("的 了 和 与 及 等 在 对 把 被 将 也 都 就 又 还 是 有 为 以 于 从 到 并 或 各 个 这 那 我 我们 他们 你 要 做 搞 一下 一些 什么 怎么 如何 一个 "
                "多少 一共 有的 有些 大家 怎么样 哪些 几 几件 几名 得 好 啊 吧 呢 这次 那些 这些 一起 接着 都".split())


@lru_cache(maxsize=1)
def _everyday() -> list[tuple[str, tuple[str, ...]]]:
    from pathlib import Path

    from assistant.yamlfile import safe_load

    data = safe_load(Path(__file__).with_name("everyday.yaml").read_text(encoding="utf-8")) or {}
    return [(formal, tuple(v for v in variants if v)) for formal, variants in data.items()]


def everyday_terms(query: str) -> list[str]:
    """The report's words for the everyday words of ``query``."""
    return [formal for formal, variants in _everyday() if any(v in query for v in variants)]


@dataclass
class Suggestion:
    text: str
    kind: str | None
    unit: str | None
    score: float
    source: str
    docs: int
    original: str
    topic: str | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "kind": self.kind, "unit": self.unit, "topic": self.topic,
                "score": round(self.score, 4), "source": self.source, "docs": self.docs}


TOPIC_BONUS = 0.15  # a phrasing from reports on the topic asked for (or the query is likely about)
LIKELY = 0.6  # how sure the words of a query must make a topic before it counts
VOTERS = 10  # the best matches that say what topic an unnamed query is on
VOTE_SHARE = 0.5  # … the share of them one topic must hold
# a sentence that only announces what follows
_LEAD_IN = re.compile(r"(以下|如下)[^，。]{0,12}[：:。]$|[：:]$")
LEAD_IN_PENALTY = 0.3
MISSED_KEY_PENALTY = 0.15  # a phrasing without the query's most telling word
# a query that says it wants a plan, an outcome or a problem (the first that matches: 下一步确保
# 不出事故 is a plan, 今年一起事故都没出 an outcome, not a problem)
_BAD = r"(事故|案件|伤亡|险情|火灾|溺水|上访|越级访|进京访|群体性事件|事件|亡人|确诊|感染|病例|投诉|差错|纠纷|违纪)"
_QUERY_KINDS = (("next_steps", re.compile(r"^(下一步|下步|今后|明年|下半年|接下来|接着)|打算|计划要")),
                ("results", re.compile(r"(没|未|无|零|杜绝)有?(出|发生|出现|死)?过?(一起|一例|一个|一件|任何)?.{0,4}" + _BAD + "|"
                                       + _BAD + r".{0,4}(都|也|均)?(没|未)有?(出|发生|出现)|"
                                       r"(一起|一例|一个|一件)[^，。]{0,6}(都|也)没|" + _BAD + r".{0,6}(少了|下降了?|减少了?)|"
                                       r"超额完成|圆满完成|全部完成|提前完成|都完成了|(提高|提升|增长|增加|上升)了|涨了|翻了|"
                                       r"(?<![没未不])(都|全部|全)(整改|办结|化解|清零|销号)|一个(都)?没落下|一个不落|无一遗漏|"
                                       r"名列前茅|排名第|获评|获得.{0,8}(称号|表彰|奖)")),
                ("problems", re.compile(r"(存在|还有).{0,6}(问题|不足|困难|短板)|不(?!断|仅|但|得|忘|折|论|管|再|少|同|定期|限)|"
                                        r"没|难|缺|单一|老化|偏(?:大|小|少|低|弱|高|多|慢)|拖|薄弱|滞后|欠缺|短板|困难|"
                                        r"跟不上|带不动|反弹|扎堆|流于形式|走过场|走形式|两张皮|偷偷|脱岗|离岗|事后补|补记|补填|"
                                        r"老被|总被|老是|总是|屡禁不止|^有的|^有些|^个别|还有.{0,6}没")))
_PART_HEADING = re.compile(r"^(存在的?(主要)?问题|(下一步|下步|明年|今后)(的)?(工作)?(打算|计划|安排|措施|思路)|主要(工作|做法|成效)|"
                           r"工作(开展)?情况|主要工作开展情况|取得的成效)[。.：:]?$")
# words of when and how much, never what a query is about (明年重点抓队伍建设 is about 队伍建设)
_TIME_WORDS = "明年 今年 去年 新的一年 全年 下一步 下步 下半年 上半年 年底 年初".split()
_WHEN_WORDS = frozenset(_TIME_WORDS + "今后 以后 接下来 重点 主要 一直 已经 还有 有的 有些 个别 老是 总是".split())
_WHEN_RX = re.compile("|".join(_TIME_WORDS))  # the time words, never a sign of a query's topic
HARD_INTENTS = ("problems", "next_steps")  # a query's intent that keeps only phrasings of its kind
UNIT_BONUS = 0.3  # … from reports of the unit type asked for (validation16: 0.1 let a hospital's 党建 phrasing lead a bank's)


class Suggester:
    """Long-lived: keeps its index and caches, so warm queries are fast."""

    def __init__(self, ix: "CorpusIndex") -> None:
        self.ix = ix
        self.topic: str | None = None  # the topic of the last query (given or inferred)
        self._marks = None  # the index's unit marks, loaded when a query names a unit
        self._intent: str | None = None  # problems / next_steps when the last query asked for one
        self._own_count = 0  # how many of the last query's tokens were its own words
        self.n_sections = ix.n_sections() or 1
        self._df: dict[str, int] = {}

    # -- query side --------------------------------------------------------------------------
    def query_tokens(self, query: str) -> list[str]:
        """The query's words, and the report's words for its everyday ones (everyday.yaml:
        打疫苗 → 疫苗接种, 上访 → 信访): the query's own come first (``_own_count`` of them)."""
        from assistant import segment

        seen, out = set(), []
        self._own_count = 0
        for k, text in enumerate((query, *everyday_terms(query))):
            if k == 1:
                self._own_count = len(out)
            for t in segment.cut(text):
                t = t.strip()
                if not t or not _WORD.search(t) or t in STOPWORDS or t.isdigit() or t in seen:
                    continue
                seen.add(t)
                out.append(t)
        if not self._own_count:
            self._own_count = len(out)
        return out

    def idf(self, token: str) -> float:
        if token not in self._df:
            self._df.update(self.ix.token_df([token]))
        return math.log((1 + self.n_sections) / (1 + self._df[token])) + 1.0

    def query_kinds(self, query: str) -> dict[str, float]:
        """What kind of section the query asks for: the classifier's reading, and a plan or
        a problem where the query says so (下一步继续加强排查 asks for a plan, not a closing)."""
        from assistant.classify.api import Classifier

        kinds = Classifier(self.ix).proba_many([(None, query, "section")])[0]
        self._intent = None
        for kind, cue in _QUERY_KINDS:
            if cue.search(query) and kinds:
                kinds = {k: v * 0.4 for k, v in kinds.items()}
                kinds[kind] = kinds.get(kind, 0.0) + 0.6
                self._intent = kind
                break
        return kinds

    # -- ranking -----------------------------------------------------------------------------
    def suggest(self, query: str | None, kind: str | None = None, unit: str | None = None,
                n: int = 5, topic: str | None = None) -> list[Suggestion]:
        """The ``n`` best phrasings for ``query``. With ``topic`` (given, else the one the query
        names) only phrasings that serve it — from reports on it, or naming no other topic:
        a 防汛 query never gets a 疫情 sentence; with ``unit`` only those that serve the unit
        type. Phrasings a check flags (web leftovers, garbled text) are never offered."""
        from rapidfuzz import fuzz

        kinds = [kind] if kind else None
        given_topic = topic
        likely = None  # a topic the query's words suggest, without naming it (a boost, no filter)
        if topic is None and query and query.strip():
            from assistant.units import guess_topic

            # a query's words of time say what it wants (a plan), not its topic: 明年 is a cue of
            # a year's summary in a report, not in 明年汛前把排水沟清一遍
            topic = guess_topic(_WHEN_RX.sub("", query), min_score=0.6)
            if topic is None:
                likely = self.likely_topic(self.query_tokens(query))
        self.topic = topic or likely
        self._intent = None  # set by query_kinds for this query
        key = None  # the query's most telling word
        own_tokens: list[str] = []
        if not query or not query.strip():
            rows = self._by_kind(kinds)
            scored = [(self._standard(r.docs) - self._length_penalty(r.neutral), r) for r in rows]
        else:
            tokens = self.query_tokens(query)
            if not tokens:
                return []
            rows = self._candidates(tokens, kinds)
            if not rows:
                return []
            missing = [t for t in tokens if t not in self._df]
            if missing:
                self._df.update(self.ix.token_df(missing))
            weights = {t: self.idf(t) for t in tokens}
            total_w = sum(weights.values()) or 1.0
            best_bm25 = max(-r.bm25 for r in rows) or 1.0
            qkinds = {} if kind else self.query_kinds(query)
            qtext = " ".join(tokens)
            # the query's own most telling word (not one added for an everyday word): a
            # phrasing without it has dropped the point (测体温 without 体温)
            own_tokens = [t for t in tokens[:self._own_count] if len(t) >= 2 and t not in _WHEN_WORDS]
            key = max(own_tokens, key=lambda t: (weights[t], len(t)), default=None)
            scored = []
            for r in rows:
                # a query word counts as covered when some token of the phrase contains it
                # (the tokens are space-joined and a word has no space: one substring test)
                padded = f" {r.tokens} "
                cover = sum(w for t, w in weights.items()
                            if (t in r.tokens if len(t) > 1 else f" {t} " in padded)) / total_w
                sim = fuzz.token_set_ratio(qtext, r.tokens) / 100.0
                s = 0.4 * (-r.bm25 / best_bm25) + 0.4 * cover + 0.2 * sim
                s += 0.35 * qkinds.get(r.kind or "", 0.0)
                s += self._standard(r.docs) - self._length_penalty(r.neutral)
                if _LEAD_IN.search(r.neutral) and not _LEAD_IN.search(query):
                    s -= LEAD_IN_PENALTY  # 重点抓好以下工作： says what follows, not what the query means
                if key is not None and key not in r.tokens:
                    s -= MISSED_KEY_PENALTY
                scored.append((s, r))
        if topic is None and scored and query and query.strip():
            # the query names no topic: the topic of the reports its best matches come from,
            # where they clearly share one and the query's words do not say otherwise
            voted = self._voted_topic(scored)
            if voted is not None and self.likely_topic(self.query_tokens(query), 0.0) in (None, voted):
                topic = given_topic = likely = voted
                self.topic = voted
        scored = [(s, r) for s, r in scored if self._serves(r, unit, topic)]
        wanted = self._intent if not kind and self._intent in HARD_INTENTS else None
        if wanted:
            # the query states a problem or a plan: phrasings of that kind that keep its most
            # telling word, where there are enough (else the kind is only a boost: 明年把沟渠
            # 清一清 is better served by a 沟渠 measure than by a plan about something else)
            same = [(s, r) for s, r in scored if r.kind == wanted and (key is None or key in r.tokens)]
            if len(same) < n and key is not None:
                # or of that kind and sharing another of the query's own words (沙袋 or 救生衣), not a
                # word that only says it is a problem or a plan (不够 of 人手不够)
                cue = dict(_QUERY_KINDS)[wanted]
                telling = [t for t in own_tokens if not cue.search(t)]
                same = [(s, r) for s, r in scored if r.kind == wanted and any(t in r.tokens for t in telling)]
            if len(same) >= n:
                scored = same
        if given_topic:
            # the writer named the topic: its own reports' phrasing first, phrasing that names
            # no topic only where those run out
            own = [(s, r) for s, r in scored if given_topic in (r.topics or "").split(",")]
            if len(own) >= n:
                scored = own
        if unit:
            scored = [(s + (UNIT_BONUS if unit in (r.units or "").split(",") else 0.0), r) for s, r in scored]
        if topic or likely:
            t = topic or likely
            scored = [(s + (TOPIC_BONUS if t in (r.topics or "").split(",") else 0.0), r) for s, r in scored]
        scored.sort(key=lambda sr: (-sr[0], sr[1].id))
        picked: list[tuple[float, PhraseHit]] = []
        for s, r in scored:
            if any(fuzz.ratio(r.neutral, p.neutral) >= NEAR_DUP or
                   fuzz.token_set_ratio(r.tokens, p.tokens) >= 90 for _, p in picked):
                continue
            if unit and self._reads_foreign(r.neutral, unit):
                continue
            if _PART_HEADING.match(r.neutral):
                continue  # 下一步工作打算。 alone says nothing
            picked.append((s, r))
            if len(picked) >= n:
                break
        return [self._emit(s, r, unit) for s, r in picked]

    @staticmethod
    def _voted_topic(scored: list[tuple[float, "PhraseHit"]]) -> str | None:
        """The topic that most of the ``VOTERS`` best-scoring phrasings' reports are on, when
        at least ``VOTE_SHARE`` of them are (a phrasing found in reports on several topics
        gives each a share)."""
        best, docs = [], set()
        for sr in sorted(scored, key=lambda sr: (-sr[0], sr[1].id)):
            if sr[1].doc_id not in docs:  # one vote a report: 从源头看/从境外看… of one page count once
                docs.add(sr[1].doc_id)
                best.append(sr)
                if len(best) >= VOTERS:
                    break
        votes: dict[str, float] = {}
        for _, r in best:
            ts = [t for t in (r.topics or "").split(",") if t]
            for t in ts:
                votes[t] = votes.get(t, 0.0) + 1.0 / len(ts)
        if not votes:
            return None
        top = max(votes, key=lambda t: (votes[t], t))
        return top if votes[top] >= VOTE_SHARE * len(best) else None

    def likely_topic(self, tokens: list[str], sure: float = LIKELY) -> str | None:
        """The topic whose reports use the query's words most (naive Bayes over the share of
        a topic's reports that use each word, topics equally likely before), when it is
        clearly more likely than the rest: 一共转移了多少群众 is about 防汛."""
        if not tokens:
            return None
        rows = self.ix.topic_words(["", *tokens])
        docs = {t: n for w, t, n in rows if w == "" and t}
        seen: dict[str, dict[str, int]] = {}
        for w, t, n in rows:
            if w and t:
                seen.setdefault(w, {})[t] = n
        if len(docs) < 2 or not seen:
            return None
        scores = {t: 0.0 for t in docs}
        for w, by_topic in seen.items():
            for t, n_t in docs.items():
                scores[t] += math.log((by_topic.get(t, 0) + 0.5) / (n_t + 1.0))
        m = max(scores.values())
        weights = {t: math.exp(v - m) for t, v in scores.items()}
        total = sum(weights.values())
        best = max(weights, key=lambda t: (weights[t], t))
        return best if weights[best] / total >= sure else None

    def _reads_foreign(self, text: str, unit: str) -> bool:
        """Whether ``text`` names what the unit type does not use, even where it comes from a
        report filed under that type (an education bureau's 局长 in a school-typed report)."""
        if self._marks is None:
            from assistant.units.fitness import unit_table

            self._marks = unit_table(self.ix)
        return bool(self._marks.foreign(text, unit))

    @staticmethod
    def _serves(r: "PhraseHit", unit: str | None, topic: str | None) -> bool:
        from assistant.units.fitness import fits

        if r.flags:
            return False
        if unit and not fits(r.fit_units, unit):
            return False
        return not topic or fits(r.fit_topics, topic)

    def _candidates(self, tokens: list[str], kinds: list[str] | None) -> list["PhraseHit"]:
        return self.ix.search_phrases(tokens, kinds, CANDIDATES)

    def _by_kind(self, kinds: list[str] | None) -> list["PhraseHit"]:
        if not kinds:
            return []
        return self.ix.phrases_by_kind(kinds, CANDIDATES * 2)

    @staticmethod
    def _standard(docs: int) -> float:
        return 0.06 * min(math.log2(1 + docs), 4.0)

    @staticmethod
    def _length_penalty(text: str) -> float:
        n = len(text)
        if n > 90:
            return min(0.25, 0.1 * (n - 90) / 60)
        if n < 12:
            return 0.05
        return 0.0

    def _emit(self, score: float, r: "PhraseHit", unit: str | None) -> Suggestion:
        from assistant.corpus.places import hide_names

        text = hide_names(r.neutral, self.ix.place_names(r.doc_id))
        out_unit = r.unit
        if unit:
            from assistant.units import get_unit
            from assistant.units.adapt import speak_as

            text = speak_as(text, get_unit(unit))  # who speaks, nothing else
            out_unit = unit
        return Suggestion(text, r.kind, out_unit, score, f"{r.doc_id}:{r.line}", r.docs, r.text,
                          r.topic)
