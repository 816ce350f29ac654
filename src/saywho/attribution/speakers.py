"""Who spoke: each attribution's source mention resolved to an entity of the article.

A name resolves to its entity (named by its fullest form), a description to the ORG or GROUP entity
made for it, a pronoun by our own rules (DESIGN.md): salience and number first, within the
pronoun's paragraph and the one before it (the latest speaker of an attributed quote or subject of
a sentence), gender as a preference. When every plausible antecedent disagrees in gender the
latest one is still taken and the quote flagged `pronoun_gender_mismatch`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from heapq import merge

import numpy
from spacy.attrs import DEP, IDX
from spacy.tokens import Doc, Span, Token

from saywho.attribution import Attribution
from saywho.facts import inside_quotes, paragraph_starts, sentence, sentence_start, without_furniture
from saywho.mentions import PERSON_PRONOUNS, RELATIVES, SUBJECTS, name_ends, relative_antecedent, source_head
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
    # A place is "it": a plural "they" after "the United States" means people in it (BENCHMARKS.md).
    **{p: ("GROUP", "ORG", "NORP") for p in ("they", "them", "their", "themselves")},
    **{p: ("ORG", "GPE", "GROUP") for p in ("it", "its", "itself")},
}


def _mention(span: Span | None) -> Mention | None:
    return Mention(span.text, span.start_char, span.end_char) if span is not None else None


class _Salient:
    """Who was salient where: (char offset, entity id) of the sentences' subjects, fixed, and of the
    attributed speakers, added in text order as quotes are resolved; both kept sorted, and by
    entity type too, so that a pronoun's lookups are bisections, not scans of the article."""

    def __init__(self, subjects: list[tuple[int, str]], by_id: dict[str, Entity]) -> None:
        self._by_id = by_id
        self._fixed = sorted(subjects)
        self._added: list[tuple[int, str]] = []  # appended at or near its end: quotes come in order
        self._fixed_by_type: dict[str, list[tuple[int, str]]] = {}
        self._added_by_type: dict[str, list[tuple[int, str]]] = {}
        for event in self._fixed:
            self._fixed_by_type.setdefault(by_id[event[1]].type, []).append(event)

    def add(self, offset: int, entity: str) -> None:
        insort(self._added, (offset, entity))
        insort(self._added_by_type.setdefault(self._by_id[entity].type, []), (offset, entity))

    def between(self, start: int, end: int) -> Iterator[str]:
        """Ids of the events at offsets from start to before end, latest first."""
        lo, hi = (start, ""), (end, "")
        fixed = self._fixed[bisect_left(self._fixed, lo) : bisect_left(self._fixed, hi)]
        added = self._added[bisect_left(self._added, lo) : bisect_left(self._added, hi)]
        return (eid for _, eid in reversed(list(merge(fixed, added))))

    def latest(self, types: Iterable[str], end: int) -> str | None:
        """Id of the last event before offset `end` whose entity is of one of `types`."""
        found = []
        for kind in types:
            for events in (self._fixed_by_type.get(kind, []), self._added_by_type.get(kind, [])):
                k = bisect_left(events, (end, ""))
                if k:
                    found.append(events[k - 1])
        return max(found)[1] if found else None


@dataclass
class _Context:
    """What resolution reads from the article: which entity each mention and token belongs to, the
    salient positions (subjects and attributed speakers), paragraphs, quoted tokens."""

    doc: Doc
    by_id: dict[str, Entity]
    by_span: dict[tuple[int, int], Entity]
    owner: list[Entity | None]
    events: _Salient
    paragraphs: list[int]  # char offsets where a paragraph starts
    quoted: list[bool]
    name_ends: Callable[[], set[str]]  # for source_head

    def paragraph_start(self, pos: int, back: int = 1) -> int:
        """Start of the paragraph `back` paragraphs before the one holding `pos`."""
        i = bisect_right(self.paragraphs, pos) - 1
        return self.paragraphs[max(i - back, 0)]


def _context(doc: Doc, entities: list[Entity], attributions: list[Attribution]) -> _Context:
    by_span, owner = {}, [None] * len(doc)
    for e in entities:
        for start, end in e.mentions:
            by_span[(start, end)] = e
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    owner[i] = owner[i] or e
    # Names inside what is quoted or reported are not antecedents for the attribution's pronouns.
    quoted = inside_quotes(doc)
    for a in attributions:
        for start, end in a.fragments:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                quoted[span.start : span.end] = [True] * len(span)
    # Subjects found on the Doc's arrays, without a Token object for every word.
    offsets = doc.to_array(IDX).tolist()
    subjects = numpy.isin(doc.to_array(DEP), [doc.vocab.strings[d] for d in SUBJECTS])
    events = [
        (offsets[i], owner[i].id)
        for i in numpy.flatnonzero(subjects).tolist()
        if owner[i] is not None and not quoted[i]
    ]
    by_id = {e.id: e for e in entities}
    salient = _Salient(events, by_id)
    return _Context(doc, by_id, by_span, owner, salient, paragraph_starts(doc), quoted, name_ends(doc))


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


def _latest_first(ids: Iterable[str], ctx: _Context, pronoun: str, limit: int | None = None) -> list[Entity]:
    """The entities of `ids` (given nearest first) that the pronoun can stand for, each once."""
    out: list[Entity] = []
    seen: set[str] = set()
    for eid in ids:
        e = ctx.by_id[eid]
        if eid not in seen and _compatible(e, pronoun):
            seen.add(eid)
            out.append(e)
            if len(out) == limit:
                break
    return out


