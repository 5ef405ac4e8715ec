"""A lexical view for the aligner: English words of a unit found, through CC-CEDICT, in a section.

The encoder sees topics; a dictionary sees names and terms (Africa → 非洲, vaccine → 疫苗)
that pin a summary clause to the section that names them. Each English word or phrase of
a unit is looked up in a reverse CC-CEDICT index; a section matches it when it contains
one of the Chinese headwords. Words are weighted by how few sections they match (idf),
so words found in every section (China, development) carry little.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from .assets import AssetError, find_asset

_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[A-Za-z]+|\d{2,}")
_SKIP_GLOSS = ("cl:", "variant of", "see ", "surname ", "old variant", "used in", "abbr. for", "also written",
               "japanese", "taiwan pr.", "(bound form)")
_ARTICLES = re.compile(r"^(?:to |a |an |the )")
# function words: their CC-CEDICT glosses are characters found in every section
STOP = frozenset("""a an the of and or to in on at for with by from as is are was were be been has have had it its
this that these those their our we they he she his her which who whom whose what while but not no also more most
such than into over under through between among about up down out all both each other any some same so very can
will would should may must shall do does did been being new year years""".split())
MAX_PHRASE = 4


def load_index(path: str | Path) -> dict[str, frozenset[str]]:
    """The reverse index from the JSON `dipnlp assets` writes, or parsed from a CC-CEDICT text file
    (slower: about a second)."""
    found = find_asset(path)
    if found is None:
        raise AssetError(f"{path}: CC-CEDICT is missing; run `dipnlp assets` first")
    if found.suffix == ".json":
        return {k: frozenset(v) for k, v in json.loads(found.read_text("utf8")).items()}
    return parse_cedict(found)


def parse_cedict(path: str | Path) -> dict[str, frozenset[str]]:
    """Lower-cased English glosses (one to four words) → simplified headwords of two or more characters."""
    index: dict[str, set[str]] = {}
    with open(path, encoding="utf8") as f:
        for line in f:
            m = _ENTRY.match(line)
            if not m or len(m.group(1)) < 2:
                continue
            head = m.group(1)
            for gloss in m.group(2).split("/"):
                g = gloss.strip().lower()
                if not g or g.startswith(_SKIP_GLOSS):
                    continue
                # the gloss before its first comma: later parts describe ("Qidu district, Taiwan")
                part = _ARTICLES.sub("", _PAREN.sub("", g).split(",")[0].strip())
                words = _WORD.findall(part)
                if 0 < len(words) <= MAX_PHRASE and " ".join(words) == part.replace("-", " ").strip():
                    index.setdefault(" ".join(words), set()).add(head)
    return {k: frozenset(v) for k, v in index.items()}


def _forms(word: str) -> list[str]:
    """The word and its likely singular."""
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    elif word.endswith("es") and len(word) > 4:
        out += [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.append(word[:-1])
    return out


def unit_terms(text: str, index: dict[str, frozenset[str]]) -> list[frozenset[str]]:
    """Chinese renderings of the unit's words, longest dictionary phrase first; numbers stand for themselves."""
    words = [w.lower() for w in _WORD.findall(text)]
    terms, i = [], 0
    while i < len(words):
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            if n == 1 and (words[i] in STOP):
                break
            if words[i].isdigit() and n == 1:
                terms.append(frozenset([words[i]]))
                break
            key = " ".join(words[i : i + n])
            heads = next((index[f] for f in _forms(key) if f in index), None)
            if heads:
                terms.append(heads)
                i += n - 1
                break
        i += 1
    return terms


def lexical_scores(unit_texts: list[str], section_texts: list[str], index: dict[str, frozenset[str]]) -> np.ndarray:
    """Units × sections: the idf-weighted share of a unit's terms that the section contains."""
    out = np.zeros((len(unit_texts), len(section_texts)))
    n = len(section_texts)
    for i, text in enumerate(unit_texts):
        total = 0.0
        for heads in unit_terms(text, index):
            hits = np.array([any(h in sec for h in heads) for sec in section_texts])
            df = int(hits.sum())
            if df == 0:
                continue
            idf = math.log((n + 1) / (df + 0.5))
            out[i] += idf * hits
            total += idf
        if total:
            out[i] /= total
    return out
