import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.inputs import read_document
from pipeline.normalize import InputError, decode, normalize

from .conftest import CORPUS, ROOT, SAMPLE_ID, corpus_docs

sys.path.insert(0, str(ROOT / "scripts"))
import make_raw  # noqa: E402

SAMPLE = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))


def test_the_sample_pdf_text_gives_the_gold_body_exactly():
    speech = normalize((CORPUS / "raw" / f"{SAMPLE_ID}.txt").read_text("utf8"))
    assert speech.text == SAMPLE["text"]
    assert speech.speaker == "王毅"
    assert speech.title and "2021年" in speech.title
    assert [f["marker"] for f in speech.footnotes] == ["*", "[1]"]
    assert speech.footnotes[1]["text"] == SAMPLE["footnotes"][1]["text"]
    assert speech.editor == "李静"
    assert speech.abstract.text == SAMPLE["abstract"]["text"]
    assert speech.abstract.title == SAMPLE["abstract"]["title"]
    assert speech.abstract.author == "WANG Yi"


@pytest.mark.parametrize("doc", corpus_docs(), ids=lambda d: d["id"])
def test_journal_layout_of_every_corpus_speech_round_trips(doc):
    if doc["meta"]["speaker"] and len(doc["meta"]["speaker"]) > 4:
        pytest.skip("a byline of more than one name is not laid out as a journal author line")
    raw = make_raw.layout(doc, "《国际问题研究》2022 年第 1 期", "李  静", None)
    assert normalize(raw).text == doc["text"]


@pytest.mark.parametrize("doc", corpus_docs(), ids=lambda d: d["id"])
def test_clean_text_is_left_as_it_is(doc):
    assert normalize(doc["text"]).text == doc["text"]


def test_spaces_from_the_pdf_are_removed_but_latin_words_keep_theirs():
    raw = "　　2021 年，中国同 APEC 成员合作，增长 8.1 % 。\n　　我们说：Belt and Road 很重要。\n　　第三段。"
    assert normalize(raw).text == "2021年，中国同APEC成员合作，增长8.1%。\n我们说：Belt and Road很重要。\n第三段。"
    assert normalize("　　“16+ 1 合作”和“金砖 + ”模式。").text == "“16+1合作”和“金砖+”模式。"


def test_encodings(tmp_path):
    text = "中国外交，秉持天下胸怀。"
    for name, data in {
        "utf8": text.encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gbk": text.encode("gbk"),
        "gb18030": text.encode("gb18030"),
        "utf16": text.encode("utf-16"),
        "utf16be": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf16le-no-bom": text.encode("utf-16-le"),
        "utf16be-no-bom": text.encode("utf-16-be"),
    }.items():
        (tmp_path / name).write_bytes(data)
        assert read_document(tmp_path / name, 10_000).text == text, name
    two_lines = text + "\n" + text  # a newline puts zero bytes in: still Chinese, not binary
    (tmp_path / "lines").write_bytes(two_lines.encode("utf-16-le"))
    assert read_document(tmp_path / "lines", 10_000).text == two_lines


def test_bad_inputs_get_one_line_errors(tmp_path):
    cases = {
        "empty.txt": (b"", "empty"),
        "blank.txt": (b"   \n\n", "empty"),
        "binary.bin": (bytes(range(256)) * 20, "binary"),
    }
    for name, (data, needle) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=needle) as info:
            read_document(tmp_path / name, 10_000)
        assert str(tmp_path / name) in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(InputError, match="no Chinese"):
        normalize("This is an English text only.", "english.txt")
    big = tmp_path / "big.txt"
    big.write_bytes("中".encode() * 400_000)
    with pytest.raises(InputError, match="over the 1 MB limit"):
        read_document(big, 1_000_000)


def test_traditional_characters_are_converted():
    speech = normalize("中國外交堅持獨立自主的和平外交政策。我們願與各國發展友好關係。")
    assert speech.converted_from_traditional
    assert speech.text == "中国外交坚持独立自主的和平外交政策。我们愿与各国发展友好关系。"


def test_decode_refuses_undecodable_bytes():
    with pytest.raises(InputError):
        decode(b"\x81\x30\xff\xfe\x00\x00\x01\x02" * 50, "x.txt")


chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
pieces = st.one_of(chinese, st.sampled_from(list("，。！？：；“”《》（）、 \n0123456789ABCabc*[]　")))


def _han(text: str) -> list[str]:
    return sorted(ch for ch in text if "\u4e00" <= ch <= "\u9fa5")


@settings(max_examples=150, deadline=None)
@given(st.text(pieces, min_size=1, max_size=400))
def test_normalize_never_crashes_loses_no_chinese_and_is_idempotent(raw):
    try:
        speech = normalize(raw, simplify=False)
    except InputError as e:
        assert not _han(raw) or "no speech body" in str(e)
        return
    abstract = speech.abstract
    kept = [speech.text, speech.title_block, *(f["text"] for f in speech.footnotes),
            *speech.furniture, *([abstract.title or "", abstract.author or "", abstract.text] if abstract else [])]
    assert _han("".join(kept)) == _han(raw)
    assert speech.coverage["dropped"] == 0 and speech.coverage["input"] == len(_han(raw))
    assert normalize(speech.text, simplify=False).text == speech.text


def test_paragraphs_come_back_only_where_the_line_breaks_are_gone():
    point = "我们要坚持合作共赢，推动各国共同发展，让发展成果更多更公平地惠及各国人民。"
    long = "我们提出三点主张：第一，" + point * 6 + "第二，" + point * 6 + "第三，" + point * 6
    clean = "\n".join(["各位朋友：", long, "这是第二段。", "这是第三段。", "谢谢大家。"])
    assert normalize(clean).text == clean  # a long paragraph of a clean text stays one paragraph
    unbroken = "各位朋友：" + long + "谢谢大家。"
    assert normalize(unbroken).text.split("\n") == ["各位朋友：", "我们提出三点主张：", "第一，" + point * 6,
                                                   "第二，" + point * 6, "第三，" + point * 6, "谢谢大家。"]
