"""The words of a mention: what is a name, a title, an honorific or a possessive, and which words
of a source mention name who spoke (`source_head`). Read by the entities of an article
(entities.py) and by the speakers' resolution (attribution/speakers.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP")
SUBJECTS = ("nsubj", "nsubjpass")
# Honorifics: not part of a name, and they state a gender.
HONORIFICS = {
    "mr": "male", "mrs": "female", "ms": "female", "miss": "female", "sir": "male", "dame": "female",
    "lord": "male", "lady": "female", "madam": "female", "dr": None, "prof": None,
}  # fmt: skip
# Abbreviated titles: not part of a name, and "the senator" may repeat one.
TITLE_ABBREVIATIONS = {
    "sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "pres": "president",
    "sec": "secretary", "atty": "attorney", "lt": "lieutenant", "col": "colonel", "capt": "captain",
    "sgt": "sergeant", "amb": "ambassador", "adm": "admiral", "maj": "major", "cmdr": "commander",
}  # fmt: skip
# One office under its other names: "the congressman" repeats "Rep.".
TITLE_SYNONYMS = {
    "congressman": "representative",
    "congresswoman": "representative",
    "congressperson": "representative",
}
# Titles written out, which NER may take into the name they precede ("Councillor Brian Oakes").
NAME_TITLES = {
    "councillor", "councilor", "councilman", "councilwoman", "alderman", "commissioner", "sheriff",
    "mayor", "senator", "governor", "congressman", "congresswoman", "ambassador", "judge", "chancellor",
    "premier", "minister", "bishop", "rabbi", "imam", "pastor", "reverend", "inspector", "detective",
}  # fmt: skip
POSSESSIVE = {"'s", "’s", "'", "’"}
# Heads of "small groups of protesters", "a handful of senators": the collective includes the "of".
QUANTITY_WORDS = {
    "group", "number", "crowd", "pair", "dozen", "hundred", "thousand", "handful", "couple", "band",
}  # fmt: skip
INDEFINITE = {"a", "an", "one", "another", "some"}
# Head nouns of "the city of Phoenix": the place is the name after "of".
PLACE_WORDS = {"city", "town", "state", "country", "county", "province", "republic", "kingdom", "village"}
# Head nouns of a description that carries what someone else said: the speaker is the name inside.
CARRIERS = {
    "information", "data", "report", "statement", "figure", "estimate", "intelligence", "analysis",
    "study", "survey", "poll", "document", "record", "assessment", "finding", "account", "footage",
    "release", "filing", "testimony", "transcript", "letter", "tweet", "post", "message", "memo",
    "ad", "advertisement", "commercial", "video", "book", "article", "research", "paper", "ruling",
}  # fmt: skip
# Head nouns that make a description an organisation.
ORG_WORDS = {
    "army", "military", "navy", "force", "police", "agency", "ministry", "government", "administration",
    "department", "office", "council", "committee", "commission", "court", "parliament", "congress",
    "senate", "party", "company", "firm", "bank", "newspaper", "broadcaster", "network", "union",
    "campaign", "embassy", "regime", "authority", "service", "bureau", "institute", "university",
    "organisation", "organization", "group", "foundation", "association", "federation", "alliance",
    "coalition", "cabinet", "kremlin", "prosecutor's", "legion", "regiment", "battalion", "brigade",
    "unit", "team", "club", "channel", "outlet", "magazine", "website", "corporation", "board", "fund",
    "news", "times", "journal", "herald", "tribune", "press", "gazette", "telegraph", "inc", "corp",
}  # fmt: skip
# Roles only a person has: a name given one of these as its title is a person's.
PERSON_ROLES = {
    "president", "minister", "leader", "spokesman", "spokeswoman", "spokesperson", "chairman",
    "chairwoman", "chair", "director", "founder", "chief", "secretary", "senator", "governor", "mayor",
    "representative", "congressman", "congresswoman", "lawmaker", "deputy", "ambassador", "envoy",
    "general", "commander", "colonel", "captain", "officer", "sergeant", "soldier", "fighter",
    "dissident", "activist", "restaurateur", "businessman", "businesswoman", "entrepreneur", "owner",
    "executive", "ceo", "economist", "analyst", "professor", "scientist", "researcher", "expert",
    "doctor", "lawyer", "attorney", "judge", "prosecutor", "journalist", "reporter", "editor",
    "writer", "author", "poet", "singer", "musician", "actor", "actress", "player", "coach", "priest",
    "bishop", "pope", "king", "queen", "prince", "princess", "candidate", "nominee", "adviser",
    "advisor", "aide", "strategist", "diplomat", "politician", "official", "head", "teacher",
    "student", "resident", "mother", "father", "son", "daughter", "wife", "husband", "widow", "ally",
}  # fmt: skip
# Singular heads that still name a collective.
COLLECTIVE_WORDS = {
    "resistance", "opposition", "movement", "public", "community", "crowd", "family", "majority",
}  # fmt: skip
# Descriptions of anonymous speakers: nobody the article lets us name.
ANONYMOUS_WORDS = {
    "source", "official", "person", "people", "aide", "insider", "diplomat", "expert", "analyst",
    "observer", "witness", "someone", "spokesman", "spokeswoman", "spokesperson", "representative",
    "one", "man", "woman", "resident", "staffer", "adviser", "advisor",
}  # fmt: skip
# Relative pronouns that can be the subject of a clause of saying ("X, who said ..."): they stand for
# the phrase the clause hangs on. ("whose spokesman said" is the spokesman's: not here.)
RELATIVES = {"who", "which", "that"}
MAX_ANTECEDENT_TOKENS = 16  # longer, the phrase is more than a name and its description
PERSON_PRONOUNS = {
    "he": "male", "him": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "hers": "female", "herself": "female",
}  # fmt: skip


def relative_antecedent(token: Token) -> Span | None:
    """The phrase a relative pronoun subject stands for: "some commentators, who said" -> "some
    commentators"; "Kaine is a lawyer who said" -> "Kaine" (a copula's attribute is its subject);
    "Paul released a video that says" -> "Paul"."""
    verb = token.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:  # "X, who is running and who said"
        verb = verb.head
    if token.lower_ not in RELATIVES or token.dep_ not in SUBJECTS or verb.dep_ != "relcl":
        return None
    noun = verb.head
    if noun.lemma_.casefold() in CARRIERS and noun.dep_ == "dobj":
        # "Paul released a video that accuses ...": the video carries its maker's words.
        noun = next((c for c in noun.head.children if c.dep_ in SUBJECTS), noun)
        end = noun.right_edge.i + 1
    elif noun.dep_ == "attr":
        noun = next((c for c in noun.head.children if c.dep_ in SUBJECTS), noun)
        end = noun.right_edge.i + 1
    else:
        end = verb.left_edge.i  # the phrase ends where its relative clause begins
    doc = token.doc
    start = noun.left_edge.i
    # Within the noun's own line, without a mark the parse hung on it.
    breaks = [t.i for t in doc[start : noun.i] if "\n" in t.text_with_ws or t.is_quote]
    start = breaks[-1] + 1 if breaks else start
    if end - start > MAX_ANTECEDENT_TOKENS:
        start = min([c.i for c in noun.lefts if c.i >= start and c.dep_ in ("compound", "amod")] + [noun.i])
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start:end] if start <= noun.i < end else None


# --- names and titles ---------------------------------------------------------------------------


def is_possessive(token: Token) -> bool:
    return token.text in POSSESSIVE or token.tag_ == "POS"


def is_honorific(token: Token) -> bool:
    return token.text.rstrip(".").casefold() in HONORIFICS and token.pos_ == "PROPN"


def title_word(token: Token) -> bool:
    """An abbreviated title ("Sen.", "Gov."), which NER may take into the name."""
    return token.text.rstrip(".").casefold() in TITLE_ABBREVIATIONS and token.pos_ == "PROPN"


_TITLE_TAIL = re.compile(r"\s+(?:of|on|in|at|for|from|to|with)\s+", re.IGNORECASE)


def title_head(title: str) -> str:
    """A title's head word, written out: its last word before any preposition ("Sen." -> "senator",
    "opposition leader" -> "leader", "Mayor of New York" -> "mayor", "top Democrat on the House
    Intelligence Committee" -> "democrat")."""
    word = _TITLE_TAIL.split(title, 1)[0].split()[-1].rstrip(".").casefold()
    word = TITLE_ABBREVIATIONS.get(word, word)
    return TITLE_SYNONYMS.get(word, word)


