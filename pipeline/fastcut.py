"""pkuseg's CRF decoding with the same features, computed once per text instead of per character.

spacy-pkuseg builds about 70 feature strings per character (`ww.l.<word>*<word>` for every
pair of the five words that may end before and start at it), most of them the same
"no word here" string, and spends ~80% of its time there. `FastCut` computes each window's
dictionary lookup once per text, looks up each *distinct* word pair once and counts how often
it occurs, and sums the weights with numpy. Its output equals `pkuseg._cut` (see
`tests/test_fastcut.py`), so the model, its saved form and its dictionaries stay pkuseg's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy_pkuseg.config import config as pkuseg_config
from spacy_pkuseg.inference import run_viterbi

NO_WORD = "**noWord"
_SENTINEL = "\x00"  # stands for a **Num/**Letter node: no dictionary word contains it
_CACHE_LIMIT = 50_000  # boundary contexts kept between texts (about 25 MB)


class _Lookup(dict):
    """Feature ids of one template, keyed by the characters that fill it, filled on first use
    (a small dict answers faster than pkuseg's table of 2.6 million feature strings)."""

    def __init__(self, fti: dict[str, int], prefix: str, limit: int) -> None:
        super().__init__()
        self.fti, self.prefix, self.limit = fti, prefix, limit

    def __missing__(self, key: str | tuple[str, str]) -> int:
        if len(self) > self.limit:
            self.clear()
        feat = self.prefix + (key if isinstance(key, str) else key[0] + "." + key[1])
        value = self[key] = self.fti.get(feat, -1)
        return value


class FastCut:
    """A drop-in for `pkuseg._cut` (one whitespace-free piece of text → its words)."""

    def __init__(self, seg: Any, cache_limit: int = _CACHE_LIMIT) -> None:
        fe = seg.feature_extractor
        self.cache_limit = cache_limit
        self.fti: dict[str, int] = fe.feature_to_idx
        self.unigram: set[str] = fe.unigram
        self.word_min, self.word_max = pkuseg_config.wordMin, pkuseg_config.wordMax
        self.word_feature = pkuseg_config.wordFeature
        self.table = fe.keywords_translate_table
        self.normal = {c: "**Num" for c in fe.num} | {c: "**Letter" for c in fe.letter}
        if not pkuseg_config.numLetterNorm:
            self.normal = {}
        n_tag, n_feat = seg.model.n_tag, seg.model.n_feature
        w = seg.model.w
        self.node_w = w[: n_feat * n_tag].reshape(n_feat, n_tag)
        # pkuseg: edge[s_pre, s] = 1 + w[n_feat * n_tag + s * n_tag + s_pre]
        self.edge = 1.0 + w[n_feat * n_tag : n_feat * n_tag + n_tag * n_tag].reshape(n_tag, n_tag).T
        self.begins = np.array(["B" in seg.idx_to_tag[t] for t in range(n_tag)])
        # out-of-range windows are "" in pkuseg, which is a word of its dictionary or not
        self.edge_value = "" if "" in self.unigram else NO_WORD
        self.maps = {p: _Lookup(self.fti, p, cache_limit) for p in
                     ("c.", "c-1.", "c-1c.", "c1.", "cc1.", "c-2.", "c-2c-1.", "c2.", "w1.", "w-1.", "ww.l.", "ww.r.")}
        self._groups: dict[tuple[str, ...], tuple[tuple[str, int], ...]] = {}
        self._words: dict[tuple[tuple[str, ...], tuple[str, ...]], np.ndarray] = {}

    def __call__(self, text: str) -> list[str]:
        n = len(text)
        if n == 0:
            return []
        _, tags = run_viterbi(self.node_scores(text), self.edge)
        starts = np.flatnonzero(self.begins[np.asarray(tags)])
        cuts = [0, *(int(s) for s in starts if s > 0), n]
        return [text[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]

    def node_scores(self, text: str) -> np.ndarray:
        """Per-character tag scores: the summed weights of the features pkuseg's extractor finds."""
        m, node_w = self.maps, self.node_w
        translated = text.translate(self.table)
        nodes = [self.normal.get(c, c) for c in translated]
        n = len(nodes)
        out = np.zeros((n, node_w.shape[1]))
        out += node_w[0]  # "$$", every character's start feature
        pairs = list(zip(nodes, nodes[1:]))
        templates = (  # (position of the first entry, feature ids) for each character template
            (0, [m["c."][c] for c in nodes]),
            (1, [m["c-1."][c] for c in nodes[:-1]]),
            (1, [m["c-1c."][p] for p in pairs]),
            (0, [m["c1."][c] for c in nodes[1:]]),
            (0, [m["cc1."][p] for p in pairs]),
            (2, [m["c-2."][c] for c in nodes[:-2]]),
            (2, [m["c-2c-1."][p] for p in pairs[:-1]]),
            (0, [m["c2."][c] for c in nodes[2:]]),
        )
        for first, found in templates:
            idx = np.asarray(found, dtype=np.int64)
            hit = np.flatnonzero(idx >= 0)
            out[hit + first] += node_w[idx[hit]]
        if self.word_feature:
            ends, begins = self._windows(translated, nodes)
            keys = list(zip(ends, begins))
            cache = self._words
            missing = {key for key in keys if key not in cache}
            if len(cache) + len(missing) > self.cache_limit:
                cache.clear()
                missing = set(keys)
            if missing:
                self._add_word_scores(missing)
            rows = np.array([cache[key] for key in keys])
            out += rows[:n, 0] + rows[1:, 1]
        return out

    def _add_word_scores(self, keys: set[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """Cache the scores of the word features at boundaries with these (words ending before,
        words starting at) keys: row 0 (w1, ww.l) belongs to the character after the boundary,
        row 1 (w-1, ww.r) to the one before it."""
        m = self.maps
        keys = list(keys)
        slots, ids, counts = [], [], []  # (key number * 2 + row, feature id, count)
        for n, (ends, starts) in enumerate(keys):
            ending, starting = self._group(ends), self._group(starts)
            feats = [(0, m["w1."][word], k) for word, k in starting if word != NO_WORD]
            feats += [(1, m["w-1."][word], k) for word, k in ending if word != NO_WORD]
            for a, ka in ending:
                for b, kb in starting:
                    feats.append((0, m["ww.l."][a + "*" + b], ka * kb))
                    feats.append((1, m["ww.r."][a + "*" + b], ka * kb))
            for row, idx, k in feats:
                if idx >= 0:
                    slots.append(2 * n + row)
                    ids.append(idx)
                    counts.append(k)
        scores = np.zeros((2 * len(keys), self.node_w.shape[1]))
        if ids:
            weighted = self.node_w[np.asarray(ids)] * np.asarray(counts, dtype=np.float64)[:, None]
            np.add.at(scores, np.asarray(slots), weighted)
        self._words.update(zip(keys, scores.reshape(len(keys), 2, -1)))

    def _windows(self, translated: str, nodes: list[str]) -> tuple[list[tuple], list[tuple]]:
        """For each position p: the dictionary words (or NO_WORD) of lengths max..min ending just
        before p, and those starting at p; windows over a number or letter are never words."""
        n = len(nodes)
        plain = "".join(_SENTINEL if len(x) > 1 else x for x in nodes) if self.normal else translated
        pad = self.word_max + 1
        unigram, edge = self.unigram, self.edge_value
        padded = {}
        for length in range(self.word_min, self.word_max + 1):
            inside = [s if (s := plain[j : j + length]) in unigram else NO_WORD for j in range(n - length + 1)]
            padded[length] = [edge] * pad + inside + [edge] * (pad + length)
        lengths = range(self.word_max, self.word_min - 1, -1)
        ends = list(zip(*(padded[ln][pad - ln : pad - ln + n + 1] for ln in lengths), strict=True))
        begins = list(zip(*(padded[ln][pad : pad + n + 1] for ln in lengths), strict=True))
        return ends, begins

    def _group(self, values: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        found = self._groups.get(values)
        if found is None:
            tally: dict[str, int] = {}
            for v in values:
                tally[v] = tally.get(v, 0) + 1
            found = tuple(tally.items())
            if len(self._groups) > self.cache_limit:
                self._groups.clear()
            self._groups[values] = found
        return found


def speed_up(seg: Any) -> Any:
    """Give a loaded `spacy_pkuseg.pkuseg` the fast decoder; its `cut` keeps the user dictionary."""
    seg._cut = FastCut(seg)
    return seg
