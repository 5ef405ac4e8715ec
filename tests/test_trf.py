"""The transformer config trains on the CPU too (a few steps; its real run belongs on a GPU)."""

import subprocess
import sys

import spacy

import pipeline  # noqa: F401

from .conftest import CORPUS, ROOT


def test_trf_config_trains_a_few_steps_and_loads(assets_dir, tmp_path):
    cmd = [sys.executable, "-m", "pipeline", "train", str(ROOT / "configs/trf.cfg"), "--output", str(tmp_path),
           "--segmenter.train", "false", "--paths.msra_limit", "20", "--training.max_steps", "2",
           "--training.eval_frequency", "1", "--paths.pkuseg_base", str(assets_dir / "pkuseg/mixed"),
           "--paths.msra_train", str(assets_dir / "msra/msra_train.txt"), "--paths.encoder",
           str(assets_dir / "e5-small"), "--paths.corpus", str(CORPUS),
           "--training.batcher.size.start", "100", "--training.batcher.size.stop", "100",
           "--components.aligner.adapter_epochs", "0"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:] + proc.stdout[-2000:]
    nlp = spacy.load(tmp_path / "model-last")
    assert nlp.pipe_names[0] == "transformer"
    doc = nlp("各位朋友：\n中国同东盟加强合作。")
    assert doc._.trf_data is not None and len(list(doc.sents)) == 2
