"""Abstract alignment: fit the decoder on train documents, report dev and test, and time it.

    python scripts/bench_align.py [--fit] [--cv SETTING=V1,V2,...]

Units come from the aligner's clause splitter and sections from the structure finder, as in
`dipnlp run`; scoring projects them onto the gold units and sections (SPEC). As in training,
the unit-vector adapter is fitted on the train documents (`adapter_epochs` 0: none).

With --fit, the view weights and decoder penalties are chosen by grid search on the train
split, with views from adapters fitted on the other folds of train (`crossfit`), and printed;
without it, the values of configs/default.cfg are used. --cv compares values of one setting
(e.g. `w_lexical=0,0.5,1`, `part_min_words=0,3,4` or `part_at_commas=false,true`) by 5-fold
cross-validation over the train and dev documents, fitting the adapter and the rest on the
other folds each time: how the config's values of such settings were chosen.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align import (  # noqa: E402
    AbstractAligner,
    AlignSettings,
    candidate_sections,
    clause_units,
    combine,
    decode,
    expand_unstructured,
    merge_pieces,
)
from pipeline.corpus import load_doc, split_paths  # noqa: E402
from pipeline.evaluate import Tally, project_alignment  # noqa: E402
from pipeline.structure import find_sections  # noqa: E402


def settings_from_config() -> AlignSettings:
    from spacy.util import load_config

    cfg = load_config(ROOT / "configs/default.cfg", interpolate=True)["components"]["aligner"]
    return AlignSettings(**{k: v for k, v in cfg.items() if k != "factory"})


def whole_cosines(aligner: AbstractAligner, text: str, abstract: str, units: list[dict], sections: list[dict]
                  ) -> np.ndarray:
    """Raw cosines of each unit with each whole section, each section encoded as one text."""
    s, enc = aligner.settings, aligner.encoder
    q = enc.embed([abstract[u["start"] : u["end"]] for u in units], s.query_prefix, s.max_length)
    v = enc.embed([text[c["start"] : c["end"]] for c in sections], s.passage_prefix, s.max_length)
    return q @ v.T


def gold_docs(split: str) -> list[dict]:
    """The split's gold documents that have an alignment."""
    return [d for d in (load_doc(p) for p in split_paths(ROOT / "corpus", split)) if d.get("alignment")]


def prepare(aligner: AbstractAligner, golds: list[dict], baseline: bool = False) -> list[dict]:
    """Per gold document: units, predicted sections, candidates (unnumbered bodies cut into
    paragraphs, as the component does), their views and, for the baseline, the raw cosines
    with the plain sections."""
    items = []
    for gold in golds:
        text, abstract = gold["text"], gold["abstract"]["text"]
        s = aligner.settings
        units = clause_units(abstract, s.part_min_words, s.part_at_commas)
        sections = find_sections(text)
        cands = expand_unstructured(text, sections, s.split_min_paragraphs)
        plain = candidate_sections(sections)
        items.append({"gold": gold, "units": units, "sections": sections, "cands": cands, "plain": plain,
                      "views": aligner.views(text, abstract, units, cands)})
        if baseline:
            items[-1]["plain_whole"] = whole_cosines(aligner, text, abstract, units, plain)
    return items


def pairs(it: dict, chooser, baseline: bool = False) -> tuple[set, set]:
    """Predicted and gold (unit, section) pairs of one document, in gold ids."""
    chosen = chooser(it)
    if baseline:
        sections, ids = it["sections"], [[it["plain"][j]["id"] for j in js] for js in chosen]
    else:
        sections, cand_ids = merge_pieces(it["gold"]["text"], it["sections"], it["cands"], chosen)
        ids = [list(dict.fromkeys(cand_ids[j] for j in js)) for js in chosen]
    pred = {"abstract": {"units": it["units"]}, "sections": sections,
            "alignment": [{"unit": u["id"], "sections": unit_ids} for u, unit_ids in zip(it["units"], ids)]}
    gold = {(a["unit"], sid) for a in it["gold"]["alignment"] for sid in a["sections"]}
    return project_alignment(pred, it["gold"]), gold


def score(items: list[dict], chooser, baseline: bool = False) -> dict[str, float]:
    tally = Tally()
    for it in items:
        tally.add("align", *pairs(it, chooser, baseline))
    return tally.score("align")


def ours(settings: AlignSettings):
    def choose(it: dict) -> list[list[int]]:
        return decode(combine(it["views"], settings), settings.back_penalty, settings.none_threshold,
                      settings.multi_margin, settings.cover_margin)

    return choose


def baseline(it: dict) -> list[list[int]]:
    """Argmax of the raw cosine with each whole section."""
    return [[int(np.argmax(row))] for row in it["plain_whole"]]


