"""Running a pipeline over many input files: resumable, atomic, and failure-tolerant."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from .analyse import doc_to_record, make_doc
from .inputs import SUFFIXES, read_document
from .normalize import InputError

log = logging.getLogger("dipnlp")


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


@dataclass(frozen=True)
class Input:
    """One file to analyse and the name its outputs take (its path under the folder given, no suffix)."""

    path: Path
    name: str


def expand_inputs(inputs: list[Path]) -> tuple[list[Input], list[tuple[Path, str]]]:
    """The files to analyse, and the files of the folders given that are skipped, with why.

    A file named on the command line is read whatever its suffix (its format is told by content);
    a folder is searched with its subfolders for the suffixes readers exist for. Output names keep
    the path under the folder, so `2019/讲话.txt` and `2020/讲话.txt` do not overwrite each other,
    and two files that differ only in their suffix keep it (`speech.txt` → `speech.txt.json`).
    """
    found: list[tuple[Path, str]] = []
    skipped: list[tuple[Path, str]] = []
    for item in inputs:
        if not item.is_dir():
            found.append((item, item.with_suffix("").name))
            continue
        for p in sorted(item.rglob("*")):
            rel = p.relative_to(item)
            if p.is_dir() or any(part.startswith(".") for part in rel.parts):
                continue
            if p.suffix.lower() in SUFFIXES or (p.suffix == "" and p.is_file()):
                found.append((p, rel.with_suffix("").as_posix()))
            else:
                skipped.append((p, f"{p}: skipped, not a kind dipnlp reads ({', '.join(sorted(SUFFIXES))})"))
    counts = Counter(name for _, name in found)
    files = [Input(p, name if counts[name] == 1 else f"{name}{p.suffix}") for p, name in found]
    return files, skipped


@dataclass
class BatchResult:
    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings about documents that were analysed


def outputs_for(item: Input, out_dir: Path) -> tuple[Path, Path]:
    return out_dir / f"{item.name}.json", out_dir / f"{item.name}.html"


Prepare = Callable[[list[Input]], Iterator[tuple[Doc, tuple[Input, "str | None"]]]]


def guarded_pipe(
    nlp: Language, items: list[Input], prepare: Prepare, *, n_process: int = 1, batch_size: int = 4
) -> Iterator[tuple[Doc, tuple[Input, str | None]]]:
    """`nlp.pipe` over the items' docs, surviving a component that raises on one of them.

    spaCy's error handlers reach only its trainable components: an exception in any other ends
    `nlp.pipe`, and with it a whole collection. So the items go through in chunks of
    `batch_size` (the batches `nlp.pipe` makes anyway), and a chunk that raises is done again one
    speech at a time, component by component: only the speech that fails is reported, with the
    component's name. With several processes a failure ends the worker pool; the items it had
    not returned are then done in this process, the same way. spaCy forks its workers: start
    them before any model has run in this process (as the CLI does), since a forked torch whose
    thread pool has run can hang.
    """
    if n_process > 1:
        returned: set[Input] = set()
        try:
            for doc, context in nlp.pipe(prepare(items), as_tuples=True, n_process=n_process, batch_size=batch_size):
                returned.add(context[0])
                yield doc, context
            return
        except Exception as err:  # the pool is gone; what it had not returned is done here
            items = [item for item in items if item not in returned]
            log.warning("a component failed in a worker process (%s); the %d files not yet returned are "
                        "analysed in this process", str(err).splitlines()[0] if str(err) else type(err).__name__,
                        len(items))
    for chunk in minibatch(items, batch_size):
        try:
            done = list(nlp.pipe(prepare(chunk), as_tuples=True, batch_size=batch_size))
        except Exception:
            done = [one_by_one(nlp, doc, context) for doc, context in prepare(chunk)]
        yield from done


def one_by_one(nlp: Language, doc: Doc, context: tuple[Input, str | None]) -> tuple[Doc, tuple[Input, str | None]]:
    """Run the pipeline's components on one doc in turn; a component that raises fails this doc alone."""
    item, error = context
    if error:
        return doc, context
    for name, component in nlp.pipeline:
        try:
            doc = component(doc)
        except Exception as err:
            log.debug("%s: the %s component failed", item.path, name, exc_info=True)
            return Doc(nlp.vocab, words=[]), (item, f"{item.path}: the {name} component failed: "
                                                    f"{type(err).__name__}: {err}")
    return doc, context


def run_batch(
    nlp: Language,
    files: list[Input],
    out_dir: Path,
    *,
    abstract: str | None = None,
    force: bool = False,
    n_process: int = 1,
    batch_size: int = 4,
    max_bytes: int = 5_000_000,
    render: Callable[[dict], str] | None = None,
    on_progress: Callable[[Input], None] | None = None,
) -> BatchResult:
    """Analyse every file; a file whose JSON and HTML both exist is skipped unless `force`."""
    result = BatchResult()
    if out_dir.exists():  # temporary files of a run that was killed mid-write
        for stale in out_dir.rglob(".*.part"):
            stale.unlink(missing_ok=True)
    todo: list[Input] = []
    for item in files:
        json_path, html_path = outputs_for(item, out_dir)
        if not force and json_path.exists() and (render is None or html_path.exists()):
            result.skipped.append(item.path)
            if on_progress:
                on_progress(item)
        else:
            todo.append(item)

    def prepare(items: list[Input]) -> Iterator[tuple[Doc, tuple[Input, str | None]]]:
        for item in items:
            try:
                extracted = read_document(item.path, max_bytes)
                yield make_doc(nlp, extracted, abstract, str(item.path)), (item, None)
            except (InputError, OSError) as err:
                yield Doc(nlp.vocab, words=[]), (item, str(err))

    for doc, (item, error) in guarded_pipe(nlp, todo, prepare, n_process=n_process, batch_size=batch_size):
        if error:
            result.failed.append((item.path, error))
        else:
            try:
                record = doc_to_record(doc, item.name, source=str(item.path))
                json_path, html_path = outputs_for(item, out_dir)
                if render is not None:
                    write_atomic(html_path, render(record))
                write_atomic(json_path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
                result.done.append(item.path)
                result.notes.extend(f"{item.path}: {note}" for note in record.get("notes", [])
                                    if not note.startswith("no English abstract"))
            except Exception as err:  # a bad document must not stop the batch
                result.failed.append((item.path, f"{item.path}: {type(err).__name__}: {err}"))
        if on_progress:
            on_progress(item)
    return result