def _modifier(token: Token) -> bool:
    """A name that only describes a thing ("the Clinton phone bank", "the Trump campaign")."""
    while token.dep_ == "compound" and token.head.pos_ == "PROPN":
        token = token.head
    return token.dep_ == "compound" and token.head.pos_ == "NOUN"


def _named_before(token: Token, first: int, ctx: _Context, upto: int | None = None) -> list[str]:
    """Entities named (outside quotes) from token `first` up to the pronoun (or token `upto`),
    nearest first; for "he" or "she", not names that only modify a noun ("they" may be the GOP of
    "GOP efforts")."""
    person = token.lower_ in PERSON_PRONOUNS
    return [
        ctx.owner[i].id
        for i in range((token.i if upto is None else upto) - 1, first - 1, -1)
        if ctx.owner[i] is not None and not ctx.quoted[i] and not (person and _modifier(ctx.doc[i]))
    ]


def _resolve_pronoun(token: Token, ctx: _Context) -> tuple[Entity | None, bool]:
    pronoun = token.lower_
    if pronoun not in PRONOUN_TYPES:
        return None, False  # "I", "we", "you": not the article's voice we can name
    pos = token.idx
    window = ctx.doc.char_span(ctx.paragraph_start(pos), pos, alignment_mode="expand")
    first = window.start if window is not None else token.i
    # Salient first: the latest subjects and speakers before it, in its paragraph or the one before;
    # then anyone named in its sentence or the one before (gender may choose them).
    ids = list(ctx.events.between(ctx.paragraph_start(pos), pos))
    k = sentence(ctx.doc, token.i)
    own, previous = max(sentence_start(ctx.doc, k), first), max(sentence_start(ctx.doc, max(k - 1, 0)), first)
    # Its own sentence's names before the salient ones, the sentence before's after them.
    here, before = _named_before(token, own, ctx), _named_before(token, previous, ctx, upto=own)
    candidates = _latest_first(here + ids + before, ctx, pronoun)
    if not candidates:  # else anyone named in the window, nearest first
        candidates = _latest_first(_named_before(token, first, ctx), ctx, pronoun)
    if not candidates:  # else the latest attributed speaker or subject anywhere before
        latest = ctx.events.latest(PRONOUN_TYPES[pronoun], pos)
        candidates = [ctx.by_id[latest]] if latest is not None else []
    return _choose(candidates, pronoun)


def _resolve(source: Span, ctx: _Context) -> tuple[Entity | None, list[str]]:
    head = source_head(source, ctx.name_ends)
    if head.kind == "pronoun" and head.span.root.lower_ in RELATIVES:
        # "who" names the person it stands for (the mention stays "who"); unresolved, nobody.
        phrase = relative_antecedent(head.span.root)
        if phrase is None:
            return None, []
        entity, flags = _resolve(phrase, ctx)
        if entity is None:  # "an academic named Eric Kingson, who": the person the phrase names
            named = [ctx.owner[t.i] if not _modifier(t) else None for t in phrase]
            entity = next((e for e in reversed(named) if e is not None and e.type == "PERSON"), None)
        return entity, flags
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
    """The contract's cue: the reporting verb with its auxiliaries and particles ("has said",
    "pointed out"), without what the tagger ran on into ("said at a rally", "said of")."""
    if span is None:
        return None
    if span.text.casefold() == "according to":
        return Cue(span.text, "according to", span.start_char, span.end_char)
    verbal = [t.i for t in span if t.pos_ in ("VERB", "AUX") or t.dep_ == "prt"]
    if verbal:
        span = span.doc[span.start : verbal[-1] + 1]
    return Cue(span.text, span.root.lemma_, span.start_char, span.end_char)


def to_quotes(doc: Doc, attributions: list[Attribution], entities: list[Entity]) -> list[Quote]:
    """The contract's Quote for each attribution (ids q1, q2, ... in text order), its speaker
    resolved to one of `entities`."""
    text = doc.text  # built anew from the tokens at each use
    ctx = _context(doc, entities, attributions)
    quotes: list[Quote] = []
    spoken: dict[int, Speaker] = {}  # id(attribution) -> its speaker, for continued quotes
    for i, a in enumerate(sorted(attributions, key=lambda a: a.fragments[0]), 1):
        flags = list(a.flags)
        if a.source is None and a.follows is not None:
            before = spoken.get(id(a.follows), Speaker())
            speaker = Speaker(before.name, before.entity, before.kind, None)
            if speaker.entity is not None:
                ctx.events.add(a.start, speaker.entity)
        elif a.source is None or without_furniture(a.source) is None:
            speaker = Speaker()  # "WASHINGTON (AP) —" says where the story was filed, not who spoke
        else:
            source = without_furniture(a.source)
            entity, more = _resolve(source, ctx)
            flags += [f for f in more if f not in flags]
            speaker = _speaker(entity, _mention(source))
            if entity is not None:  # an attributed speaker is salient for the pronouns after it
                ctx.events.add(source.start_char, entity.id)
        spoken[id(a)] = speaker
        content = Content(text[a.start : a.end], a.start, a.end, [list(f) for f in a.fragments])
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
        quotes.append(quote)
    return quotes
