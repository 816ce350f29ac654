"""Consistency checks: quote flags and document warnings."""

from __future__ import annotations

from spacy.tokens import Doc

from saywho.model import Entity, Quote, Warning


def check(doc: Doc, quotes: list[Quote], entities: list[Entity]) -> list[Warning]:
    """Document warnings; quote flags are set in place."""
    return []
