import spacy

from pipeline.patterns import NameHeads, NamePatterns, QuotedNames

HEADS = ["领导人会晤", "会晤", "峰会", "大会", "一般性辩论"]


def finder() -> NamePatterns:
    return NamePatterns("EVENT", HEADS, ["出席", "举行的"], ["，", "在", "和"], ["上", "在", "期间"], ["本次"],
                         "召开|举行", 30)


def names(text: str) -> list[str]:
    return [text[a:b] for a, b in finder().find(text)]


def test_a_strong_opening_marks_where_the_name_starts():
    assert names("习近平主席出席上海合作组织比什凯克峰会和亚信峰会。") == ["上海合作组织比什凯克峰会"]
    assert names("在布鲁塞尔举行的第二十一次中国—欧盟领导人会晤，双方") == ["第二十一次中国—欧盟领导人会晤"]


def test_a_weak_opening_needs_the_event_to_take_place():
    assert names("他在第七十六届联合国大会一般性辩论上提出倡议。") == ["第七十六届联合国大会一般性辩论"]
    assert names("，亚洲文明对话大会在北京召开") == ["亚洲文明对话大会"]
    assert names("，亚洲文明对话大会的成果") == []


def test_generic_mentions_are_left_alone():
    assert names("为筹备本次峰会付出努力") == []
    assert names("出席联合国将召开峰会") == []


def test_longer_spans_replace_what_they_overlap():
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("出席第二届中国国际进口博览会")
    doc.ents = [doc.char_span(2, 5, label="ORDINAL", alignment_mode="expand")]
    doc = NamePatterns("EVENT", ["博览会"], ["出席"], [], [], [], "", 30)(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("第二届中国国际进口博览会", "EVENT")]


def test_event_pieces_are_joined_and_trailing_words_dropped():
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("第二届进博会期间，各方")
    ents = [doc.char_span(0, 3, label="ORDINAL"), doc.char_span(3, 8, label="EVENT")]
    repaired = NamePatterns("EVENT", [], [], [], [], [], "", 30, ["期间"]).repair(doc, ents)
    assert [(e.text, e.label_) for e in repaired] == [("第二届进博会", "EVENT")]


def test_quoted_names_take_the_label_of_their_head_noun():
    q = QuotedNames({"LAW": ["条约", "协定"], "INITIATIVE": ["行动"]}, ["《》", "“”"], 60)
    text = "美国退出《中导条约》，推出“春苗行动”，读《论语》。"
    assert [(text[a:b], label) for a, b, label in q.find(text)] == [("中导条约", "LAW"), ("春苗行动", "INITIATIVE")]


def test_events_are_cut_back_to_their_head_or_dropped():
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("北京冬奥会的经验，中非合作的本质，首次峰会，中国—中亚五国外长会晤，第二大出资国")
    doc.ents = [doc.char_span(a, b, label="EVENT") for a, b in ((0, 8), (9, 16), (17, 21), (22, 33), (34, 40))]
    heads = NameHeads("EVENT", ["冬奥会", "峰会", "会晤", "外长会"], "^(首次|第.次)(峰会|会晤)$")
    doc = heads(doc)
    assert [e.text for e in doc.ents] == ["北京冬奥会", "中国—中亚五国外长会晤"]


def test_other_labels_are_left_as_they_are():
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("中非合作的本质")
    doc.ents = [doc.char_span(0, 4, label="ORG")]
    assert [(e.text, e.label_) for e in NameHeads("EVENT", ["峰会"], "")(doc).ents] == [("中非合作", "ORG")]
