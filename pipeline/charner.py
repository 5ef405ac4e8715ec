"""Person, place and organisation names tagged character by character.

The token NER can only name whole pkuseg words, and about 7% of MSRA's names begin or end inside
one (访华, 中俄). `char_ner` tags B/M/E/S per character with a small BiLSTM over frozen e5 features
(`pipeline.charfeatures`), character and bigram embeddings, and flags of training names matched
on the characters; a Viterbi pass keeps whole names only. Where a name cuts a token, the token is
split. Every name is kept in `doc.spans["names"]`, as MSRA marks them; the doc's entities take
them as the corpus guidelines do (`set_names`).

It is trained in `initialize`, on the corpus split's names and MSRA's: MSRA's LOC is a partial
label (GPE or LOC, both right), and characters inside a corpus entity of another label carry
no target, so neither convention teaches the other that its names are not names.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import filter_spans, minibatch

from .charfeatures import CharEncoder, CharFeatures, encode_windows, windows
from .corpus import load_doc, split_paths
from .readers import read_msra

NAMES_KEY = "names"
LABELS = ("PERSON", "GPE", "LOC", "ORG")
MSRA_LABELS = {"PER": ("PERSON",), "ORG": ("ORG",), "LOC": ("GPE", "LOC")}
LEXICON_GROUP = {"PERSON": 0, "GPE": 1, "LOC": 1, "ORG": 2}  # GPE and LOC share one set of flags
TAGS = ["O"] + [f"{p}-{label}" for label in LABELS for p in "BMES"]
TAG_ID = {t: i for i, t in enumerate(TAGS)}
RECENT_TEXTS = 256

# A training text: (text, [(start, end, labels)]); `labels` empty: characters with no target
Sample = tuple[str, list[tuple[int, int, tuple[str, ...]]]]


@Language.factory("char_ner", default_config={
    "model_name": "assets/e5-small", "layers": [[5, 8], [9, 12]], "precision": "auto", "window": 200,
    "batch_size": 64, "proj_width": 256, "char_width": 64, "bigram_width": 32, "hidden_width": 128,
    "dropout": 0.2, "epochs": 3, "learn_rate": 0.002, "train_batch": 32, "bigram_min_count": 2,
    "lexicon_max_length": 16, "seed": 0})
def make_char_ner(nlp: Language, name: str, model_name: str, layers: list[list[int]], precision: str, window: int,
                  batch_size: int, proj_width: int, char_width: int, bigram_width: int, hidden_width: int,
                  dropout: float, epochs: int, learn_rate: float, train_batch: int, bigram_min_count: int,
                  lexicon_max_length: int, seed: int) -> CharNER:
    cfg = dict(locals())
    del cfg["nlp"], cfg["name"]
    return CharNER(name, **cfg)


def tag_targets(n: int, spans: Iterable[tuple[int, int, tuple[str, ...]]]) -> np.ndarray:
    """Two tag ids per character (equal where one tag is right, -1 where none is taught)."""
    y = np.zeros((n, 2), dtype=np.int64)
    for s, e, labels in spans:
        if not labels:
            y[s:e] = -1
            continue
        for k, label in enumerate((labels * 2)[:2]):
            if e - s == 1:
                y[s, k] = TAG_ID[f"S-{label}"]
                continue
            y[s, k], y[e - 1, k] = TAG_ID[f"B-{label}"], TAG_ID[f"E-{label}"]
            y[s + 1 : e - 1, k] = TAG_ID[f"M-{label}"]
    return y


def spans_of(tags: list[int]) -> list[tuple[int, int, str]]:
    out, start = [], 0
    for i, t in enumerate(tags):
        tag = TAGS[t]
        if tag[0] in "BS":
            start = i
        if tag[0] in "ES":
            out.append((start, i + 1, tag[2:]))
    return out


def _transitions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log masks of the tag pairs, first tags and last tags that make whole B(M)E or S names."""
    kinds = [(t[0], t[2:]) for t in TAGS]
    ok = np.array([[(pb in "ME" and lb == la) if pa in "BM" else pb in "OBS" for pb, lb in kinds] for pa, la in kinds])
    first = np.array([p in "OBS" for p, _ in kinds])
    last = np.array([p in "OES" for p, _ in kinds])
    return tuple(np.where(m, 0.0, -1e9) for m in (ok, first, last))


