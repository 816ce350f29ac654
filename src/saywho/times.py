"""When a statement was made: time expressions resolved against the publication date."""

from __future__ import annotations

from spacy.tokens import Doc

from saywho.model import Quote


def attach_times(doc: Doc, quotes: list[Quote], published: str | None) -> None:
    """Set each quote's `time` from the time expression its attribution governs."""
