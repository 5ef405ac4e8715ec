"""The label sets of the SPEC: one place, imported by the corpus checker and the components."""

from __future__ import annotations

THEMES: tuple[str, ...] = (
    "LEADERSHIP",
    "WORLD",
    "HEALTH",
    "DEVELOPMENT",
    "MULTILATERALISM",
    "MAJOR_POWERS",
    "NEIGHBORHOOD",
    "GLOBAL_SOUTH",
    "GLOBAL_GOVERNANCE",
    "SOVEREIGNTY",
    "PEOPLE",
    "OTHER",
)

ENTITY_LABELS: tuple[str, ...] = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
    "INITIATIVE",
)

SECTION_KINDS: tuple[str, ...] = ("preamble", "body", "item", "conclusion", "outlook", "closing")

# Marks that stay outside an entity span (SPEC, "Entities").
QUOTE_MARKS = "“”‘’《》「」『』\"'"
