"""An analysed article's text cut into pieces for the page: plain text, and the words of each quote
(its content, the mention naming its speaker, its cue) marked, one colour per speaker.

The pieces are plain strings with labels; the template writes them with autoescaping on, so the
article's words are always shown as text, never read as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from saywho.quote_fields import speaker_label

# CSS has this many speaker colours (sp0 ... sp9, static/style.css); more speakers share them.
PALETTE_SIZE = 10
NO_SPEAKER = "none"  # the colour class of quotes nobody is named for
# Where marks overlap, the narrower part wins: a mention inside a quote's span (a quote of two
# fragments spans its attribution) is shown as the mention.
PRIORITY = {"content": 1, "cue": 2, "mention": 3}

FLAG_HELP = {
    "unattributed": "no speaker was found for this quote",
    "pronoun_gender_mismatch": "the pronoun naming the speaker does not agree with the gender of the "
    "person it was resolved to: check who said it",
    "speaker_not_person": "an organisation speaks in the first person singular with a cue people use: "
    "the speaker is probably a person the text names elsewhere",
    "wording_differs": "the reports put different words inside the quotation marks: at least one of "
    "them is not the speaker's exact words (or the speaker said it more than once, differently)",
}


def flag_help(code: str) -> str:
    """What a quote's or statement's flag means, for a reader."""
    return FLAG_HELP.get(code, code.replace("_", " "))


@dataclass(frozen=True)
class Mark:
    """One marked part of a quote: kind is content, mention or cue; colour a CSS class suffix."""

    kind: str
    quote: str
    colour: str
    label: str
    flagged: bool = False


@dataclass
class Piece:
    text: str
    mark: Mark | None = None
    anchor: str | None = None  # an element id: the first piece of each quote, for links to it


@dataclass
class SpeakerKey:
    """A speaker of the article as its legend shows it."""

    name: str
    colour: str
    person: int | None = None
    quotes: list[str] = field(default_factory=list)


def speaker_key(quote: dict[str, Any]) -> str:
    """Who a quote's speaker is within its article: the entity, else the name, else nobody."""
    speaker = quote["speaker"]
    return speaker.get("entity") or speaker.get("name") or NO_SPEAKER


def speakers(
    quotes: list[dict[str, Any]], persons: dict[str, int | None] | None = None
) -> dict[str, SpeakerKey]:
    """The article's speakers in order of their first quote, each with its colour; `persons` gives
    a quote's corpus-wide speaker id (a stored article) for links to the speaker's page."""
    keys: dict[str, SpeakerKey] = {}
    for quote in quotes:
        key = speaker_key(quote)
        if key not in keys:
            if key == NO_SPEAKER:
                colour = NO_SPEAKER
            else:
                colour = str(sum(k != NO_SPEAKER for k in keys) % PALETTE_SIZE)
            keys[key] = SpeakerKey(quote["speaker"]["name"] or speaker_label(quote["speaker"]), colour)
        keys[key].quotes.append(quote["id"])
        if persons and keys[key].person is None:
            keys[key].person = persons.get(quote["id"])
    return keys


def quote_spans(quote: dict[str, Any], colour: str) -> list[tuple[int, int, Mark]]:
    """The (start, end, mark) of each marked part of one quote."""
    label = f"{speaker_label(quote['speaker'])}: {quote['type'].replace('_', ' ')} quote"
    flagged = bool(quote.get("flags"))
    spans = [
        (start, end, Mark("content", quote["id"], colour, label, flagged))
        for start, end in quote["content"]["fragments"]
    ]
    mention, cue = quote["speaker"].get("mention"), quote.get("cue")
    if mention:
        spans.append((mention["start"], mention["end"], Mark("mention", quote["id"], colour, label)))
    if cue:
        spans.append((cue["start"], cue["end"], Mark("cue", quote["id"], colour, label)))
    return spans


def marked_pieces(text: str, quotes: list[dict[str, Any]], keys: dict[str, SpeakerKey]) -> list[Piece]:
    """The text cut at every mark's edge, each piece with the mark shown on it (or none)."""
    spans = []
    for quote in quotes:
        for start, end, mark in quote_spans(quote, keys[speaker_key(quote)].colour):
            start, end = max(0, start), min(len(text), end)
            if start < end:  # offsets outside the text (a damaged record) are left unmarked
                spans.append((start, end, mark))
    edges = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    opening: dict[int, list[tuple[int, int, Mark]]] = {}
    for span in spans:
        opening.setdefault(span[0], []).append(span)
    pieces: list[Piece] = []
    anchored: set[str] = set()
    active: list[tuple[int, int, Mark]] = []  # the spans covering the current piece (a few at most)
    for start, end in zip(edges, edges[1:], strict=False):
        active = [span for span in active if span[1] > start] + opening.get(start, [])
        covering = [(PRIORITY[m.kind], s, m) for s, _, m in active]
        mark = max(covering, key=lambda c: (c[0], c[1]))[2] if covering else None
        anchor = None
        if mark is not None and mark.quote not in anchored:
            anchored.add(mark.quote)
            anchor = f"text-{mark.quote}"
        if pieces and pieces[-1].mark == mark and anchor is None:
            pieces[-1].text += text[start:end]
        else:
            pieces.append(Piece(text[start:end], mark, anchor))
    return pieces


# statements.word_diff writes "We [-see-] {+are seeing+} a window".
DIFF_PART = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")


def diff_pieces(diff: str) -> list[tuple[str, str]]:
    """A word difference as (kind, words) pieces: kind is same, removed (in the first report
    only) or added (in the second only)."""
    pieces, at = [], 0
    for match in DIFF_PART.finditer(diff):
        if match.start() > at:
            pieces.append(("same", diff[at : match.start()]))
        removed, added = match.group(1), match.group(2)
        pieces.append(("removed", removed) if removed is not None else ("added", added))
        at = match.end()
    if at < len(diff):
        pieces.append(("same", diff[at:]))
    return pieces
