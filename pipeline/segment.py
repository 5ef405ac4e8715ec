"""The speech tokenizer: normalisation and structure, then spaCy's Chinese tokenizer with pkuseg.

`nlp(raw_text)` on a trained pipeline therefore takes PDF-extracted text directly: the
tokenizer cleans it, finds sections, footnotes and the English abstract, and segments the
clean body. Training goes through `tokenize_clean`, which segments text that is already
clean and leaves its offsets untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import srsly
from spacy.lang.zh import ChineseTokenizer
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry
from spacy.vocab import Vocab

from .fastcut import speed_up
from .normalize import Speech, normalize
from .structure import find_sections

for _name, _default in (("sections", None), ("footnotes", None), ("abstract", None),
                        ("meta", None), ("alignment", None), ("raw", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@registry.tokenizers("dipnlp.SpeechTokenizer.v1")
def create_speech_tokenizer(segmenter: str = "pkuseg", normalize_input: bool = True, keep_raw: bool = False):
    def make(nlp) -> SpeechTokenizer:
        return SpeechTokenizer(nlp.vocab, segmenter=segmenter, normalize_input=normalize_input, keep_raw=keep_raw)

    return make


def read_lexicon(path: str | Path) -> dict[str, list[str]]:
    """Entries of a domain lexicon: the string to match whole → the words it is cut into.

    One entry a line, `#` comments; `人类 命运 共同体` matches 人类命运共同体 and yields three
    words, `一带一路` one. pkuseg's own dictionary can only keep strings whole; the split form
    lets the lexicon follow a standard that cuts names and terms into words."""
    entries: dict[str, list[str]] = {}
    for line in Path(path).read_text("utf8").splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            entries["".join(words)] = words
    return entries


class SpeechTokenizer:
    def __init__(self, vocab: Vocab, segmenter: str = "pkuseg", normalize_input: bool = True,
                 keep_raw: bool = False) -> None:
        self.vocab = vocab
        self.zh = ChineseTokenizer(vocab, segmenter=segmenter)
        self.normalize_input = normalize_input
        self.keep_raw = keep_raw
        self.splits: dict[str, list[str]] = {}  # lexicon strings matched whole, then cut into words

    def __call__(self, text: str) -> Doc:
        if not self.normalize_input:
            return self.tokenize_clean(text)
        doc = self.from_speech(normalize(text))
        if self.keep_raw:
            doc._.raw = text
        return doc

    def from_speech(self, speech: Speech) -> Doc:
        """The doc of a speech already normalised (by `normalize`, or from a PDF, web page or Word file)."""
        doc = self.tokenize_clean(speech.text)
        doc._.sections = find_sections(speech.text)
        doc._.footnotes = speech.footnotes
        doc._.meta = {**speech.front.as_meta(), "converted_from_traditional": speech.converted_from_traditional,
                      "coverage": speech.coverage, "notes": speech.notes}
        if speech.abstract is not None:
            doc._.abstract = {"title": speech.abstract.title, "author": speech.abstract.author,
                              "text": speech.abstract.text}
        return doc

    def tokenize_clean(self, text: str) -> Doc:
        """Segment text that is already clean; the doc's text equals `text`."""
        if self.zh.pkuseg_seg is None:
            return self.zh(text)
        splits = self.splits
        words = [part for word in self.zh.pkuseg_seg.cut(text) for part in splits.get(word, (word,))]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model: str | None = None,
                   pkuseg_user_dict: str | None = None) -> None:
        """Load the pkuseg model and the domain lexicon (`read_lexicon`; None for none)."""
        import spacy_pkuseg

        if pkuseg_model is None:
            raise ValueError("[initialize.tokenizer] needs pkuseg_model, the folder of a pkuseg model")
        model_dir = Path(pkuseg_model)
        if not (model_dir / "weights.npz").exists():
            raise FileNotFoundError(f"{model_dir}: no pkuseg model here; run `dipnlp assets` first")
        seg = spacy_pkuseg.pkuseg(str(model_dir), user_dict=None)
        # Without spacy-pkuseg's default dictionary (it costs F1 on PKU); spaCy saves these sets.
        seg.postprocesser.common_words = set()
        seg.postprocesser.other_words = set()
        entries = read_lexicon(pkuseg_user_dict) if pkuseg_user_dict else {}
        seg.preprocesser = spacy_pkuseg.Preprocesser(list(entries))
        self.splits = {whole: words for whole, words in entries.items() if len(words) > 1}
        self.zh.pkuseg_seg = speed_up(seg)

    def segment(self, text: str) -> list[str]:
        return [t.text for t in self.tokenize_clean(text) if not t.is_space]

    def _cfg(self) -> dict[str, Any]:
        return {"normalize_input": self.normalize_input, "keep_raw": self.keep_raw, "splits": self.splits}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        self.normalize_input = cfg["normalize_input"]
        self.keep_raw = cfg["keep_raw"]
        self.splits = cfg.get("splits", {})

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "speech.json", self._cfg())
        self.zh.to_disk(path / "zh", **kwargs)

    def from_disk(self, path: str | Path, **kwargs: Any) -> SpeechTokenizer:
        path = Path(path)
        self._set_cfg(srsly.read_json(path / "speech.json"))
        self.zh.from_disk(path / "zh", **kwargs)
        self._speed_up()
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps({"cfg": self._cfg(), "zh": self.zh.to_bytes(**kwargs)})

    def from_bytes(self, data: bytes, **kwargs: Any) -> SpeechTokenizer:
        msg = srsly.msgpack_loads(data)
        self._set_cfg(msg["cfg"])
        self.zh.from_bytes(msg["zh"], **kwargs)
        self._speed_up()
        return self

    def _speed_up(self) -> None:
        if self.zh.pkuseg_seg is not None:
            speed_up(self.zh.pkuseg_seg)