def viterbi(log_probs: np.ndarray, trans: np.ndarray, first: np.ndarray, last: np.ndarray) -> list[int]:
    """The most probable tag sequence among those that form whole names."""
    score = log_probs[0] + first
    back = np.empty((len(log_probs), len(TAGS)), dtype=np.int64)
    for i in range(1, len(log_probs)):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + log_probs[i]
    j = int((score + last).argmax())
    path = [j]
    for i in range(len(log_probs) - 1, 0, -1):
        j = int(back[i, j])
        path.append(j)
    return path[::-1]


class Lexicon:
    """Training names matched on the characters, longest first, as B/M/E/S flags per label group."""

    def __init__(self, names: dict[str, str], max_length: int) -> None:
        self.names = names
        self.max_length = max_length

    @classmethod
    def of(cls, samples: Iterable[Sample], max_length: int) -> Lexicon:
        counts: dict[str, dict[str, int]] = {}
        for text, spans in samples:
            for s, e, labels in spans:
                if labels and 2 <= e - s <= max_length:
                    by_label = counts.setdefault(text[s:e], {})
                    by_label[labels[0]] = by_label.get(labels[0], 0) + 1
        return cls({name: max(c, key=c.get) for name, c in counts.items()}, max_length)

    def flags(self, text: str) -> np.ndarray:
        out = np.zeros((len(text), 12), dtype=np.float32)
        i = 0
        while i < len(text):
            for n in range(min(self.max_length, len(text) - i), 1, -1):
                label = self.names.get(text[i : i + n])
                if label is not None:
                    k = LEXICON_GROUP[label] * 4
                    out[i, k], out[i + n - 1, k + 2] = 1, 1
                    out[i + 1 : i + n - 1, k + 1] = 1
                    i += n
                    break
            else:
                i += 1
        return out


