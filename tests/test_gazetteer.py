import spacy
from spacy.tokens import Span

import pipeline  # noqa: F401
from pipeline.gazetteer import Gazetteer, entity_shares

from .conftest import CORPUS


def make(names):
    nlp = spacy.blank("zh")  # character segmentation: no assets needed
    gaz = Gazetteer("gazetteer", labels=["INITIATIVE", "EVENT", "LAW"], min_length=2, min_count=1)
    gaz.add(names)
    return nlp, gaz


def test_known_names_are_found_on_characters_and_quotes_stay_outside():
    nlp, gaz = make({"一带一路": "INITIATIVE", "巴黎协定": "LAW", "中国": "GPE"})
    doc = gaz(nlp("共建“一带一路”，落实《巴黎协定》。中国"))
    assert [(e.text, e.label_) for e in doc.ents] == [("一带一路", "INITIATIVE"), ("巴黎协定", "LAW")]


def test_the_longest_span_wins_over_a_known_name_inside_it():
    nlp, gaz = make({"一带一路": "INITIATIVE"})
    doc = nlp("第三届“一带一路”国际合作高峰论坛")
    doc.ents = [Span(doc, 0, len(doc), label="EVENT")]
    assert [(e.text, e.label_) for e in gaz(doc).ents] == [("第三届“一带一路”国际合作高峰论坛", "EVENT")]


def test_a_known_name_replaces_a_shorter_overlapping_prediction():
    nlp, gaz = make({"全球发展倡议": "INITIATIVE"})
    doc = nlp("提出全球发展倡议。")
    doc.ents = [Span(doc, 2, 6, label="ORG")]  # 全球发展
    assert [(e.text, e.label_) for e in gaz(doc).ents] == [("全球发展倡议", "INITIATIVE")]


def test_names_come_from_the_train_split_only_and_round_trip(tmp_path):
    nlp, gaz = make({})
    gaz.initialize(lambda: [], nlp=nlp, corpus_dir=str(CORPUS), split="train")
    assert gaz.names.get("一带一路") == "INITIATIVE"
    gaz.to_disk(tmp_path)
    other = Gazetteer("g", labels=gaz.labels, min_length=2, min_count=1).from_disk(tmp_path)
    assert other.names == gaz.names


def test_a_name_mostly_found_outside_entities_is_left_out():
    # 冷战 is an EVENT once in the train split and otherwise the 冷战 of 冷战思维
    text = "冷战结束后，冷战思维仍在，摒弃冷战思维。"
    docs = [{"text": text, "entities": [{"start": 0, "end": 2, "label": "EVENT"}]}]
    assert entity_shares(docs, ["冷战"]) == {"冷战": 1 / 3}
    nlp, gaz = make({})
    gaz.initialize(lambda: [], nlp=nlp, corpus_dir=str(CORPUS), split="train")
    assert gaz.names.get("冷战") == "EVENT"
    gaz.min_share = 0.5
    gaz.initialize(lambda: [], nlp=nlp, corpus_dir=str(CORPUS), split="train")
    assert "冷战" not in gaz.names and gaz.names.get("一带一路") == "INITIATIVE"
