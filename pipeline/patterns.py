"""Names found by their shape: events, initiatives and treaties that each speech names afresh.

Summits and dialogues (第二十一次中国—欧盟领导人会晤), initiatives (实现中东安全稳定的五点倡议) and
agreements (《数字经济伙伴关系协定》) are new in every speech, so neither the gazetteer nor an NER
trained on a dozen speeches knows them, and the NER often cuts them at 第二届 or before 会晤.
Their shape is regular. `name_patterns`: the name ends in a head noun (峰会, 倡议) and starts
after a verb such as 出席 or 提出, or after punctuation when the next words say the event took
place. `quoted_names`: the text inside 《》 or “” ends in a head noun of a label (协定 → LAW).
Spans found either way replace the entities they overlap when they are longer.
`name_heads` holds every entity of a label, whichever component found it, to the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from .gazetteer import merge


def _alternation(words: Iterable[str]) -> re.Pattern:
    words = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


@Language.factory("name_patterns", default_config={
    "label": "EVENT", "heads": ["峰会"], "strong_anchors": ["出席"], "weak_anchors": ["，"],
    "right_context": ["上"], "stop_prefixes": [], "stop_pattern": "", "max_length": 30, "trim_suffixes": []})
def make_name_patterns(nlp: Language, name: str, label: str, heads: list[str], strong_anchors: list[str],
                        weak_anchors: list[str], right_context: list[str], stop_prefixes: list[str],
                        stop_pattern: str, max_length: int, trim_suffixes: list[str]) -> NamePatterns:
    return NamePatterns(label, heads, strong_anchors, weak_anchors, right_context, stop_prefixes, stop_pattern,
                         max_length, trim_suffixes)


class NamePatterns:
    def __init__(self, label: str, heads: list[str], strong_anchors: list[str], weak_anchors: list[str],
                 right_context: list[str], stop_prefixes: list[str], stop_pattern: str, max_length: int,
                 trim_suffixes: Iterable[str] = ()) -> None:
        self.label = label
        self.heads = _alternation(heads)
        self.strong = _alternation(strong_anchors)
        self.weak = _alternation(weak_anchors)
        self.right = tuple(right_context)
        self.stop_prefixes = tuple(stop_prefixes)
        self.stop = re.compile(stop_pattern) if stop_pattern else None
        self.max_length = max_length
        self.trim = tuple(trim_suffixes)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Character spans of names: each head noun back to the nearest opening word.

        A strong opening (出席, 举行的) suffices; after a weak one (punctuation, 在) the text
        after the noun must confirm it (for events: 上, 期间, 在…举行). The text start and the
        previous head noun count as weak openings."""
        out = []
        previous = 0  # the end of the last head noun: a name never runs across one
        for head_start, head_end in self._heads(text):
            lo = max(previous, head_start - self.max_length)
            previous = head_end
            left = text[lo:head_start]
            openings = [(a.end(), True) for a in self.strong.finditer(left)]
            openings += [(a.end(), False) for a in self.weak.finditer(left)]
            if lo == 0 or lo > head_start - self.max_length:
                openings.append((0, False))
            if not openings:
                continue
            end, strong = max(openings)
            start = lo + end
            name = text[start:head_end]
            if head_start - start < 2 or name.startswith(self.stop_prefixes):
                continue
            if not strong and not text.startswith(self.right, head_end):
                continue
            if (self.stop and self.stop.search(name)) or name.count("“") != name.count("”"):
                continue
            out.append((start, head_end))
        return out

    def _heads(self, text: str) -> list[tuple[int, int]]:
        """Head nouns, those a few characters apart with no opening between them joined
        (联合国大会一般性辩论 ends at 辩论, not at 大会)."""
        joined: list[list[int]] = []
        for m in self.heads.finditer(text):
            gap = text[joined[-1][1] : m.start()] if joined else ""
            if joined and len(gap) <= 6 and not self.strong.search(gap) and not self.weak.search(gap):
                joined[-1][1] = m.end()
            else:
                joined.append([m.start(), m.end()])
        return [(a, b) for a, b in joined]

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = self.repair(doc, merge(doc, [(a, b, self.label) for a, b in self.find(doc.text)]))
        return doc

    def repair(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Join event pieces the NER cut apart (第二届 | 中国国际进口博览会) and drop words it
        took past the name (…峰会期间, …博览会，)."""
        out: list[Span] = []
        for ent in ents:
            if ent.label_ == self.label and self.trim and ent.text.endswith(self.trim):
                cut = max(len(t) for t in self.trim if ent.text.endswith(t))
                ent = doc.char_span(ent.start_char, ent.end_char - cut, label=self.label, alignment_mode="contract")
                if ent is None or not ent.text:
                    continue
            if out and ent.label_ == self.label and out[-1].label_ in (self.label, "ORDINAL") \
                    and out[-1].end == ent.start:
                ent = Span(doc, out.pop().start, ent.end, label=self.label)
            out.append(ent)
        return out

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("quoted_names", default_config={"heads": {"LAW": ["协定"]}, "marks": ["《》", "“”"],
                                                  "max_length": 60})
def make_quoted_names(nlp: Language, name: str, heads: dict[str, list[str]], marks: list[str],
                      max_length: int) -> QuotedNames:
    return QuotedNames(heads, marks, max_length)


class QuotedNames:
    """Text inside 《》 or “” that ends in a head noun of a label: 《中导条约》 is LAW."""

    def __init__(self, heads: dict[str, list[str]], marks: list[str], max_length: int) -> None:
        self.heads = {label: tuple(words) for label, words in heads.items()}
        self.quoted = [re.compile(f"{re.escape(m[0])}([^{re.escape(m)}]{{2,{max_length}}}){re.escape(m[1])}")
                       for m in marks]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        for pattern in self.quoted:
            for m in pattern.finditer(text):
                label = next((lab for lab, words in self.heads.items() if m.group(1).endswith(words)), None)
                if label:
                    out.append((m.start(1), m.end(1), label))
        return out

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = merge(doc, self.find(doc.text))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("name_heads", default_config={"label": "EVENT", "heads": ["峰会"], "stop_pattern": ""})
def make_name_heads(nlp: Language, name: str, label: str, heads: list[str], stop_pattern: str) -> NameHeads:
    return NameHeads(label, heads, stop_pattern)


class NameHeads:
    """Entities of `label` end in one of its head nouns: one that runs past its last head is cut
    back to it (北京冬奥会|的经验), one with no head is dropped (中非合作的本质, 第二大出资国: the
    statistical NER's guesses), and so is one that matches `stop_pattern`, a generic reference
    such as 首次峰会 that names no particular event."""

    def __init__(self, label: str, heads: Iterable[str], stop_pattern: str) -> None:
        self.label = label
        self.heads = tuple(heads)
        self.stop = re.compile(stop_pattern) if stop_pattern else None

    def keep(self, doc: Doc, ent: Span) -> Span | None:
        """The entity cut back to its last head noun, or None where it has none or is generic."""
        end = next((i for i in range(len(ent.text), 0, -1) if ent.text.endswith(self.heads, 0, i)), 0)
        if not end:
            return None
        if end < len(ent.text):
            ent = doc.char_span(ent.start_char, ent.start_char + end, label=self.label, alignment_mode="contract")
            if ent is None or not ent.text:
                return None
        return None if self.stop and self.stop.search(ent.text) else ent

    def __call__(self, doc: Doc) -> Doc:
        ents = [e if e.label_ != self.label else self.keep(doc, e) for e in doc.ents]
        doc.ents = [e for e in ents if e is not None]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)