class CharNER:
    def __init__(self, name: str, **cfg: Any) -> None:
        self.name = name
        self.cfg = cfg
        self.chars: dict[str, int] = {}
        self.bigrams: dict[str, int] = {}
        self.lexicon = Lexicon({}, cfg["lexicon_max_length"])
        self.model = None
        self._state: bytes | None = None  # weights read by from_disk, loaded on first use
        self._encoder: CharEncoder | None = None
        self._decode = _transitions()
        self._recent: dict[str, list[tuple[int, int, str]]] = {}

    # -- inputs

    @property
    def encoder(self) -> CharEncoder:
        if self._encoder is None:
            self._encoder = CharEncoder(self.cfg["model_name"], self.cfg["layers"], self.cfg["precision"])
        return self._encoder

    def autocast(self):
        """bfloat16 matrix products where the machine has them, as for e5: a pass of training takes a fifth less."""
        import torch

        return torch.autocast("cpu", torch.bfloat16, enabled=self.encoder.encoder.bf16)

    def inputs(self, text: str, feats: CharFeatures, lexicon: Lexicon) -> tuple:
        """The tensors of one text: features, piece rows and places, character ids, bigram ids, flags."""
        import torch

        padded = "^" + text + "$"
        chars = [self.chars.get(c, 1) for c in text]
        bigrams = [[self.bigrams.get(padded[i : i + 2], 1), self.bigrams.get(padded[i + 1 : i + 3], 1)]
                   for i in range(len(text))]
        return (feats.states, feats.piece, feats.place, torch.tensor(chars, dtype=torch.long),
                torch.tensor(bigrams, dtype=torch.long).reshape(-1, 2), torch.from_numpy(lexicon.flags(text)))

    @staticmethod
    def batch(items: list[tuple]) -> list:
        """Padded batch tensors; each text's piece states are spread over its characters here."""
        from torch.nn.utils.rnn import pad_sequence

        feats = pad_sequence([x[0][x[1]].float() for x in items], batch_first=True)
        return [feats] + [pad_sequence([x[k] for x in items], batch_first=True) for k in (2, 3, 4, 5)]

    # -- prediction

    def names(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """The names of each text as character spans. The names of recent texts are kept: training
        scores the same dev texts after every few hundred steps, and this component is trained by then."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._recent]
        if todo:
            self._recent.update(zip(todo, self.tag(todo)))
        out = [self._recent[t] for t in texts]
        while len(self._recent) > RECENT_TEXTS:
            del self._recent[next(iter(self._recent))]
        return out

    def tag(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        import torch

        model = self.tagger
        per_text = list(encode_windows(self.encoder, texts, self.cfg["window"], self.cfg["batch_size"]))
        flat = [(i, text, a, z, f) for i, (text, ws) in enumerate(zip(texts, per_text)) for a, z, f in ws if z > a]
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        with torch.no_grad(), self.autocast():
            for b in range(0, len(flat), self.cfg["batch_size"]):
                chunk = flat[b : b + self.cfg["batch_size"]]
                items = [self.inputs(text[a:z], f, self.lexicon) for _, text, a, z, f in chunk]
                log_probs = torch.log_softmax(model(*self.batch(items)).float(), -1).numpy()
                for k, (i, _, a, z, _) in enumerate(chunk):
                    out[i].extend((a + s, a + e, lab) for s, e, lab in
                                  spans_of(viterbi(log_probs[k, : z - a], *self._decode)))
        return out

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterable[Doc]:
        for batch in minibatch(docs, size=batch_size):
            yield from self._annotate(list(batch))

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        if self.tagger is None:
            raise ValueError(f"{self.name}: the character NER is not trained; train the pipeline from its config")
        return [set_names(doc, names) for doc, names in zip(docs, self.names([d.text for d in docs]))]

    # -- training

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   corpus_dir: str | None = None, split: str = "train", msra_path: str | None = None,
                   msra_limit: int = 0, trained: str | None = None, log: Callable[[str], None] | None = None,
                   pace: Callable[[], None] | None = None) -> None:
        """Train the tagger on the split's gold names (never dev or test) and MSRA's, or take the one
        trained in `trained` (`dipnlp train` trains it there while the segmenter trains). `pace` is
        called before each batch (`dipnlp train` sets torch's threads there)."""
        if trained:
            self.from_disk(trained)
            return
        samples = corpus_samples(corpus_dir, split) if corpus_dir else []
        if msra_path:
            samples += [(t, [(s, e, MSRA_LABELS[lab]) for s, e, lab in spans]) for t, spans in
                        read_msra(msra_path, msra_limit)]
        log = log or Console(stderr=True).print
        if not samples:
            raise ValueError(f"{self.name}: no training names; set corpus_dir or msra_path in "
                             f"[initialize.components.{self.name}]")
        self.train(samples, log=log, pace=pace)

    def train(self, samples: list[Sample], log: Callable[[str], None] | None = None,
              pace: Callable[[], None] | None = None) -> None:
        import torch
        from rich.progress import Progress

        cfg = self.cfg
        rng = random.Random(cfg["seed"])
        torch.manual_seed(cfg["seed"])
        samples = [(text[a:b], [(s - a, e - a, lab) for s, e, lab in spans if a <= s and e <= b])
                   for text, spans in samples for a, b in windows(text, cfg["window"]) if b > a]
        self.build_vocab(samples)
        half = len(samples) // 2  # each half's names are flagged from the other half's, as a new text's would be
        lexicons = (Lexicon.of(samples[half:], cfg["lexicon_max_length"]),
                    Lexicon.of(samples[:half], cfg["lexicon_max_length"]))
        self.lexicon = Lexicon.of(samples, cfg["lexicon_max_length"])
        start = time.perf_counter()
        with Progress(transient=True) as progress:
            task = progress.add_task(f"{self.name}: e5 features of {len(samples)} texts", total=len(samples))
            feats = self.encoder.encode([t for t, _ in samples], cfg["batch_size"],
                                        lambda n: progress.advance(task, n), pace)
        items = [self.inputs(text, f, lexicons[i >= half]) + (torch.from_numpy(tag_targets(len(text), spans)),)
                 for i, ((text, spans), f) in enumerate(zip(samples, feats))]
        del feats
        if log:
            log(f"{self.name}: features of {len(samples)} texts in {time.perf_counter() - start:.0f} s")
        self.model = build_model(self.encoder.width, len(self.chars) + 2, len(self.bigrams) + 2, cfg)
        self._recent.clear()
        opt = torch.optim.Adam(self.model.parameters(), lr=cfg["learn_rate"])
        steps = cfg["epochs"] * -(-len(items) // cfg["train_batch"])
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: max(0.0, 1 - step / steps))
        items.sort(key=lambda x: len(x[3]))
        with Progress(transient=True) as progress:
            task = progress.add_task(f"{self.name}: {cfg['epochs']} passes", total=steps)
            for epoch in range(cfg["epochs"]):
                self.model.train()
                t0, total = time.perf_counter(), 0.0
                # batches of similar length, in random order
                chunks = [items[b : b + cfg["train_batch"]] for b in range(0, len(items), cfg["train_batch"])]
                rng.shuffle(chunks)
                for chunk in chunks:
                    if pace is not None:
                        pace()
                    with self.autocast():
                        logits = self.model(*self.batch(chunk))
                    loss = partial_nll(logits.float(), [x[6] for x in chunk])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    sched.step()
                    total += float(loss.detach())
                    progress.advance(task)
                if log:
                    log(f"{self.name}: pass {epoch + 1}, loss {total / len(chunks):.4f}, "
                        f"{time.perf_counter() - t0:.0f} s")
        self.model.eval()

    def build_vocab(self, samples: list[Sample]) -> None:
        counts: dict[str, int] = {}
        self.chars = {}
        for text, _ in samples:
            for c in text:
                self.chars.setdefault(c, len(self.chars) + 2)  # 0 padding, 1 unknown
            padded = "^" + text + "$"
            for i in range(len(padded) - 1):
                counts[padded[i : i + 2]] = counts.get(padded[i : i + 2], 0) + 1
        kept = sorted(bg for bg, n in counts.items() if n >= self.cfg["bigram_min_count"])
        self.bigrams = {bg: i + 2 for i, bg in enumerate(kept)}

    # -- serialisation

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        import torch

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "vocab.json").write_text(json.dumps({"chars": self.chars, "bigrams": self.bigrams,
                                                     "lexicon": self.lexicon.names}, ensure_ascii=False), "utf8")
        if self.model is not None or self._state is not None:
            torch.save(self.tagger.state_dict(), path / "model.pt")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> CharNER:
        """Read the vocabularies and keep the weights' bytes: the tagger and e5 are built on first use,
        so a process that forks workers (`dipnlp run --n-process 2`) has run no torch code before."""
        path = Path(path)
        vocab = json.loads((path / "vocab.json").read_text("utf8"))
        self.chars, self.bigrams = vocab["chars"], vocab["bigrams"]
        self.lexicon = Lexicon(vocab["lexicon"], self.cfg["lexicon_max_length"])
        self.model = None
        self._recent.clear()
        self._state = (path / "model.pt").read_bytes() if (path / "model.pt").exists() else None
        return self

    @property
    def tagger(self):
        """The trained tagger, built from the weights `from_disk` read where it has not been yet."""
        if self.model is None and self._state is not None:
            import io

            import torch

            self.model = build_model(self.encoder.width, len(self.chars) + 2, len(self.bigrams) + 2, self.cfg)
            self.model.load_state_dict(torch.load(io.BytesIO(self._state), weights_only=True))
            self.model.eval()
            self._state = None
        return self.model


def corpus_samples(corpus_dir: str, split: str) -> list[Sample]:
    """Each paragraph of the split's gold documents with its names; characters inside an entity of
    another label get no target (MSRA would call 中国 in 中国特色社会主义 a place)."""
    out: list[Sample] = []
    for path in split_paths(corpus_dir, split):
        doc = load_doc(path)
        if doc.get("entities") is None:
            continue
        pos = 0
        for para in doc["text"].split("\n"):
            start, end = pos, pos + len(para)
            pos = end + 1
            spans = [(e["start"] - start, e["end"] - start, (e["label"],) if e["label"] in LABELS else ())
                     for e in doc["entities"] if start <= e["start"] and e["end"] <= end]
            if para.strip():
                out.append((para, spans))
    return out


def partial_nll(logits, targets: list) -> Any:
    """Mean negative log-likelihood of the right tags, summing the probability of both where two are right."""
    import torch
    from torch.nn.utils.rnn import pad_sequence

    y = pad_sequence(targets, batch_first=True, padding_value=-1)
    log_probs = torch.log_softmax(logits, -1)
    known = y[..., 0] >= 0
    picked = log_probs.gather(-1, y.clamp(min=0))
    ll = torch.where(y[..., 0] == y[..., 1], picked[..., 0], torch.logaddexp(picked[..., 0], picked[..., 1]))
    return -(ll * known).sum() / known.sum().clamp(min=1)


def build_model(feat_width: int, n_chars: int, n_bigrams: int, cfg: dict[str, Any]):
    import torch

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.proj = torch.nn.Linear(feat_width, cfg["proj_width"])
            self.chars = torch.nn.Embedding(n_chars, cfg["char_width"])
            self.place = torch.nn.Embedding(4, 8)
            self.bigrams = torch.nn.Embedding(n_bigrams, cfg["bigram_width"])
            width = cfg["proj_width"] + cfg["char_width"] + 8 + 2 * cfg["bigram_width"] + 12
            self.lstm = torch.nn.LSTM(width, cfg["hidden_width"], batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(2 * cfg["hidden_width"], len(TAGS))
            self.rate = cfg["dropout"]

        def forward(self, feats, place, chars, bigrams, flags):
            x = torch.cat([torch.relu(self.proj(feats)), self.chars(chars), self.place(place),
                           self.bigrams(bigrams).flatten(-2), flags], -1)
            return self.out(self.drop(self.lstm(self.drop(x))[0]))

        def drop(self, x):
            """One dropout mask per text, the same at every character: a mask per value costs more
            than the LSTM on a CPU, and a shared one is the usual dropout for recurrent layers."""
            if not self.training or not self.rate:
                return x
            keep = torch.empty(x.shape[0], 1, x.shape[2], dtype=x.dtype).bernoulli_(1 - self.rate)
            return x * keep / (1 - self.rate)

    return Tagger()


def split_tokens(doc: Doc, cuts: set[int]) -> None:
    """Split the tokens that these character offsets fall inside."""
    todo = []
    for token in doc:
        inner = sorted(c - token.idx for c in cuts if token.idx < c < token.idx + len(token.text))
        if inner:
            bounds = [0, *inner, len(token.text)]
            todo.append((token, [token.text[a:b] for a, b in zip(bounds, bounds[1:])]))
    if not todo:
        return
    with doc.retokenize() as retokenizer:
        for token, orths in todo:
            retokenizer.split(token, orths, heads=[(token, i) for i in range(len(orths))])


def set_names(doc: Doc, names: list[tuple[int, int, str]]) -> Doc:
    """Split tokens at the names' edges, keep every name in `doc.spans["names"]` (MSRA's convention:
    names nest, 中 of 中美 is a place) and merge them into the doc's entities (the guidelines'):
    one-character places are left out, the longest span wins and a name wins a tie. Where a
    name has the very span of a GPE or LOC already found, it keeps that label: the token NER and
    the gazetteer learnt from the corpus alone where the line between the two runs."""
    old = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    places = {(s, e): lab for s, e, lab in old if lab in ("GPE", "LOC")}
    names = [(s, e, places.get((s, e), lab) if lab in ("GPE", "LOC") else lab) for s, e, lab in names]
    groups = {key: [(s.start_char, s.end_char, s.label_) for s in group] for key, group in doc.spans.items()}
    split_tokens(doc, {c for s, e, _ in names for c in (s, e)})
    for key, spans in groups.items():
        doc.spans[key] = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in spans]
    found = [doc.char_span(s, e, label=lab) for s, e, lab in names]
    found = [s for s in found if s is not None]
    doc.spans[NAMES_KEY] = found
    flat = [s for s in found if not (len(s.text) == 1 and s.label_ in ("GPE", "LOC"))]
    rest = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in old]
    doc.ents = sorted(filter_spans(flat + [s for s in rest if s is not None]), key=lambda s: s.start)
    return doc
