"""A self-contained HTML report of one analysed speech (no CDN, no network)."""

from __future__ import annotations

import html
from collections import Counter
from importlib import resources
from typing import Any

import jinja2
from spacy import displacy

from .labels import THEMES

THEME_COLOURS = {
    "LEADERSHIP": "#f4cccc", "WORLD": "#d9d2e9", "HEALTH": "#d0f0c0", "DEVELOPMENT": "#fff2cc",
    "MULTILATERALISM": "#cfe2f3", "MAJOR_POWERS": "#f9cb9c", "NEIGHBORHOOD": "#b6d7a8",
    "GLOBAL_SOUTH": "#ffe599", "GLOBAL_GOVERNANCE": "#a2c4c9", "SOVEREIGNTY": "#ea9999",
    "PEOPLE": "#d5a6bd", "OTHER": "#eeeeee",
}


def _render_entities(text: str, start: int, ents: list[dict[str, Any]]) -> str:
    """displaCy's entity markup for one sentence, with each entity anchored for the table's links."""
    local = [{"start": e["start"] - start, "end": e["end"] - start, "label": e["label"]} for e in ents]
    markup = displacy.render({"text": text, "ents": local, "title": None}, style="ent", manual=True,
                             options={"colors": {}}, page=False, jupyter=False)
    return markup


def build_context(record: dict[str, Any], figures: dict[str, Any] | None = None) -> dict[str, Any]:
    text = record["text"]
    ents = sorted(record.get("entities", []), key=lambda e: e["start"])
    sentences = record.get("sentences", [])
    sections = record.get("sections", [])
    leaves = [s for s in sections if not any(c.get("parent") == s["id"] for c in sections)]
    alignment = {a["unit"]: a["sections"] for a in record.get("alignment") or []}
    ent_ids: dict[int, str] = {}
    for i, e in enumerate(ents):
        ent_ids[e["start"]] = f"e{i}"

    out_sections = []
    for sec in leaves:
        sents = []
        for s in sentences:
            if sec["start"] <= s["start"] < sec["end"]:
                inside = [e for e in ents if s["start"] <= e["start"] and e["end"] <= s["end"]]
                sents.append({
                    "theme": s.get("theme") or "OTHER",
                    "score": s.get("score"),
                    "html": _render_entities(text[s["start"] : s["end"]], s["start"], inside),
                    "anchors": [ent_ids[e["start"]] for e in inside],
                })
        counts = Counter(s["theme"] for s in sents)
        total = sum(counts.values()) or 1
        out_sections.append({
            "id": sec["id"], "kind": sec["kind"], "title": sec.get("title"), "parent": sec.get("parent"),
            "sentences": sents,
            "bars": [{"theme": t, "share": counts[t] / total, "count": counts[t]} for t in THEMES if counts[t]],
        })

    table: dict[tuple[str, str], list[str]] = {}
    for e in ents:
        name = e.get("text") or text[e["start"] : e["end"]]
        table.setdefault((name, e["label"]), []).append(ent_ids[e["start"]])
    entity_rows = sorted(
        ({"text": k[0], "label": k[1], "count": len(v), "anchors": v} for k, v in table.items()),
        key=lambda r: (-r["count"], r["label"], r["text"]),
    )
    abstract = record.get("abstract")
    units = []
    if abstract:
        for u in abstract.get("units", []):
            units.append({"id": u["id"], "text": abstract["text"][u["start"] : u["end"]],
                          "sections": alignment.get(u["id"], [])})
    theme_totals = Counter(s.get("theme") or "OTHER" for s in sentences)
    return {
        "record": record,
        "title": (record.get("meta") or {}).get("title") or record["id"],
        "byline": byline(record.get("meta") or {}),
        "sections": out_sections,
        "outline": sections,
        "entity_rows": entity_rows,
        "abstract": abstract,
        "units": units,
        "colours": THEME_COLOURS,
        "theme_totals": [(t, theme_totals[t]) for t in THEMES if theme_totals[t]],
        "figures": figures or {},
        "notes": record.get("notes", []),
        "escape": html.escape,
    }


def byline(meta: dict[str, Any]) -> str:
    """The front matter as one line under the title: 中华人民共和国主席 习近平 · 2024-09-05 · 北京 · keynote."""
    who = " ".join(x for x in (meta.get("office"), meta.get("speaker")) if x)
    parts = (meta.get("subtitle"), who, meta.get("date"), meta.get("place"), meta.get("kind"))
    return " · ".join(x for x in parts if x)


def render_report(record: dict[str, Any], figures: dict[str, Any] | None = None) -> str:
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(resources.files("pipeline").joinpath("templates/report.html").read_text("utf8"))
    return template.render(**build_context(record, figures))


def render_index(rows: list[dict[str, Any]]) -> str:
    """The collection view: theme shares per speech (ordered by date) and top entities."""
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(resources.files("pipeline").joinpath("templates/index.html").read_text("utf8"))
    return template.render(rows=rows, themes=THEMES, colours=THEME_COLOURS)


def index_row(record: dict[str, Any]) -> dict[str, Any]:
    themes = Counter(s.get("theme") or "OTHER" for s in record.get("sentences", []))
    total = sum(themes.values()) or 1
    ents = Counter((e.get("text") or record["text"][e["start"] : e["end"]], e["label"])
                   for e in record.get("entities", []) if e["label"] not in ("DATE", "CARDINAL", "ORDINAL"))
    meta = record.get("meta") or {}
    return {
        "id": record["id"], "date": meta.get("date") or "", "title": meta.get("title") or record["id"],
        "shares": {t: themes[t] / total for t in THEMES},
        "top_entities": [f"{name} ({label}) ×{n}" for (name, label), n in ents.most_common(8)],
    }
