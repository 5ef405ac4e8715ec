"""Shared fixtures: paths, the optional evaluation data and assets, and one tiny trained pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
ASSETS = Path(os.environ.get("DIPNLP_ASSETS", ROOT / "assets"))
SAMPLE_ID = "2021-wang-yi-review"


def corpus_docs() -> list[dict]:
    return [json.loads(p.read_text("utf8")) for p in sorted(CORPUS.glob("2*.json"))]


@pytest.fixture(scope="session")
def assets_dir() -> Path:
    if not (ASSETS / "assets.json").exists():
        pytest.skip(f"assets not built in {ASSETS}: run `dipnlp assets`")
    return ASSETS


@pytest.fixture(scope="session")
def sighan_dir() -> Path:
    d = SHARED_DATA / "sighan2005"
    if not d.exists():
        pytest.skip(f"{d} is absent: the SIGHAN 2005 data is read from ../shared/data only")
    return d


@pytest.fixture(scope="session")
def tiny_model(assets_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pipeline trained for a few steps on little data: enough to exercise every command."""
    out = tmp_path_factory.mktemp("tiny")
    cmd = [sys.executable, "-m", "pipeline", "train", str(ROOT / "configs/default.cfg"), "--output", str(out),
           "--paths.msra_limit", "50", "--paths.char_msra_limit", "50", "--components.char_ner.epochs", "1",
           "--initialize.components.char_ner.split", "dev", "--segmenter.pd98_limit", "50",
           "--segmenter.iterations", "1", "--segmenter.corpus_split", "dev",
           "--paths.pd98", str(assets_dir / "pd98/199801.txt"), "--training.max_steps", "6",
           "--training.eval_frequency", "3", "--initialize.components.aligner.split", "dev",
           "--paths.pkuseg_base", str(assets_dir / "pkuseg/mixed"), "--paths.msra_train",
           str(assets_dir / "msra/msra_train.txt"), "--paths.encoder", str(assets_dir / "e5-small"),
           "--paths.corpus", str(CORPUS), "--paths.user_dict", str(CORPUS / "lexicon/user_dict.txt")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:] + proc.stdout[-2000:]
    return out / "model-best"
