"""Running a pipeline over many input files: resumable, atomic, and failure-tolerant."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .analyse import doc_to_record, make_doc
from .normalize import InputError, read_input

INPUT_SUFFIXES = {".txt", ".text", ".md", ""}


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def expand_inputs(inputs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files.extend(sorted(p for p in item.iterdir() if p.is_file() and not p.name.startswith(".")
                                and p.suffix.lower() in INPUT_SUFFIXES))
        else:
            files.append(item)
    return files


@dataclass
class BatchResult:
    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def outputs_for(path: Path, out_dir: Path) -> tuple[Path, Path]:
    return out_dir / f"{path.stem}.json", out_dir / f"{path.stem}.html"


def run_batch(
    nlp: Language,
    files: list[Path],
    out_dir: Path,
    *,
    abstract: str | None = None,
    force: bool = False,
    n_process: int = 1,
    batch_size: int = 4,
    max_bytes: int = 5_000_000,
    render: Callable[[dict], str] | None = None,
    on_progress: Callable[[Path], None] | None = None,
) -> BatchResult:
    """Analyse every file; a file whose JSON and HTML both exist is skipped unless `force`."""
    result = BatchResult()
    if out_dir.exists():  # temporary files of a run that was killed mid-write
        for stale in out_dir.glob(".*.part"):
            stale.unlink(missing_ok=True)
    todo: list[Path] = []
    for path in files:
        json_path, html_path = outputs_for(path, out_dir)
        if not force and json_path.exists() and (render is None or html_path.exists()):
            result.skipped.append(path)
            if on_progress:
                on_progress(path)
        else:
            todo.append(path)

    def prepared() -> Iterator[tuple]:
        for path in todo:
            try:
                raw = read_input(path, max_bytes)
                yield make_doc(nlp, raw, abstract), (path, None)
            except (InputError, OSError) as err:
                yield Doc(nlp.vocab, words=[]), (path, str(err))

    for doc, (path, error) in nlp.pipe(prepared(), as_tuples=True, n_process=n_process, batch_size=batch_size):
        if error:
            result.failed.append((path, error))
        else:
            try:
                record = doc_to_record(doc, path.stem)
                json_path, html_path = outputs_for(path, out_dir)
                if render is not None:
                    write_atomic(html_path, render(record))
                write_atomic(json_path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
                result.done.append(path)
            except Exception as err:  # a bad document must not stop the batch
                result.failed.append((path, f"{path}: {type(err).__name__}: {err}"))
        if on_progress:
            on_progress(path)
    return result
