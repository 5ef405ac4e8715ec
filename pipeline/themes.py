"""Sentence themes: a spancat_singlelabel over sentence spans, and `span._.theme`.

Every sentence is one candidate span, so the span categoriser becomes a sentence classifier
that sees each sentence's tokens in their context, and its predictions land in
`doc.spans["themes"]` with their scores, as spaCy's own span components do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

from .sentences import split_sentences

THEMES_KEY = "themes"
# Set on a training doc whose sentences carry no theme (MSRA), so it yields no candidates
# and teaches the classifier nothing, rather than that every sentence is "no theme".
NO_THEMES = "dipnlp_no_themes"


def sentence_token_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token spans of the SPEC's sentences; taken from the text, so no sentencizer is needed."""
    out = []
    for start, end in split_sentences(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            out.append((span.start, span.end))
    return out


@registry.misc("dipnlp.sentence_suggester.v1")
def build_sentence_suggester() -> Callable[[Iterable[Doc], Ops | None], Ragged]:
    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        ops = ops or get_current_ops()
        spans, lengths = [], []
        for doc in docs:
            found = [] if doc.user_data.get(NO_THEMES) else sentence_token_spans(doc)
            spans.extend(found)
            lengths.append(len(found))
        data = ops.asarray2i(spans if spans else ops.xp.zeros((0, 2), dtype="i"), dtype="i")
        return Ragged(data, ops.asarray1i(lengths))

    return suggest


def _theme_span(span: Span) -> Span | None:
    group = span.doc.spans.get(THEMES_KEY)
    if group is None:
        return None
    for i, s in enumerate(group):
        if s.start == span.start and s.end == span.end:
            return s
    return None


def _theme(span: Span) -> str | None:
    found = _theme_span(span)
    return found.label_ if found is not None else None


def _theme_score(span: Span) -> float | None:
    group = span.doc.spans.get(THEMES_KEY)
    if group is None or "scores" not in group.attrs:
        return None
    for i, s in enumerate(group):
        if s.start == span.start and s.end == span.end:
            return float(group.attrs["scores"][i])
    return None


if not Span.has_extension("theme"):
    Span.set_extension("theme", getter=_theme)
    Span.set_extension("theme_score", getter=_theme_score)


def doc_themes(doc: Doc) -> list[tuple[int, int, str | None, float | None]]:
    """(char start, char end, theme, score) for each sentence of the doc."""
    group = doc.spans.get(THEMES_KEY)
    by_tokens: dict[tuple[int, int], tuple[str, float | None]] = {}
    if group is not None:
        scores = group.attrs.get("scores")
        for i, s in enumerate(group):
            by_tokens[(s.start, s.end)] = (s.label_, float(scores[i]) if scores is not None else None)
    out = []
    for start, end in split_sentences(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        label, score = by_tokens.get((span.start, span.end), (None, None)) if span is not None else (None, None)
        out.append((start, end, label, score))
    return out
