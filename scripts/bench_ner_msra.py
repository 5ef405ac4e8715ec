"""NER on the MSRA test set: PER/LOC/ORG mapped to PERSON/GPE+LOC/ORG, exact character spans.

    python scripts/bench_ner_msra.py [--model training/model-best] [--limit 0]

Gold spans are MSRA's own, on the original characters; predicted entities of other labels
(DATE, INITIATIVE …) are ignored, since MSRA does not annotate them. A predicted GPE or LOC
counts for MSRA's LOC. Also reports how many gold entities fall on token boundaries, and the
score of the character NER's names in `doc.spans["names"]`, which may nest inside a longer
entity of another label as MSRA's do (中国 in 中国特色社会主义).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.readers import read_msra  # noqa: E402
from pipeline.scoring import prf  # noqa: E402

TO_MSRA = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def main() -> None:
    import spacy

    import pipeline  # noqa: F401

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "training/model-best"))
    ap.add_argument("--data", default=str(ROOT / "assets/msra/msra_test.txt"))
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    nlp = spacy.load(args.model, exclude=["themes", "aligner"])
    data = list(read_msra(args.data, args.limit))
    tp, n_pred, n_gold = Counter(), Counter(), Counter()
    names_tp = names_pred = 0
    on_boundary = 0
    start = time.perf_counter()
    docs = nlp.pipe((nlp.tokenizer.tokenize_clean(text) for text, _ in data), batch_size=256)
    for doc, (_, spans) in zip(docs, data):
        gold = {(s, e, lab) for s, e, lab in spans}
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t.text) for t in doc}
        on_boundary += sum(1 for s, e, _ in gold if s in starts and e in ends)
        pred = {(e.start_char, e.end_char, TO_MSRA[e.label_]) for e in doc.ents if e.label_ in TO_MSRA}
        names = {(e.start_char, e.end_char, TO_MSRA[e.label_]) for e in doc.spans.get("names", [])}
        names_tp, names_pred = names_tp + len(gold & names), names_pred + len(names)
        for label in ("PER", "LOC", "ORG"):
            g = {x for x in gold if x[2] == label}
            p = {x for x in pred if x[2] == label}
            tp[label] += len(g & p)
            n_pred[label] += len(p)
            n_gold[label] += len(g)
    elapsed = time.perf_counter() - start
    print(f"MSRA test: {len(data)} sentences, {sum(n_gold.values())} entities, "
          f"{on_boundary / sum(n_gold.values()):.1%} on token boundaries, {elapsed:.0f} s")
    print("| label | P | R | F1 |")
    print("| --- | --- | --- | --- |")
    for label in ("PER", "LOC", "ORG"):
        s = prf(tp[label], n_pred[label], n_gold[label])
        print(f"| {label} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} |")
    s = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    print(f"| all | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} |")
    if names_pred:
        s = prf(names_tp, names_pred, sum(n_gold.values()))
        print(f"names of the character NER, nesting allowed: P {s['p']:.3f} R {s['r']:.3f} F1 {s['f']:.3f}")


if __name__ == "__main__":
    main()
