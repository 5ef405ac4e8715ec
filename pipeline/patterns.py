"""Event names found by their shape: an opening word, a name, and an event noun.

Summits, congresses and dialogues are named afresh in every speech
(第二十一次中国—欧盟领导人会晤, 上海合作组织比什凯克峰会), so neither the gazetteer nor an NER
trained on a dozen speeches knows them, and the NER often cuts them at 第二届 or before 会晤.
Their shape is regular: the name ends in an event noun and starts after a verb such as 出席
or 举行的, or after punctuation when the next words say the event took place. Spans found this
way replace the entities they overlap when they are longer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def _alternation(words: Iterable[str]) -> re.Pattern:
    words = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


@Language.factory("event_patterns", default_config={
    "label": "EVENT", "heads": ["峰会"], "strong_anchors": ["出席"], "weak_anchors": ["，"],
    "right_context": ["上"], "stop_prefixes": [], "stop_pattern": "", "max_length": 30, "trim_suffixes": []})
def make_event_patterns(nlp: Language, name: str, label: str, heads: list[str], strong_anchors: list[str],
                        weak_anchors: list[str], right_context: list[str], stop_prefixes: list[str],
                        stop_pattern: str, max_length: int, trim_suffixes: list[str]) -> EventPatterns:
    return EventPatterns(label, heads, strong_anchors, weak_anchors, right_context, stop_prefixes, stop_pattern,
                         max_length, trim_suffixes)


class EventPatterns:
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
        """Character spans of event names: each event noun back to the nearest opening word.

        A strong opening (出席, 举行的) suffices; after a weak one (punctuation, 在) the text
        after the noun must say where or when the event happened (上, 期间, 在…举行). The text
        start and the previous event noun count as weak openings."""
        out = []
        previous = 0  # the end of the last event noun: a name never runs across one
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
        """Event nouns, those a few characters apart with no opening between them joined
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
        found = [doc.char_span(a, b, label=self.label, alignment_mode="expand") for a, b in self.find(doc.text)]
        found = [s for s in found if s is not None]
        # filter_spans keeps the longest; on equal length the earlier in the list, so these first.
        ents = sorted(filter_spans(found + list(doc.ents)), key=lambda s: s.start)
        doc.ents = self.repair(doc, ents)
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
