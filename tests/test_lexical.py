import json

import numpy as np
import pytest

from pipeline.assets import AssetError
from pipeline.lexical import lexical_scores, load_index, parse_cedict, unit_terms

CEDICT = """\
# a few CC-CEDICT lines
非洲 非洲 [Fei1 zhou1] /Africa/abbr. for 阿非利加洲[A1 fei1 li4 jia1 Zhou1]/
疫苗 疫苗 [yi4 miao2] /vaccine/
一帶一路 一带一路 [Yi1 dai4 Yi1 lu4] /Belt and Road Initiative, Chinese government plan/
七堵區 七堵区 [Qi1 du3 qu1] /Qidu district of Keelung City, Taiwan/
中國 中国 [Zhong1 guo2] /China/
和 和 [he2] /and/
"""


@pytest.fixture()
def index(tmp_path):
    path = tmp_path / "cedict.u8"
    path.write_text(CEDICT, "utf8")
    return load_index(path)


def test_the_index_keeps_short_glosses_before_the_first_comma(index):
    assert index["africa"] == {"非洲"}
    assert index["belt and road initiative"] == {"一带一路"}
    assert "taiwan" not in index  # a place description, not a gloss
    assert "and" not in index  # single-character headwords are left out


def test_units_are_read_longest_phrase_first_with_plurals_and_numbers(index):
    terms = unit_terms("Vaccines for Africa and the Belt and Road Initiative in 2021", index)
    assert terms == [{"疫苗"}, {"非洲"}, {"一带一路"}, {"2021"}]


def test_a_term_found_in_every_section_weighs_little(index):
    sections = ["中国向非洲提供疫苗。", "中国推进一带一路。", "中国和世界。"]
    scores = lexical_scores(["China sends vaccines to Africa", "China and the Belt and Road Initiative"],
                            sections, index)
    assert np.argmax(scores[0]) == 0 and np.argmax(scores[1]) == 1
    assert scores[0, 0] == pytest.approx(1.0)  # every term of the unit is there
    assert scores[0, 2] < 0.1 and scores[1, 2] < 0.15  # only 中国 matches there


def test_a_missing_dictionary_says_how_to_get_it(tmp_path):
    with pytest.raises(AssetError, match="dipnlp assets"):
        load_index(tmp_path / "nowhere.u8")


def test_the_built_index_loads_as_parsed(tmp_path):
    path = tmp_path / "cedict.u8"
    path.write_text(CEDICT, "utf8")
    index = parse_cedict(path)
    (tmp_path / "index.json").write_text(json.dumps({k: sorted(v) for k, v in index.items()}), "utf8")
    assert load_index(tmp_path / "index.json") == index == load_index(path)
