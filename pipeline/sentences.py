"""Chinese sentence boundaries as the SPEC defines them, and the spaCy component that sets them.

A sentence ends after 。！？ (with any closing quote or bracket kept on it, so 。” ends a
sentence) and at every paragraph end; ；and ： never end one. A terminator inside a
quotation that goes on does not end the sentence, so a quoted passage of several
sentences stays with its verb of saying.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

TERMINATORS = frozenset("。！？!?")
CLOSERS = frozenset("”’」』）)》〉】\"'")
OPENERS = {"“": "”", "「": "」", "『": "』"}
# A quotation left open this long is a PDF artefact, not a quotation: stop honouring it.
MAX_QUOTE_CHARS = 300


def _paragraph_sentences(text: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    n = len(text)
    open_quotes: list[tuple[str, int]] = []
    i = 0
    while i < n:
        ch = text[i]
        if ch in OPENERS:
            open_quotes.append((OPENERS[ch], i))
        elif open_quotes and ch == open_quotes[-1][0]:
            open_quotes.pop()
        if open_quotes and i - open_quotes[0][1] > MAX_QUOTE_CHARS:
            open_quotes.clear()
        if ch in TERMINATORS:
            # Take the run of terminators and closers; a quotation closed by it ends here too.
            j = i + 1
            while j < n and (text[j] in TERMINATORS or text[j] in CLOSERS):
                if open_quotes and text[j] == open_quotes[-1][0]:
                    open_quotes.pop()
                j += 1
            if not open_quotes:
                if text[start:j].strip():
                    yield offset + start, offset + j
                start = j
            i = j
            continue
        i += 1
    if text[start:].strip():
        yield offset + start, offset + n


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (paragraphs separated by newlines).

    Leading and trailing spaces of a sentence are trimmed off its span.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        for s, e in _paragraph_sentences(para, pos):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            spans.append((s, e))
        pos += len(para) + 1
    return spans


@Language.factory("dip_sentencizer")
def make_sentencizer(nlp: Language, name: str) -> ChineseSentencizer:
    return ChineseSentencizer()


class ChineseSentencizer:
    """Sets `token.is_sent_start` from `split_sentences` on the doc's text."""

    def __call__(self, doc: Doc) -> Doc:
        starts = {s for s, _ in split_sentences(doc.text)}
        for i, token in enumerate(doc):
            if i == 0:
                token.is_sent_start = True
                continue
            prev = doc[i - 1]
            # A newline token belongs to the sentence before it; the next token starts one.
            token.is_sent_start = token.idx in starts or (
                "\n" in prev.text and not token.is_space
            )
        return doc
