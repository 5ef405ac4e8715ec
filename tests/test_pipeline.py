"""End to end, on a pipeline trained for a few steps: every command of the SPEC's command line."""

import json
import subprocess
import sys

import pytest

from pipeline.corpus import to_dataset

from .conftest import CORPUS, ROOT, SAMPLE_ID

SPEC_KEYS = ["tokens_p", "tokens_r", "tokens_f", "sents_f", "sections_f", "ents_p", "ents_r", "ents_f",
             "ents_per_type", "themes_acc", "themes_macro_f", "themes_per_label", "align_p", "align_r",
             "align_f", "words_per_second"]


def dipnlp(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, input=stdin)


def test_run_writes_json_and_html_for_the_sample(tiny_model, tmp_path):
    proc = dipnlp("run", CORPUS / "raw" / f"{SAMPLE_ID}.txt", "--model", tiny_model, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    record = json.loads((tmp_path / f"{SAMPLE_ID}.json").read_text("utf8"))
    gold = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    assert record["text"] == gold["text"]
    assert record["meta"]["date"] == "2021-12-20" and record["meta"]["speaker"] == "王毅"
    assert [(s["kind"], s["start"], s["end"]) for s in record["sections"]] == [
        (s["kind"], s["start"], s["end"]) for s in gold["sections"]]
    assert len(record["sentences"]) == len(gold["sentences"])
    assert all(s["theme"] for s in record["sentences"])
    assert record["abstract"]["text"] == gold["abstract"]["text"]
    assert {a["unit"] for a in record["alignment"]} == {u["id"] for u in record["abstract"]["units"]}
    html = (tmp_path / f"{SAMPLE_ID}.html").read_text("utf8")
    assert "<script" in html and 'class="unit"' in html and str(tiny_model) in html
    assert "http" not in html.split("<body>")[1].split("</body>")[0]


def test_separate_abstract_and_a_missing_abstract(tiny_model, tmp_path):
    gold = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    (tmp_path / "speech.txt").write_text(gold["text"], "utf8")
    (tmp_path / "abstract.txt").write_text(gold["abstract"]["text"], "utf8")
    assert dipnlp("run", tmp_path / "speech.txt", "--model", tiny_model, "--out", tmp_path / "a",
                  "--abstract", tmp_path / "abstract.txt").returncode == 0
    with_abstract = json.loads((tmp_path / "a" / "speech.json").read_text("utf8"))
    assert with_abstract["alignment"]
    assert dipnlp("run", tmp_path / "speech.txt", "--model", tiny_model, "--out", tmp_path / "b").returncode == 0
    without = json.loads((tmp_path / "b" / "speech.json").read_text("utf8"))
    assert "alignment" not in without and "no English abstract: alignment skipped" in without["notes"]


def test_evaluate_writes_every_spec_key(tiny_model, tmp_path):
    out = tmp_path / "m.json"
    proc = dipnlp("evaluate", "--model", tiny_model, CORPUS / f"{SAMPLE_ID}.json", "--json", out)
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(out.read_text())
    for key in SPEC_KEYS:
        assert key in scores, key
    for key in ("sents_f", "sections_f", "ents_f", "themes_acc", "align_f"):
        assert 0.0 <= scores[key] <= 1.0
    assert scores["sents_f"] == 1.0 and scores["sections_f"] == 1.0
    assert scores["words_per_second"] > 0


def test_segment_writes_sighan_format(tiny_model):
    proc = dipnlp("segment", "--model", tiny_model, stdin="中国外交秉持天下胸怀。\n我们推动构建人类命运共同体。\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].replace("  ", "") == "中国外交秉持天下胸怀。"
    assert "  " in lines[0] and "   " not in lines[0]


def test_the_trained_pipeline_loads_with_spacy_in_a_fresh_process(tiny_model):
    code = (f"import spacy; nlp = spacy.load({str(tiny_model)!r}); doc = nlp('各位朋友：\\n中国同东盟加强合作。');"
            "print(nlp.pipe_names, [s._.theme for s in doc.sents][:1], doc._.sections[0]['kind'],"
            "'adapter', nlp.get_pipe('aligner').adapter.shape)")
    proc = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "themes" in proc.stdout and "aligner" in proc.stdout and "preamble" in proc.stdout
    assert "adapter (384, 384)" in proc.stdout  # fitted at initialize, saved and loaded with the pipeline


def test_training_hands_on_the_segmenter_and_the_character_ner(tiny_model):
    """Both train before spaCy's loop, side by side; the pipeline saved is built on them."""
    import torch
    from spacy.util import load_config

    out = tiny_model.parent
    assert (out / "segmenter/weights.npz").exists()
    cfg = load_config(tiny_model / "config.cfg")
    assert cfg["paths"]["pkuseg_model"] == str(out / "segmenter")
    assert cfg["initialize"]["components"]["char_ner"]["trained"] == str(out / "char_ner")
    first, kept = (torch.load(d / "char_ner/model.pt", weights_only=True) for d in (out, tiny_model))
    assert first.keys() == kept.keys() and all(torch.equal(first[k], kept[k]) for k in first)


def test_themes_and_aligner_embed_each_sentence_once(tiny_model, monkeypatch):
    import spacy

    from pipeline.analyse import analyse

    nlp = spacy.load(tiny_model)
    encoder = nlp.get_pipe("aligner").encoder
    assert nlp.get_pipe("themes")._encoder() is encoder  # one model for both components
    encoder.clear_cache()
    computed: list[str] = []
    compute = encoder._compute
    monkeypatch.setattr(encoder, "_compute", lambda texts, *a: computed.extend(texts) or compute(texts, *a))
    doc = analyse(nlp, (ROOT / "corpus/raw" / f"{SAMPLE_ID}.txt").read_text("utf8"))
    assert doc._.alignment  # the sample has an abstract, so the aligner embedded its sentences too
    bare = [t.split(": ", 1)[1] for t in computed]
    assert len(bare) == len(set(bare))  # no sentence went through the model twice


def test_the_corpus_loads_as_a_dataset():
    assert len(to_dataset([CORPUS])) == sum(len(json.loads(p.read_text("utf8"))["sentences"])
                                            for p in CORPUS.glob("2*.json"))
    ds = to_dataset([CORPUS / f"{SAMPLE_ID}.json"])
    gold = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    assert len(ds) == len(gold["sentences"])
    row = ds[5]
    assert row["theme"] == gold["sentences"][5]["theme"]
    assert all(row["text"][e["start"]:e["end"]] == e["text"] for e in row["entities"])


@pytest.mark.parametrize("content, needle", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
    (b"Only English here, no Chinese at all.", "no Chinese"),
])
def test_bad_input_files_fail_alone_with_one_line(tiny_model, tmp_path, content, needle):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(content)
    (folder / "good.txt").write_text("各位朋友：\n中国同东盟加强合作。", "utf8")
    proc = dipnlp("run", folder, "--model", tiny_model, "--out", tmp_path / "out")
    assert proc.returncode == 1
    assert (tmp_path / "out" / "good.json").exists() and not (tmp_path / "out" / "bad.json").exists()
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "out" / "index.html").exists()


