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
