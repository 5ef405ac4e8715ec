"""The arithmetic behind every published figure, on cases worked out by hand."""

from __future__ import annotations

import pytest

from pipeline.evaluate import project_alignment, score_records
from pipeline.scoring import best_match, label_scores, prf


def test_prf():
    assert prf(2, 4, 5) == pytest.approx({"p": 0.5, "r": 0.4, "f": 0.8 / 1.8})
    assert prf(0, 0, 3) == {"p": 0.0, "r": 0.0, "f": 0.0}


def test_label_scores_accuracy_macro_f_and_a_missing_prediction():
    scores = label_scores(["A", "A", "B", "C"], ["A", "B", "B", None])
    assert scores["acc"] == 0.5
    assert scores["per_label"]["A"] == pytest.approx({"p": 1.0, "r": 0.5, "f": 2 / 3})
    assert scores["per_label"]["B"] == pytest.approx({"p": 0.5, "r": 1.0, "f": 2 / 3})
    assert scores["per_label"]["C"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert scores["macro_f"] == pytest.approx(4 / 9)  # over the gold labels: (2/3 + 2/3 + 0) / 3


def test_best_match_takes_the_largest_overlap_and_the_first_of_equals():
    assert best_match((5, 15), [(0, 8), (8, 20), (30, 40)]) == 1
    assert best_match((10, 20), [(0, 15), (15, 30)]) == 0
    assert best_match((50, 60), [(0, 8), (8, 20)]) is None


def test_predicted_units_and_sections_are_projected_onto_gold_ones_by_overlap():
    gold = {
        "abstract": {"units": [{"id": "a0", "start": 0, "end": 10}, {"id": "a1", "start": 10, "end": 30}]},
        "sections": [
            {"id": "s0", "kind": "preamble", "start": 0, "end": 100, "parent": None},
            {"id": "s1", "kind": "outlook", "start": 100, "end": 200, "parent": None},
            {"id": "s1.1", "kind": "item", "start": 120, "end": 160, "parent": "s1"},
            {"id": "s1.2", "kind": "item", "start": 160, "end": 200, "parent": "s1"},
        ],
    }
    pred = {
        "abstract": {"units": [{"id": "u0", "start": 0, "end": 12}, {"id": "u1", "start": 12, "end": 30}]},
        "sections": [{"id": "p0", "kind": "preamble", "start": 0, "end": 95, "parent": None},
                     {"id": "p1", "kind": "body", "start": 95, "end": 205, "parent": None},
                     {"id": "p2", "kind": "closing", "start": 205, "end": 210, "parent": None}],
        "alignment": [{"unit": "u0", "sections": ["p0"]}, {"unit": "u1", "sections": ["p1", "p2", "nope"]},
                      {"unit": "u9", "sections": ["p0"]}],
    }
    # u0 overlaps a0 by 10 and a1 by 2; p0 lies in s0. u1 is a1; p1 overlaps s0 by 5, s1's own text
    # (100-120) by 20 and each item by 40: the first of the two wins. p2 overlaps no gold section;
    # "nope" and u9 name nothing predicted.
    assert project_alignment(pred, gold) == {("a0", "s0"), ("a1", "s1.1")}


def record(sentences, entities=None, words=None, sections=None):
    doc = {"sentences": [{"start": s, "end": e, "theme": t} for s, e, t in sentences]}
    if entities is not None:
        doc["entities"] = [{"start": s, "end": e, "label": lab} for s, e, lab in entities]
    if words is not None:
        doc["words"] = words
    if sections is not None:
        doc["sections"] = [{"id": f"s{k}", "kind": kind, "start": s, "end": e, "parent": None}
                           for k, (kind, s, e) in enumerate(sections)]
    return doc


def test_scores_are_micro_averaged_and_null_where_the_gold_is_absent():
    gold1 = record([(0, 3, "WORLD"), (3, 6, "HEALTH")], entities=[(0, 2, "GPE"), (3, 5, "ORG")])
    pred1 = record([(0, 3, "WORLD"), (3, 6, "WORLD")], entities=[(0, 2, "GPE"), (3, 5, "GPE"), (4, 6, "ORG")],
                   words=[[0, 1], [1, 3], [3, 6]], sections=[("preamble", 0, 6)])
    gold2 = record([(0, 4, "HEALTH"), (4, 7, "OTHER")], entities=[])
    pred2 = record([(0, 2, "HEALTH"), (2, 7, "OTHER")], entities=[(0, 1, "GPE")], words=[], sections=[])
    scores = score_records([(pred1, gold1), (pred2, gold2)])
    # Sentences: 2 of 4 predicted spans are gold, 2 of 4 gold spans predicted.
    assert scores["sents_f"] == 0.5
    # Themes: each gold sentence takes the theme of the predicted sentence overlapping it most:
    # WORLD→WORLD, HEALTH→WORLD, HEALTH→HEALTH (0-2 overlaps 0-4 by 2, 2-7 by 2: the first), OTHER→OTHER.
    assert scores["themes_acc"] == 0.75
    assert scores["themes_per_label"]["HEALTH"] == pytest.approx({"p": 1.0, "r": 0.5, "f": 2 / 3})
    assert scores["themes_macro_f"] == pytest.approx((1.0 + 2 / 3 + 2 / 3) / 3)  # OTHER, HEALTH, WORLD
    # Entities, micro over both documents: 1 right of 4 predicted, of 2 gold.
    assert (scores["ents_p"], scores["ents_r"]) == (0.25, 0.5)
    assert scores["ents_per_type"]["GPE"] == pytest.approx({"p": 1 / 3, "r": 1.0, "f": 0.5})
    assert scores["ents_per_type"]["ORG"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    # No gold words, sections or alignment in either document: null, not zero.
    assert scores["tokens_p"] is scores["tokens_f"] is scores["sections_f"] is scores["align_f"] is None
