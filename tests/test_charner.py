import numpy as np
import pytest
import spacy
import torch

from pipeline.charfeatures import windows
from pipeline.charner import (
    RECENT_TEXTS,
    TAG_ID,
    TAGS,
    CharNER,
    Lexicon,
    _transitions,
    corpus_samples,
    partial_nll,
    set_names,
    spans_of,
    tag_targets,
    viterbi,
)
from tests.conftest import CORPUS


def test_targets_round_trip_and_a_partial_label_has_two_tags():
    y = tag_targets(8, [(0, 3, ("PERSON",)), (4, 5, ("GPE", "LOC")), (6, 8, ())])
    assert spans_of(list(y[:6, 0])) == [(0, 3, "PERSON"), (4, 5, "GPE")]
    assert list(y[4]) == [TAG_ID["S-GPE"], TAG_ID["S-LOC"]]
    assert list(y[0]) == [TAG_ID["B-PERSON"]] * 2
    assert (y[6:] == -1).all() and (y[5] == 0).all()


def test_viterbi_keeps_only_whole_names():
    log_probs = np.full((4, len(TAGS)), -5.0)
    # the best tag of each character alone is ill-formed: M-ORG with no B, then E-PERSON
    for i, tag in enumerate(["O", "M-ORG", "E-PERSON", "O"]):
        log_probs[i, TAG_ID[tag]] = -0.1
    log_probs[1, TAG_ID["B-PERSON"]] = -1.0
    path = viterbi(log_probs, *_transitions())
    assert spans_of(path) == [(1, 3, "PERSON")]


def test_windows_cover_the_text_and_cut_after_sentence_ends():
    text = "中方主张对话。" * 40 + "甲" * 450
    ws = windows(text, 200)
    assert ws[0][0] == 0 and ws[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in zip(ws, ws[1:]))
    assert all(0 < e - s <= 200 for s, e in ws)
    assert text[ws[0][1] - 1] == "。"
    assert windows("", 200) == [(0, 0)]


def test_lexicon_flags_the_longest_name():
    lex = Lexicon({"上海": "GPE", "上海合作组织": "ORG", "王毅": "PERSON"}, 16)
    flags = lex.flags("王毅出席上海合作组织会议")
    assert flags[0, 0] == 1 and flags[1, 2] == 1  # 王毅: B and E of PERSON
    assert flags[4, 8] == 1 and flags[9, 10] == 1 and flags[5:9, 9].all()  # ORG, not the place inside it
    assert flags[4, 4] == 0 and flags[10:].sum() == 0


def test_partial_nll_sums_both_right_tags_and_skips_untaught_characters():
    logits = torch.zeros(1, 3, len(TAGS))
    one = [torch.tensor([[TAG_ID["S-GPE"]] * 2, [0, 0], [0, 0]])]
    both = [torch.tensor([[TAG_ID["S-GPE"], TAG_ID["S-LOC"]], [0, 0], [0, 0]])]
    untaught = [torch.tensor([[TAG_ID["S-GPE"]] * 2, [-1, -1], [-1, -1]])]
    uniform = float(np.log(len(TAGS)))
    assert float(partial_nll(logits, one)) == pytest.approx(uniform)
    assert float(partial_nll(logits, both)) == pytest.approx((uniform - np.log(2) + 2 * uniform) / 3)
    assert float(partial_nll(logits, untaught)) == pytest.approx(uniform)


def test_names_split_tokens_and_merge_by_the_guidelines():
    nlp = spacy.blank("zh")
    words = ["王毅", "访华", "，", "谈", "中国特色社会主义", "和", "拉美", "、", "新中国", "。"]
    doc = spacy.tokens.Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    doc.ents = [doc.char_span(0, 2, label="ORG"), doc.char_span(6, 14, label="INITIATIVE"),
                doc.char_span(15, 17, label="LOC"), doc.char_span(18, 21, label="GPE")]
    names = [(0, 2, "PERSON"), (3, 4, "GPE"), (6, 8, "GPE"), (15, 17, "GPE"), (19, 21, "GPE")]
    doc = set_names(doc, names)
    assert doc.text == "".join(words)
    assert [t.text for t in doc][:3] == ["王毅", "访", "华"]
    # every name, as MSRA marks them; 拉美 keeps the LOC the corpus-trained components gave it
    assert [(s.text, s.label_) for s in doc.spans["names"]] == [
        ("王毅", "PERSON"), ("华", "GPE"), ("中国", "GPE"), ("拉美", "LOC"), ("中国", "GPE")]
    # the entities, as the guidelines mark them: no one-character place, the longest span wins
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("王毅", "PERSON"), ("中国特色社会主义", "INITIATIVE"), ("拉美", "LOC"), ("新中国", "GPE")]


def test_a_batch_larger_than_the_recent_texts_keeps_its_names(monkeypatch):
    comp = CharNER("char_ner", lexicon_max_length=16)
    monkeypatch.setattr(comp, "tag", lambda texts: [[(0, 1, t)] for t in texts])
    texts = [f"第{i}句" for i in range(RECENT_TEXTS + 50)]
    assert comp.names(texts) == [[(0, 1, t)] for t in texts]
    assert len(comp._recent) == RECENT_TEXTS


def test_corpus_samples_teach_nothing_inside_other_labels():
    samples = corpus_samples(str(CORPUS), "dev")
    assert samples
    labels = {lab for _, spans in samples for *_, lab in spans}
    assert () in labels and ("GPE",) in labels
    assert all(len(lab) <= 1 for lab in labels)


@pytest.mark.slow
def test_it_learns_names_and_survives_a_round_trip(assets_dir, tmp_path, monkeypatch):
    nlp = spacy.blank("zh")
    comp = nlp.add_pipe("char_ner", config={"model_name": str(assets_dir / "e5-small"), "epochs": 8,
                                            "learn_rate": 0.01, "bigram_min_count": 1})
    people, places = ["王毅", "李强", "张伟", "刘华"], ["法国", "巴西", "埃及", "越南"]
    samples = [(f"{p}访问{q}。", [(0, 2, ("PERSON",)), (4, 6, ("GPE", "LOC"))]) for p in people for q in places]
    comp.train(samples * 4)
    texts = ["张伟访问越南。", "刘华访问法国。"]
    found = comp.names(texts)
    for text, names in zip(texts, found):
        assert [(text[s:e], lab in ("GPE", "LOC") if s else lab) for s, e, lab in names] == \
            [(text[:2], "PERSON"), (text[4:6], True)]
    assert comp.names(["", texts[0]]) == [[], found[0]]  # an empty text among others
    with monkeypatch.context() as m:  # texts seen lately are not tagged again
        m.setattr(comp, "tag", lambda texts: pytest.fail(f"tagged again: {texts}"))
        assert comp.names(texts[::-1]) == found[::-1]
    comp.to_disk(tmp_path / "cn")
    again = CharNER("char_ner", **comp.cfg).from_disk(tmp_path / "cn")
    assert again.names(texts) == found
