"""Align the clauses of an English abstract to the Chinese sections they summarise.

An abstract summarises rather than translates, so units are scored against several views
of each section (its heading, its best-matching sentence, its whole text), the scores are
normalised as in bitext mining (CSLS), and a monotone dynamic programme with skips and
penalised backward jumps picks each unit's sections. The unit vectors pass through an adapter
fitted on the training speeches' gold alignments (`pipeline.adapter`) first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .adapter import AdapterSample, adapt, section_views, train_adapter
from .corpus import load_doc, split_paths
from .lexical import lexical_scores, load_index
from .scoring import best_match
from .sentences import split_sentences
from .structure import find_sections, first_sentence, opens_section, paragraphs

# ----------------------------------------------------------------------------- clauses

_SENT_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"“(])")
_CLAUSE_CUT = re.compile(r"(?:;\s+|,\s+(?=(?:and|while|but|whereas|as well as|which)\s)|:\s+(?=[a-z]))")
MIN_CLAUSE_WORDS = 5


def english_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of an English abstract."""
    starts = [0] + [m.end() for m in _SENT_END.finditer(text)]
    ends = [m.start() for m in _SENT_END.finditer(text)] + [len(text)]
    return list(zip(starts, ends))


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Clause-sized character spans: sentences, cut again at ; and at coordinations."""
    spans: list[tuple[int, int]] = []
    for s_start, s_end in english_sentences(text):
        pieces = []
        pos = s_start
        for m in _CLAUSE_CUT.finditer(text, s_start, s_end):
            pieces.append((pos, m.start() + (1 if text[m.start()] in ",;:" else 0)))
            pos = m.end()
        pieces.append((pos, s_end))
        merged: list[list[int]] = []
        for a, b in pieces:
            if merged and len(text[merged[-1][0] : merged[-1][1]].split()) < MIN_CLAUSE_WORDS:
                merged[-1][1] = b
            elif merged and len(text[a:b].split()) < MIN_CLAUSE_WORDS:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        for a, b in merged:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                if spans and len(text[a:b].split()) < MIN_CLAUSE_WORDS:
                    spans[-1] = (spans[-1][0], b)
                else:
                    spans.append((a, b))
    return spans


_AND = re.compile(r"\s+(?:and|as well as)\s+")
_AND_OR_COMMA = re.compile(r",\s+(?:and\s+|as well as\s+)?|\s+(?:and|as well as)\s+")


def _joins_a_name(text: str, start: int, end: int) -> bool:
    """An `and` between capitalised words belongs to a name (Belt and Road, Trinidad and Tobago)."""
    before = text[:start].rsplit(None, 1)
    return (text[start:end].strip() in ("and", "as well as") and bool(before) and before[-1][:1].isupper()
            and text[end : end + 1].isupper())


def coordination_parts(text: str, start: int, end: int, min_words: int, commas: bool = False
                       ) -> list[tuple[int, int]]:
    """A clause cut at `and` (and, with `commas`, at commas) where both sides have at least
    `min_words` words: "hosted the Olympics and the Party Congress" may summarise two
    sections, and "stable major-power ties, a firm defence of sovereignty and better
    protection of citizens abroad" three, so each part is aligned on its own. `min_words` 0
    keeps the clause whole."""
    if min_words <= 0:
        return [(start, end)]
    parts: list[list[int]] = []
    pos = start
    for m in (_AND_OR_COMMA if commas else _AND).finditer(text, start, end):
        if _joins_a_name(text, m.start(), m.end()):
            continue
        parts.append([pos, m.start()])
        pos = m.end()
    parts.append([pos, end])
    merged: list[list[int]] = []
    for a, b in parts:
        if merged and (len(text[merged[-1][0] : merged[-1][1]].split()) < min_words
                       or len(text[a:b].split()) < min_words):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    if len(merged) > 1 and len(text[merged[-1][0] : merged[-1][1]].split()) < min_words:
        merged[-2][1] = merged.pop()[1]
    return [(a, b) for a, b in merged]


def owners(spans: list[tuple[int, int]], units: list[dict[str, Any]]) -> list[int]:
    """For each unit, the index of the span it overlaps most (its clause or sentence)."""
    return [max(range(len(spans)), key=lambda i: min(u["end"], spans[i][1]) - max(u["start"], spans[i][0]))
            for u in units] if spans else [0] * len(units)


def clause_units(text: str, min_words: int = 0, commas: bool = False) -> list[dict[str, Any]]:
    """The abstract's clauses, each cut again into its coordination parts (`coordination_parts`),
    as corpus-format units a0, a1, … A part is the finest thing an abstract says of one
    section ("green development" among a list of action plans), so it is the unit."""
    spans = [part for a, b in split_clauses(text) for part in coordination_parts(text, a, b, min_words, commas)]
    return [{"id": f"a{i}", "start": a, "end": b} for i, (a, b) in enumerate(spans)]


# ----------------------------------------------------------------------------- sections

def candidate_sections(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Finest-level sections; a parent stands for its own text before its first item."""
    children: dict[str, list[dict[str, Any]]] = {}
    for s in sections:
        if s.get("parent"):
            children.setdefault(s["parent"], []).append(s)
    out = []
    for s in sections:
        kids = children.get(s["id"])
        if kids:
            if kids[0]["start"] > s["start"]:
                out.append({**s, "end": kids[0]["start"]})
        else:
            out.append(s)
    return out