def _not_name(token: Token) -> bool:
    pos = token.pos_
    if pos != "PROPN":
        return pos in ("DET", "PUNCT")
    word = token.text.rstrip(".").casefold()
    return word in HONORIFICS or word in TITLE_ABBREVIATIONS  # honorific or title_word


def written_title(token: Token) -> bool:
    """A title written out ("Councillor"), which NER may take into the name after it."""
    return token.pos_ == "PROPN" and token.text.casefold() in NAME_TITLES


def _title_before_name(token: Token, end: int) -> bool:
    following = token.doc[token.i + 1] if token.i + 1 < end else None
    return written_title(token) and following is not None and following.pos_ == "PROPN"


def trim(span: Span) -> Span | None:
    """The span without a leading determiner, honorific or title and without a trailing possessive
    or punctuation: "the Kremlin’s" -> "Kremlin", "Mr. Obama" -> "Obama", and (lowercase words NER
    took into a name) "restaurateur Prokopiev" -> "Prokopiev"."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (_not_name(doc[start]) or _title_before_name(doc[start], end)):
        start += 1
    lead = start
    while lead < end:
        token = doc[lead]
        if token.pos_ not in ("NOUN", "ADJ", "PROPN") or not token.text.islower():
            break
        lead += 1
    if start < lead < end and doc[lead].pos_ == "PROPN":
        start = lead
        while start < end and _not_name(doc[start]):
            start += 1
    while end > start:
        token = doc[end - 1]
        if not (token.pos_ == "PUNCT" or is_possessive(token)):
            break
        end -= 1
    return doc[start:end] if end > start else None


def entity_at(token: Token) -> Span | None:
    if token.ent_iob_ in ("B", "I") and token.ent_type_ in LABELS:
        doc = token.doc
        start = token.i
        while doc[start].ent_iob_ == "I":
            start -= 1
        end = token.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return doc[start:end]
    return None


def _foreign_word(token: Token) -> bool:
    """A word in another script ("习近平", "عبد"): in English news, a name. The tagger, trained on
    English, calls such words anything."""
    return token.is_alpha and all(ord(c) > 0x24F for c in token.text)


def _name_word(token: Token) -> bool:
    return (token.pos_ == "PROPN" or _foreign_word(token)) and not token.ent_type_


def _proper_run(token: Token) -> Span:
    """The run of proper nouns around `token` (a name spaCy's NER missed)."""
    doc = token.doc
    start, end = token.i, token.i + 1
    while start > 0 and _name_word(doc[start - 1]):
        start -= 1
    while end < len(doc) and _name_word(doc[end]):
        end += 1
    return doc[start:end]


@dataclass(frozen=True)
class SourceHead:
    """The words of a source mention that name who spoke."""

    span: Span
    kind: str  # name | pronoun | description
    type: str | None = None  # for a description: ORG, GROUP, or None when nobody can be named


def _name_in(token: Token, ends: Callable[[], set[str]]) -> Span | None:
    ent = entity_at(token)
    if ent is not None:
        return trim(ent)
    if token.ent_type_ or is_honorific(token):
        return None
    if token.pos_ == "PROPN" or _foreign_word(token) or (token.is_title and token.text in ends()):
        return trim(_proper_run(token))
    return None


def name_ends(doc: Doc) -> Callable[[], set[str]]:
    """The last words of the Doc's PERSON and ORG names, found at the first call and kept (doc.ents
    is rebuilt at each use): a capitalised word the tagger took for a common noun ("Trump" opening
    a sentence) names someone when NER labels it a name elsewhere in the article."""
    return cache(lambda: {e[-1].text for e in doc.ents if e.label_ in ("PERSON", "ORG")})


def source_head(source: Span, ends: Callable[[], set[str]] | None = None) -> SourceHead:
    """What in a source mention names the speaker: a pronoun; the name the mention is built on
    ("Belarussian opposition leader Svetlana Tikhanovskaya"); the name an information-carrier
    holds ("information gathered by NATO surveillance aircraft" -> NATO) or a place-word names
    ("the city of Phoenix"); else the description's core ("the Ukrainian army" -> ORG "Ukrainian
    army", "Belarus’s resistance" -> GROUP: a possessive modifier is not the speaker). A caller asking
    about many sources of one Doc passes `ends`, its name_ends(doc), to share it."""
    ends = ends or name_ends(source.doc)
    core = trim(source) or source
    root = core.root
    if root.pos_ == "PRON" and len(core) <= 2:
        return SourceHead(core[root.i - core.start : root.i - core.start + 1], "pronoun")
    name = _name_in(root, ends)
    if name is not None and _one_of(name, source):
        return SourceHead(source, "description")  # "One Republican": a person we cannot name
    if name is not None:
        name = _person_closing(core, root, name) or name
        if not (len(name) == 1 and role_word(name[0])):
            return SourceHead(name, "name")
        # "Lawmaker urges retaliation", "Senator from Texas says": a headline capitalises a role,
        # which names nobody; it is a description (the person, if any, is found as for one).
    lemma = root.lemma_.casefold()
    for child in root.children:
        inside = core.start <= child.i < core.end
        if inside and child.dep_ == "appos":  # "the opposition leader, Svetlana Tikhanovskaya"
            name = _name_in(child, ends)
        elif inside and lemma in PLACE_WORDS and child.lower_ == "of":
            name = next((_name_in(c, ends) for c in child.children if c.dep_ == "pobj"), None)
        if name is not None:
            return SourceHead(name, "name")
    if lemma in CARRIERS:
        for token in core:
            if token.ent_iob_ == "B" and token.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):
                name = trim(entity_at(token))
                if name is not None:
                    return SourceHead(name, "name")
    start, end = max(root.left_edge.i, core.start), root.i + 1
    while start < root.i and source.doc[start].pos_ in ("DET", "PUNCT"):
        start += 1
    kind = _description_type(root)
    of = [c for c in root.rights if c.lower_ == "of" and c.right_edge.i < core.end]
    if kind is None and root.tag_ in ("NNS", "NNPS") and (of or _specified(root)):
        kind = "GROUP"  # "Police officials", "Representatives of police": a group, if an unnamed one
    if of and (lemma in QUANTITY_WORDS or kind == "GROUP"):
        end, kind = of[0].right_edge.i + 1, "GROUP"  # its whole description: "members of Congress"
    return SourceHead(source.doc[start:end], "description", kind)


