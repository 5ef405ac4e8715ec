import json

import pytest
import spacy_pkuseg

from pipeline.fastcut import FastCut

from .conftest import CORPUS

ODD = ["2021年12月20日", "G20峰会在杭州举行", "COVID-19疫苗", "a-b.c,d|e/f*g:h", "Ｑ", "１２３４５", "一",
       "ＡＢＣ公司－／・", "www.fmprc.gov.cn", "“一带一路”", "——", "百分之三十", "1.5万列"]


@pytest.fixture(scope="module")
def mixed(assets_dir):
    return spacy_pkuseg.pkuseg(str(assets_dir / "pkuseg/mixed"), user_dict=None)


def test_the_fast_decoder_equals_pkusegs_own(mixed):
    fast = FastCut(mixed)
    texts = ODD + [p for path in sorted(CORPUS.glob("2*.json"))
                   for p in json.loads(path.read_text("utf8"))["text"].split("\n") if p.strip()]
    texts = [t.replace(" ", "") for t in texts]
    assert [fast(t) for t in texts] == [mixed._cut(t) for t in texts]
    assert [fast(t) for t in ODD] == [mixed._cut(t) for t in ODD]  # again, from the caches


def test_the_fast_decoder_on_sighan_text(mixed, sighan_dir):
    fast = FastCut(mixed)
    lines = [ln.strip() for ln in (sighan_dir / "pku_test.utf8").read_text("utf8").splitlines() if ln.strip()]
    for line in lines[:300]:
        for piece in line.split():
            assert fast(piece) == mixed._cut(piece)


def test_full_caches_are_emptied_without_changing_the_output(mixed):
    fast = FastCut(mixed, cache_limit=20)
    texts = [t.replace(" ", "") for t in ODD] * 2
    assert [fast(t) for t in texts] == [mixed._cut(t) for t in texts]
    assert len(fast._words) <= 20 + max(len(t) + 1 for t in texts)


def test_an_empty_text_has_no_words(mixed):
    assert FastCut(mixed)("") == []
