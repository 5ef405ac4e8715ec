"""Training from a config: checks that fail early and clearly, then spaCy's training loop."""

from __future__ import annotations

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
    paths = config.get("paths", {})
    for key, what in (("pkuseg_model", "the pkuseg model"), ("msra_train", "MSRA NER data"),
                      ("encoder", "the sentence encoder")):
        value = paths.get(key)
        if value and not Path(str(value)).exists():
            raise AssetError(f"{value}: {what} is missing; run `dipnlp assets` first")
    corpus = paths.get("corpus")
    if corpus and not (Path(str(corpus)) / "splits.json").exists():
        raise TrainError(f"{corpus}/splits.json: no corpus splits; build the corpus with scripts/build_corpus.py")


def train_pipeline(config_path: str | Path, output: str | Path, overrides: dict[str, Any]) -> Path:
    from spacy.cli.train import train as spacy_train

    import pipeline  # noqa: F401  (registrations)

    config = load_config(config_path, overrides)
    check_inputs(config)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    spacy_train(Path(config_path), output, use_gpu=-1, overrides=overrides)
    return output / "model-best"
