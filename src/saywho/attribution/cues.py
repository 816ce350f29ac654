"""Attributions that rules find whole, cue, content and source together, where the tagger is weak:
"…, according to X", headline or transcript lines "Name: what they said" and roundups' signature
lines "“…” — Name, Outlet"."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from saywho.attribution.layout import char_span, trim
from saywho.facts import quotations, sentence_bounds

_ACCORDING = re.compile(r"\b[Aa]ccording to\b")


def according_to(doc: Doc) -> list[tuple[Span, Span, Span]]:
    """(cue, content, source) for each "according to X": the content is the rest of its clause,
    which the tagger often cuts short when the phrase comes last."""
    out = []
    for m in _ACCORDING.finditer(doc.text):
        span = char_span(doc, m.start(), m.end())
        if span is None or len(span) != 2:
            continue
        tok, to = span[0], span[1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        phrase_end = max(obj.right_edge.i, to.i) + 1
        sent_start, sent_end = sentence_bounds(doc, tok.i)
        before = trim(doc[sent_start : tok.i])
        after = trim(doc[phrase_end:sent_end])
        clause = max((x for x in (before, after) if x is not None), key=len, default=None)
        if clause is not None and len(clause) >= 3:
            out.append((doc[tok.i : tok.i + 2], clause, doc[obj.left_edge.i : obj.right_edge.i + 1]))
    return out


# "Label: ..." lines that are not someone speaking.
_NOT_SPEAKERS = {
    "exclusive",
    "breaking",
    "watch",
    "update",
    "video",
    "photos",
    "note",
    "related",
    "read more",
    "editor's note",
    "q",
    "a",
    "live",
    "analysis",
    "opinion",
    "correction",
    "transcript",
    "source",
    "sources",
    # Page furniture (issue 12): labels, captions, share and see-also lines.
    "details",
    "see also",
    "also read",
    "share",
    "photo",
    "image",
    "caption",
    "credit",
    "file photo",
    "tags",
    "topics",
    "advertisement",
}
_COLON_LINE = re.compile(r"(?m)^[ \t]*([A-Z][\w.'’ -]{0,40}?):[ \t]+\S[^\n]{10,}$")


# Words a title capitalises and a name does not hold (articles, conjunctions, prepositions):
# "Russia Hacking And The Election: What Congress Is Watching" is a headline, not Russia Hacking
# speaking. (A headline "Pence: Flowers Won't Be at Debate" is someone speaking: PolNeAR counts it.)
_TITLE_WORDS = frozenset(
    ["And", "Or", "But", "The", "A", "An", "Of", "In", "On", "For", "To", "With", "At", "As", "By", "From"]
    + ["Over", "Under", "After", "Before", "About", "Is", "Are", "Was", "Were"]
)


def colon_lines(doc: Doc) -> list[tuple[Span, Span, Span]]:
    """(cue, content, source) for headline and transcript lines "Marco Rubio: I'm not interested",
    "PENCE: Well, look": a capitalised name of at most five words, a colon, what they said."""
    out = []
    for m in _COLON_LINE.finditer(doc.text):
        name = m.group(1).strip()
        words = name.split()
        if len(words) > 5 or name.lower() in _NOT_SPEAKERS or not all(w[0].isupper() for w in words):
            continue
        if any(w in _TITLE_WORDS for w in words[1:]):
            continue
        found = _spans(
            doc, (m.end(1), m.end(1) + 1), (m.end(1) + 1, m.end()), (m.start(1), m.start(1) + len(name))
        )
        content = trim(found[1]) if found is not None else None
        if content is not None:
            out.append((found[0], content, found[2]))
    return out


# A quotation, then an em or en dash and a name (with an outlet or title after a comma) ending the
# paragraph: a roundup's signature line.
_SIGNED = re.compile(
    r"(?m)[“\"]([^”\"\n]{10,})[”\"][ \t]*[—–][ \t]*([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4})"
    r"(?:,[^\n]{0,80})?[ \t]*$"
)


def signature_lines(doc: Doc) -> list[tuple[Span, Span, Span]]:
    """(cue, content, source) for "“We will not give up,” — Maria Lopez, The Daily Courier": the
    dash is the cue, the name before any comma the speaker."""
    out = []
    for m in _SIGNED.finditer(doc.text):
        dash = m.start() + m.group().rindex("—" if "—" in m.group() else "–", 0, m.start(2) - m.start())
        found = _spans(doc, (dash, dash + 1), m.span(1), m.span(2))
        if found is not None:
            out.append(found)
    return out


# After a quotation whose comma stands outside its closing mark (European and translated copies:
# «…», added Schiff), a verb of saying, then its subject: a name of at most five words or "the"
# and a noun, ending the sentence. The tagger, which learned "…,” added Schiff", misses it.
_INVERTED = re.compile(
    r"[”»\"][ \t]*,[ \t]*(said|says|added|adds|noted|notes|stated|states|declared|explained|wrote|"
    r"replied|answered|continued|insisted|stressed|emphasi[sz]ed|remarked|concluded)[ \t]+"
    r"((?:[Tt]he[ \t]+[a-z]+(?:[ \t]+[a-z]+)?)|(?:[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4}))"
    r"(?=[ \t]+(?:then|later|on[ \t]\w+|in[ \t]\w+)?[ \t]*[.;]|[ \t]*[.;])"
)


def inverted_lines(doc: Doc) -> list[tuple[Span, Span, Span]]:
    """(cue, content, source) for «…», added Schiff. and "…", the mayor said: the quotation that
    ends at the mark is the content."""
    by_end = {close_e: (s, e) for _, s, e, close_e in quotations(doc)}
    out = []
    for m in _INVERTED.finditer(doc.text):
        inner = by_end.get(m.start() + 1)
        if inner is None:
            continue
        found = _spans(doc, m.span(1), inner, m.span(2))
        if found is not None:
            out.append((found[0], trim(found[1]) or found[1], found[2]))
    return out


def _spans(
    doc: Doc, cue: tuple[int, int], content: tuple[int, int], source: tuple[int, int]
) -> tuple[Span, Span, Span] | None:
    """A rule's (cue, content, source) from their character bounds; None where one is not whole
    tokens."""
    spans = tuple(char_span(doc, *bounds) for bounds in (cue, content, source))
    return None if any(span is None for span in spans) else spans
