"""Sentence themes on a corpus split: the classifier against the section-majority baseline.

    python scripts/bench_themes.py [--model training/model-best] [--split test]
    python scripts/bench_themes.py --cv stay_bonus=0,0.5,0.75,1

The baseline gives every sentence the most common gold theme of its section (sections as the
structure finder predicts them): it knows the gold labels of the section, so it is the score
of "a section has one topic", not a system. Prints accuracy and macro-F1 of both, per
speech, and the classifier's confusion matrix (rows gold, columns predicted).

--cv compares values of one setting of the theme classifier by 5-fold cross-validation over
the train and dev speeches: the classifier (the model's, with its config) is refitted on the
speeches of the other folds each time and labels whole held-out speeches, as `dipnlp run`
does. It is how the config's `stay_bonus` was chosen.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align import candidate_sections  # noqa: E402
from pipeline.corpus import load_doc, split_paths  # noqa: E402
from pipeline.scoring import label_scores  # noqa: E402
from pipeline.structure import find_sections  # noqa: E402


def section_majority(gold: dict) -> list[str]:
    """Each themed sentence's label under the baseline, in the gold's sentence order."""
    sents = [s for s in gold["sentences"] if s.get("theme")]
    sections = candidate_sections(find_sections(gold["text"]))
    owner = [next((k for k, c in enumerate(sections) if c["start"] <= s["start"] < c["end"]), -1) for s in sents]
    majority = {k: Counter(s["theme"] for s, o in zip(sents, owner) if o == k).most_common(1)[0][0]
                for k in set(owner)}
    return [majority[o] for o in owner]


def classifier(nlp, gold: dict) -> list[str]:
    from pipeline.analyse import analyse

    doc = analyse(nlp, gold["text"], None)
    found = {(s.start_char, s.end_char): s.label_ for s in doc.spans["themes"]}
    return [found.get((s["start"], s["end"]), "OTHER") for s in gold["sentences"] if s.get("theme")]


def summary(gold: list[str], pred: list[str]) -> str:
    scores = label_scores(gold, pred)
    return f"{scores['acc']:.3f} | {scores['macro_f']:.3f}"


def cross_validate(nlp, name: str, values: list[str], folds: int = 5) -> None:
    clf = nlp.get_pipe("themes")
    if name not in clf.cfg:
        raise SystemExit(f"--cv {name}: not a setting of the theme classifier ({', '.join(clf.cfg)})")
    golds = [d for split in ("train", "dev") for d in map(load_doc, split_paths(ROOT / "corpus", split))
             if any(s.get("theme") for s in d.get("sentences", []))]
    docs = [nlp.tokenizer.tokenize_clean(g["text"]) for g in golds]  # corpus text is clean already
    targets = [{(s["start"], s["end"]): s["theme"] for s in g["sentences"] if s.get("theme")} for g in golds]
    for value in values:
        clf.cfg[name] = type(clf.cfg[name])(value)
        gold, pred = [], []
        for k in range(folds):
            train = [i for i in range(len(docs)) if i % folds != k]
            clf.fit([docs[i] for i in train], [targets[i] for i in train])
            for doc, target in zip(clf.pipe(docs[k::folds]), targets[k::folds]):
                found = {(s.start_char, s.end_char): s.label_ for s in doc.spans["themes"]}
                gold += list(target.values())
                pred += [found.get(key, "OTHER") for key in target]
        print(f"{name} {value}: {folds}-fold over {len(golds)} speeches, accuracy | macro-F1 {summary(gold, pred)}",
              flush=True)


def main() -> None:
    import spacy

    import pipeline  # noqa: F401

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "training/model-best"))
    ap.add_argument("--split", default="test")
    ap.add_argument("--cv", metavar="SETTING=V1,V2", help="compare values of a setting by cross-validation")
    args = ap.parse_args()
    nlp = spacy.load(args.model, exclude=["aligner"])
    if args.cv:
        name, _, values = args.cv.partition("=")
        cross_validate(nlp, name, values.split(","))
        return
    all_gold, all_base, all_pred = [], [], []
    print("| speech | baseline acc | macro-F1 | classifier acc | macro-F1 |")
    print("| --- | --- | --- | --- | --- |")
    for path in split_paths(ROOT / "corpus", args.split):
        gold_doc = load_doc(path)
        gold = [s["theme"] for s in gold_doc["sentences"] if s.get("theme")]
        base, pred = section_majority(gold_doc), classifier(nlp, gold_doc)
        all_gold += gold
        all_base += base
        all_pred += pred
        print(f"| {gold_doc['id']} | {summary(gold, base)} | {summary(gold, pred)} |")
    print(f"| all | {summary(all_gold, all_base)} | {summary(all_gold, all_pred)} |")
    labels = sorted(set(all_gold) | set(all_pred))
    print("\nconfusion (rows gold, columns predicted):\n")
    print("| gold \\\\ predicted | " + " | ".join(labels) + " |")
    print("| --- " * (len(labels) + 1) + "|")
    pairs = Counter(zip(all_gold, all_pred))
    for g in labels:
        print(f"| {g} | " + " | ".join(str(pairs[g, p] or "") for p in labels) + " |")


if __name__ == "__main__":
    main()
