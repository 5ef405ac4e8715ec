import subprocess
import time

import pytest

from pipeline import assets
from pipeline.assets import AssetError, Resource, ensure_assets


def test_a_second_run_is_a_quick_no_op(assets_dir):
    start = time.perf_counter()
    ensure_assets(assets_dir, quiet=True)
    assert time.perf_counter() - start < 5


def test_unreachable_registry_says_what_is_missing(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        return subprocess.CompletedProcess(args, 1, "", "ERROR: Could not find a version (no network)")

    monkeypatch.setattr(assets.subprocess, "run", no_network)
    with pytest.raises(AssetError, match=r"could not download pkuseg==0\.0\.25 .*no network"):
        ensure_assets(tmp_path, quiet=True)


def test_checksum_mismatch_is_refused(tmp_path, monkeypatch):
    fake = Resource("fake", "fake==1.0", "fake-1.0.tar.gz", "0" * 64, {}, "none")

    def download(cmd, **kwargs):
        (tmp_path / "fake-1.0.tar.gz").write_bytes(b"not the real file")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(assets.subprocess, "run", download)
    with pytest.raises(AssetError, match="checksum mismatch"):
        assets._download(fake, tmp_path)
    assert not (tmp_path / "fake-1.0.tar.gz").exists()
