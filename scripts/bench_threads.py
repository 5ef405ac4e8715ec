"""e5 features for the character NER by torch's threads, alone and beside a process that holds a core.

    python scripts/bench_threads.py [--sentences 2000] [--threads 1 2]

`dipnlp train` fine-tunes pkuseg in a worker process, on one core, while the character NER computes
e5 features in the main process. This measures what torch's thread count costs there: the busy
process stands in for pkuseg with a loop that does nothing else.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.charfeatures import CharEncoder  # noqa: E402
from pipeline.readers import read_msra  # noqa: E402


def main() -> None:
    import torch
    from spacy.util import load_config

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=2000, help="MSRA train sentences to encode")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--msra", default=str(ROOT / "assets/msra/msra_train.txt"))
    args = ap.parse_args()
    cfg = load_config(ROOT / "configs/default.cfg", interpolate=True)["components"]["char_ner"]
    texts = [text for text, _ in read_msra(args.msra, args.sentences)]
    encoder = CharEncoder(str(ROOT / cfg["model_name"]), cfg["layers"], cfg["precision"])
    encoder.encode(texts[:200], cfg["batch_size"])  # warm up
    print(f"{len(texts)} sentences, batches of {cfg['batch_size']}, {torch.get_num_threads()} cores for torch")
    print("| beside a busy core | torch threads | seconds | sentences per second |")
    print("| --- | --- | --- | --- |")
    for busy in (False, True):
        loop = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            for n in args.threads:
                torch.set_num_threads(n)
                start = time.perf_counter()
                encoder.encode(texts, cfg["batch_size"])
                took = time.perf_counter() - start
                print(f"| {'yes' if busy else 'no'} | {n} | {took:.1f} | {len(texts) / took:.0f} |", flush=True)
        finally:
            if loop is not None:
                loop.kill()


if __name__ == "__main__":
    main()
