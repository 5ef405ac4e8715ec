"""The character NER's training settings, scored on MSRA train sentences held out from its training.

    python scripts/bench_charner.py SIZE,EPOCHS,BATCH,RATE [...] [--held-out 3000]

e.g. `47289,3,32,0.002 33000,3,64,0.003`. The last `--held-out` sentences of MSRA train are never
trained on; each setting trains `char_ner` (configs/default.cfg's other values) on the corpus's train
split and the first SIZE of the rest, then tags the held-out sentences alone (no pipeline around
it). The e5 features of every sentence are computed once and shared by the settings, so the
printed training time leaves them out. MSRA test is not read.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.charfeatures import windows  # noqa: E402
from pipeline.charner import MSRA_LABELS, CharNER, corpus_samples  # noqa: E402
from pipeline.readers import read_msra  # noqa: E402
from pipeline.scoring import prf  # noqa: E402

TO_MSRA = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}


def main() -> None:
    from spacy.util import load_config

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("settings", nargs="+", help="SIZE,EPOCHS,BATCH,RATE")
    ap.add_argument("--held-out", type=int, default=3000)
    ap.add_argument("--msra", default=str(ROOT / "assets/msra/msra_train.txt"))
    args = ap.parse_args()
    cfg = load_config(ROOT / "configs/default.cfg", interpolate=True)["components"]["char_ner"]
    cfg = {k: v for k, v in cfg.items() if k != "factory"}
    msra = list(read_msra(args.msra))
    held, pool = msra[-args.held_out :], msra[: -args.held_out]
    corpus = corpus_samples(str(ROOT / "corpus"), "train")
    base = CharNER("char_ner", **cfg)
    encoder = base.encoder
    largest = max(int(setting.split(",")[0]) for setting in args.settings)
    texts = [t[a:b] for t in [t for t, _ in corpus + pool[:largest] + held]
             for a, b in windows(t, cfg["window"]) if b > a]
    start = time.perf_counter()
    cache = dict(zip(texts, encoder.encode(texts, cfg["batch_size"])))
    print(f"features of {len(texts)} texts: {time.perf_counter() - start:.0f} s", flush=True)
    encoder.encode = lambda ts, batch_size=64, progress=None: [cache[t] for t in ts]
    print("| MSRA sentences | passes | batch | rate | training s | held-out P | R | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for setting in args.settings:
        size, epochs, batch, rate = setting.split(",")
        comp = CharNER("char_ner", **{**cfg, "epochs": int(epochs), "train_batch": int(batch),
                                      "learn_rate": float(rate)})
        comp._encoder = encoder
        samples = corpus + [(t, [(s, e, MSRA_LABELS[lab]) for s, e, lab in spans]) for t, spans in pool[: int(size)]]
        start = time.perf_counter()
        comp.train(samples)
        seconds = time.perf_counter() - start
        tp = n_pred = n_gold = 0
        for (_, gold), found in zip(held, comp.names([t for t, _ in held])):
            pred = {(s, e, TO_MSRA[lab]) for s, e, lab in found}
            tp, n_pred, n_gold = tp + len(set(gold) & pred), n_pred + len(pred), n_gold + len(gold)
        s = prf(tp, n_pred, n_gold)
        print(f"| {size} | {epochs} | {batch} | {rate} | {seconds:.0f} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} |",
              flush=True)


if __name__ == "__main__":
    main()
