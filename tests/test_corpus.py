import json
import sys

import pytest

from pipeline.corpus import CorpusError, check_doc, load_doc, read_splits, validate
from pipeline.labels import THEMES

from .conftest import CORPUS, ROOT, SAMPLE_ID, corpus_docs

sys.path.insert(0, str(ROOT / "scripts"))
from agreement import NAMED, named_spans  # noqa: E402


@pytest.mark.parametrize("doc", corpus_docs(), ids=lambda d: d["id"])
def test_every_corpus_file_passes_the_schema_and_the_checker(doc):
    validate(doc, doc["id"])
    assert check_doc(doc) == []


def test_corpus_size():
    docs = corpus_docs()
    assert len(docs) >= 11
    assert sum(len(d["sentences"]) for d in docs) >= 1500
    han = sum(1 for d in docs for ch in d["text"] if "\u4e00" <= ch <= "\u9fff")
    assert han >= 40000


def test_splits_are_disjoint_complete_and_keep_the_sample_out_of_train():
    splits = read_splits(CORPUS / "splits.json")
    names = [n for ids in splits.values() for n in ids]
    assert len(names) == len(set(names))
    assert set(names) == {d["id"] for d in corpus_docs()}
    assert SAMPLE_ID not in splits["train"]


def test_the_sample_has_every_field():
    doc = load_doc(CORPUS / f"{SAMPLE_ID}.json")
    for key in ("sections", "sentences", "entities", "footnotes", "abstract", "alignment"):
        assert doc.get(key), key
    assert {s["kind"] for s in doc["sections"]} == {"preamble", "body", "conclusion", "outlook", "item", "closing"}
    assert {s["theme"] for s in doc["sentences"]} <= set(THEMES)


def test_checker_finds_planted_errors():
    doc = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    text = doc["text"]
    quoted = text.index("“")
    doc["entities"].append({"start": quoted, "end": quoted + 3, "label": "GPE"})
    doc["entities"].append({"start": 0, "end": 2, "label": "COUNTRY"})
    doc["sentences"][0]["end"] += 1
    doc["sections"][1]["start"] += 1
    doc["alignment"][0]["sections"].append("s99")
    problems = " | ".join(check_doc(doc))
    for needle in ("quote mark", "unknown label", "sentence rule", "gap or overlap", "unknown section s99"):
        assert needle in problems


def test_reader_reports_file_and_field(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "x", "text": "中国", "entities": [{"start": 0, "label": "GPE"}]}))
    with pytest.raises(CorpusError, match=r"bad\.json.*entities/0.*'end' is a required property"):
        load_doc(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CorpusError, match=r"broken\.json: invalid JSON at line 1"):
        load_doc(broken)


@pytest.mark.parametrize("path", sorted((CORPUS / "agreement" / "alignment").glob("*.json")), ids=lambda p: p.stem)
def test_second_alignments_cover_their_gold_units_and_name_real_sections(path):
    gold = load_doc(CORPUS / path.name)
    second = json.loads(path.read_text("utf8"))["alignment"]
    assert [a["unit"] for a in second] == [u["id"] for u in gold["abstract"]["units"]]
    section_ids = {s["id"] for s in gold["sections"]}
    assert {sid for a in second for sid in a["sections"]} <= section_ids


@pytest.mark.parametrize("path", sorted((CORPUS / "agreement" / "named").glob("*.txt")), ids=lambda p: p.stem)
def test_second_named_entity_marks_reproduce_their_gold_sentences(path):
    doc = load_doc(CORPUS / f"{path.stem}.json")
    spans = named_spans(doc, path.read_text("utf8").splitlines(), path.name)
    assert spans and {label for _, _, label in spans} <= set(NAMED)
