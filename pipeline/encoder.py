"""A multilingual sentence encoder (multilingual-e5-small by default) through transformers."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .assets import AssetError, find_asset


def resolve_model(name: str) -> str:
    """A local folder (relative to the working directory or to $DIPNLP_ASSETS), else a hub name."""
    found = find_asset(name)
    if found is not None:
        return str(found)
    p = Path(name)
    if p.is_absolute() or p.parts[:1] == ("assets",):
        raise AssetError(f"{name}: the sentence encoder is missing; run `dipnlp assets` first")
    return name


def load_tokenizer(path: str, local: bool) -> Callable[[list[str], int], dict[str, Any]]:
    """A function from texts and a maximum length to padded model inputs.

    A local folder's `tokenizer.json` is read with the `tokenizers` library itself: the same
    fast tokenizer transformers wraps, without the second of imports its wrapper costs at
    every start. Anything else goes through AutoTokenizer."""
    import torch

    if local and (Path(path) / "tokenizer.json").exists():
        from tokenizers import Tokenizer

        fast = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        pad_token = "<pad>"
        config = Path(path) / "tokenizer_config.json"
        if config.exists():
            pad_token = json.loads(config.read_text("utf8")).get("pad_token", pad_token)
        pad_id = fast.token_to_id(pad_token)
        fast.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token=pad_token)

        def tokenize(texts: list[str], max_length: int) -> dict[str, Any]:
            fast.enable_truncation(max_length)
            encs = fast.encode_batch(texts)
            return {"input_ids": torch.tensor([e.ids for e in encs]),
                    "attention_mask": torch.tensor([e.attention_mask for e in encs])}

        return tokenize
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path, local_files_only=local)
    return lambda texts, max_length: dict(tok(texts, padding=True, truncation=True, max_length=max_length,
                                              return_tensors="pt"))


CACHE_SIZE = 20_000  # embeddings of 384 floats: about 35 MB when full
PRECISIONS = ("auto", "fp32", "bf16")


def use_bf16(precision: str, device) -> bool:
    """Whether to run the encoder under bfloat16 autocast.

    "auto" does so where the hardware has bfloat16 arithmetic (a CUDA GPU that supports it,
    a CPU with AVX-512 BF16/AMX): twice the speed on such CPUs, embeddings within a cosine of
    1e-5 of float32's (docs/BENCHMARKS.md). Elsewhere bfloat16 is emulated and slower."""
    import torch

    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision != "auto":
        return precision == "bf16"
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return bool(getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)())


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings, computed in batches without gradients."""

    def __init__(self, model_name: str, max_length: int = 256, batch_size: int = 32,
                 pooling: str = "mean", device: str = "cpu", precision: str = "auto") -> None:
        import torch
        from transformers import AutoModel

        path = resolve_model(model_name)
        local = Path(path).exists()
        self.tokenizer = load_tokenizer(path, local)
        self.model = AutoModel.from_pretrained(path, local_files_only=local, add_pooling_layer=False)
        self.device = torch.device(device if device != "cuda" or torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        self.max_length = max_length
        self.batch_size = batch_size
        if pooling not in ("mean", "cls"):
            raise ValueError(f"pooling must be 'mean' or 'cls', not {pooling!r}")
        self.pooling = pooling
        self.bf16 = use_bf16(precision, self.device)
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def embed(self, texts: list[str], prefix: str = "", max_length: int | None = None,
              batch_size: int | None = None) -> np.ndarray:
        """Embeddings of `prefix + text`; length and batch size default to the encoder's own.

        Recent embeddings are kept (`CACHE_SIZE`): training evaluates the same dev sentences
        every few hundred steps, and `dipnlp evaluate` repeats what a run computed."""
        max_length = max_length or self.max_length
        keys = [(prefix + t, max_length) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if todo:
            fresh = self._compute([text for text, _ in todo], max_length, batch_size or self.batch_size)
            self._cache.update(zip(todo, fresh))
            while len(self._cache) > CACHE_SIZE:
                del self._cache[next(iter(self._cache))]
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])

    def clear_cache(self) -> None:
        self._cache.clear()

    def _compute(self, texts: list[str], max_length: int, batch_size: int) -> np.ndarray:
        import torch

        # Batches of similar lengths waste little on padding; the order is restored at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = []
        with torch.inference_mode(), torch.autocast(self.device.type, torch.bfloat16, enabled=self.bf16):
            for i in range(0, len(order), batch_size):
                batch = [texts[j] for j in order[i : i + batch_size]]
                enc = {k: v.to(self.device) for k, v in self.tokenizer(batch, max_length).items()}
                hidden = self.model(**enc).last_hidden_state.float()
                if self.pooling == "cls":
                    vec = hidden[:, 0]
                else:
                    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                out.append(torch.nn.functional.normalize(vec, dim=-1).float().cpu().numpy())
        vectors = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
        vectors[order] = np.concatenate(out)
        return vectors


@lru_cache(maxsize=2)
def get_encoder(model_name: str, pooling: str = "mean", device: str = "cpu", precision: str = "auto") -> Encoder:
    """One loaded model per (model, pooling, device, precision), shared by the components that embed text."""
    return Encoder(model_name, pooling=pooling, device=device, precision=precision)
