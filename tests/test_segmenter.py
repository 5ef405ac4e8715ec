import json
import random
from collections import Counter

import numpy as np
import spacy_pkuseg

from pipeline.segmenter import (
    SegmenterSettings,
    StandardConverter,
    corpus_sentences,
    pd98_sentences,
    pd98_tagged,
    score_lines,
    train_segmenter,
)

from .conftest import CORPUS, SAMPLE_ID


def test_pd98_lines_lose_their_tags(tmp_path):
    f = tmp_path / "pd.txt"
    f.write_text("迈向/v  充满/v  希望/n  的/u  [中央/n  人民/n  广播/vn  电台/n]nt  江/nr  泽民/nr\n", "utf8")
    assert list(pd98_sentences(f)) == [["迈向", "充满", "希望", "的", "中央", "人民", "广播", "电台", "江", "泽民"]]


def test_standard_converter_splits_and_joins_by_the_word_list(tmp_path):
    f = tmp_path / "pd.txt"
    f.write_text("把/p  书/n  放在/v  桌子/n  上/f  ，/w  通货/n  紧缩/v  取决于/v  卡尔波夫/nr  的/u  态度/n\n",
                 "utf8")
    listed = "把 书 放 在 桌子 上 ， 通货紧缩 紧缩 取决 于 取 决于 卡尔 波夫 的 态度".split()
    convert = StandardConverter(listed, Counter({"取决": 5, "于": 900, "取": 20, "决于": 1, "通货": 3, "紧缩": 4}))
    (pairs,) = pd98_tagged(f)
    # 放在 and 取决于 are not listed: split (取决|于 has the more frequent parts); 通货 is not
    # listed but 通货紧缩 is: joined; an unlisted name stays whole
    assert convert(pairs) == "把 书 放 在 桌子 上 ， 通货紧缩 取决 于 卡尔波夫 的 态度".split()


def test_standard_converter_keeps_what_no_listed_words_make():
    convert = StandardConverter(["中国"], Counter())
    assert convert([("中国", "ns"), ("外交部", "nt"), ("讲究", "v")]) == ["中国", "外交部", "讲究"]


def test_corpus_words_per_sentence():
    doc = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    sents = list(corpus_sentences([CORPUS / f"{SAMPLE_ID}.json"]))
    assert len(sents) == len(doc["sentences"])
    first = doc["sentences"][0]
    assert "".join(sents[0]) == doc["text"][first["start"] : first["end"]]


def test_scoring():
    gold = [["中国", "外交", "很", "好"]]
    p, r = 2 / 3, 2 / 4
    assert score_lines(gold, [["中国", "外交", "很好"]]) == {"p": p, "r": r, "f": 2 * p * r / (p + r)}


def test_fine_tuning_on_a_tiny_corpus_learns_its_convention(assets_dir, tmp_path):
    """A few iterations on lines that split 习近平 the PKU way teach the mixed model to do so."""
    pd = tmp_path / "pd.txt"
    lines = ["习/nr  近平/nr  主席/n  出席/v  会议/n  。/w", "习/nr  近平/nr  同/p  拜登/nr  通话/v  。/w",
             "国家/n  主席/n  习/nr  近平/nr  发表/v  讲话/n  。/w"] * 40
    pd.write_text("\n".join(lines) + "\n", "utf8")
    before = spacy_pkuseg.pkuseg(str(assets_dir / "pkuseg/mixed"), user_dict=None).cut("习近平主席出席会议。")
    settings = SegmenterSettings(init_model=str(assets_dir / "pkuseg/mixed"), pd98=str(pd), iterations=2)
    info = train_segmenter(settings, tmp_path / "seg")
    assert info["sentences"] == 120
    after = spacy_pkuseg.pkuseg(str(tmp_path / "seg"), user_dict=None).cut("习近平主席出席会议。")
    assert before[0] == "习近平" and after[:2] == ["习", "近平"]


def test_fine_tuning_is_reproducible_and_leaves_the_global_random_state(assets_dir, tmp_path):
    pd = tmp_path / "pd.txt"
    lines = ["中国/ns  同/p  东盟/nt  合作/vn  。/w", "习/nr  近平/nr  发表/v  讲话/n  。/w"] * 30
    pd.write_text("\n".join(lines) + "\n", "utf8")
    settings = SegmenterSettings(init_model=str(assets_dir / "pkuseg/mixed"), pd98=str(pd), iterations=1, seed=3)
    state = random.getstate()
    train_segmenter(settings, tmp_path / "a")
    assert random.getstate() == state
    train_segmenter(settings, tmp_path / "b")
    a, b = np.load(tmp_path / "a/weights.npz"), np.load(tmp_path / "b/weights.npz")
    assert np.array_equal(a["w"], b["w"])
