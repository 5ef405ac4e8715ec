"""Training from a config: checks that fail early and clearly, then spaCy's training loop."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .assets import AssetError


class TrainError(ValueError):
    pass


def load_config(config_path: str | Path, overrides: dict[str, Any]):
    """Read a config with overrides; a broken file fails with its name and the problem."""
    from confection import ConfigValidationError
    from spacy.util import load_config as spacy_load_config

    path = Path(config_path)
    if not path.exists():
        raise TrainError(f"{path}: no such config; the default one is configs/default.cfg")
    try:
        return spacy_load_config(path, overrides=overrides, interpolate=False)
    except (ConfigValidationError, ValueError, KeyError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise TrainError(f"{path}: broken config: {first}") from None
    except Exception as e:  # configparser errors
        raise TrainError(f"{path}: broken config: {type(e).__name__}: {str(e).splitlines()[0]}") from None


def check_inputs(config) -> None:
    """Paths the training needs must exist before minutes are spent."""
    paths = config.interpolate().get("paths", {})
    for key, what in (("pkuseg_model", "the pkuseg model"), ("msra_train", "MSRA NER data"), ("pd98", "PD98"),
                      ("encoder", "the sentence encoder")):
        value = paths.get(key)
        if value and not Path(str(value)).exists():
            raise AssetError(f"{value}: {what} is missing; run `dipnlp assets` first")
    corpus = paths.get("corpus")
    if corpus and not (Path(str(corpus)) / "splits.json").exists():
        raise TrainError(f"{corpus}/splits.json: no corpus splits; build the corpus with scripts/build_corpus.py")


def train_pipeline(config_path: str | Path, output: str | Path, overrides: dict[str, Any], gpu_id: int = -1) -> Path:
    """The segmenter step (if the config asks for it), then spaCy's training of the pipeline.

    pkuseg trains on one core, so the character NER, which needs no tokenizer, trains meanwhile in
    this process; spaCy's initialisation then reads it from `OUTPUT/char_ner`."""
    from multiprocessing import get_context

    from spacy.cli.train import train as spacy_train

    import pipeline  # noqa: F401  (registrations)

    config = load_config(config_path, overrides)
    check_inputs(config)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    resolved = config.interpolate()
    seg_cfg = resolved.get("segmenter", {})
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        segmenter = None
        if seg_cfg.get("train"):
            segmenter = pool.submit(ensure_segmenter, seg_cfg, config, output / "segmenter")
        with SharedCores(segmenter) as pace:
            overrides = {**overrides, **pretrain_char_ner(resolved, output, pace)}
        if segmenter is not None:
            overrides["paths.pkuseg_model"] = str(segmenter.result())
    spacy_train(Path(config_path), output, use_gpu=gpu_id, overrides=overrides)
    return output / "model-best"


class SharedCores:
    """torch's threads beside a worker process that holds a core: one fewer than the machine's until the
    worker is done, then all again. On two cores, e5 ran at less than half the speed with two threads
    beside a busy core than with one (docs/BENCHMARKS.md): each parallel step waits for the thread
    that lost its core. Call it before each batch."""

    def __init__(self, worker: Future | None) -> None:
        import torch

        self.worker = worker
        self.threads = torch.get_num_threads()

    def __call__(self) -> None:
        import torch

        busy = self.worker is not None and not self.worker.done()
        wanted = max(1, self.threads - 1) if busy else self.threads
        if torch.get_num_threads() != wanted:
            torch.set_num_threads(wanted)

    def __enter__(self) -> SharedCores:
        return self

    def __exit__(self, *exc: object) -> None:
        import torch

        torch.set_num_threads(self.threads)


def pretrain_char_ner(resolved, output: Path, pace: Callable[[], None] | None = None) -> dict[str, str]:
    """Train the pipeline's `char_ner` components as the interpolated config's blocks say, each into
    `output/NAME`, calling `pace` before each batch; the overrides that hand them on."""
    import spacy

    out: dict[str, str] = {}
    for name in resolved["nlp"]["pipeline"]:
        block = dict(resolved["components"].get(name, {}))
        init = dict(resolved["initialize"].get("components", {}).get(name, {}))
        if block.pop("factory", None) != "char_ner" or init.get("trained"):
            continue
        comp = spacy.blank("xx").add_pipe("char_ner", name=name, config=block)
        comp.initialize(lambda: [], **init, pace=pace)
        comp.to_disk(output / name)
        out[f"initialize.components.{name}.trained"] = str(output / name)
    return out


def ensure_segmenter(seg_cfg: dict[str, Any], config, out_dir: Path) -> Path:
    """Fine-tune pkuseg as the [segmenter] block says; reuse an earlier result with the same settings.
    It runs in a worker process beside the character NER, so it reports in one line, with no spinner."""
    from rich.console import Console

    from .corpus import load_doc, split_paths
    from .segmenter import SegmenterSettings, train_segmenter

    paths = config.interpolate()["paths"]
    corpus_split = seg_cfg.get("corpus_split")
    console = Console(stderr=True)
    standard_words = seg_cfg.get("standard_words")
    if standard_words and not Path(str(standard_words)).exists():
        # research-only data that a machine may lack: train on People's Daily as it is
        console.print(f"[yellow]{standard_words}: no word list of the target standard here; "
                      "People's Daily 1998 is used as it is segmented[/yellow]")
        standard_words = None
    settings = SegmenterSettings(
        init_model=str(seg_cfg["init_model"]),
        pd98=str(seg_cfg["pd98"]) if seg_cfg.get("pd98") else None,
        pd98_limit=int(seg_cfg.get("pd98_limit", 0)),
        standard_words=str(standard_words) if standard_words else None,
        # only documents with gold words teach the segmenter, so only they key its cache
        corpus_paths=tuple(str(p) for p in split_paths(paths["corpus"], corpus_split) if load_doc(p).get("words"))
        if corpus_split else (),
        corpus_repeat=int(seg_cfg.get("corpus_repeat", 1)),
        iterations=int(seg_cfg.get("iterations", 3)),
    )
    if settings.pd98 and not Path(settings.pd98).exists():
        raise AssetError(f"{settings.pd98}: People's Daily 1998 is missing; run `dipnlp assets` first")
    stamp = out_dir / "settings.json"
    wanted = json.dumps(settings.__dict__, sort_keys=True)
    if (out_dir / "weights.npz").exists() and stamp.exists() and stamp.read_text() == wanted:
        return out_dir
    console.print(f"fine-tuning the pkuseg segmenter ({settings.iterations} passes) in a worker process …")
    info = train_segmenter(settings, out_dir)
    stamp.write_text(wanted)
    console.print(f"segmenter trained on {info['sentences']} sentences in {info['seconds']:.0f} s → {out_dir}")
    return out_dir
