"""Per-character features from a frozen multilingual-e5-small, for the character NER.

pkuseg's words and e5's XLM-R pieces both cut across names (访华 holds 华, 中俄 two places), so the
character tagger reads the encoder's hidden states character by character: each character takes the
state of the piece that holds it, averaged over groups of layers, plus its place in that piece.
States are kept per piece, in float16, and gathered per character only when a batch is built: a
piece often holds two or three characters, and fifty thousand sentences of 768 floats per
character would not fit a small machine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PREFIX = "passage: "
_BREAK = re.compile(r"[。！？；!?;\n]|[，、,：:]")


@dataclass
class CharFeatures:
    """One text's features: `states` (pieces × width, float16), and per character the row of its
    piece (`piece`) and its place in it (`place`: 0 alone, 1 first, 2 inside, 3 last)."""

    states: object  # torch.Tensor
    piece: object
    place: object


def windows(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Character windows of at most `max_chars` that cover the text, cut after the last sentence end
    (else clause mark) inside each window; a window without either is cut at `max_chars`."""
    out, start = [], 0
    while len(text) - start > max_chars:
        part = text[start : start + max_chars]
        ends = [m.end() for m in _BREAK.finditer(part) if part[m.start()] in "。！？；!?;\n"]
        clauses = [m.end() for m in _BREAK.finditer(part)]
        cut = (ends or clauses or [max_chars])[-1]
        out.append((start, start + cut))
        start += cut
    if start < len(text) or not out:
        out.append((start, len(text)))
    return out


class CharEncoder:
    """The e5 encoder with the piece offsets its fast tokenizer gives."""

    def __init__(self, model_name: str, layer_groups: list[list[int]], precision: str = "auto",
                 max_pieces: int = 512) -> None:
        import copy

        import torch
        from tokenizers import Tokenizer

        from .encoder import get_encoder, resolve_model

        self.tokenizer = Tokenizer.from_file(str(Path(resolve_model(model_name)) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_pieces)
        self.encoder = get_encoder(model_name, "mean", "cpu", precision)  # the one the themes and aligner use
        self.groups = [(int(a), int(b)) for a, b in layer_groups]
        self.width = self.encoder.model.config.hidden_size * len(self.groups)
        # only the layers the groups read run; under bfloat16 they run as a bfloat16 copy (40 MB; the
        # shared encoder stays float32 for the sentence vectors), about a fifth faster than autocast,
        # whose casts cost more than they save on two cores, and within cosine 0.9999 of it
        layers = self.encoder.model.encoder.layer[: max(z for _, z in self.groups)]
        self.dtype = torch.bfloat16 if self.encoder.bf16 else torch.float32
        self.layers = copy.deepcopy(layers).to(self.dtype) if self.encoder.bf16 else layers

    def hidden_states(self, ids, mask) -> list:
        """The embeddings' states and those of each layer that runs."""
        import torch

        states = [self.encoder.model.embeddings(input_ids=ids).to(self.dtype)]
        bias = (1 - mask[:, None, None, :].to(self.dtype)) * torch.finfo(self.dtype).min
        for layer in self.layers:
            states.append(layer(states[-1], attention_mask=bias)[0])
        return states

    def encode(self, texts: list[str], batch_size: int = 64, progress: Callable[[int], None] | None = None,
               pace: Callable[[], None] | None = None) -> list[CharFeatures]:
        """Features of each text, computed in batches of similar length; `pace` is called before each."""
        import numpy as np
        import torch

        out: list = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                if pace is not None:
                    pace()
                idx = order[b : b + batch_size]
                encs = self.tokenizer.encode_batch([PREFIX + texts[i] for i in idx])
                width = max(len(e.ids) for e in encs)
                ids = torch.tensor([e.ids + [1] * (width - len(e.ids)) for e in encs])
                mask = torch.tensor([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in encs])
                hidden = self.hidden_states(ids, mask)
                states = torch.cat([torch.stack(hidden[a : z + 1]).float().mean(0) for a, z in self.groups], -1)
                rows, pieces, places = [], [], []
                for k, i in enumerate(idx):
                    n = len(texts[i])
                    piece_of, place = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
                    for j, (s, e) in enumerate(encs[k].offsets):
                        if encs[k].special_tokens_mask[j] or e <= len(PREFIX):
                            continue
                        s, e = max(s, len(PREFIX)) - len(PREFIX), min(e - len(PREFIX), n)
                        piece_of[s:e] = j
                        if e - s > 1:
                            place[s], place[s + 1 : e - 1], place[e - 1] = 1, 2, 3
                    used, inverse = np.unique(piece_of, return_inverse=True)
                    rows.append(used + k * width)
                    pieces.append(torch.from_numpy(inverse))
                    places.append(torch.from_numpy(place))
                # one block per batch, each text a view of it: fifty thousand small tensors fragment the heap
                block = states.reshape(-1, states.shape[-1])[torch.from_numpy(np.concatenate(rows))].to(torch.float16)
                for i, part, piece, place in zip(idx, block.split([len(r) for r in rows]), pieces, places):
                    out[i] = CharFeatures(part, piece, place)
                if progress is not None:
                    progress(len(idx))
        return out


def encode_windows(encoder: CharEncoder, texts: Iterable[str], max_chars: int, batch_size: int = 64
                   ) -> Iterator[list[tuple[int, int, CharFeatures]]]:
    """Per text, its windows with their features; all windows of the texts go through e5 together."""
    texts = list(texts)
    spans = [windows(t, max_chars) for t in texts]
    flat = [t[a:b] for t, ws in zip(texts, spans) for a, b in ws]
    feats = iter(encoder.encode(flat, batch_size))
    for ws in spans:
        yield [(a, b, next(feats)) for a, b in ws]
