import numpy as np

from pipeline.align import (
    candidate_sections,
    clause_units,
    coordination_parts,
    csls,
    cue_view,
    decode,
    expand_unstructured,
    merge_pieces,
    mix_clauses,
    owners,
    pair_targets,
    position_view,
    split_clauses,
)


def test_decode_monotone():
    scores = np.array([[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 0, 3]], dtype=float)
    assert decode(scores, back_penalty=1.0, none_threshold=1.0, multi_margin=0.5) == [[0], [1], [3]]


def test_decode_skips_a_unit_below_threshold():
    scores = np.array([[3, 0, 0], [0.2, 0.1, 0.3], [0, 0, 3]], dtype=float)
    assert decode(scores, back_penalty=1.0, none_threshold=1.0, multi_margin=0.5) == [[0], [], [2]]


def test_decode_one_unit_to_two_sections():
    scores = np.array([[3, 2.9, 0, 0], [0, 0, 3, 0]], dtype=float)
    assert decode(scores, back_penalty=1.0, none_threshold=1.0, multi_margin=0.5) == [[0, 1], [2]]


def test_decode_allows_a_strong_backward_jump_but_not_a_weak_one():
    strong = np.array([[0, 0, 3], [3, 0, 0]], dtype=float)
    assert decode(strong, back_penalty=1.0, none_threshold=1.0, multi_margin=0.1) == [[2], [0]]
    weak = np.array([[0, 2.0, 0], [1.5, 0, 1.4]], dtype=float)
    assert decode(weak, back_penalty=1.0, none_threshold=1.0, multi_margin=0.05) == [[1], [2]]


def test_a_section_no_unit_chose_goes_to_the_neighbouring_unit_that_scores_it_best():
    # sections 1 and 3 are left over: 1 sits next to unit 0's section and is within the margin;
    # 3 sits next to unit 1's section but is 2.5 below its best
    scores = np.array([[3, 2.0, 0, 0], [0, 0, 3, 0.5]], dtype=float)
    assert decode(scores, back_penalty=1.0, none_threshold=1.0, multi_margin=0.5) == [[0], [2]]
    assert decode(scores, back_penalty=1.0, none_threshold=1.0, multi_margin=0.5, cover_margin=1.5) == [[0, 1], [2]]
    # a left-over section not next to the unit's own is not given
    far = np.array([[3, 0, 2.5]], dtype=float)
    assert decode(far, back_penalty=1.0, none_threshold=1.0, multi_margin=0.1, cover_margin=1.5) == [[0]]


def test_csls_penalises_hubs():
    sim = np.array([[0.9, 0.8], [0.85, 0.2]])
    out = csls(sim, k=1)
    assert out[0, 1] > out[1, 1] and out.shape == sim.shape


def test_clause_splitting():
    text = ("China provided vaccines to over 120 countries, and it opposed the politicisation of origins tracing. "
            "Relations with the US were steadied; ties with Russia deepened further. Ok.")
    clauses = [text[a:b] for a, b in split_clauses(text)]
    assert clauses == [
        "China provided vaccines to over 120 countries,",
        "and it opposed the politicisation of origins tracing.",
        "Relations with the US were steadied;",
        "ties with Russia deepened further. Ok.",
    ]


def test_clause_units_are_cut_into_their_list_items():
    text = ("Relations were steadied. "
            "For 2024 it pledges summit diplomacy, Belt and Road cooperation and a firm line on Taiwan.")
    units = clause_units(text, min_words=3, commas=True)
    assert [u["id"] for u in units] == ["a0", "a1", "a2", "a3"]
    assert [text[u["start"] : u["end"]] for u in units] == [
        "Relations were steadied.", "For 2024 it pledges summit diplomacy", "Belt and Road cooperation",
        "a firm line on Taiwan."]
    assert len(clause_units(text)) == 2


def test_candidate_sections_cut_a_parent_before_its_items():
    sections = [
        {"id": "s0", "kind": "preamble", "start": 0, "end": 10, "parent": None},
        {"id": "s1", "kind": "outlook", "start": 10, "end": 30, "parent": None},
        {"id": "s1.1", "kind": "item", "start": 15, "end": 20, "parent": "s1"},
        {"id": "s1.2", "kind": "item", "start": 20, "end": 30, "parent": "s1"},
    ]
    out = candidate_sections(sections)
    assert [(s["id"], s["start"], s["end"]) for s in out] == [("s0", 0, 10), ("s1", 10, 15), ("s1.1", 15, 20),
                                                               ("s1.2", 20, 30)]


def test_an_unnumbered_body_is_regrouped_where_the_aligned_units_change():
    body = [f"第{i}段讲的是一个话题，内容相当充实，不止一句话。还有第二句。" for i in range(6)]
    paras = ["主席先生：", *body, "谢谢。"]
    text = "\n".join(paras)
    starts = [sum(len(p) + 1 for p in paras[:i]) for i in range(len(paras))]
    sections = [{"id": "s0", "kind": "preamble", "start": 0, "end": starts[1], "title": None, "parent": None},
                {"id": "s1", "kind": "body", "start": starts[1], "end": starts[7], "title": "x", "parent": None},
                {"id": "s2", "kind": "closing", "start": starts[7], "end": len(text), "title": None, "parent": None}]
    cands = expand_unstructured(text, sections, min_paragraphs=6)
    assert [c["id"] for c in cands] == ["s0", *[f"s1/p{i}" for i in range(6)], "s2"]
    assert expand_unstructured(text, sections, min_paragraphs=7) == sections
    new, cand_ids = merge_pieces(text, sections, cands, [[2], [4], [5], [7]])
    assert [(s["id"], s["kind"], s["start"]) for s in new] == [
        ("s0", "preamble", 0), ("s1", "body", starts[1]), ("s2", "body", starts[2]), ("s3", "body", starts[4]),
        ("s4", "body", starts[5]), ("s5", "closing", starts[7])]
    assert [cand_ids[j] for j in (2, 3, 4, 5, 6, 7)] == ["s2", "s2", "s3", "s4", "s4", "s5"]
    assert all(a["end"] == b["start"] for a, b in zip(new, new[1:]))


