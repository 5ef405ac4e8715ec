"""Real documents in: what the front door makes of them, and how long reading takes.

    python scripts/bench_inputs.py            # markdown tables for docs/BENCHMARKS.md

1. The seed article (../shared/seed/, skipped where absent): where its Chinese characters went
   and the sections found.
2. The 4 test speeches in every format the readers take (made by tests/material from the gold
   records: a journal PDF read by our reader, its text as pdftotext and as pdfplumber's
   extract_text give it, a ministry page, a Word file, one line): whether the body equals the
   gold text (whitespace aside), title and speaker found, sections against the gold, and the
   median time to read and normalise the file.
3. `find_sections` on every gold text of the corpus (sections as the SPEC scores them).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.material makes the documents

from pipeline.inputs import read_document, to_speech  # noqa: E402
from pipeline.normalize import count_cjk, normalize  # noqa: E402
from pipeline.scoring import prf  # noqa: E402
from pipeline.structure import find_sections  # noqa: E402
from tests.material import TEST_SPEECHES, gold, has_byline  # noqa: E402
from tests.material.formats import FORMATS, make_document  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "2021-wang-yi-review.txt"


def compact(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def section_pairs(sections: list[dict]) -> set[tuple[str, int, int]]:
    return {(s["kind"], s["start"], s["end"]) for s in sections}


def seed_table() -> None:
    if not SEED.exists():
        print(f"(the seed is absent: {SEED})\n")
        return
    raw = SEED.read_text("utf8")
    speech = normalize(raw, str(SEED))
    kinds: dict[str, int] = {}
    for s in find_sections(speech.text):
        kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    print("| the seed | Chinese characters |\n| --- | --- |")
    for key, value in speech.coverage.items():
        print(f"| {key} | {value} |")
    print(f"\nsections {kinds}; title found: {speech.title is not None}; speaker {speech.speaker}; "
          f"footnotes {[f['marker'] for f in speech.footnotes]}; notes {speech.notes or 'none'}\n")


def format_table(repeats: int = 3) -> None:
    formats = [f for f in FORMATS if f != "pdftotext" or shutil.which("pdftotext")]
    print("| format | body = gold | title | speaker | sections F1 | seconds to read (median) |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in formats:
            body = title = speaker = speakers = 0
            tp = n_pred = n_gold = 0
            times = []
            for name in TEST_SPEECHES:
                record = gold(name)
                path = make_document(fmt, record, folder)
                runs = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    speech = to_speech(read_document(path, 5_000_000), str(path))
                    runs.append(time.perf_counter() - start)
                times.append(statistics.median(runs))
                body += compact(speech.text) == compact(record["text"])
                title += compact(speech.title) == compact(record["meta"]["title"])
                if has_byline(record):
                    speakers += 1
                    speaker += speech.speaker == record["meta"]["speaker"]
                if speech.text == record["text"]:  # sections are comparable where the offsets are
                    pred, ref = section_pairs(find_sections(speech.text)), section_pairs(record["sections"])
                    tp, n_pred, n_gold = tp + len(pred & ref), n_pred + len(pred), n_gold + len(ref)
            f1 = f"{prf(tp, n_pred, n_gold)['f']:.3f}" if n_gold else "— (paragraphs not all recovered)"
            print(f"| {fmt} | {body}/{len(TEST_SPEECHES)} | {title}/{len(TEST_SPEECHES)} | {speaker}/{speakers} "
                  f"| {f1} | {statistics.median(times):.3f} |")
    print()


def corpus_sections() -> None:
    exact = tp = n_pred = n_gold = docs = 0
    for path in sorted((ROOT / "corpus").glob("2*.json")):
        record = json.loads(path.read_text("utf8"))
        pred, ref = section_pairs(find_sections(record["text"])), section_pairs(record["sections"])
        docs += 1
        exact += pred == ref
        tp, n_pred, n_gold = tp + len(pred & ref), n_pred + len(pred), n_gold + len(ref)
    print(f"find_sections on the corpus's gold texts: {exact}/{docs} documents exact, "
          f"micro-F1 {prf(tp, n_pred, n_gold)['f']:.4f}; "
          f"{sum(count_cjk(json.loads(p.read_text('utf8'))['text']) for p in (ROOT / 'corpus').glob('2*.json'))} "
          "Chinese characters")


if __name__ == "__main__":
    seed_table()
    format_table()
    corpus_sections()
