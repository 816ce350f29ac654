"""Consistency checks: quote flags and document warnings.

Document warnings point at machine-translation debris ("election. . stigmatized", "the the"); quote
flags mark what a reader should doubt: no speaker found, or an organisation speaking in the first
person singular where a person was expected. Flags set by earlier steps are kept.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from saywho.model import Entity, Quote, Warning

# A run of full stops and commas, perhaps spaced: ". .", ", ,", "..", "...".
PUNCTUATION_RUN = re.compile(r"[.,](?:[ \t]*[.,])+")
# On one line only: a title's last word and the next line's first are no doubling.
DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)[^\S\n]+(\1)\b", re.IGNORECASE)
# Doublings that English allows: "he had had enough", "that that was", "gave her her due", "no no".
LEGIT_DOUBLINGS = frozenset("had that is do her very no yes so bye ha knock".split())
# Function words: a capitalised doubling of one of these is debris, of anything else a name
# ("Bora Bora", "Walla Walla").
FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at for by with from as is are was were be it its this these those"
    " he she they we you i his her their our my".split()
)
# Cues of something a person does; an organisation "says" too, but not "I".
PERSON_CUES = frozenset(
    "say tell add explain recall insist admit confess exclaim shout whisper joke laugh sigh reply ask"
    " recount remember continue".split()
)
FIRST_PERSON_SINGULAR = frozenset(("i", "me", "my", "myself"))


def check(doc: Doc, quotes: list[Quote], entities: list[Entity]) -> list[Warning]:
    """Document warnings; quote flags (`unattributed`, `speaker_not_person`: this is the one place
    that sets them) are set in place."""
    by_id = {entity.id: entity for entity in entities}
    for quote in quotes:
        if unattributed(quote):
            flag(quote, "unattributed")
        if speaker_not_person(doc, quote, by_id):
            flag(quote, "speaker_not_person")
    text = doc.text  # built anew from the tokens at each use
    return sorted(garbled_punctuation(text) + doubled_words(text), key=lambda w: (w.start, w.code))


def flag(quote: Quote, code: str) -> None:
    """Add a flag to a quote once."""
    if code not in quote.flags:
        quote.flags.append(code)


def unattributed(quote: Quote) -> bool:
    """No speaker: neither a name, an entity nor a mention in the text (a continued quote has its
    speaker's name)."""
    speaker = quote.speaker
    return speaker.name is None and speaker.entity is None and speaker.mention is None


def speaker_not_person(doc: Doc, quote: Quote, entities: dict[str, Entity]) -> bool:
    """A first-person-singular direct quote, with a cue people use, given to an organisation that
    is not standing for a person or government (a metonym: "the Kremlin said")."""
    if quote.type != "direct" or quote.cue is None or quote.speaker.kind != "organization":
        return False
    if quote.cue.lemma.lower() not in PERSON_CUES:
        return False
    entity = entities.get(quote.speaker.entity or "")
    if entity is not None and (entity.refers_to is not None or entity.type == "PERSON"):
        return False
    return any(_first_person_singular(doc, start, end) for start, end in quote.content.fragments)


def _first_person_singular(doc: Doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(_pronoun_i(token) for token in span)


def _pronoun_i(token: Token) -> bool:
    if token.tag_ not in ("PRP", "PRP$") or token.lower_ not in FIRST_PERSON_SINGULAR:
        return False
    # "World War I", "Phase I": a numeral after a capitalised word, whatever the tagger says.
    return token.text != "I" or token.i == 0 or not token.nbor(-1).is_title


def garbled_punctuation(text: str) -> list[Warning]:
    """Runs like ". ." or ", ," or ".." that are neither an ellipsis nor an abbreviation's full
    stop before a comma ("Inc., said")."""
    warnings = []
    for match in PUNCTUATION_RUN.finditer(text):
        run = match.group()
        if not _debris(run):
            continue
        warnings.append(
            Warning(
                "garbled_punctuation",
                f"punctuation debris {run!r}, perhaps from machine translation",
                match.start(),
                match.end(),
            )
        )
    return warnings


def _debris(run: str) -> bool:
    marks = run.replace(" ", "").replace("\t", "")
    if re.fullmatch(r"\.{3,},?", marks):  # an ellipsis, spaced or not, perhaps before a comma
        return False
    return run != ".,"  # "Inc., said": an abbreviation's stop, then a comma


def doubled_words(text: str) -> list[Warning]:
    """A word written twice in a row ("the the"), except grammatical doublings and names."""
    warnings = []
    for match in DOUBLED_WORD.finditer(text):
        first, second = match.group(1), match.group(2)
        word = first.lower()
        if word in LEGIT_DOUBLINGS:
            continue
        if first[0].isupper() and second[0].isupper() and word not in FUNCTION_WORDS:
            continue
        warnings.append(
            Warning("doubled_word", f"word repeated: {match.group()!r}", match.start(), match.end())
        )
    return warnings
