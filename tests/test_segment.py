"""Segmentation: rjieba and jieba agree on the corpus; domain words stay whole."""

from __future__ import annotations

import re

import pytest

from assistant import paths, segment
from assistant.corpus import store

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _restore_backend():
    yield
    segment.use_backend("rjieba")


def corpus_texts() -> list[str]:
    texts = [d.body for d in store.iter_docs([paths.shipped("corpus")])]
    assert len(texts) >= 20, "the shipped corpus should hold the seed reports"
    return texts


def chinese_tokens(tokens: list[str]) -> list[str]:
    # jieba splits ASCII runs like 5-7 or example.com at the punctuation, rjieba does not;
    # the Chinese words are what both must agree on.
    return [t for t in tokens if CJK.search(t)]


def test_rjieba_and_jieba_agree_on_the_corpus() -> None:
    texts = corpus_texts()
    segment.use_backend("rjieba")
    fast = [chinese_tokens(segment.cut(t)) for t in texts]
    segment.use_backend("jieba")
    slow = [chinese_tokens(segment.cut(t)) for t in texts]
    total = sum(len(x) for x in fast)
    assert total > 20000
    assert fast == slow


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_domain_words_stay_whole(backend: str) -> None:
    segment.use_backend(backend)
    tokens = segment.cut("村两委干部包片包户，建立联防联控机制，坚持外防输入、内防反弹，做到应检尽检，落实零报告和日报告制度，划定封控区")
    for word in ["村两委", "联防联控", "外防输入", "内防反弹", "应检尽检", "零报告", "日报告", "封控区"]:
        assert word in tokens, (backend, word, tokens)


def test_cut_raw_gives_the_text_back() -> None:
    text = "一、加强领导。\n接到通知后 我镇立即行动。\n"
    assert "".join(segment.raw_cutter()(text)) == text


def test_word_tags_give_the_taggers_tags() -> None:
    """A word's tag does not depend on its sentence: the cut words with the table's tags
    are what the tagger gives, over the whole corpus (words the tagger splits when alone
    are learnt from their sentence)."""
    from assistant.corpus import index
    from assistant.suggest.neutral import NAME_TAGS, local_name

    segment.use_backend("rjieba")
    cut, tagger = segment.raw_cutter(), segment.raw_tagger()
    tags = segment.word_tags(local_name, NAME_TAGS)
    n = 0
    for text in corpus_texts():
        for _, sent in index.sentence_spans(text):
            words = cut(sent)
            tags.learn(set(words))
            if not tags.pending.isdisjoint(words):
                tags.learn_text(sent)
            assert [(w, tags.tag[w]) for w in words] == tagger(sent), sent
            n += 1
    assert n > 1000 and tags.names and tags.figures and tags.digits
    assert all(local_name(w, tags.tag[w]) == v for w, v in tags.names.items())
    assert all(re.search(r"\d", w) for w in tags.figures)
    assert all(w.isdigit() for w in tags.digits) and tags.digits <= tags.figures | {"①", "②", "③"}
