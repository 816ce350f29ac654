"""Who spoke: each attribution's source mention resolved to a named entity."""

from __future__ import annotations

from spacy.tokens import Doc

from saywho.attribution import Attribution
from saywho.model import Content, Cue, Entity, Mention, Quote, Speaker


def _mention(span) -> Mention | None:
    return Mention(span.text, span.start_char, span.end_char) if span is not None else None


def to_quotes(doc: Doc, attributions: list[Attribution], entities: list[Entity]) -> list[Quote]:
    quotes = []
    text = doc.text
    for i, a in enumerate(attributions, 1):
        content = Content(text[a.start : a.end], a.start, a.end, [list(f) for f in a.fragments])
        speaker = Speaker(name=a.source.text if a.source is not None else None, mention=_mention(a.source))
        cue = Cue(a.cue.text, a.cue.root.lemma_, a.cue.start_char, a.cue.end_char) if a.cue is not None else None
        quotes.append(Quote(id=f"q{i}", type=a.type, content=content, speaker=speaker, cue=cue,
                            addressee=_mention(a.addressee), confidence=round(a.score, 3), flags=list(a.flags)))
    return quotes