def test_missing_model_and_broken_config(tmp_path):
    proc = dipnlp("run", CORPUS / "raw" / f"{SAMPLE_ID}.txt", "--model", tmp_path / "nope", "--out", tmp_path)
    assert proc.returncode == 1 and "no trained pipeline here" in proc.stderr and "Traceback" not in proc.stderr
    broken = tmp_path / "broken.cfg"
    broken.write_text("[nlp\nlang = zh\n")
    proc = dipnlp("train", broken, "--output", tmp_path / "t")
    assert proc.returncode == 1 and "broken config" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_assets_are_named(tmp_path):
    proc = dipnlp("train", ROOT / "configs/default.cfg", "--output", tmp_path / "t",
                  "--paths.pkuseg_model", tmp_path / "no-model")
    assert proc.returncode == 1 and "run `dipnlp assets` first" in proc.stderr


def test_two_processes_give_the_same_records_as_one(tiny_model, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"s{i}.txt").write_text(f"各位朋友：\n第{i}次会议在北京举行。中国同东盟加强合作。", "utf8")
    for n in (1, 2):
        proc = dipnlp("run", folder, "--model", tiny_model, "--out", tmp_path / f"o{n}", "--n-process", n)
        assert proc.returncode == 0, proc.stderr
    for i in range(4):
        one = json.loads((tmp_path / "o1" / f"s{i}.json").read_text("utf8"))
        two = json.loads((tmp_path / "o2" / f"s{i}.json").read_text("utf8"))
        assert one == two


def test_an_oversized_file_is_refused_with_its_limit_and_verbose_shows_the_traceback(tiny_model, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes("中国外交。".encode() * 1_500_000)  # 22.5 MB
    proc = dipnlp("run", big, "--model", tiny_model, "--out", tmp_path / "out")
    assert proc.returncode == 1 and "over the 5 MB limit" in proc.stderr and "Traceback" not in proc.stderr
    proc = dipnlp("--verbose", "run", tmp_path / "nothing.txt", "--model", tmp_path / "no-model", "--out", tmp_path)
    assert proc.returncode == 1 and "Traceback" in proc.stderr
