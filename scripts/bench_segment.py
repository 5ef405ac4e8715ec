"""Segmentation benchmark: our pipeline's tokenizer against pkuseg's mixed model and jieba.

    python scripts/bench_segment.py --model training/model-best [--markdown]

Each system runs in a fresh process on the same text, so its peak memory (max RSS) is its
own. Scores are SIGHAN word P/R/F1 on ../shared/data/sighan2005 (PKU and MSR test gold)
and on the corpus's test documents that have gold words; speed is characters per second
over the PKU test text, segmenting it line by line (our pipeline through `nlp.pipe`, its
components disabled). `--scaling` adds 1 and 2 processes on a 1 MB collection.
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
        nlp = load_tokenizer_only(model)
        return lambda lines: [[t.text for t in doc if not t.is_space] for doc in nlp.pipe(lines, batch_size=256)]
    raise SystemExit(f"unknown system {system}")


def load_tokenizer_only(model: str):
    """The trained pipeline with its components disabled, segmenting clean lines as given."""
    import spacy

    import pipeline  # noqa: F401

    nlp = spacy.load(model)
    nlp.tokenizer.normalize_input = False  # SIGHAN lines are clean already; keep them unchanged
    nlp.select_pipes(disable=nlp.pipe_names)
    return nlp


def collection(size: int = 1_000_000) -> list[str]:
    """About `size` bytes of paragraphs: the corpus's 15 speeches, then People's Daily 1998."""
    from pipeline.corpus import iter_paths, load_doc
    from pipeline.segmenter import pd98_sentences

    paras = [p for path in iter_paths([ROOT / "corpus"]) for p in load_doc(path)["text"].split("\n") if p]
    total = sum(len(p.encode()) for p in paras)
    for words in pd98_sentences(ROOT / "assets/pd98/199801.txt"):
        if total >= size:
            break
        paras.append("".join(words))
        total += len(paras[-1].encode())
    return paras


def measure_scaling(system: str, model: str, n_process: int) -> dict:
    """Characters per second on the 1 MB collection, one paragraph per text."""
    paras = collection()
    if system == "pkuseg-mixed":
        import spacy_pkuseg

        seg = spacy_pkuseg.pkuseg(str(ROOT / "assets/pkuseg/mixed"), user_dict="default")
        start = time.perf_counter()
        for p in paras:
            seg.cut(p)
    else:
        nlp = load_tokenizer_only(model)
        start = time.perf_counter()
        for _ in nlp.pipe(paras, batch_size=256, n_process=n_process):
            pass
    elapsed = time.perf_counter() - start
    return {"system": system, "n_process": n_process, "bytes": sum(len(p.encode()) for p in paras),
            "chars_per_s": sum(map(len, paras)) / elapsed, "seconds": elapsed}


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


def run_one(system: str, model: str, *extra: str) -> dict:
    """Measure one system in a fresh process, so that its peak memory is its own."""
    proc = subprocess.run([sys.executable, __file__, "--one", system, "--model", model, *extra],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "training/model-best"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--scaling", action="store_true", help="also time the 1 MB collection with 1 and 2 processes")
    ap.add_argument("--systems", default="pkuseg-mixed,pkuseg-mixed-nodict,jieba,dipnlp")
    args = ap.parse_args()
    if not SIGHAN.exists():
        raise SystemExit(f"{SIGHAN} is absent: the SIGHAN 2005 data is read from ../shared/data only")
    if args.one:
        if args.scaling:
            print(json.dumps(measure_scaling(args.one, args.model, args.processes)))
        else:
            print(json.dumps(measure(args.one, args.model)))
        return
    rows = []
    for system in args.systems.split(","):
        rows.append(run_one(system, args.model))
    print("| system | PKU P | PKU R | PKU F1 | MSR F1 | corpus test F1 | chars/s (PKU, 1 process) | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        c = f"{r['corpus_test']['f']:.3f}" if r["corpus_test"] else "—"
        print(f"| {r['system']} | {r['pku']['p']:.3f} | {r['pku']['r']:.3f} | {r['pku']['f']:.4f} | "
              f"{r['msr']['f']:.3f} | {c} | {r['chars_per_s']:,.0f} | {r['max_rss_mb']:.0f} |")
    if args.scaling:
        print("\n| system | processes | collection | seconds | chars/s |")
        print("| --- | --- | --- | --- | --- |")
        for system, n in (("pkuseg-mixed", 1), ("dipnlp", 1), ("dipnlp", 2)):
            r = run_one(system, args.model, "--scaling", "--processes", str(n))
            print(f"| {system} | {n} | {r['bytes'] / 1e6:.2f} MB | {r['seconds']:.1f} | {r['chars_per_s']:,.0f} |")


if __name__ == "__main__":
    main()
