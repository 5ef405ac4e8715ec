import json
import shutil
import subprocess

import pytest

from pipeline.report import index_row, render_index, render_report

from .conftest import CORPUS, SAMPLE_ID

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def record():
    doc = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    for i, s in enumerate(doc["sentences"]):
        s["score"] = 0.5 + (i % 5) / 10
    return doc


def test_report_has_outline_sections_entities_abstract_and_no_network(record):
    html = render_report(record, {"seconds": 1.5})
    assert html.count('class="sec') == len([s for s in record["sections"] if s["kind"] != "outlook"])
    assert 'href="#s11.3"' in html and 'id="s11.3"' in html
    assert html.count('class="unit"') == len(record["abstract"]["units"])
    assert "习近平" in html and "<mark" in html  # displaCy entity markup
    assert "src=\"http" not in html and "href=\"http" not in html and "@import" not in html


def test_index_compares_speeches(record):
    html = render_index([index_row(record)])
    assert "2021-wang-yi-review.html" in html and "中国 (GPE)" in html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_renders_and_clicking_a_unit_highlights_its_sections(record, tmp_path):
    page = tmp_path / "report.html"
    html = render_report(record)
    unit = next(a for a in record["alignment"] if a["sections"])
    click = f"<script>document.querySelector('.unit[data-unit=\"{unit['unit']}\"]').click();</script></body>"
    page.write_text(html.replace("</body>", click), "utf8")
    profile = tmp_path / "profile"
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
                    "--window-size=1400,900", page.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.exists() and shot.stat().st_size > 20_000
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert 'id="outline"' in dom and 'id="entities"' in dom
    for sid in unit["sections"]:
        assert f'class="sec highlight" id="{sid}"' in dom
    assert f'class="unit active" data-unit="{unit["unit"]}"' in dom


def test_the_header_gives_the_front_matter_and_the_figures_the_coverage(record):
    shown = dict(record, meta=dict(record["meta"], office="国务委员兼外交部长", place="北京", kind="review"),
                 coverage={"input": 120, "body": 100, "title_block": 12, "footnotes": 8, "abstract": 0,
                           "furniture": 0, "dropped": 0})
    html = render_report(shown)
    assert "国务委员兼外交部长 王毅 · 2021-12-20 · 北京 · review" in html
    assert "Chinese characters: footnotes</td><td>8" in html


def test_text_from_the_input_is_escaped(record):
    tag = "<i>x</i>"  # into the body at the same length, so that every offset stays right
    hostile = dict(record, meta=dict(record["meta"], title="<script>alert(1)</script>标题",
                                     speaker="<b>王毅</b>"), notes=["<img src=x onerror=alert(1)>"],
                   text=tag + record["text"][len(tag):])
    html = render_report(hostile)
    assert "<i>x</i>" not in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html
    assert "<b>王毅</b>" not in html and "&lt;b&gt;王毅&lt;/b&gt;" in html
    assert "<img src=x" not in html
