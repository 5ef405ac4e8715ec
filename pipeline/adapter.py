"""A linear map on the abstract's unit vectors, fitted on the gold alignments of training speeches.

multilingual-e5-small learnt to match a text with its translation, not an English clause with
the Chinese section it summarises. Moving each unit vector by a learnt 384 × 384 matrix
(q + qA, renormalised), with A fitted on the training speeches, brings units closer to the
sections annotators chose. One matrix is cheap to fit (seconds, on vectors the encoder has
already computed) and to apply, and the encoder itself stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class AdapterSample:
    """One training speech: unit vectors, its sections' sentence vectors and the gold pairs."""

    q: np.ndarray  # units × dim, as the aligner scores them (clause context mixed in)
    v_sent: np.ndarray  # sentences × dim
    section_of: np.ndarray  # each sentence's section index
    targets: np.ndarray  # units × sections: 1 where the pair is gold


def section_views(q, v_sent, section_of: np.ndarray, n_sections: int):
    """Cosines of each unit with each section's first sentence, its best sentence and its whole
    text (the normalised mean of its sentence vectors), as torch tensors."""
    import torch

    sim = q @ v_sent.T
    masks = [torch.from_numpy(section_of == j) for j in range(n_sections)]
    firsts = [int(np.argmax(section_of == j)) for j in range(n_sections)]
    best = torch.stack([sim[:, m].max(dim=1).values for m in masks], dim=1)
    whole = torch.nn.functional.normalize(torch.stack([v_sent[m].mean(dim=0) for m in masks]), dim=-1)
    return sim[:, firsts], best, q @ whole.T


def adapt(q, adapter):
    """q + qA, renormalised; without an adapter, q itself."""
    import torch

    if adapter is None:
        return q
    return torch.nn.functional.normalize(q + q @ adapter, dim=-1)


def train_adapter(samples: Sequence[AdapterSample], weights: tuple[float, float, float], epochs: int,
                  l2: float, temperature: float, lr: float) -> np.ndarray | None:
    """Fit A by Adam, one step per speech: each unit's gold sections should win a softmax (at
    `temperature`) over its speech's sections, scored as the aligner weighs the heading, best
    sentence and whole section; `l2` keeps A near zero, the encoder's own geometry. Starting
    from zero and visiting speeches in order, the result is deterministic."""
    import torch

    usable = [s for s in samples if s.targets.sum() > 0]
    if epochs <= 0 or not usable:
        return None
    w_heading, w_best, w_whole = weights
    dim = usable[0].q.shape[1]
    adapter = torch.zeros(dim, dim, requires_grad=True)
    opt = torch.optim.Adam([adapter], lr=lr)
    tensors = [(torch.from_numpy(s.q), torch.from_numpy(s.v_sent), s.section_of,
                torch.from_numpy(s.targets.astype(np.float32))) for s in usable]
    for _ in range(epochs):
        for q, v_sent, section_of, targets in tensors:
            heading, best, whole = section_views(adapt(q, adapter), v_sent, section_of, targets.shape[1])
            scores = w_heading * heading + w_best * best + w_whole * whole
            has_gold = targets.sum(dim=1) > 0
            log_p = torch.log_softmax(scores[has_gold] / temperature, dim=1)
            gold = targets[has_gold]
            loss = (-(log_p * gold).sum(dim=1) / gold.sum(dim=1)).mean() + l2 * (adapter**2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return adapter.detach().numpy()
