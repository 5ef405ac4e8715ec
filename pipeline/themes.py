"""Sentence themes: a classifier over multilingual-e5 sentence vectors and the sentence's words.

Each sentence is represented by its e5 vector, the mean vector of its neighbours in the
same paragraph (themes run in paragraphs) and which of the training vocabulary's words it
contains (names and terms such as 疫苗, 非洲, 台湾 decide many themes outright). A softmax
regression over those features is fitted when the pipeline is initialised from the
training corpus. A speech dwells on a topic for several sentences, so the labels of a doc
are decoded together: a Viterbi pass over the log-probabilities adds `stay_bonus` wherever a
sentence keeps the previous one's theme. Predictions go to `doc.spans["themes"]` with their
probabilities, and `span._.theme` reads them back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.training import Example
from spacy.util import minibatch

from .encoder import get_encoder
from .labels import THEMES
from .scoring import label_scores
from .sentences import split_sentences

THEMES_KEY = "themes"
# Set on a training doc whose sentences carry no theme (MSRA), so it is left out of fitting.
NO_THEMES = "dipnlp_no_themes"


def _score(scores, i: int) -> float:
    return float(np.max(scores[i]))


def _lookup(span: Span) -> tuple[str, float | None] | None:
    group = span.doc.spans.get(THEMES_KEY)
    if group is None:
        return None
    scores = group.attrs.get("scores")
    for i, s in enumerate(group):
        if s.start == span.start and s.end == span.end:
            return s.label_, (_score(scores, i) if scores is not None else None)
    return None


if not Span.has_extension("theme"):
    Span.set_extension("theme", getter=lambda span: (found := _lookup(span)) and found[0])
    Span.set_extension("theme_score", getter=lambda span: (found := _lookup(span)) and found[1])


def sentence_spans(doc: Doc) -> list[Span]:
    """The SPEC's sentences of a doc, snapped to its tokens."""
    spans = []
    for start, end in split_sentences(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            spans.append(span)
    return spans


def doc_themes(doc: Doc) -> list[tuple[int, int, str | None, float | None]]:
    """(char start, char end, theme, probability) for each sentence of the doc."""
    group = doc.spans.get(THEMES_KEY)
    found: dict[tuple[int, int], tuple[str, float | None]] = {}
    if group is not None:
        scores = group.attrs.get("scores")
        for i, s in enumerate(group):
            found[(s.start, s.end)] = (s.label_, _score(scores, i) if scores is not None else None)
    out = []
    for start, end in split_sentences(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        label, score = found.get((span.start, span.end), (None, None)) if span is not None else (None, None)
        out.append((start, end, label, score))
    return out


@Language.factory(
    "theme_classifier",
    default_config={
        "model_name": "assets/e5-small", "max_length": 256, "batch_size": 64, "prefix": "passage: ",
        "device": "cpu", "precision": "auto", "context_weight": 1.0, "stay_bonus": 0.0, "word_min_count": 3,
        "l2": 0.01, "epochs": 500, "learn_rate": 0.01, "labels": list(THEMES),
    },
)
def make_theme_classifier(
    nlp: Language, name: str, model_name: str, max_length: int, batch_size: int, prefix: str, device: str,
    precision: str, context_weight: float, stay_bonus: float, word_min_count: int, l2: float, epochs: int,
    learn_rate: float, labels: list[str],
) -> ThemeClassifier:
    return ThemeClassifier(name, **{k: v for k, v in locals().items() if k not in ("nlp", "name")})


class ThemeClassifier:
    def __init__(self, name: str, **cfg: Any) -> None:
        self.name = name
        self.cfg = cfg
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None
        self.mu: np.ndarray | None = None  # feature standardisation, fitted with the weights
        self.sd: np.ndarray | None = None
        self.words: dict[str, int] = {}  # the word features: training words in >= word_min_count sentences

    @property
    def labels(self) -> list[str]:
        return list(self.cfg["labels"])

    # -- features

    def _encoder(self):
        return get_encoder(self.cfg["model_name"], "mean", self.cfg["device"], self.cfg.get("precision", "auto"))

    def build_words(self, per_doc: list[list[Span]]) -> None:
        """The word features: words of two or more characters found in enough training sentences."""
        counts = Counter(w for spans in per_doc for s in spans for w in set(_words(s)))
        min_count = self.cfg["word_min_count"]
        self.words = {w: i for i, w in enumerate(sorted(w for w, n in counts.items() if n >= min_count))}

    def word_rows(self, per_doc: list[list[Span]]) -> np.ndarray:
        rows = np.zeros((sum(map(len, per_doc)), len(self.words)), "f")
        k = 0
        for spans in per_doc:
            for s in spans:
                rows[k, [self.words[w] for w in set(_words(s)) if w in self.words]] = 1.0
                k += 1
        return rows

    def features(self, docs: list[Doc], per_doc: list[list[Span]] | None = None) -> tuple[list[list[Span]], np.ndarray]:
        """Per doc its sentences, and one feature row per sentence: [vector, context vector, words]."""
        per_doc = per_doc if per_doc is not None else [sentence_spans(doc) for doc in docs]
        texts = [s.text for spans in per_doc for s in spans]
        c = self.cfg
        dim = 2 * self._encoder().model.config.hidden_size + len(self.words)
        if not texts:
            return per_doc, np.zeros((0, dim), "f")
        vecs = self._encoder().embed(texts, c["prefix"], c["max_length"], c["batch_size"])
        rows, k = [], 0
        for spans in per_doc:
            block = vecs[k : k + len(spans)]
            k += len(spans)
            # Context: the mean of the other sentences of the same paragraph.
            paras = [s.doc.text.count("\n", 0, s.start_char) for s in spans[:1]]
            for prev, cur in zip(spans, spans[1:]):
                paras.append(paras[-1] + cur.doc.text.count("\n", prev.start_char, cur.start_char))
            sums: dict[int, np.ndarray] = {}
            counts: dict[int, int] = {}
            for i, p in enumerate(paras):
                sums[p] = sums.get(p, 0) + block[i]
                counts[p] = counts.get(p, 0) + 1
            for i, p in enumerate(paras):
                n = counts[p] - 1
                ctx = (sums[p] - block[i]) / n if n else np.zeros_like(block[i])
                rows.append(np.concatenate([block[i], c["context_weight"] * ctx]))
        return per_doc, np.concatenate([np.asarray(rows, dtype="f"), self.word_rows(per_doc)], axis=1)

    # -- the spaCy component protocol

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterable[Doc]:
        for batch in minibatch(docs, size=batch_size):
            yield from self._annotate(list(batch))

    def probabilities(self, docs: list[Doc]) -> tuple[list[list[Span]], list[np.ndarray]]:
        """Per doc its sentences and their probabilities per label (sentences × labels)."""
        if self.W is None:
            raise ValueError(f"the {self.name} component is not trained; train the pipeline with `dipnlp train`")
        per_doc, X = self.features(docs)
        probs = _softmax(((X - self.mu) / self.sd) @ self.W + self.b) if len(X) else np.zeros((0, len(self.labels)))
        bounds = np.cumsum([0] + [len(spans) for spans in per_doc])
        return per_doc, [probs[a:b] for a, b in zip(bounds, bounds[1:])]

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        for doc, spans, p in zip(docs, *self.probabilities(docs)):
            best = keep_theme_viterbi(np.log(p + 1e-9), self.cfg.get("stay_bonus", 0.0))
            labelled = [Span(doc, s.start, s.end, label=self.labels[j]) for s, j in zip(spans, best)]
            group = SpanGroup(doc, name=THEMES_KEY, spans=labelled)
            group.attrs["scores"] = [float(row[j]) for row, j in zip(p, best)]
            doc.spans[THEMES_KEY] = group
        return docs

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        """Fit the softmax regression on the training examples' gold themes."""
        docs, targets = [], []
        for eg in get_examples():
            if eg.predicted.user_data.get(NO_THEMES) or THEMES_KEY not in eg.reference.spans:
                continue
            docs.append(eg.reference)
            targets.append({(s.start_char, s.end_char): s.label_ for s in eg.reference.spans[THEMES_KEY]})
        if not docs:
            raise ValueError(f"no training example carries sentence themes for the {self.name} component")
        self.fit(docs, targets)

    def fit(self, docs: list[Doc], targets: list[dict[tuple[int, int], str]]) -> None:
        """Fit the word features and the softmax regression; `targets` maps each doc's
        sentence offsets (start, end) to its gold theme."""
        per_doc = [sentence_spans(doc) for doc in docs]
        if self.cfg["word_min_count"] > 0:
            self.build_words(per_doc)
        per_doc, X = self.features(docs, per_doc)
        y, keep = [], []
        index = {label: i for i, label in enumerate(self.labels)}
        k = 0
        for spans, gold in zip(per_doc, targets):
            for s in spans:
                label = gold.get((s.start_char, s.end_char))
                if label in index:
                    keep.append(k)
                    y.append(index[label])
                k += 1
        X = X[keep]
        self.mu, self.sd = X.mean(axis=0), X.std(axis=0) + 1e-6
        self.W, self.b = fit_softmax((X - self.mu) / self.sd, np.array(y), len(self.labels), self.cfg["l2"],
                                     self.cfg["epochs"], self.cfg["learn_rate"])

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        gold_labels, pred_labels = [], []
        for eg in examples:
            if THEMES_KEY not in eg.reference.spans or THEMES_KEY not in eg.predicted.spans:
                continue
            pred = {(s.start_char, s.end_char): s.label_ for s in eg.predicted.spans[THEMES_KEY]}
            for s in eg.reference.spans[THEMES_KEY]:
                gold_labels.append(s.label_)
                pred_labels.append(pred.get((s.start_char, s.end_char)))
        if not gold_labels:
            return {"themes_acc": None, "themes_macro_f": None}
        scores = label_scores(gold_labels, pred_labels)
        return {"themes_acc": scores["acc"], "themes_macro_f": scores["macro_f"]}

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", self.cfg)
        srsly.write_json(path / "words.json", sorted(self.words, key=self.words.__getitem__))
        if self.W is not None:
            np.savez(path / "weights.npz", W=self.W, b=self.b, mu=self.mu, sd=self.sd)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> ThemeClassifier:
        path = Path(path)
        saved = srsly.read_json(path / "cfg.json")
        self.cfg["labels"] = saved["labels"]
        if (path / "words.json").exists():
            self.words = {w: i for i, w in enumerate(srsly.read_json(path / "words.json"))}
        if (path / "weights.npz").exists():
            data = np.load(path / "weights.npz")
            self.W, self.b, self.mu, self.sd = data["W"], data["b"], data["mu"], data["sd"]
        return self


def _words(span: Span) -> list[str]:
    """The span's words that can be features: two or more characters, not numbers."""
    return [t.text for t in span if len(t.text) >= 2 and not t.is_space and not t.like_num]


def keep_theme_viterbi(log_probs: np.ndarray, stay_bonus: float) -> list[int]:
    """The label sequence maximising the summed log-probabilities plus `stay_bonus` for each
    sentence that keeps the previous sentence's label; with no bonus, each row's argmax."""
    if not len(log_probs) or stay_bonus == 0:
        return [int(j) for j in np.argmax(log_probs, axis=1)]
    n, n_labels = log_probs.shape
    best = log_probs[0].copy()
    back = np.zeros((n, n_labels), dtype=int)
    for t in range(1, n):
        moves = best[:, None] + stay_bonus * np.eye(n_labels)  # previous label × this label
        back[t] = moves.argmax(axis=0)
        best = moves.max(axis=0) + log_probs[t]
    path = [int(best.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_softmax(X: np.ndarray, y: np.ndarray, n_labels: int, l2: float, epochs: int,
                learn_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent with Adam (deterministic)."""
    import torch

    torch.manual_seed(0)
    Xt = torch.from_numpy(X.astype("f"))
    yt = torch.from_numpy(y.astype("int64"))
    W = torch.zeros((X.shape[1], n_labels), requires_grad=True)
    b = torch.zeros(n_labels, requires_grad=True)
    opt = torch.optim.Adam([W, b], lr=learn_rate)
    for _ in range(epochs):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(Xt @ W + b, yt) + l2 * (W**2).sum()
        loss.backward()
        opt.step()
    return W.detach().numpy(), b.detach().numpy()
