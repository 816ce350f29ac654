"""Analysing pasted text for the analyse page and POST /api/analyse: one at a time, since a spaCy
pipeline is not made to be run by several threads at once and each analysis takes a core anyway."""

from __future__ import annotations

import threading
from typing import Any

from saywho.reading import Fields, make_document

PASTED_ID = "pasted"
_one_at_a_time = threading.Lock()


def analyse_text(text: str, published: str | None = None, title: str | None = None) -> dict[str, Any]:
    """The analysed document (CONTRACT.md's JSON) of pasted text, with the warnings a file of the
    same text would get (empty, not English)."""
    from saywho import analyse_documents  # the pipeline loads on the first analysis, not at start-up

    document = make_document(text, None, Fields(id=PASTED_ID, title=title), published)
    with _one_at_a_time:
        analysis = next(analyse_documents([document]))
    return analysis.to_dict()
