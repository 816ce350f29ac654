"""Placeholder extractor: replaced by the cue/direct/reported steps."""

from __future__ import annotations

from spacy.tokens import Doc

from saywho.attribution import Attribution


def extract(doc: Doc) -> list[Attribution]:
    return []