def role_word(token: Token) -> bool:
    """A role or title alone ("Senator", "Lawmaker"): it names nobody."""
    word = token.lemma_.casefold()
    return word in PERSON_ROLES or word in NAME_TITLES


def _person_closing(core: Span, root: Token, name: Span) -> Span | None:
    """The person's name that closes a description built on a party or title word: "The leading
    Democrat in the Intelligence Committee Adam Schiff", "Mayor of New York Bill de Blasio" (NER
    may take "Mayor" for a name). A name before the head ("Clinton's spokesman") does not count."""
    if name[-1].ent_type_ == "PERSON" and not (len(name) == 1 and name[0].lower_ in NAME_TITLES):
        return None
    last = core[-1]
    if last.i <= root.i or last.ent_type_ != "PERSON" or last.pos_ != "PROPN":
        return None
    person = trim(entity_at(last))
    return person if person is not None and person.start > root.i else None


def _specified(head: Token) -> bool:
    """Plural anonymous speakers that a noun or a nationality or party marks out as one group
    ("Police officials", "Republican senators"), unlike bare "officials" or "some people"."""
    return any(
        c.dep_ == "compound" or (c.dep_ == "amod" and c.ent_type_ in ("NORP", "ORG", "GPE"))
        for c in head.lefts
    )


