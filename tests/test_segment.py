import pytest
import spacy

from pipeline.segment import SpeechTokenizer, read_lexicon

from .conftest import CORPUS

LEXICON = CORPUS / "lexicon/user_dict.txt"
TEXT = "习近平主席提出全球发展倡议，推动构建人类命运共同体，共建“一带一路”，践行多边主义。"


def make_tokenizer(assets_dir, user_dict=LEXICON) -> SpeechTokenizer:
    tok = SpeechTokenizer(spacy.blank("zh").vocab, normalize_input=False)
    tok.initialize(pkuseg_model=str(assets_dir / "pkuseg/mixed"), pkuseg_user_dict=user_dict)
    return tok


def test_read_lexicon(tmp_path):
    f = tmp_path / "lex.txt"
    f.write_text("# comment\n一带一路\n\n人类 命运 共同体\n", "utf8")
    assert read_lexicon(f) == {"一带一路": ["一带一路"], "人类命运共同体": ["人类", "命运", "共同体"]}


def test_domain_terms_segment_as_the_guidelines_say(assets_dir):
    words = make_tokenizer(assets_dir).segment(TEXT)
    assert "".join(words) == TEXT
    for term in (["习", "近平"], ["全球", "发展", "倡议"], ["人类", "命运", "共同体"], ["一带一路"], ["多边主义"]):
        n = len(term)
        assert any(words[i : i + n] == term for i in range(len(words))), (term, words)


def test_the_lexicon_changes_its_terms_and_nothing_else(assets_dir):
    plain, lexicon = make_tokenizer(assets_dir, None), make_tokenizer(assets_dir)
    assert plain.segment(TEXT) != lexicon.segment(TEXT)
    assert plain.segment("习近平")[0] == "习近平" and lexicon.segment("习近平") == ["习", "近平"]
    other = "今年以来，我们坚持稳中求进，推动经济持续恢复，人民生活水平不断提高。"
    assert plain.segment(other) == lexicon.segment(other)


def test_the_doc_keeps_the_text_and_its_spaces(assets_dir):
    text = "中方 欢迎 2021 年的成果。\n第二段"
    doc = make_tokenizer(assets_dir).tokenize_clean(text)
    assert doc.text == text


@pytest.mark.parametrize("how", ["disk", "bytes"])
def test_the_tokenizer_round_trips(assets_dir, tmp_path, how):
    tok = make_tokenizer(assets_dir)
    fresh = SpeechTokenizer(spacy.blank("zh").vocab)
    if how == "disk":
        tok.to_disk(tmp_path / "tok")
        fresh.from_disk(tmp_path / "tok")
    else:
        fresh.from_bytes(tok.to_bytes())
    assert fresh.splits == tok.splits and not fresh.normalize_input
    assert fresh.segment(TEXT) == tok.segment(TEXT)
