"""dipnlp: a spaCy pipeline for Chinese diplomatic speeches.

Importing the package registers its components and registered functions with spaCy; the
entry points in pyproject.toml do the same for `spacy.load` in a fresh process.
"""

from . import align, charner, gazetteer, patterns, readers, segment, sentences, themes  # noqa: F401  (registrations)

__version__ = "0.1.0"
