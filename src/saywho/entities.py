"""The people, organisations, places and groups of one article."""

from __future__ import annotations

from spacy.tokens import Doc

from saywho.attribution import Attribution
from saywho.model import Entity


def find_entities(doc: Doc, attributions: list[Attribution]) -> list[Entity]:
    """Entities from the Doc's named entities and the attributions' sources."""
    out: list[Entity] = []
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG", "GPE", "LOC", "NORP"):
            out.append(Entity(id=f"e{len(out) + 1}", name=ent.text, type=ent.label_, aliases=[ent.text],
                              mentions=[[ent.start_char, ent.end_char]]))
    return out
