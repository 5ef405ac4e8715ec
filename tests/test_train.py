import json
import shutil
from concurrent.futures import Future

import spacy
import torch

from pipeline.train import SharedCores, train_pipeline

from .conftest import CORPUS, ROOT


def test_torch_leaves_the_workers_core_until_the_worker_is_done():
    full = torch.get_num_threads()
    worker: Future = Future()
    with SharedCores(worker) as pace:
        pace()
        assert torch.get_num_threads() == max(1, full - 1)
        worker.set_result(None)
        pace()
        assert torch.get_num_threads() == full


def test_the_threads_come_back_when_training_stops_before_the_worker():
    full = torch.get_num_threads()
    with SharedCores(Future()) as pace:
        pace()
    assert torch.get_num_threads() == full


def test_without_a_worker_torch_keeps_its_threads():
    full = torch.get_num_threads()
    with SharedCores(None) as pace:
        pace()
        assert torch.get_num_threads() == full


def test_a_few_steps_on_one_speech(assets_dir, tmp_path):
    """Training's whole path on one speech (it is also the dev set: a check of the mechanics, not a
    score), without the segmenter step: the quick loop for someone changing a component."""
    doc_id = "2014-xi-jinping-cica-keynote"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / f"{doc_id}.json", corpus)
    (corpus / "splits.json").write_text(json.dumps({"train": [doc_id], "dev": [doc_id], "test": []}))
    best = train_pipeline(ROOT / "configs/default.cfg", tmp_path / "out", {
        "paths.corpus": str(corpus), "paths.user_dict": str(CORPUS / "lexicon/user_dict.txt"),
        "paths.pkuseg_base": str(assets_dir / "pkuseg/mixed"), "paths.encoder": str(assets_dir / "e5-small"),
        "paths.msra_train": str(assets_dir / "msra/msra_train.txt"), "paths.pd98": str(assets_dir / "pd98/199801.txt"),
        "paths.msra_limit": 20, "paths.char_msra_limit": 20, "segmenter.train": False,
        "components.char_ner.epochs": 1, "training.max_steps": 4, "training.eval_frequency": 2})
    scores = json.loads((best / "meta.json").read_text())["performance"]
    assert {"ents_f", "themes_acc"} <= scores.keys()
    doc = spacy.load(best)("中方愿同各方一道，加强亚洲安全合作。")
    assert [s.label_ for s in doc.spans["themes"]] and "names" in doc.spans