def expand_unstructured(text: str, sections: list[dict[str, Any]], min_paragraphs: int) -> list[dict[str, Any]]:
    """Candidates for alignment: the finest-level sections, except that a body section of at
    least `min_paragraphs` paragraphs with no heading and no items (an unnumbered speech) is
    replaced by its paragraphs, marked `piece_of`; `merge_pieces` regroups them."""
    cands = candidate_sections(sections)
    if min_paragraphs <= 0:
        return cands
    parents = {s["parent"] for s in sections if s.get("parent")}
    paras = paragraphs(text)
    out: list[dict[str, Any]] = []
    for s in cands:
        inside = [p for p in paras if s["start"] <= p.start < s["end"]]
        if s["kind"] != "body" or s["id"] in parents or len(inside) < min_paragraphs or opens_section(inside[0].text):
            out.append(s)
            continue
        for j, p in enumerate(inside):
            end = inside[j + 1].start if j + 1 < len(inside) else s["end"]
            out.append({**s, "id": f"{s['id']}/p{j}", "start": s["start"] if j == 0 else p.start, "end": end,
                        "piece_of": s["id"]})
    return out


def merge_pieces(text: str, sections: list[dict[str, Any]], cands: list[dict[str, Any]],
                 chosen: list[list[int]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Regroup paragraph pieces into body sections, a new one wherever the abstract units
    aligned to a paragraph change, and renumber all sections; returns the sections and each
    candidate's new section id. The abstract thus marks where an unnumbered speech moves to
    its next topic."""
    aligned_to = [frozenset(u for u, js in enumerate(chosen) if j in js) for j in range(len(cands))]
    blocks: dict[str, list[list[int]]] = {}  # split section id -> candidate indices per block
    current: dict[str, frozenset[int]] = {}
    for j, c in enumerate(cands):
        group = c.get("piece_of")
        if group is None:
            continue
        if group not in blocks or (aligned_to[j] and aligned_to[j] != current[group]):
            blocks.setdefault(group, []).append([])
            current[group] = aligned_to[j]
        blocks[group][-1].append(j)
    new_id: dict[str, str] = {}
    cand_id: dict[int, str] = {}
    out: list[dict[str, Any]] = []
    top = 0
    for s in sections:
        if s.get("parent"):
            parent = new_id[s["parent"]]
            n_kids = sum(1 for o in out if o.get("parent") == parent)
            new_id[s["id"]] = f"{parent}.{n_kids + 1}"
            out.append({**s, "id": new_id[s["id"]], "parent": parent})
        elif s["id"] in blocks:
            for block in blocks[s["id"]]:
                start, end = cands[block[0]]["start"], cands[block[-1]]["end"]
                sid = f"s{top}"
                top += 1
                out.append({"id": sid, "kind": "body", "start": start, "end": end,
                            "title": first_sentence(text[start:end].split("\n", 1)[0]), "parent": None})
                cand_id.update({j: sid for j in block})
        else:
            new_id[s["id"]] = f"s{top}"
            top += 1
            out.append({**s, "id": new_id[s["id"]]})
    return out, [cand_id.get(j, new_id.get(c["id"], c["id"])) for j, c in enumerate(cands)]


# ----------------------------------------------------------------------------- scoring

def csls(sim: np.ndarray, k: int) -> np.ndarray:
    """Cross-domain similarity local scaling: 2·cos − mean top-k of the row − of the column."""
    if sim.size == 0:
        return sim
    kr = max(1, min(k, sim.shape[1]))
    kc = max(1, min(k, sim.shape[0]))
    r_rows = np.sort(sim, axis=1)[:, -kr:].mean(axis=1, keepdims=True)
    r_cols = np.sort(sim, axis=0)[-kc:, :].mean(axis=0, keepdims=True)
    return 2 * sim - r_rows - r_cols


def standardise(scores: np.ndarray) -> np.ndarray:
    """Per-unit z-scores, so one threshold fits abstracts of any length."""
    mu = scores.mean(axis=1, keepdims=True)
    sd = scores.std(axis=1, keepdims=True) + 1e-6
    return (scores - mu) / sd


def combine(views: dict[str, np.ndarray], s: AlignSettings) -> np.ndarray:
    """Weighted encoder views, CSLS-normalised and standardised per unit; then the lexical view
    (on its own scale, so standardised first) added with its weight."""
    sim = s.w_heading * views["heading"] + s.w_best * views["best"] + s.w_whole * views["whole"]
    scores = standardise(csls(sim, s.csls_k))
    if s.w_lexical and "lexical" in views:
        scores = standardise(scores + s.w_lexical * standardise(views["lexical"]))
    if s.w_position and "position" in views:
        scores = scores + s.w_position * views["position"]
    if s.w_cue and "cue" in views:
        scores = scores + s.w_cue * views["cue"]
    return scores


def position_view(abstract_len: int, units: list[dict[str, Any]], text_len: int,
                  sections: list[dict[str, Any]]) -> np.ndarray:
    """Minus the distance between a unit's relative place in the abstract and a section's in
    the speech: an abstract walks through the speech, so a clause two thirds of the way
    through it rarely summarises the preamble. The DP keeps the order; this keeps the pace."""
    pu = np.array([(u["start"] + u["end"]) / 2 / max(abstract_len, 1) for u in units])
    ps = np.array([(c["start"] + c["end"]) / 2 / max(text_len, 1) for c in sections])
    return -np.abs(pu[:, None] - ps[None, :]) if len(pu) and len(ps) else np.zeros((len(pu), len(ps)))


_CLOSES = re.compile(r"\b(?:closes|ends|concludes)\s+(?:with|by)\b", re.I)
_SUMS_UP = re.compile(r"^(?:Overall|Taken together|Throughout|All in all|In sum|In short)\b|"
                      r"\b(?:thus|overall)\s+(?:casts|presents|portrays|frames)\b")


def cue_view(abstract_text: str, units: list[dict[str, Any]], sections: list[dict[str, Any]]) -> np.ndarray:
    """What an abstract says of the speech's shape: +1 on the closing for a unit whose clause
    says the speech "closes with" or "ends by"; −1 on every section for a unit of a sentence
    that sums up the whole ("Overall, the speech casts …"), which summarises no one section."""
    view = np.zeros((len(units), len(sections)))
    if not units or not sections:
        return view
    closing = [j for j, c in enumerate(sections) if c.get("kind") == "closing"] or [len(sections) - 1]
    clauses, sentences = split_clauses(abstract_text), english_sentences(abstract_text)
    for i, (c, t) in enumerate(zip(owners(clauses, units), owners(sentences, units))):
        if _SUMS_UP.search(abstract_text[sentences[t][0] : sentences[t][1]]):
            view[i] = -1.0
        elif _CLOSES.search(abstract_text[clauses[c][0] : clauses[c][1]]):
            view[i, closing] = 1.0
    return view


def mix_clauses(q: np.ndarray, q_clauses: np.ndarray, owner: list[int], w: float) -> np.ndarray:
    """Unit vectors mixed with their clause's by weight `w`, renormalised: a short part ("In the
    neighbourhood", "took over the chairmanship") says too little on its own, and the clause it
    stands in tells which section it comes from."""
    mixed = (1 - w) * q + w * q_clauses[owner]
    return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)


# ----------------------------------------------------------------------------- decoding

def decode(scores: np.ndarray, back_penalty: float, none_threshold: float, multi_margin: float,
           cover_margin: float = -1.0) -> list[list[int]]:
    """Each unit's sections: a primary one chosen by a monotone DP, plus near-ties and
    neighbours left over.

    The DP maximises the summed primary scores; a unit whose primary section comes before
    the previous unit's pays `back_penalty`. A unit whose best score is under
    `none_threshold` is aligned to nothing and does not move the position. Sections within
    `multi_margin` of the primary score are added, so one unit can cover several sections.
    Then `cover_sections` (with `cover_margin` ≥ 0) gives sections no unit chose to a neighbour.
    """
    n_units, n_secs = scores.shape
    if n_units == 0 or n_secs == 0:
        return [[] for _ in range(n_units)]
    best = np.full((n_units, n_secs), -np.inf)
    back = np.zeros((n_units, n_secs), dtype=int)
    best[0] = scores[0]
    idx = np.arange(n_secs)
    for u in range(1, n_units):
        prev = best[u - 1]
        # max over previous positions p <= j (no penalty) and p > j (penalised), and the
        # first position holding each max.
        run_max = np.maximum.accumulate(prev)
        run_arg = np.maximum.accumulate(np.where(np.r_[True, prev[1:] > run_max[:-1]], idx, 0))
        rev_max = np.maximum.accumulate(prev[::-1])[::-1]
        rev_arg = np.minimum.accumulate(np.where(np.r_[prev[:-1] >= rev_max[1:], True], idx, n_secs)[::-1])[::-1]
        backward = np.r_[rev_max[1:] - back_penalty, -np.inf]
        forward_wins = run_max >= backward
        best[u] = np.where(forward_wins, run_max, backward) + scores[u]
        back[u] = np.where(forward_wins, run_arg, np.r_[rev_arg[1:], 0])
    path = [int(np.argmax(best[-1]))]
    for u in range(n_units - 1, 0, -1):
        path.append(int(back[u, path[-1]]))
    path.reverse()
    out = []
    for u, j in enumerate(path):
        if scores[u].max() < none_threshold:
            out.append([])
            continue
        top = scores[u, j]
        near = {k for k in range(n_secs) if abs(scores[u, k] - top) <= multi_margin and scores[u, k] >= none_threshold}
        chosen = sorted({j} | near)
        out.append(chosen)
    return cover_sections(scores, out, cover_margin) if cover_margin >= 0 else out


def cover_sections(scores: np.ndarray, chosen: list[list[int]], margin: float) -> list[list[int]]:
    """Give each section no unit chose to the unit that scores it highest, where that unit has a
    section next to it and scores it within `margin` of its own best: a clause such as "Looking
    ahead, hosting the G20 …" summarises an outlook's opening and its first item, and the DP,
    which picks one section per unit, keeps only one of them (5-fold figures in docs/BENCHMARKS.md)."""
    covered = {j for js in chosen for j in js}
    out = [list(js) for js in chosen]
    for k in range(scores.shape[1]):
        if k in covered:
            continue
        u = int(np.argmax(scores[:, k]))
        if not chosen[u] or min(abs(k - j) for j in chosen[u]) != 1:
            continue
        if scores[u, chosen[u]].max() - scores[u, k] <= margin:
            out[u] = sorted(set(out[u]) | {k})
    return out


# ----------------------------------------------------------------------------- the component

@dataclass
class AlignSettings:
    model_name: str = "assets/e5-small"
    max_length: int = 256
    batch_size: int = 32
    pooling: str = "mean"
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    device: str = "cpu"
    precision: str = "auto"
    w_heading: float = 0.3
    w_best: float = 0.5
    w_whole: float = 0.2
    csls_k: int = 3
    back_penalty: float = 1.0
    none_threshold: float = -1.0
    multi_margin: float = 0.3
    cover_margin: float = -1.0
    split_min_paragraphs: int = 6
    part_min_words: int = 0
    part_at_commas: bool = False
    lexicon: str = ""
    w_lexical: float = 0.0
    w_position: float = 0.0
    w_clause: float = 0.0
    w_cue: float = 0.0
    adapter_epochs: int = 0
    adapter_l2: float = 0.01
    adapter_temperature: float = 0.05
    adapter_lr: float = 0.001


@Language.factory("abstract_aligner", default_config=dict(AlignSettings().__dict__))
def make_aligner(
    nlp: Language, name: str, model_name: str, max_length: int, batch_size: int, pooling: str,
    query_prefix: str, passage_prefix: str, device: str, precision: str, w_heading: float, w_best: float,
    w_whole: float, csls_k: int, back_penalty: float, none_threshold: float, multi_margin: float,
    cover_margin: float, split_min_paragraphs: int, part_min_words: int, part_at_commas: bool, lexicon: str,
    w_lexical: float, w_position: float, w_clause: float, w_cue: float, adapter_epochs: int, adapter_l2: float,
    adapter_temperature: float, adapter_lr: float,
) -> AbstractAligner:
    settings = {k: v for k, v in locals().items() if k not in ("nlp", "name")}
    return AbstractAligner(name, AlignSettings(**settings))


class AbstractAligner:
    """Writes `doc._.abstract["units"]` and `doc._.alignment`; skips docs without an abstract.

    `initialize` fits the unit-vector adapter (`pipeline.adapter`) on the gold alignments of
    the corpus split the config names; it is saved with the pipeline."""

    def __init__(self, name: str, settings: AlignSettings) -> None:
        self.name = name
        self.settings = settings
        self.adapter: np.ndarray | None = None
        self._encoder = None
        self._lexicon: dict[str, frozenset[str]] | None = None

    @property
    def lexicon(self) -> dict[str, frozenset[str]]:
        if self._lexicon is None:
            self._lexicon = load_index(self.settings.lexicon)
        return self._lexicon

    @property
    def encoder(self):
        if self._encoder is None:
            from .encoder import get_encoder

            s = self.settings
            self._encoder = get_encoder(s.model_name, s.pooling, s.device, s.precision)
        return self._encoder

    def __call__(self, doc: Doc) -> Doc:
        abstract = doc._.abstract
        if not abstract or not abstract.get("text") or not doc._.sections:
            doc._.alignment = None
            return doc
        s = self.settings
        units = abstract.get("units") or clause_units(abstract["text"], s.part_min_words, s.part_at_commas)
        abstract["units"] = units
        sections, ids, scores = self.align(doc.text, abstract["text"], units, doc._.sections)
        doc._.sections = sections
        doc._.alignment = [{"unit": u["id"], "sections": unit_ids, "scores": unit_scores}
                           for u, unit_ids, unit_scores in zip(units, ids, scores)]
        return doc

    def align(self, text: str, abstract_text: str, units: list[dict[str, Any]], sections: list[dict[str, Any]]
              ) -> tuple[list[dict[str, Any]], list[list[str]], list[dict[str, float]]]:
        """The sections (unnumbered bodies regrouped by topic), each unit's section ids and their scores."""
        s = self.settings
        cands = expand_unstructured(text, sections, s.split_min_paragraphs)
        scores = self.score_pairs(text, abstract_text, units, cands)
        chosen = decode(scores, s.back_penalty, s.none_threshold, s.multi_margin, s.cover_margin)
        new_sections, cand_ids = merge_pieces(text, sections, cands, chosen)
        ids: list[list[str]] = []
        unit_scores: list[dict[str, float]] = []
        for i, js in enumerate(chosen):
            best: dict[str, float] = {}
            for j in js:
                best[cand_ids[j]] = max(best.get(cand_ids[j], -np.inf), round(float(scores[i, j]), 3))
            ids.append(list(best))
            unit_scores.append(best)
        return new_sections, ids, unit_scores

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score_pairs(self, text: str, abstract_text: str, units: list[dict[str, Any]],
                    sections: list[dict[str, Any]]) -> np.ndarray:
        """Standardised CSLS scores, units × sections."""
        return combine(self.views(text, abstract_text, units, sections), self.settings)

    def views(self, text: str, abstract_text: str, units: list[dict[str, Any]],
              sections: list[dict[str, Any]]) -> dict[str, np.ndarray]:
        """Cosines of each unit with each section's heading, best sentence and whole text, and
        (with a lexicon) the share of the unit's dictionary terms found in the section, the
        distance of their relative places (`position_view`) and the abstract's cues to the
        speech's shape (`cue_view`).

        The whole section is the normalised mean of its sentence vectors: one encoder pass
        serves all three views (encoding sections separately cost a third more time and did
        no better on dev, docs/BENCHMARKS.md). A fitted adapter moves the unit vectors first."""
        import torch

        s = self.settings
        q, v_sent, section_of = self.vectors(text, abstract_text, units, sections)
        with torch.inference_mode():
            heading, best, whole = (
                x.numpy() for x in section_views(adapt(torch.from_numpy(q), self.adapter_tensor()),
                                                 torch.from_numpy(v_sent), section_of, len(sections)))
        views = {"heading": heading, "best": best, "whole": whole,
                 "position": position_view(len(abstract_text), units, len(text), sections),
                 "cue": cue_view(abstract_text, units, sections)}
        if s.w_lexical and s.lexicon:
            views["lexical"] = lexical_scores([abstract_text[u["start"] : u["end"]] for u in units],
                                              [text[c["start"] : c["end"]] for c in sections], self.lexicon)
        return views

    def vectors(self, text: str, abstract_text: str, units: list[dict[str, Any]],
                sections: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit vectors (mixed with their clause's, `mix_clauses`), the vectors of the sections'
        sentences and each sentence's section index."""
        s = self.settings
        sent_texts: list[str] = []
        sent_section: list[int] = []
        for j, sec in enumerate(sections):
            body = text[sec["start"] : sec["end"]]
            sents = [body[a:b] for a, b in split_sentences(body)] or [body]
            sent_texts.extend(sents)
            sent_section.extend([j] * len(sents))
        clauses = split_clauses(abstract_text) if s.w_clause else []
        q = self.encoder.embed([abstract_text[u["start"] : u["end"]] for u in units]
                               + [abstract_text[a:b] for a, b in clauses], s.query_prefix, s.max_length, s.batch_size)
        if clauses:
            q = mix_clauses(q[: len(units)], q[len(units) :], owners(clauses, units), s.w_clause)
        v_sent = self.encoder.embed(sent_texts, s.passage_prefix, s.max_length, s.batch_size)
        return q.astype(np.float32), v_sent, np.array(sent_section)

    def adapter_tensor(self):
        import torch

        return None if self.adapter is None else torch.from_numpy(self.adapter)

    def training_sample(self, gold: dict[str, Any]) -> AdapterSample:
        """A gold document as the aligner sees it at run time (its clause units, the structure
        finder's sections), with the pairs that project onto gold pairs as targets."""
        s = self.settings
        text, abstract_text = gold["text"], gold["abstract"]["text"]
        units = clause_units(abstract_text, s.part_min_words, s.part_at_commas)
        cands = expand_unstructured(text, find_sections(text), s.split_min_paragraphs)
        q, v_sent, section_of = self.vectors(text, abstract_text, units, cands)
        return AdapterSample(q, v_sent, section_of, pair_targets(units, cands, gold))

    def fit_adapter(self, golds: Iterable[dict[str, Any]], progress: Callable[[Iterable], Iterable] = iter) -> int:
        """Fit the adapter on the gold documents with an alignment; returns how many there were."""
        s = self.settings
        samples = [self.training_sample(g) for g in progress([g for g in golds if g.get("alignment")])]
        self.adapter = train_adapter(samples, (s.w_heading, s.w_best, s.w_whole), s.adapter_epochs, s.adapter_l2,
                                     s.adapter_temperature, s.adapter_lr)
        return len(samples)

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   corpus_dir: str | None = None, split: str = "train") -> None:
        """Fit the adapter on the split's gold alignments (the training data, never dev or test)."""
        self.adapter = None
        if not corpus_dir or self.settings.adapter_epochs <= 0:
            return
        from rich.progress import track

        golds = [load_doc(p) for p in split_paths(corpus_dir, split)]
        self.fit_adapter(golds, lambda xs: track(xs, description="aligner: embedding the training speeches",
                                                 transient=True))

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        """The adapter, if one was fitted; the settings live in the config."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.adapter is not None:
            np.save(path / "adapter.npy", self.adapter)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> AbstractAligner:
        file = Path(path) / "adapter.npy"
        self.adapter = np.load(file) if file.exists() else None
        return self


def pair_targets(units: list[dict[str, Any]], sections: list[dict[str, Any]], gold: dict[str, Any]) -> np.ndarray:
    """Units × sections, 1 where the pair projects onto a gold pair the way evaluation projects
    predictions (each span onto the gold span it overlaps most)."""
    gold_units = gold["abstract"]["units"]
    aligned = {a["unit"]: set(a["sections"]) for a in gold.get("alignment") or []}
    gold_secs = candidate_sections(gold["sections"])
    sec_spans = [(g["start"], g["end"]) for g in gold_secs]
    unit_spans = [(g["start"], g["end"]) for g in gold_units]
    sec_ids = [best_match((c["start"], c["end"]), sec_spans) for c in sections]
    targets = np.zeros((len(units), len(sections)), dtype=np.float32)
    for i, u in enumerate(units):
        k = best_match((u["start"], u["end"]), unit_spans)
        if k is None:
            continue
        wanted = aligned.get(gold_units[k]["id"], set())
        for j, g in enumerate(sec_ids):
            targets[i, j] = g is not None and gold_secs[g]["id"] in wanted
    return targets