def fit(items: list[dict], base: AlignSettings) -> AlignSettings:
    best, best_f = base, -1.0
    weights = [(h, b, round(1 - h - b, 2)) for h in (0.0, 0.2, 0.4) for b in (0.2, 0.4, 0.6, 0.8) if h + b <= 1]
    for (wh, wb, ww), bp, nt, mm, k in itertools.product(weights, (0.5, 1.0, 2.0, 4.0), (-0.5, 0.5, 1.0, 1.5),
                                                         (0.0, 0.3, 0.6, 1.0), (1, 3)):
        s = AlignSettings(**{**base.__dict__, "w_heading": wh, "w_best": wb, "w_whole": ww, "back_penalty": bp,
                             "none_threshold": nt, "multi_margin": mm, "csls_k": k})
        f = score(items, ours(s))["f"]
        if f > best_f:
            best, best_f = s, f
    return best


def crossfit(aligner: AbstractAligner, golds: list[dict], folds: int = 5) -> list[dict]:
    """Items whose views come from an adapter fitted on the other folds, so that weights fitted
    on them meet the adapter as a new speech does; without an adapter, `prepare`."""
    if aligner.settings.adapter_epochs <= 0:
        return prepare(aligner, golds)
    items: list[dict] = [{} for _ in golds]
    for k in range(folds):
        aligner.fit_adapter([g for i, g in enumerate(golds) if i % folds != k])
        for i, item in zip(range(k, len(golds), folds), prepare(aligner, golds[k::folds])):
            items[i] = item
    return items


def cross_validate(base: AlignSettings, name: str, values: list[str], folds: int = 5) -> None:
    kind = type(getattr(base, name))
    golds = gold_docs("train") + gold_docs("dev")
    for value in values:
        settings = AlignSettings(**{**base.__dict__, name: value == "true" if kind is bool else kind(value)})
        aligner = AbstractAligner("aligner", settings)
        tally = Tally()
        for k in range(folds):
            train = [d for i, d in enumerate(golds) if i % folds != k]
            fitted = fit(crossfit(aligner, train), settings)
            aligner.fit_adapter(train)
            for held_out in prepare(aligner, golds[k::folds]):
                tally.add("align", *pairs(held_out, ours(fitted)))
        r = tally.score("align")
        print(f"{name} {value}: {folds}-fold over {len(golds)} documents P {r['p']:.3f} R {r['r']:.3f} "
              f"F1 {r['f']:.3f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--cv", metavar="SETTING=V1,V2", help="compare values of a setting by cross-validation (slow)")
    ap.add_argument("--part-min-words", type=int, default=None, help="override the config's part_min_words")
    args = ap.parse_args()
    settings = settings_from_config()
    if args.part_min_words is not None:
        settings.part_min_words = args.part_min_words
    if args.cv:
        name, _, values = args.cv.partition("=")
        if not hasattr(settings, name) or not values:
            raise SystemExit(f"--cv {args.cv}: give an aligner setting and its values, e.g. w_lexical=0,0.5")
        cross_validate(settings, name, values.split(","))
        return
    start = time.perf_counter()
    aligner = AbstractAligner("aligner", settings)
    aligner.encoder  # noqa: B018  (load now, to time it)
    if settings.w_lexical:
        aligner.lexicon  # noqa: B018
    load_s = time.perf_counter() - start
    if args.fit:
        settings = fit(crossfit(aligner, gold_docs("train")), settings)
        aligner.settings = settings
        print("fitted on train:", {k: getattr(settings, k) for k in
                                   ("w_heading", "w_best", "w_whole", "csls_k", "back_penalty", "none_threshold",
                                    "multi_margin")})
    start = time.perf_counter()
    n_fit = aligner.fit_adapter(gold_docs("train"))
    if aligner.adapter is not None:
        print(f"adapter fitted on {n_fit} train documents in {time.perf_counter() - start:.0f} s "
              "(the train row below is scored with it, so in-sample)")
    data = {split: prepare(aligner, gold_docs(split), baseline=True) for split in ("train", "dev", "test")}
    print("| split | documents | baseline P | R | F1 | dipnlp P | R | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for split, items in data.items():
        b, o = score(items, baseline, baseline=True), score(items, ours(settings))
        print(f"| {split} | {len(items)} | {b['p']:.3f} | {b['r']:.3f} | {b['f']:.3f} | "
              f"{o['p']:.3f} | {o['r']:.3f} | {o['f']:.3f} |")
    sample = load_doc(ROOT / "corpus/2021-wang-yi-review.json")
    sections = find_sections(sample["text"])
    units = clause_units(sample["abstract"]["text"], settings.part_min_words, settings.part_at_commas)
    aligner.settings = settings
    aligner.encoder.clear_cache()  # the dev split above embedded the sample already
    start = time.perf_counter()
    aligner.align(sample["text"], sample["abstract"]["text"], units, sections)
    align_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmodel load {load_s:.1f} s; aligning the sample ({len(sample['text'])} characters, {len(units)} units, "
          f"{len(sections)} sections) {align_s:.2f} s; peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
