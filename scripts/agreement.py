"""Inter-annotator agreement between a corpus file and an independent second annotation.

    python scripts/agreement.py corpus/2021-wang-yi-review.json corpus/agreement/2021-wang-yi-review.second.txt

The second annotation has one line per gold sentence: `NNN THEME sentence`, entities marked
inline as [[text|LABEL]]. Prints entity precision/recall/F1 (exact span and label) and
Cohen's kappa over sentence themes, and lists the disagreements with --show.

    python scripts/agreement.py --alignment corpus/agreement/alignment

A second alignment (`<id>.json` holding `{"alignment": [...]}` over the gold units) is scored
against `corpus/<id>.json` by (unit, section) pairs, per document and per split.

    python scripts/agreement.py --named corpus/agreement/named

A second annotation of the three named labels (`<id>.txt`, one line per gold sentence:
`NNN sentence` with EVENT, LAW and INITIATIVE marked inline) is scored against the gold
entities of those labels, per label and per split.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_corpus import strip_entities  # noqa: E402

from pipeline.corpus import read_splits  # noqa: E402
from pipeline.scoring import prf  # noqa: E402


def cohen_kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected)


def compare(doc: dict, lines: list[str]) -> dict:
    sents = doc["sentences"]
    if len(lines) != len(sents):
        raise SystemExit(f"{len(lines)} annotated lines for {len(sents)} sentences")
    text = doc["text"]
    second_ents, themes_b = set(), []
    for line, sent in zip(lines, sents):
        _, theme, marked = line.split(" ", 2)
        plain, ents = strip_entities(marked, sent["start"])
        if plain != text[sent["start"] : sent["end"]]:
            raise SystemExit(f"line {line[:12]} does not reproduce its sentence")
        themes_b.append(theme)
        second_ents |= {(e["start"], e["end"], e["label"]) for e in ents}
    first_ents = {(e["start"], e["end"], e["label"]) for e in doc["entities"]}
    themes_a = [s["theme"] for s in sents]
    ents = prf(len(first_ents & second_ents), len(second_ents), len(first_ents))
    return {
        "entity_p": ents["p"], "entity_r": ents["r"], "entity_f": ents["f"],
        "theme_agreement": sum(x == y for x, y in zip(themes_a, themes_b)) / len(sents),
        "theme_kappa": cohen_kappa(themes_a, themes_b),
        "entity_diffs": sorted((text[s:e], lab, "first" if (s, e, lab) in first_ents else "second")
                               for s, e, lab in first_ents ^ second_ents),
        "theme_diffs": [(i, a, b, text[s["start"]:s["end"]][:30]) for i, (a, b, s) in
                        enumerate(zip(themes_a, themes_b, sents)) if a != b],
    }


def doc_splits(corpus: Path) -> dict[str, str]:
    """Each document's split, from `corpus/splits.json`."""
    return {doc_id: split for split, ids in read_splits(corpus / "splits.json").items() for doc_id in ids}


def alignment_pairs(alignment: list[dict]) -> set[tuple[str, str]]:
    return {(a["unit"], sid) for a in alignment for sid in a["sections"]}


def compare_alignments(folder: Path, corpus: Path) -> None:
    """Print pair agreement of each second alignment in `folder` with its gold file, by split."""
    splits = doc_splits(corpus)
    totals: dict[str, Counter] = {}
    print("| document | split | gold pairs | second pairs | shared | F1 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for path in sorted(folder.glob("*.json")):
        gold = alignment_pairs(json.loads((corpus / path.name).read_text("utf8"))["alignment"])
        second = alignment_pairs(json.loads(path.read_text("utf8"))["alignment"])
        split = splits.get(path.stem, "?")
        counts = Counter(gold=len(gold), second=len(second), shared=len(gold & second))
        totals.setdefault(split, Counter()).update(counts)
        f = prf(counts["shared"], counts["second"], counts["gold"])["f"]
        print(f"| {path.stem} | {split} | {len(gold)} | {len(second)} | {counts['shared']} | {f:.3f} |")
    for split, c in totals.items():
        s = prf(c["shared"], c["second"], c["gold"])
        print(f"{split}: second against gold P {s['p']:.3f} R {s['r']:.3f} F1 {s['f']:.3f} "
              f"({c['shared']} of {c['gold']} gold pairs)")


NAMED = ("EVENT", "LAW", "INITIATIVE")


def named_spans(doc: dict, lines: list[str], name: str) -> set[tuple[int, int, str]]:
    """Spans marked in `NNN sentence` lines, checked against the gold sentences they repeat."""
    lines = [ln for ln in lines if ln.strip()]
    if len(lines) != len(doc["sentences"]):
        raise SystemExit(f"{name}: {len(lines)} lines for {len(doc['sentences'])} sentences")
    spans = set()
    for line, sent in zip(lines, doc["sentences"]):
        plain, ents = strip_entities(line.split(" ", 1)[1], sent["start"])
        if plain != doc["text"][sent["start"] : sent["end"]]:
            raise SystemExit(f"{name}: line {line[:12]} does not reproduce its sentence")
        spans |= {(e["start"], e["end"], e["label"]) for e in ents}
    return spans


def compare_named(folder: Path, corpus: Path) -> None:
    """Print per-label agreement of the second annotations in `folder` with gold, by split."""
    splits = doc_splits(corpus)
    totals: dict[tuple[str, str], Counter] = {}
    for path in sorted(folder.glob("*.txt")):
        doc = json.loads((corpus / f"{path.stem}.json").read_text("utf8"))
        second = named_spans(doc, path.read_text("utf8").splitlines(), path.name)
        gold = {(e["start"], e["end"], e["label"]) for e in doc["entities"] if e["label"] in NAMED}
        for label in NAMED:
            g, s = {x for x in gold if x[2] == label}, {x for x in second if x[2] == label}
            totals.setdefault((splits.get(path.stem, "?"), label), Counter()).update(
                gold=len(g), second=len(s), shared=len(g & s))
    print("| split | label | gold | second | shared | P | R | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (split, label), c in sorted(totals.items()):
        r = prf(c["shared"], c["second"], c["gold"])
        print(f"| {split} | {label} | {c['gold']} | {c['second']} | {c['shared']} | {r['p']:.3f} | {r['r']:.3f} "
              f"| {r['f']:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path, nargs="?")
    ap.add_argument("second", type=Path, nargs="?")
    ap.add_argument("--show", action="store_true", help="list the disagreements")
    ap.add_argument("--alignment", type=Path, metavar="DIR", help="score the second alignments in DIR")
    ap.add_argument("--named", type=Path, metavar="DIR", help="score the second EVENT/LAW/INITIATIVE marks in DIR")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    if args.alignment or args.named:
        if args.alignment:
            compare_alignments(args.alignment, root / "corpus")
        if args.named:
            compare_named(args.named, root / "corpus")
        return
    if not (args.gold and args.second):
        ap.error("give GOLD and SECOND, --alignment DIR or --named DIR")
    doc = json.loads(args.gold.read_text("utf8"))
    lines = [ln for ln in args.second.read_text("utf8").splitlines() if ln.strip()]
    result = compare(doc, lines)
    print(f"entities: P {result['entity_p']:.3f} R {result['entity_r']:.3f} F1 {result['entity_f']:.3f}")
    print(f"themes: agreement {result['theme_agreement']:.3f}, Cohen's kappa {result['theme_kappa']:.3f}")
    if args.show:
        for d in result["entity_diffs"]:
            print("entity", *d)
        for d in result["theme_diffs"]:
            print("theme", *d)


if __name__ == "__main__":
    main()
