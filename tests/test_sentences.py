from pipeline.sentences import split_sentences


def texts(t: str) -> list[str]:
    return [t[a:b] for a, b in split_sentences(t)]


def test_terminators_and_closing_quotes_stay_on_the_sentence():
    t = "我们要团结。他说：“合作共赢。”大家都同意！真的吗？"
    assert texts(t) == ["我们要团结。", "他说：“合作共赢。”", "大家都同意！", "真的吗？"]


def test_quotation_that_goes_on_is_not_split():
    assert texts("他说：“我们要团结。我们要合作。”然后离开。") == ["他说：“我们要团结。我们要合作。”", "然后离开。"]


def test_semicolon_and_colon_do_not_end_a_sentence_but_paragraphs_do():
    t = "一是加强合作；二是扩大开放：具体如下\n女士们，先生们：\n谢谢"
    assert texts(t) == ["一是加强合作；二是扩大开放：具体如下", "女士们，先生们：", "谢谢"]


def test_runs_of_terminators_and_brackets():
    assert texts("好？！（掌声）继续。") == ["好？！", "（掌声）继续。"]
    assert texts("这是《宣言》。") == ["这是《宣言》。"]


def test_spans_index_the_original_text():
    t = "第一句。\n\n第二句。"
    spans = split_sentences(t)
    assert [t[a:b] for a, b in spans] == ["第一句。", "第二句。"]
    assert spans[1][0] == t.index("第二句")
