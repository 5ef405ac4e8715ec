import numpy as np
import spacy
from spacy.tokens import Doc

from pipeline.themes import ThemeClassifier, keep_theme_viterbi, sentence_spans


def make_doc(nlp, words: list[str]) -> Doc:
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words))


def classifier(min_count: int) -> ThemeClassifier:
    return ThemeClassifier("themes", model_name="unused", max_length=32, batch_size=8, prefix="", device="cpu",
                           context_weight=1.0, word_min_count=min_count, l2=0.0, epochs=1, learn_rate=0.1,
                           labels=["HEALTH", "OTHER"])


def test_word_features_keep_frequent_words_and_drop_numbers_and_single_characters():
    nlp = spacy.blank("zh")
    docs = [make_doc(nlp, ["疫苗", "援助", "了", "。", "疫苗", "公平", "。", "2021", "年", "疫苗", "。"]),
            make_doc(nlp, ["援助", "非洲", "。"])]
    per_doc = [sentence_spans(d) for d in docs]
    clf = classifier(2)
    clf.build_words(per_doc)
    assert sorted(clf.words) == ["援助", "疫苗"]  # 公平, 非洲 once; 了, 年 one character; 2021 a number
    rows = clf.word_rows(per_doc)
    assert rows.shape == (4, 2)
    vaccine, aid = clf.words["疫苗"], clf.words["援助"]
    assert rows[:, vaccine].tolist() == [1, 1, 1, 0]
    assert rows[:, aid].tolist() == [1, 0, 0, 1]


def test_word_features_round_trip_to_disk(tmp_path):
    nlp = spacy.blank("zh")
    clf = classifier(1)
    clf.build_words([sentence_spans(make_doc(nlp, ["台湾", "问题", "。"]))])
    clf.W, clf.b = np.zeros((2, 2)), np.zeros(2)
    clf.mu, clf.sd = np.zeros(2), np.ones(2)
    clf.to_disk(tmp_path)
    loaded = classifier(1).from_disk(tmp_path)
    assert loaded.words == clf.words == {"台湾": 0, "问题": 1}


def test_keeping_the_theme_outweighs_a_weak_lone_label():
    log_probs = np.log(np.array([[0.9, 0.1], [0.45, 0.55], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8]]))
    assert keep_theme_viterbi(log_probs, 0.0) == [0, 1, 0, 1, 1]  # no bonus: each row's argmax
    # keeping label 0 at the second sentence costs log(.55/.45) = 0.2 < two bonuses of 0.5
    assert keep_theme_viterbi(log_probs, 0.5) == [0, 0, 0, 1, 1]
    assert keep_theme_viterbi(log_probs, 5.0) == [1] * 5  # a large bonus: one label, the likelier overall
    assert keep_theme_viterbi(np.zeros((0, 2)), 0.5) == []
