"""How far frozen e5 features carry a character tagger on MSRA: a feasibility probe, not a component.

    python scripts/probe_msra_e5.py [--train-limit 0] [--test-limit 0] [--epochs 3] [--layers 5-8,9-12]
                                    [--batches random|length]

Each MSRA sentence goes once through multilingual-e5-small (no gradients, bfloat16 where the
CPU has it). Each character takes the hidden state of the XLM-R piece that holds it, averaged
over each group of `--layers` and concatenated, plus its place in the piece. A one-layer BiLSTM
over those and a learnt character embedding tags B/M/E/S-PER/LOC/ORG. It is trained with Adam
and decoded by a Viterbi pass that allows only well-formed tag sequences. It prints MSRA test
P/R/F1 on exact character spans after every pass and the minutes each step took.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.readers import read_msra  # noqa: E402
from pipeline.scoring import prf  # noqa: E402

TAGS = ["O"] + [f"{p}-{label}" for label in ("PER", "LOC", "ORG") for p in "BMES"]
PREFIX = "passage: "


def char_features(texts: list[str], encoder: str, groups: list[tuple[int, int]], batch_size: int = 64):
    """Per text: its characters' features (float16) and their place in their piece (0 alone, 1 first,
    2 inside, 3 last): a piece of several characters gives each of them the same vector."""
    from pipeline.charfeatures import CharEncoder

    feats = CharEncoder(encoder, [list(g) for g in groups]).encode(texts, batch_size)
    return [(f.states[f.piece], f.place) for f in feats]


def tag_ids(n: int, spans: list[tuple[int, int, str]]) -> list[int]:
    y = [0] * n
    for s, e, label in spans:
        if e - s == 1:
            y[s] = TAGS.index(f"S-{label}")
            continue
        y[s], y[e - 1] = TAGS.index(f"B-{label}"), TAGS.index(f"E-{label}")
        for c in range(s + 1, e - 1):
            y[c] = TAGS.index(f"M-{label}")
    return y


def viterbi(log_probs, allowed, start_ok, end_ok) -> list[int]:
    """The best tag sequence among those whose B/M/E/S tags form whole spans."""
    import torch

    trans = torch.where(allowed, 0.0, -1e9)
    score = log_probs[0] + torch.where(start_ok, 0.0, -1e9)
    back = []
    for row in log_probs[1:]:
        best, arg = (score[:, None] + trans).max(0)
        back.append(arg)
        score = best + row
    j = int((score + torch.where(end_ok, 0.0, -1e9)).argmax())
    path = [j]
    for arg in reversed(back):
        j = int(arg[j])
        path.append(j)
    return path[::-1]


def spans_of(tags: list[str]) -> set[tuple[int, int, str]]:
    spans, start = set(), 0
    for i, t in enumerate(tags):
        if t[0] in "BS":
            start = i
        if t[0] in "ES":
            spans.add((start, i + 1, t[2:]))
    return spans


def main() -> None:
    import torch
    from torch.nn.utils.rnn import pad_sequence

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--layers", default="5-8,9-12", help="groups of hidden layers to average, 1..12")
    ap.add_argument("--batches", choices=("random", "length"), default="random",
                    help="random sentences per batch, or sentences of similar length (less padding)")
    ap.add_argument("--bigrams", action="store_true", help="add embeddings of the bigrams around each character")
    ap.add_argument("--lexicon", action="store_true",
                    help="add B/M/E/S flags of training-entity names matched on the characters (2-fold on train)")
    ap.add_argument("--decay", action="store_true", help="decay the learning rate linearly to zero over the passes")
    ap.add_argument("--cache", default="", help="a file to keep the e5 features in between runs")
    ap.add_argument("--encoder", default=str(ROOT / "assets/e5-small"))
    ap.add_argument("--msra", default=str(ROOT / "assets/msra"))
    args = ap.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    groups = [tuple(int(x) for x in g.split("-")) for g in args.layers.split(",")]
    train = list(read_msra(Path(args.msra) / "msra_train.txt", args.train_limit))
    test = list(read_msra(Path(args.msra) / "msra_test.txt", args.test_limit))

    start = time.perf_counter()
    if args.cache and Path(args.cache).exists():  # a cache of all sentences serves any limit below it
        train_feats, test_feats = torch.load(args.cache)
        train_feats, test_feats = train_feats[: len(train)], test_feats[: len(test)]
    else:
        train_feats = char_features([t for t, _ in train], args.encoder, groups)
        test_feats = char_features([t for t, _ in test], args.encoder, groups)
        if args.cache:
            torch.save((train_feats, test_feats), args.cache)
    print(f"features: {len(train)} + {len(test)} sentences in {(time.perf_counter() - start) / 60:.1f} min", flush=True)
    bigrams: dict[str, int] = {}
    if args.bigrams:
        counts: dict[str, int] = {}
        for text, _ in train:
            padded = "^" + text + "$"
            for i in range(len(padded) - 1):
                counts[padded[i : i + 2]] = counts.get(padded[i : i + 2], 0) + 1
        for bg, n in counts.items():
            if n >= 2:
                bigrams[bg] = len(bigrams) + 2

    def bigram_ids(text: str):
        padded = "^" + text + "$"
        left = [bigrams.get(padded[i : i + 2], 1) for i in range(len(text))]
        right = [bigrams.get(padded[i + 1 : i + 3], 1) for i in range(len(text))]
        return torch.tensor([left, right]).T

    def lexicon_of(data) -> dict[str, str]:
        names: dict[str, dict[str, int]] = {}
        for text, spans in data:
            for s, e, label in spans:
                if e - s >= 2:
                    names.setdefault(text[s:e], {}).setdefault(label, 0)
                    names[text[s:e]][label] += 1
        return {n: max(c, key=c.get) for n, c in names.items()}

    def lexicon_flags(text: str, lexicon: dict[str, str], pattern) -> torch.Tensor:
        flags = torch.zeros(len(text), 12)
        if pattern is None:
            return flags
        for m in pattern.finditer(text):
            s, e, k = m.start(), m.end(), ("PER", "LOC", "ORG").index(lexicon[m.group()]) * 4
            flags[s, k] = flags[e - 1, k + 2] = 1
            flags[s + 1 : e - 1, k + 1] = 1
        return flags

    def compile_lexicon(lexicon: dict[str, str]):
        return re.compile("|".join(map(re.escape, sorted(lexicon, key=len, reverse=True)))) if lexicon else None

    half = len(train) // 2
    lex_full = lexicon_of(train) if args.lexicon else {}
    lex_a, lex_b = (lexicon_of(train[half:]), lexicon_of(train[:half])) if args.lexicon else ({}, {})
    pat_full, pat_a, pat_b = compile_lexicon(lex_full), compile_lexicon(lex_a), compile_lexicon(lex_b)
    chars: dict[str, int] = {}
    for text, _ in train:
        for c in text:
            chars.setdefault(c, len(chars) + 2)  # 0 padding, 1 unknown

    def items(data, feats, lexicons):
        return [(f, p, torch.tensor([chars.get(c, 1) for c in text]), torch.tensor(tag_ids(len(text), spans)), spans,
                 bigram_ids(text) if bigrams else torch.zeros(len(text), 2, dtype=torch.long),
                 lexicon_flags(text, *lexicons(i)))
                for i, ((f, p), (text, spans)) in enumerate(zip(feats, data))]

    # each half of train is matched against the names of the other half, as a new sentence would be
    train_items = items(train, train_feats, lambda i: (lex_a, pat_a) if i < half else (lex_b, pat_b))
    test_items = items(test, test_feats, lambda i: (lex_full, pat_full))
    width = train_items[0][0].shape[1]

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.proj = torch.nn.Linear(width, 256)
            self.chars = torch.nn.Embedding(len(chars) + 2, 64)
            self.place = torch.nn.Embedding(4, 8)
            self.bigrams = torch.nn.Embedding(len(bigrams) + 2, 32)
            self.lstm = torch.nn.LSTM(256 + 64 + 8 + 64 + 12, 128, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(256, len(TAGS))
            self.drop = torch.nn.Dropout(0.2)

        def forward(self, feats, place, char_ids, bigram_ids, flags):
            bg = self.bigrams(bigram_ids).flatten(-2) * (1.0 if bigrams else 0.0)
            x = torch.cat([torch.relu(self.proj(feats)), self.chars(char_ids), self.place(place), bg, flags], -1)
            return self.out(self.drop(self.lstm(self.drop(x))[0]))

    def batch(chunk):
        return [pad_sequence([x[k].float() if k == 0 else x[k] for x in chunk], batch_first=True)
                for k in (0, 1, 2, 5, 6)]

    kinds = [(t[0], t[2:]) for t in TAGS]
    allowed = torch.tensor([[(pb in "ME" and lb == la) if pa in "BM" else pb in "OBS" for pb, lb in kinds]
                            for pa, la in kinds])
    start_ok = torch.tensor([p in "OBS" for p, _ in kinds])
    end_ok = torch.tensor([p in "OES" for p, _ in kinds])
    model = Tagger()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    n_steps = args.epochs * ((len(train_items) + 31) // 32)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: max(0.0, 1 - step / n_steps) if args.decay else 1.0)
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        model.train()
        random.shuffle(train_items)
        if args.batches == "length":
            train_items.sort(key=lambda x: len(x[2]))  # stable: equal lengths stay shuffled
        chunks = [train_items[b : b + 32] for b in range(0, len(train_items), 32)]
        if args.batches == "length":
            random.shuffle(chunks)
        for chunk in chunks:
            gold = pad_sequence([x[3] for x in chunk], batch_first=True, padding_value=-100)
            logits = model(*batch(chunk))
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(TAGS)), gold.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        tp = n_pred = n_gold = 0
        with torch.no_grad():
            for b in range(0, len(test_items), 64):
                chunk = test_items[b : b + 64]
                log_probs = torch.log_softmax(model(*batch(chunk)), -1)
                for k, x in enumerate(chunk):
                    pred = spans_of([TAGS[i] for i in viterbi(log_probs[k, : len(x[2])], allowed, start_ok, end_ok)])
                    gold_spans = set(x[4])
                    tp, n_pred, n_gold = tp + len(pred & gold_spans), n_pred + len(pred), n_gold + len(gold_spans)
        s = prf(tp, n_pred, n_gold)
        print(f"pass {epoch + 1}: {(time.perf_counter() - t0) / 60:.1f} min, MSRA test P {s['p']:.3f} R {s['r']:.3f} "
              f"F1 {s['f']:.3f}", flush=True)


if __name__ == "__main__":
    main()
