"""Evaluation compares on the gold text: offsets move back where normalising changed it."""

from __future__ import annotations

import json

import pytest
import spacy

from pipeline.evaluate import EvaluationError, evaluate, offset_map, to_gold_offsets
from pipeline.normalize import count_cjk

from .conftest import CORPUS


def test_offset_map_skips_whitespace_on_either_side():
    gold, pred = "中国 + 中亚五国。", "中国+中亚五国。"
    m = offset_map(pred, gold)
    assert [gold[m[i]] for i in range(len(pred))] == list(pred)
    assert m[len(pred)] == len(gold)
    assert offset_map("a b", "ab") == [0, 1, 1, 2]


def test_a_change_other_than_whitespace_names_the_document_and_the_place():
    with pytest.raises(EvaluationError, match=r"doc-1: .* at character 2 .*'中国\[1\]") as info:
        offset_map("中国合作。", "中国[1]合作。", "doc-1")
    assert "\n" not in str(info.value)


def test_spans_move_onto_the_gold_text():
    gold = "中国 + 中亚五国合作。\n谢谢。"
    record = {"id": "x", "text": "中国+中亚五国合作。\n谢谢。", "words": [[0, 2], [2, 3], [3, 7]],
              "sentences": [{"start": 0, "end": 10, "theme": "OTHER"}, {"start": 11, "end": 14, "theme": "OTHER"}],
              "entities": [{"start": 3, "end": 7, "label": "GPE"}],
              "sections": [{"id": "s0", "kind": "preamble", "start": 0, "end": 14}]}
    moved = to_gold_offsets(record, gold)
    assert [gold[s:e] for s, e in moved["words"]] == ["中国", "+", "中亚五国"]
    assert [gold[s["start"] : s["end"]] for s in moved["sentences"]] == ["中国 + 中亚五国合作。", "谢谢。"]
    assert gold[moved["entities"][0]["start"] : moved["entities"][0]["end"]] == "中亚五国"
    assert (moved["sections"][0]["start"], moved["sections"][0]["end"]) == (0, len(gold))


def spaced(doc: dict, every: int = 40) -> dict:
    """The gold document with a space before every `every`-th character where both neighbours are
    Chinese characters (as a PDF leaves them, and as normalising removes them), every gold offset
    moved to match."""
    text = doc["text"]
    cuts = [i for i in range(every, len(text), every) if count_cjk(text[i - 1 : i + 1]) == 2]
    shift = [0] * (len(text) + 1)
    for i in range(len(text) + 1):
        shift[i] = sum(1 for c in cuts if c <= i)

    def at(i: int, end: bool = False) -> int:  # a span's end stays before the space that follows it
        return i + (shift[i - 1] if end and i > 0 else shift[i])

    out = json.loads(json.dumps(doc))
    pieces, prev = [], 0
    for c in cuts:
        pieces += [text[prev:c], " "]
        prev = c
    out["text"] = "".join(pieces) + text[prev:]
    for key in ("sentences", "entities", "sections"):
        for x in out.get(key, []):
            x["start"], x["end"] = at(x["start"]), at(x["end"], end=True)
    out["words"] = [[at(s), at(e, end=True)] for s, e in out.get("words", [])]
    return out


def test_scores_do_not_move_when_the_gold_text_has_spaces_the_pipeline_removes(tiny_model):
    gold = json.loads((CORPUS / "2023-china-central-asia-declaration.json").read_text("utf8"))
    nlp = spacy.load(tiny_model)
    variant = spaced(gold)
    assert variant["text"] != gold["text"] and variant["text"].replace(" ", "") == gold["text"]
    plain, moved = evaluate(nlp, [gold]), evaluate(nlp, [variant])
    for key in ("tokens_f", "sents_f", "sections_f", "ents_f", "themes_acc"):
        assert moved[key] == pytest.approx(plain[key]), key
    assert plain["sents_f"] > 0.5 and plain["ents_f"] > 0.1
