"""Batch runs: resumable after SIGKILL, atomic outputs, failures reported at the end."""

import json
import signal
import subprocess
import sys
import time

from .conftest import ROOT


def test_a_killed_batch_resumes_and_does_every_file_exactly_once(tiny_model, tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for i in range(200):
        (inputs / f"speech{i:03d}.txt").write_text(f"各位朋友：\n第{i}次会议在北京举行。中国同东盟加强合作。", "utf8")
    cmd = [sys.executable, "-m", "pipeline", "run", str(inputs), "--model", str(tiny_model), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and len(list(out.glob("*.json"))) < 40:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = {p.name for p in out.glob("*.json")}
    assert 0 < len(done_before) < 200
    for p in out.glob("*.json"):  # whatever exists is whole
        json.loads(p.read_text("utf8"))

    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert f"{200 - len(done_before)} analysed, {len(done_before)} already done, 0 failed" in second.stdout
    assert len(list(out.glob("*.json"))) == 200 and len(list(out.glob("speech*.html"))) == 200
    assert not list(out.glob(".*.part")) and not list(out.glob("*.part"))
    assert all(json.loads(p.read_text("utf8"))["sentences"] for p in out.glob("*.json"))
