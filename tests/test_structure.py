import json

from pipeline.structure import chinese_number, find_sections

from .conftest import CORPUS, SAMPLE_ID


def kinds(text: str) -> list[tuple[str, str | None, str]]:
    return [(s["kind"], s["parent"], text[s["start"] : s["end"]].split("\n")[0][:6]) for s in find_sections(text)]


def test_the_sample_sections_equal_the_gold():
    doc = json.loads((CORPUS / f"{SAMPLE_ID}.json").read_text("utf8"))
    assert find_sections(doc["text"]) == doc["sections"]


def test_numbered_headings_outlook_items_and_closing():
    text = "\n".join([
        "各位朋友：", "今年很不平凡。", "第一，我们抗击疫情。", "中国提供疫苗。", "第二，我们促进发展。",
        "贸易增长。", "回顾一年来的工作，我们深刻体会到团结的力量。", "展望明年，我们将：",
        "一是办好冬奥会。", "二是推进合作。", "谢谢大家！",
    ])
    assert kinds(text) == [
        ("preamble", None, "各位朋友："), ("body", None, "第一，我们抗"), ("body", None, "第二，我们促"),
        ("conclusion", None, "回顾一年来的"), ("outlook", None, "展望明年，我"),
        ("item", "s4", "一是办好冬奥"), ("item", "s4", "二是推进合作"), ("closing", None, "谢谢大家！"),
    ]


def test_sections_tile_the_text():
    text = "各位来宾：\n开场白。\n一、坚持合作\n内容一。\n二、扩大开放\n内容二。\n女士们，先生们：\n谢谢。"
    sections = find_sections(text)
    tops = [s for s in sections if not s["parent"]]
    assert tops[0]["start"] == 0 and tops[-1]["end"] == len(text)
    assert all(a["end"] == b["start"] for a, b in zip(tops, tops[1:]))
    assert [s["kind"] for s in tops] == ["preamble", "body", "body", "closing"]
    assert tops[1]["title"] == "一、坚持合作"


def test_press_conference_questions_open_sections():
    text = "\n".join(["主持人：各位记者朋友，上午好。", "新华社记者：中美关系前景如何？", "答：我们主张合作。",
                      "路透社记者：你如何看待乌克兰危机？", "答：我们劝和促谈。"])
    assert [k for k, _, _ in kinds(text)] == ["preamble", "body", "body"]


def test_a_speech_without_numbers_still_has_a_preamble_and_a_body():
    text = "主席先生：\n今天我很高兴出席会议。\n当今世界正经历深刻变化。\n中国愿同各国合作。\n谢谢大家。"
    assert [k for k, _, _ in kinds(text)] == ["preamble", "body", "closing"]


def test_chinese_numbers():
    assert [chinese_number(s) for s in ("一", "九", "十", "十二", "二十", "二十三")] == [1, 9, 10, 12, 20, 23]


def test_unnumbered_headlines_open_sections_and_the_overview_is_the_preamble():
    long = "这一年里，我们做了大量工作，取得了丰硕成果，" * 5 + "各方普遍给予积极评价。"
    paras = ["各位来宾，女士们，先生们：", "又到了岁末盘点的时候。" + long, "回顾这一年，有几件大事值得铭记。",
             "隆重纪念抗战胜利70周年，是这一年的头等大事。", long, long,
             "筹建亚洲基础设施投资银行取得历史性突破。", long, "女士们，先生们，朋友们！", "谢谢大家。"]
    text = "\n".join(paras)
    got = [(s["kind"], text[s["start"] : s["start"] + 6]) for s in find_sections(text)]
    assert got == [("preamble", "各位来宾，女"), ("body", "隆重纪念抗战"), ("body", "筹建亚洲基础"),
                   ("closing", "女士们，先生")]


def test_a_closing_paragraph_addressed_to_the_chair():
    body = "和平与发展仍然是时代主题，各国应当携手应对共同挑战。" * 6
    text = "\n".join(["主席先生：", "我谨表示祝贺。", body, body, "主席先生，让我们携手前行，共创美好未来。", "谢谢。"])
    kinds = [(s["kind"], text[s["start"] : s["start"] + 5]) for s in find_sections(text)]
    assert kinds[-1] == ("closing", "主席先生，")


def test_announced_whole_paragraph_points_are_items_of_the_announcing_paragraph():
    dev = "各国应当加强协调，推动世界经济走上强劲增长之路。我们要拿出切实管用的办法。"
    text = "\n".join([
        "尊敬的各位来宾：", "很高兴来到这里。", "经济全球化是历史大势。" + dev,
        "当前世界经济复苏乏力。我认为，症结主要在于三大矛盾。",
        "第一，增长动能不足。" + dev, "第二，经济治理滞后。" + dev, "第三，发展失衡。" + dev,
        "大家都关注中国经济的走势。" + dev, "女士们，先生们，朋友们！", "谢谢大家。",
    ])
    assert kinds(text) == [
        ("preamble", None, "尊敬的各位来"), ("body", None, "经济全球化是"), ("body", None, "当前世界经济"),
        ("item", "s2", "第一，增长动"), ("item", "s2", "第二，经济治"), ("item", "s2", "第三，发展失"),
        ("body", None, "大家都关注中"), ("closing", None, "女士们，先生"),
    ]


def test_a_second_run_of_points_restarts_at_one():
    dev = "我们将推出一批重大举措，确保已经宣布的措施尽快落地见效。"
    text = "\n".join([
        "各位来宾：", "第一，坚持开放合作。", dev, "第二，坚持共商共建。", dev,
        "中国将采取以下举措。" + dev, "第一，放宽市场准入。" + dev, "第二，扩大进口。" + dev, "谢谢大家。",
    ])
    assert [(k, p) for k, p, _ in kinds(text)] == [
        ("preamble", None), ("body", None), ("body", None), ("body", None), ("item", "s3"), ("item", "s3"),
        ("closing", None),
    ]


def test_paragraphs_that_open_alike_are_points():
    dev = "各国应当相互尊重，平等协商，坚决摒弃冷战思维。"
    text = "\n".join([
        "主席先生：", "很高兴出席会议。", "理念要变为现实，需要国际社会共同努力。",
        "坚持对话协商，建设持久和平的世界。" + dev, "坚持共建共享，建设普遍安全的世界。" + dev,
        "坚持合作共赢，建设共同繁荣的世界。" + dev, "谢谢。",
    ])
    assert kinds(text)[2:5] == [
        ("item", "s1", "坚持对话协商"), ("item", "s1", "坚持共建共享"), ("item", "s1", "坚持合作共赢"),
    ]
