"""Batch runs: resumable after SIGKILL, atomic outputs, failures reported at the end."""

import json
import signal
import subprocess
import sys
import time

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.batch import expand_inputs, run_batch
from pipeline.corpus import validate

from .conftest import ROOT


@Language.component("fails_on_one_speech")
def fails_on_one_speech(doc: Doc) -> Doc:
    """A component with a bug that one speech of three triggers."""
    if "坦赞铁路" in doc.text:
        raise RuntimeError("index out of range")
    return doc


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


def dipnlp(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True)


def test_a_folder_of_every_kind_with_subfolders(tiny_model, tmp_path):
    from .material import gold
    from .material.journal_pdf import typeset_journal
    from .material.web import ministry_page
    from .material.word import word_file

    record = gold("2020-xi-jinping-unga")
    inputs, out = tmp_path / "in", tmp_path / "out"
    for sub in ("2019", "2020", "2021", "pdf", "web", "word"):
        (inputs / sub).mkdir(parents=True)
    short = "各位朋友：\n中国同东盟加强合作。"
    (inputs / "speech.txt").write_text(short, "utf8")
    (inputs / "speech.md").write_text(short, "utf8")
    (inputs / "2019" / "讲话.txt").write_text(short, "utf8")
    (inputs / "2020" / "讲话.txt").write_bytes(short.encode("gb18030"))
    (inputs / "2021" / "讲话.txt").write_bytes(short.encode("utf-16-le"))  # no BOM
    typeset_journal(record, inputs / "pdf" / "unga.pdf")
    (inputs / "web" / "unga.html").write_text(ministry_page(record), "utf8")
    word_file(record, inputs / "word" / "unga.docx")
    (inputs / "pdf" / "broken.pdf").write_bytes((inputs / "pdf" / "unga.pdf").read_bytes()[:3000])
    (inputs / "table.xlsx").write_bytes(b"PK\x03\x04 not a speech")
    proc = dipnlp("run", inputs, "--model", tiny_model, "--out", out)
    assert proc.returncode == 1  # one file failed, and the run says so
    assert "8 analysed, 0 already done, 1 failed, 1 skipped" in proc.stdout
    assert f"failed: {inputs / 'pdf' / 'broken.pdf'}: " in proc.stderr.replace("\n", "")
    assert f"skipped: {inputs / 'table.xlsx'}" in proc.stderr.replace("\n", "")
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["2019/讲话.json", "2020/讲话.json", "2021/讲话.json", "pdf/unga.json", "speech.md.json",
                       "speech.txt.json", "web/unga.json", "word/unga.json"]
    for year in ("2019", "2020", "2021"):  # UTF-8, GB18030, UTF-16 without a BOM: the same speech
        assert json.loads((out / year / "讲话.json").read_text("utf8"))["text"] == short
    for fmt, name in (("pdf", "pdf/unga"), ("html", "web/unga"), ("docx", "word/unga")):
        result = json.loads((out / f"{name}.json").read_text("utf8"))
        assert result["meta"]["format"] == fmt and result["meta"]["speaker"] == "习近平"
        validate(result)
        assert result["text"] == record["text"] and result["coverage"]["dropped"] == 0
    assert json.loads((out / "web" / "unga.json").read_text("utf8"))["meta"]["site"] == "fmprc.gov.cn"
    assert (out / "index.html").exists() and (out / "pdf" / "unga.html").exists()