def test_units_are_cut_at_and_only_between_long_parts():
    text = "For 2022 the priorities are the Beijing Winter Olympics and the 20th Party Congress of China."
    parts = coordination_parts(text, 0, len(text), min_words=4)
    assert [text[a:b] for a, b in parts] == ["For 2022 the priorities are the Beijing Winter Olympics",
                                             "the 20th Party Congress of China."]
    short = "Ties with China and Russia deepened in many fields."
    assert coordination_parts(short, 0, len(short), min_words=4) == [(0, len(short))]
    assert coordination_parts(text, 0, len(text), min_words=0) == [(0, len(text))]


def test_a_list_is_cut_at_commas_into_its_items():
    text = "trade facilitation, green development and capacity building follow."
    parts = coordination_parts(text, 0, len(text), min_words=2, commas=True)
    assert [text[a:b] for a, b in parts] == ["trade facilitation", "green development", "capacity building follow."]
    # without `commas` only the `and` cuts, and a part shorter than min_words joins its neighbour
    assert [text[a:b] for a, b in coordination_parts(text, 0, len(text), min_words=2)] == [
        "trade facilitation, green development", "capacity building follow."]
    assert [text[a:b] for a, b in coordination_parts(text, 0, len(text), min_words=3, commas=True)] == [
        "trade facilitation, green development", "capacity building follow."]
    assert coordination_parts(text, 0, len(text), min_words=5, commas=True) == [(0, len(text))]


def test_position_view_prefers_the_section_at_the_same_relative_place():
    units = [{"start": 0, "end": 10}, {"start": 90, "end": 100}]
    sections = [{"start": 0, "end": 500}, {"start": 500, "end": 1000}]
    view = position_view(100, units, 1000, sections)
    assert view.shape == (2, 2)
    assert view[0, 0] > view[0, 1] and view[1, 1] > view[1, 0]
    assert (view <= 0).all()
    assert position_view(100, [], 1000, sections).shape == (0, 2)


def bag_of_words(texts: list[str]) -> np.ndarray:
    """A stand-in for the encoder: unit-length counts of a few words."""
    words = ("neighbourhood", "summitry", "japan", "africa")
    v = np.array([[t.lower().count(w) for w in words] for t in texts], dtype=float) + 1e-3
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_part_is_mixed_with_its_clause():
    abstract = ("In the neighbourhood, China pursued summitry and eased tensions with Japan. "
                "Africa received new support packages this year.")
    units = clause_units(abstract, min_words=2, commas=True)
    assert abstract[units[0]["start"] : units[0]["end"]] == "In the neighbourhood"
    clauses = split_clauses(abstract)
    q = bag_of_words([abstract[u["start"] : u["end"]] for u in units])
    mixed = mix_clauses(q, bag_of_words([abstract[a:b] for a, b in clauses]), owners(clauses, units), 0.5)
    assert np.allclose(np.linalg.norm(mixed, axis=1), 1)
    summitry, japan, africa = 1, 2, 3
    # the short part takes on its own clause's words, not the next sentence's
    assert q[0, summitry] < 0.01 and mixed[0, summitry] > 0.1 and mixed[0, japan] > 0.1
    assert mixed[0, africa] < 0.01
    # a unit that is a whole clause is unchanged
    assert np.allclose(mixed[-1], q[-1])


def test_cue_view_marks_the_closing_and_the_summing_up():
    abstract = ("The speech reviews the year in detail. It closes with a call to build a shared future "
                "and a cleaner world. Overall, the text casts China as a steady partner of the region.")
    units = clause_units(abstract, min_words=3)
    texts = [abstract[u["start"] : u["end"]] for u in units]
    assert texts[1].startswith("It closes") and texts[2] == "a cleaner world." and texts[3].startswith("Overall")
    sections = [{"kind": "preamble"}, {"kind": "body"}, {"kind": "closing"}]
    view = cue_view(abstract, units, sections)
    assert (view[0] == 0).all()
    # both parts of the closing clause point at the closing, the summing-up at no section
    assert view[1].tolist() == view[2].tolist() == [0, 0, 1]
    assert (view[3] < 0).all()
    # without a closing section the last section stands in for it
    assert cue_view(abstract, units, sections[:2])[1].tolist() == [0, 1]


def test_pair_targets_project_units_and_sections_onto_gold_as_evaluation_does():
    gold = {"abstract": {"units": [{"id": "a0", "start": 0, "end": 10}, {"id": "a1", "start": 10, "end": 20}]},
            "sections": [{"id": "s0", "kind": "preamble", "start": 0, "end": 50, "parent": None},
                         {"id": "s1", "kind": "body", "start": 50, "end": 100, "parent": None}],
            "alignment": [{"unit": "a0", "sections": ["s1"]}, {"unit": "a1", "sections": []}]}
    units = [{"id": f"a{i}", "start": a, "end": b} for i, (a, b) in enumerate([(0, 4), (4, 12), (12, 20)])]
    sections = [{"start": 0, "end": 40}, {"start": 40, "end": 70}, {"start": 70, "end": 100}]
    assert pair_targets(units, sections, gold).tolist() == [[0, 1, 1], [0, 1, 1], [0, 0, 0]]