def _one_of(name: Span, source: Span) -> bool:
    """A member of a nationality or party, indefinite: "One Republican", "a Democrat"."""
    if name[-1].ent_type_ != "NORP":
        return False
    before = source.doc[source.start : name.start]
    return name[-1].tag_ in ("NNP", "JJ") and any(t.lower_ in INDEFINITE for t in before)


def _description_type(head: Token) -> str | None:
    lemma = head.lemma_.casefold()
    if lemma in ANONYMOUS_WORDS or head.text.casefold() in ANONYMOUS_WORDS:
        return None
    if lemma in ORG_WORDS:
        return "ORG"
    if lemma in COLLECTIVE_WORDS or head.tag_ in ("NNS", "NNPS"):
        return "GROUP"
    if _national_institution(head, lemma):
        return "ORG"
    return None


def _national_institution(head: Token, lemma: str) -> bool:
    """ "the Polish border guard", "the Dutch coastguard": a definite singular thing of a nation or
    place that is not a person's role is one of its institutions."""
    lefts = list(head.lefts)
    definite = any(t.lower_ == "the" for t in lefts)
    national = any(t.ent_type_ in ("NORP", "GPE") for t in head.subtree if t.i < head.i)
    return definite and national and head.tag_ == "NN" and lemma not in PERSON_ROLES