def test_a_split_that_looks_wrong_is_reported(tiny_model, tmp_path):
    """The seed's first failure: a footnote that took in the speech. Here the note is genuinely long,
    and the record and the console say how much of the text it holds."""
    raw = "\n".join([  # text a PDF extractor left: hard-wrapped body lines, a note in smaller (wider) type
        "中国同东盟加强合作，双方关系不断发展，各领", "域交流日益密切，成果惠及两国人民，地区和平",
        "稳定得到了有力的维护和巩固，前景十分广阔。*", "* 本文为作者在会议上的演讲，有关数据和表述做了更新，",
        "全文由编辑部整理，谨此说明并向各方致以诚挚的谢意。", "双方将继续深化合作，共同开创更加美好的未来。",
        "谢谢大家。"])
    path = tmp_path / "journal.txt"
    path.write_text(raw, "utf8")
    proc = dipnlp("run", path, "--model", tiny_model, "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    record = json.loads((tmp_path / "out" / "journal.json").read_text("utf8"))
    assert record["coverage"]["footnotes"] > record["coverage"]["body"] / 10
    assert any(n.startswith("footnotes hold") for n in record["notes"])
    assert "warning:" in proc.stderr and "footnotes hold" in proc.stderr


def test_a_component_that_raises_fails_its_speech_alone(tiny_model, tmp_path):
    nlp = spacy.load(tiny_model)
    nlp.add_pipe("fails_on_one_speech")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in (("a", "各位朋友：\n中国同东盟加强合作。"), ("b", "中国援建的坦赞铁路成为友谊的丰碑。"),
                       ("c", "谢谢大家。"), ("d", "中非友谊跨越山海。")):
        (inputs / f"{name}.txt").write_text(text, "utf8")
    files, _ = expand_inputs([inputs])
    result = run_batch(nlp, files, tmp_path / "out", batch_size=2)
    assert sorted(p.name for p in result.done) == ["a.txt", "c.txt", "d.txt"]
    assert [(p.name, message) for p, message in result.failed] == [
        ("b.txt", f"{inputs / 'b.txt'}: the fails_on_one_speech component failed: RuntimeError: index out of range")]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == ["a.json", "c.json", "d.json"]
    assert json.loads((tmp_path / "out" / "a.json").read_text("utf8"))["sentences"]


GUARDED = """
import sys
from pathlib import Path

import spacy
from spacy.language import Language

from pipeline.batch import Input, guarded_pipe


@Language.component("fails_on_one_speech")
def fails_on_one_speech(doc):
    if "坦赞铁路" in doc.text:
        raise RuntimeError("index out of range")
    return doc


nlp = spacy.blank("zh")
nlp.add_pipe("fails_on_one_speech")
texts = {f"s{i}": "中国援建的坦赞铁路。" if i == 3 else f"第{i}篇讲话。" for i in range(7)}
items = [Input(Path(f"{name}.txt"), name) for name in texts]


def prepare(chunk):
    for item in chunk:
        yield nlp.make_doc(texts[item.name]), (item, None)


for doc, (item, error) in guarded_pipe(nlp, items, prepare, n_process=int(sys.argv[1]), batch_size=2):
    print(item.name, doc.text, error, sep="|")
"""


@pytest.mark.parametrize("n_process", [1, 2])
def test_guarded_pipe_keeps_every_other_doc_and_names_the_component(n_process):
    # A fresh interpreter: workers forked from a process whose torch has run can hang (its thread
    # pool does not survive the fork), and the CLI, like this, forks before any model runs.
    proc = subprocess.run([sys.executable, "-c", GUARDED, str(n_process)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = {name: (text, error) for name, text, error in (ln.split("|") for ln in proc.stdout.splitlines())}
    assert sorted(out) == [f"s{i}" for i in range(7)]  # every doc once
    assert out["s3"] == ("", "s3.txt: the fails_on_one_speech component failed: RuntimeError: index out of range")
    assert all(out[f"s{i}"] == (f"第{i}篇讲话。", "None") for i in range(7) if i != 3)


def test_a_write_that_fails_before_the_rename_leaves_the_old_output_whole(tmp_path, monkeypatch):
    from pipeline import batch

    path = tmp_path / "speech.json"
    batch.write_atomic(path, '{"old": true}\n')

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        batch.write_atomic(path, '{"new": true, "half": ')
    assert path.read_text("utf8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["speech.json"]  # no temporary file left behind
