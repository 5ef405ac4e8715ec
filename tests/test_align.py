import numpy as np

from pipeline.align import candidate_sections, csls, decode, split_clauses


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
