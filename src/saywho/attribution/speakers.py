"""Who spoke: each attribution's source mention resolved to an entity of the article.

A name resolves to its entity (named by its fullest form), a description to the ORG or GROUP entity
made for it, a pronoun by our own rules (DESIGN.md): salience and number first, within the
pronoun's paragraph and the one before it (the latest speaker of an attributed quote or subject of
a sentence), gender as a preference. When every plausible antecedent disagrees in gender the
latest one is still taken and the quote flagged `pronoun_gender_mismatch`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from saywho.attribution import Attribution
from saywho.checks import flag, unattributed
from saywho.entities import PERSON_PRONOUNS, quoted_mask, source_head
from saywho.model import Content, Cue, Entity, Mention, Quote, Speaker

KINDS = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "organization",
    "NORP": "organization",
    "GROUP": "group",
}
# Which entity types a pronoun can stand for.
PRONOUN_TYPES = {
    **{p: ("PERSON",) for p in PERSON_PRONOUNS},
    **{p: ("GROUP", "ORG", "NORP", "GPE") for p in ("they", "them", "their", "themselves")},
    **{p: ("ORG", "GPE", "GROUP") for p in ("it", "its", "itself")},
}
RELATIVES = {"who", "which", "that", "whom", "whose"}
SUBJECTS = ("nsubj", "nsubjpass")


def _mention(span: Span | None) -> Mention | None:
    return Mention(span.text, span.start_char, span.end_char) if span is not None else None


@dataclass
class _Context:
    """What resolution reads from the article: which entity each mention and token belongs to, the
    salient positions (subjects and attributed speakers), paragraphs, quoted tokens."""

    doc: Doc
    by_id: dict[str, Entity]
    by_span: dict[tuple[int, int], Entity]
    owner: list[Entity | None]
    events: list[tuple[int, str]]  # (char offset, entity id), sorted
    paragraphs: list[int]  # char offsets where a paragraph starts
    quoted: list[bool]

    def paragraph_start(self, pos: int, back: int = 1) -> int:
        """Start of the paragraph `back` paragraphs before the one holding `pos`."""
        i = bisect_right(self.paragraphs, pos) - 1
        return self.paragraphs[max(i - back, 0)]


def _context(doc: Doc, entities: list[Entity]) -> _Context:
    by_span, owner = {}, [None] * len(doc)
    for e in entities:
        for start, end in e.mentions:
            by_span[(start, end)] = e
            span = doc.char_span(start, end, alignment_mode="expand")
            for t in span or ():
                owner[t.i] = owner[t.i] or e
    quoted = quoted_mask(doc)
    events = [
        (t.idx, owner[t.i].id)
        for t in doc
        if t.dep_ in SUBJECTS and owner[t.i] is not None and not quoted[t.i]
    ]
    paragraphs = [0] + [i + 1 for i, ch in enumerate(doc.text) if ch == "\n"]
    by_id = {e.id: e for e in entities}
    return _Context(doc, by_id, by_span, owner, events, paragraphs, quoted)


def _compatible(entity: Entity, pronoun: str) -> bool:
    return entity.type in PRONOUN_TYPES[pronoun]


def _choose(candidates: list[Entity], pronoun: str) -> tuple[Entity | None, bool]:
    """The first candidate (latest first) whose gender does not contradict the pronoun; else the
    latest, marked as a mismatch."""
    want = PERSON_PRONOUNS.get(pronoun)
    for e in candidates:
        if want is None or e.gender in (None, want):
            return e, False
    return (candidates[0], True) if candidates else (None, False)


def _latest_first(ids: list[str], ctx: _Context, pronoun: str) -> list[Entity]:
    out: list[Entity] = []
    for eid in ids:
        e = ctx.by_id[eid]
        if _compatible(e, pronoun) and e not in out:
            out.append(e)
    return out


def _resolve_pronoun(token: Token, ctx: _Context) -> tuple[Entity | None, bool]:
    pronoun = token.lower_
    if pronoun in RELATIVES:
        head = token.head
        if head.dep_ == "relcl" and ctx.owner[head.head.i] is not None:
            return ctx.owner[head.head.i], False
        return None, False
    if pronoun not in PRONOUN_TYPES:
        return None, False  # "I", "we", "you": not the article's voice we can name
    pos = token.idx
    window = ctx.paragraph_start(pos)
    # Salient first: the latest subjects and speakers before the pronoun in its paragraph or the one before.
    lo, hi = bisect_left(ctx.events, (window, "")), bisect_left(ctx.events, (pos, ""))
    candidates = _latest_first([eid for _, eid in reversed(ctx.events[lo:hi])], ctx, pronoun)
    if not candidates:  # else any named mention there, nearest first
        start = ctx.doc.char_span(window, pos, alignment_mode="expand")
        first = start.start if start is not None else token.i
        ids = [
            ctx.owner[i].id
            for i in range(token.i - 1, first - 1, -1)
            if ctx.owner[i] is not None and not ctx.quoted[i]
        ]
        candidates = _latest_first(ids, ctx, pronoun)
    if not candidates:  # else the latest attributed speaker anywhere before
        candidates = _latest_first([eid for _, eid in reversed(ctx.events[:hi])], ctx, pronoun)[:1]
    return _choose(candidates, pronoun)


def _resolve(source: Span, ctx: _Context) -> tuple[Entity | None, list[str]]:
    head = source_head(source)
    if head.kind == "pronoun":
        entity, mismatch = _resolve_pronoun(head.span.root, ctx)
        return entity, ["pronoun_gender_mismatch"] if mismatch else []
    entity = ctx.by_span.get((head.span.start_char, head.span.end_char))
    if entity is None and head.kind == "name":
        entity = ctx.owner[head.span.root.i]
    return entity, []


def _speaker(entity: Entity | None, mention: Mention | None) -> Speaker:
    if entity is None:
        return Speaker(mention=mention)
    return Speaker(entity.name, entity.id, KINDS.get(entity.type, "unknown"), mention)


def _cue(span: Span | None) -> Cue | None:
    if span is None:
        return None
    lemma = "according to" if span.text.casefold() == "according to" else span.root.lemma_
    return Cue(span.text, lemma, span.start_char, span.end_char)


def to_quotes(doc: Doc, attributions: list[Attribution], entities: list[Entity]) -> list[Quote]:
    """The contract's Quote for each attribution (ids q1, q2, ... in text order), its speaker
    resolved to one of `entities`."""
    ctx = _context(doc, entities)
    quotes: list[Quote] = []
    spoken: dict[int, Speaker] = {}  # id(attribution) -> its speaker, for continued quotes
    for i, a in enumerate(sorted(attributions, key=lambda a: a.fragments[0]), 1):
        flags = list(a.flags)
        if a.source is None and a.follows is not None:
            before = spoken.get(id(a.follows), Speaker())
            speaker = Speaker(before.name, before.entity, before.kind, None)
            if speaker.entity is not None:
                insort(ctx.events, (a.start, speaker.entity))
        elif a.source is None:
            speaker = Speaker()
        else:
            entity, more = _resolve(a.source, ctx)
            flags += [f for f in more if f not in flags]
            speaker = _speaker(entity, _mention(a.source))
            if entity is not None:  # an attributed speaker is salient for the pronouns after it
                insort(ctx.events, (a.source.start_char, entity.id))
        spoken[id(a)] = speaker
        content = Content(doc.text[a.start : a.end], a.start, a.end, [list(f) for f in a.fragments])
        quote = Quote(
            id=f"q{i}",
            type=a.type,
            content=content,
            speaker=speaker,
            cue=_cue(a.cue),
            addressee=_mention(a.addressee),
            confidence=round(a.score, 3),
            flags=flags,
        )
        if unattributed(quote):
            flag(quote, "unattributed")
        quotes.append(quote)
    return quotes
