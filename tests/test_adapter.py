"""The unit-vector adapter: it learns what the gold pairs say and stays out of the way without them."""

from __future__ import annotations

import numpy as np
import torch

from pipeline.adapter import AdapterSample, adapt, section_views, train_adapter

WEIGHTS = (0.0, 0.4, 0.6)


def _sample(rng: np.random.Generator) -> AdapterSample:
    """Two sections of one sentence each; the unit lies nearer the first, but gold says the second."""
    a, b = np.eye(4, dtype=np.float32)[:2]
    q = (0.8 * a + 0.6 * b + 0.05 * rng.standard_normal(4)).astype(np.float32)[None]
    q /= np.linalg.norm(q)
    return AdapterSample(q=q, v_sent=np.stack([a, b]), section_of=np.array([0, 1]),
                         targets=np.array([[0.0, 1.0]], dtype=np.float32))


def _scores(sample: AdapterSample, adapter: np.ndarray | None) -> np.ndarray:
    a = None if adapter is None else torch.from_numpy(adapter)
    heading, best, whole = section_views(adapt(torch.from_numpy(sample.q), a), torch.from_numpy(sample.v_sent),
                                         sample.section_of, 2)
    return (WEIGHTS[1] * best + WEIGHTS[2] * whole).detach().numpy()[0]


def test_the_adapter_moves_units_toward_their_gold_sections():
    rng = np.random.default_rng(0)
    train = [_sample(rng) for _ in range(8)]
    held_out = _sample(rng)
    assert _scores(held_out, None).argmax() == 0
    adapter = train_adapter(train, WEIGHTS, epochs=30, l2=0.0, temperature=0.05, lr=0.01)
    assert adapter is not None and adapter.shape == (4, 4)
    assert _scores(held_out, adapter).argmax() == 1


def test_no_epochs_or_no_gold_pairs_give_no_adapter():
    rng = np.random.default_rng(0)
    assert train_adapter([_sample(rng)], WEIGHTS, epochs=0, l2=0.0, temperature=0.05, lr=0.01) is None
    empty = _sample(rng)
    empty.targets[:] = 0
    assert train_adapter([empty], WEIGHTS, epochs=5, l2=0.0, temperature=0.05, lr=0.01) is None


def test_section_views_take_the_first_the_best_and_the_mean_sentence():
    q = torch.tensor([[1.0, 0.0]])
    v = torch.tensor([[0.0, 1.0], [1.0, 0.0], [0.6, 0.8]])
    heading, best, whole = section_views(q, v, np.array([0, 0, 1]), 2)
    assert np.allclose(heading, [[0.0, 0.6]])
    assert np.allclose(best, [[1.0, 0.6]])
    assert np.allclose(whole, [[np.sqrt(0.5), 0.6]])
