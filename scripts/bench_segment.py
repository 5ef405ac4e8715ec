"""Segmentation benchmark: our pipeline's tokenizer against pkuseg's mixed model and jieba.

    python scripts/bench_segment.py --model training/model-best [--markdown]

Each system runs in a fresh process on the same text, so its peak memory (max RSS) is its
own. Scores are SIGHAN word P/R/F1 on ../shared/data/sighan2005 (PKU and MSR test gold)
and on the corpus's test documents that have gold words; speed is characters per second
over the PKU test text, segmenting it line by line (our pipeline through `nlp.pipe`).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIGHAN = ROOT.parent / "shared" / "data" / "sighan2005"


def gold_lines(path: Path) -> list[list[str]]:
    return [ln.split() for ln in path.read_text("utf8").splitlines() if ln.strip()]


def corpus_gold() -> list[list[str]]:
    from pipeline.corpus import read_splits
    from pipeline.segmenter import corpus_sentences

    ids = read_splits(ROOT / "corpus/splits.json")["test"]
    return list(corpus_sentences(ROOT / "corpus" / f"{i}.json" for i in ids))


def make_segmenter(system: str, model: str | None):
    """A function from a list of lines to a list of word lists."""
    if system == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        return lambda lines: [[w for w in jieba.cut(ln) if w.strip()] for ln in lines]
    if system in ("pkuseg-mixed", "pkuseg-mixed-nodict"):
        import spacy_pkuseg

        seg = spacy_pkuseg.pkuseg(str(ROOT / "assets/pkuseg/mixed"),
                                  user_dict="default" if system == "pkuseg-mixed" else None)
        return lambda lines: [seg.cut(ln) for ln in lines]
    if system == "dipnlp":
        import spacy

        import pipeline  # noqa: F401

        nlp = spacy.load(model)
        tokenizer = nlp.tokenizer

        def run(lines):
            docs = (tokenizer.tokenize_clean(ln) for ln in lines)
            return [[t.text for t in doc if not t.is_space] for doc in docs]

        return run
    raise SystemExit(f"unknown system {system}")


def measure(system: str, model: str | None) -> dict:
    from pipeline.segmenter import score_lines

    segment = make_segmenter(system, model)
    out: dict = {"system": system}
    pku = gold_lines(SIGHAN / "pku_test_gold.utf8")
    raw = ["".join(g) for g in pku]
    segment(raw[:20])  # warm up
    start = time.perf_counter()
    pred = segment(raw)
    elapsed = time.perf_counter() - start
    out["pku"] = score_lines(pku, pred)
    out["chars_per_s"] = sum(map(len, raw)) / elapsed
    msr = gold_lines(SIGHAN / "msr_test_gold.utf8")
    out["msr"] = score_lines(msr, segment(["".join(g) for g in msr]))
    corpus = corpus_gold()
    out["corpus_test"] = score_lines(corpus, segment(["".join(g) for g in corpus])) if corpus else None
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "training/model-best"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--systems", default="pkuseg-mixed,pkuseg-mixed-nodict,jieba,dipnlp")
    args = ap.parse_args()
    if not SIGHAN.exists():
        raise SystemExit(f"{SIGHAN} is absent: the SIGHAN 2005 data is read from ../shared/data only")
    if args.one:
        print(json.dumps(measure(args.one, args.model)))
        return
    rows = []
    for system in args.systems.split(","):
        proc = subprocess.run([sys.executable, __file__, "--one", system, "--model", args.model],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print("| system | PKU P | PKU R | PKU F1 | MSR F1 | corpus test F1 | chars/s (PKU, 1 process) | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        c = f"{r['corpus_test']['f']:.3f}" if r["corpus_test"] else "—"
        print(f"| {r['system']} | {r['pku']['p']:.3f} | {r['pku']['r']:.3f} | {r['pku']['f']:.3f} | "
              f"{r['msr']['f']:.3f} | {c} | {r['chars_per_s']:,.0f} | {r['max_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
