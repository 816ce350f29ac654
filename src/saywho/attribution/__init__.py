"""Finding attributions in a parsed Doc: cues, direct quotes, reported speech, speakers.

The steps share one intermediate form, `Attribution`: spans of the Doc, before any name is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

if TYPE_CHECKING:
    from saywho.attribution.learned import AttributionModels


@dataclass
class Attribution:
    """One attribution found in a Doc: what was said (character fragments), who (a source
    mention), the cue and addressee. `follows` points at the attribution a continued quote
    (a later paragraph with no attribution of its own) takes its speaker from. `evidence`: the
    signs the keep model weighs (attribution/keep.py)."""

    type: str  # direct | indirect | according_to | mixed
    fragments: list[tuple[int, int]]
    cue: Span | None = None
    source: Span | None = None
    addressee: Span | None = None
    score: float = 0.5
    follows: Attribution | None = None
    flags: list[str] = field(default_factory=list)
    evidence: dict[str, float] = field(default_factory=dict)  # what keep.py weighs

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


def find_attributions(doc: Doc, models: AttributionModels) -> list[Attribution]:
    """Every attribution in the Doc, in text order, by the tagger and models of `models` (the
    saywho_attributions component's)."""
    from saywho.attribution.extract import extract

    return sorted(extract(doc, models), key=lambda a: a.fragments[0])
