"""The people, organisations, places and groups of one article.

Named mentions come from spaCy's NER, from the attributions' sources, and from later bare uses of a
name already seen that NER missed. They are grouped within the article ("Vladimir Putin", "Putin",
"Putin’s"), typed (spaCy's label where the article agrees with itself, the first-name list and the
metonym table where it does not), and given titles, a gender and, for a metonym, the state it
stands for. Sources that are descriptions become ORG or GROUP entities ("the Ukrainian army").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources

import numpy
from spacy.attrs import IS_ALPHA, ORTH, POS
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from saywho.attribution import Attribution
from saywho.model import Entity

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
# Titles written out, which NER may take into the name they precede ("Councillor Brian Oakes").
NAME_TITLES = {
    "councillor", "councilor", "councilman", "councilwoman", "alderman", "commissioner", "sheriff",
    "mayor", "senator", "governor", "congressman", "congresswoman", "ambassador", "judge", "chancellor",
    "premier", "minister", "bishop", "rabbi", "imam", "pastor", "reverend", "inspector", "detective",
}  # fmt: skip
POSSESSIVE = {"'s", "’s", "'", "’"}
DEFINITE = {"the", "this", "that", "these", "those"}
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
PERSON_PRONOUNS = {
    "he": "male", "him": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "hers": "female", "herself": "female",
}  # fmt: skip
OPEN_QUOTES, CLOSE_QUOTES = "“‘«", "”’»"


# --- data files ---------------------------------------------------------------------------------


def _data_lines(name: str) -> list[list[str]]:
    text = resources.files("saywho").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First name (casefolded) -> "male" / "female", for names that are not shared."""
    out = {}
    for name, g in _data_lines("first_names.tsv") + _data_lines("first_names_extra.tsv"):
        out[name.casefold()] = "male" if g == "m" else "female"
    return out


@dataclass(frozen=True)
class Metonym:
    form: str
    kind: str  # capital | seat | alias
    state: str
    state_type: str


@lru_cache(maxsize=1)
def metonyms() -> dict[str, Metonym]:
    """Casefolded form -> what it stands for (see data/metonyms.tsv)."""
    return {row[0].casefold(): Metonym(*row) for row in _data_lines("metonyms.tsv")}


# --- spans: trimming, names in a source ---------------------------------------------------------


def _is_possessive(token: Token) -> bool:
    return token.text in POSSESSIVE or token.tag_ == "POS"


def _honorific(token: Token) -> bool:
    return token.text.rstrip(".").casefold() in HONORIFICS and token.pos_ == "PROPN"


def _title_word(token: Token) -> bool:
    """An abbreviated title ("Sen.", "Gov."), which NER may take into the name."""
    return token.text.rstrip(".").casefold() in TITLE_ABBREVIATIONS and token.pos_ == "PROPN"


def title_head(title: str) -> str:
    """A title's last word, written out: "Sen." -> "senator", "opposition leader" -> "leader"."""
    word = title.split()[-1].rstrip(".").casefold()
    return TITLE_ABBREVIATIONS.get(word, word)


def _not_name(token: Token) -> bool:
    pos = token.pos_
    if pos != "PROPN":
        return pos in ("DET", "PUNCT")
    word = token.text.rstrip(".").casefold()
    return word in HONORIFICS or word in TITLE_ABBREVIATIONS  # _honorific or _title_word


def _written_title(token: Token) -> bool:
    """A title written out ("Councillor"), which NER may take into the name after it."""
    return token.pos_ == "PROPN" and token.text.casefold() in NAME_TITLES


def _title_before_name(token: Token, end: int) -> bool:
    following = token.doc[token.i + 1] if token.i + 1 < end else None
    return _written_title(token) and following is not None and following.pos_ == "PROPN"


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
        if not (token.pos_ == "PUNCT" or _is_possessive(token)):
            break
        end -= 1
    return doc[start:end] if end > start else None


def _key(span: Span) -> tuple[str, ...]:
    return tuple(t.text.replace("’", "'").casefold() for t in span if not _is_possessive(t))


def _text(span: Span) -> str:
    """The span as written, whitespace runs (line breaks inside a name) made single spaces."""
    return " ".join(span.text.split())


def _ent_at(token: Token) -> Span | None:
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
    ent = _ent_at(token)
    if ent is not None:
        return trim(ent)
    if token.ent_type_ or _honorific(token):
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
        return SourceHead(name, "name")
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
                name = trim(_ent_at(token))
                if name is not None:
                    return SourceHead(name, "name")
    start, end = max(root.left_edge.i, core.start), root.i + 1
    while start < root.i and source.doc[start].pos_ in ("DET", "PUNCT"):
        start += 1
    kind = _description_type(root)
    of = [c for c in root.rights if c.lower_ == "of" and c.right_edge.i < core.end]
    if lemma in QUANTITY_WORDS and of:
        end, kind = of[0].right_edge.i + 1, "GROUP"
    return SourceHead(source.doc[start:end], "description", kind)


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


def sentence_starts(doc: Doc) -> list[int]:
    """The index of each sentence's first token, in order (token.sent is linear in the Doc: use
    bisect on this instead)."""
    return ([s.start for s in doc.sents] if doc.has_annotation("SENT_START") else []) or [0]


def sentence_of(starts: list[int], i: int) -> int:
    """The position in `starts` of the sentence holding token i."""
    return bisect_right(starts, i) - 1


def quoted_mask(doc: Doc) -> list[bool]:
    """For each token, whether it stands between quotation marks (within one paragraph)."""
    n = len(doc)
    if n == 0:
        return []
    # A word of letters is neither a mark nor a line break; each other distinct text is looked at
    # once, then only the marks and line breaks are visited.
    orth_alpha = doc.to_array([ORTH, IS_ALPHA])
    others = numpy.flatnonzero(orth_alpha[:, 1] == 0)
    distinct, inverse = numpy.unique(orth_alpha[others, 0], return_inverse=True)
    strings = doc.vocab.strings
    kinds = numpy.array([_mark_kind(strings[h]) for h in distinct.tolist()], dtype=numpy.int8)[inverse]
    marked = kinds != 0
    mask = numpy.zeros(n, dtype=bool)
    inside, after = False, 0
    for i, kind in zip(others[marked].tolist(), kinds[marked].tolist(), strict=True):
        if inside:
            mask[after:i] = True
        if kind == _LINE_BREAK:
            mask[i], inside = inside, False
        elif kind == _OPEN or (kind == _STRAIGHT and not inside):
            mask[i] = inside = True
        else:  # a closing mark, or a straight one inside
            mask[i], inside = True, False
        after = i + 1
    if inside:
        mask[after:] = True
    return mask.tolist()


# What a token's text is to quoted_mask (a token's trailing whitespace is at most one space).
_LINE_BREAK, _OPEN, _STRAIGHT, _CLOSE = 1, 2, 3, 4


def _mark_kind(text: str) -> int:
    if "\n" in text:
        return _LINE_BREAK
    if text in OPEN_QUOTES:
        return _OPEN
    if text == '"':
        return _STRAIGHT
    if text in CLOSE_QUOTES:
        return _CLOSE
    return 0


# --- grouping mentions --------------------------------------------------------------------------


@dataclass
class _Mention:
    span: Span
    label: str | None  # spaCy's label; None for a source or a name NER missed
    key: tuple[str, ...]
    honorific: str | None = None  # gender an honorific before the name gives ("" for none stated)
    article: bool = False  # written with "the" before it

    @cached_property
    def text(self) -> str:
        return _text(self.span)

    @cached_property
    def titles(self) -> list[str]:
        """The titles written with this mention (before it, or in apposition)."""
        return [t for t in [_title_before(self.span), *_appositions(self.span)] if t]


@dataclass
class _Cluster:
    mentions: list[_Mention] = field(default_factory=list)
    type: str | None = None  # fixed for metonyms and states at once, for the others once grouped
    metonym: Metonym | None = None  # what a capital or seat of power stands for
    state: str | None = None  # the state's own name, for a state however it is written

    starts: list[int] = field(default_factory=list)  # the mentions' first tokens, sorted

    def add(self, m: _Mention) -> None:
        self.mentions.append(m)
        insort(self.starts, m.span.start)

    def latest(self, i: int) -> int:
        """The start of the last mention at or before token i; -1 for none."""
        k = bisect_right(self.starts, i)
        return self.starts[k - 1] if k else -1


def _mention(span: Span, label: str | None) -> _Mention | None:
    trimmed = trim(span)
    if trimmed is None:
        return None
    doc = span.doc
    before = doc[trimmed.start - 1] if trimmed.start > 0 else None
    honorific = None
    if before is not None and _honorific(before):
        honorific = HONORIFICS[before.text.rstrip(".").casefold()] or ""
    article = before is not None and before.lower_ == "the"
    return _Mention(trimmed, label, _key(trimmed), honorific, article)


def _collect(
    doc: Doc, attributions: list[Attribution]
) -> tuple[list[_Mention], list[tuple[SourceHead, Span]]]:
    mentions: dict[tuple[int, int], _Mention] = {}
    for ent in doc.ents:
        if ent.label_ in LABELS:
            m = _mention(ent, ent.label_)
            if m is not None:
                mentions.setdefault((m.span.start, m.span.end), m)
    descriptions = []
    ends = name_ends(doc)
    for a in attributions:
        if a.source is None:
            continue
        head = source_head(a.source, ends)
        if head.kind == "name":
            m = _mention(head.span, None)
            if m is not None and not any(t.ent_type_ in LABELS for t in m.span):
                mentions.setdefault((m.span.start, m.span.end), m)
        elif head.kind == "description":
            descriptions.append((head, a.source))
    named = sorted(mentions.values(), key=lambda m: m.span.start)
    return named + _missed(doc, named), descriptions


def _missed(doc: Doc, named: list[_Mention]) -> list[_Mention]:
    """Later bare uses of a person's or organisation's name that NER did not label."""
    covered = numpy.zeros(len(doc), dtype=bool)
    for m in named:
        covered[m.span.start : m.span.end] = True
    names = first_names()
    keys = set()
    for m in named:
        if m.label in ("PERSON", "ORG", None):
            keys.add(m.key)
            if len(m.key) > 1 and (m.label != "ORG" or m.key[0] in names):
                keys.add(m.key[-1:])  # a person's surname; an organisation's last word is no name
    if not keys:
        return []
    longest = max(len(k) for k in keys)
    firsts = {k[0] for k in keys if k}
    words: dict[int, str | None] = {}  # token -> its word in a key (None: a possessive), as needed

    def word(j: int) -> str | None:
        if j not in words:
            t = doc[j]
            words[j] = None if _is_possessive(t) else t.text.replace("’", "'").casefold()
        return words[j]

    out = []
    free = 0  # tokens before this one belong to a name found already
    candidates = numpy.flatnonzero((doc.to_array(POS) == PROPN) & ~covered).tolist()
    for i in candidates:
        if i < free or (word(i) is not None and word(i) not in firsts):
            continue  # no key starts with this word
        for n in range(min(longest, len(doc) - i), 0, -1):
            if covered[i : i + n].any():
                continue
            if tuple(w for w in map(word, range(i, i + n)) if w is not None) in keys:
                found = _mention(doc[i : i + n], None)
                if found is not None:
                    out.append(found)
                    free = found.span.end
                break
    return out


def _personish(m: _Mention) -> bool:
    return m.label in ("PERSON", "ORG", None)


def _cluster(mentions: list[_Mention]) -> list[_Cluster]:
    table = metonyms()
    states = {m.state.casefold(): m for m in table.values()}
    by_key: dict[tuple[str, ...], _Cluster] = {}
    by_ends: dict[tuple[str, str], _Cluster] = {}  # a full name's first and last word
    clusters: list[_Cluster] = []

    def get(key: tuple[str, ...]) -> _Cluster:
        if key not in by_key:
            by_key[key] = _Cluster()
            clusters.append(by_key[key])
        return by_key[key]

    surnames = {m.key[-1] for m in mentions if len(m.key) > 1 and m.label in ("PERSON", None)}
    rest = []
    for m in mentions:
        joined = " ".join(m.key)
        meto = table.get(joined) or states.get(joined)
        if meto is not None and m.label != "PERSON" and m.key[-1] not in surnames:
            if meto.kind == "alias" or joined == meto.state.casefold():
                c = get(tuple(meto.state.casefold().split()))
                c.state, c.type = meto.state, meto.state_type
            else:
                c = get(m.key)
                c.metonym, c.type = meto, ("GPE" if meto.kind == "capital" else "ORG")
            c.add(m)
        elif len(m.key) > 1:
            c = by_key.get(m.key)
            if c is None and _personish(m):
                c = by_ends.get((m.key[0], m.key[-1]))
            c = c or get(m.key)
            if _personish(m):
                by_ends.setdefault((m.key[0], m.key[-1]), c)
            by_key.setdefault(m.key, c)
            c.add(m)
        else:
            rest.append(m)
    # Bare names, in text order: a surname goes to the full name most recently seen, so that two
    # people sharing it stay apart.
    surname: dict[str, list[_Cluster]] = {}
    given: dict[str, list[_Cluster]] = {}
    for c in clusters:
        for m in c.mentions:
            if len(m.key) > 1 and _personish(m):
                for index, word in ((surname, m.key[-1]), (given, m.key[0])):
                    found = index.setdefault(word, [])
                    if not any(f is c for f in found):
                        found.append(c)
    full = {id(c) for found in surname.values() for c in found}
    # What each cluster's full names say, once: the bare names added below are none of them.
    named: dict[int, _FullNames] = {}

    def facts(c: _Cluster) -> _FullNames:
        if id(c) not in named:
            named[id(c)] = _FullNames.of(c)
        return named[id(c)]

    for m in rest:
        c = by_key.get(m.key)
        if _personish(m) and (c is None or id(c) in full):
            c = _full_name_for(m, surname.get(m.key[0], []), given.get(m.key[0], []), facts) or c
        c = c or get(m.key)
        by_key.setdefault(m.key, c)
        c.add(m)
    return clusters


@dataclass
class _FullNames:
    """What a cluster's full names (two words or more) tell _full_name_for, gathered in one pass
    over its mentions rather than at each bare name that asks."""

    genders: set[str]  # what the name list says of their first words
    first: int | None  # the first one's first token
    keys: set[tuple[str, ...]]
    shapes: set[tuple[tuple[str, ...], bool]]  # (key, first word all capitals: "AG Mukasey")
    subjects: list[int]  # first tokens, sorted, of those that are a subject

    @classmethod
    def of(cls, c: _Cluster) -> _FullNames:
        names = first_names()
        full = [x for x in c.mentions if len(x.key) > 1]
        return cls(
            genders={_listed_gender(x.key, names) for x in full} - {None},
            first=min((x.span.start for x in full), default=None),
            keys={x.key for x in full},
            shapes={(x.key, x.span[0].is_upper and x.span[0].is_alpha) for x in full},
            subjects=sorted(x.span.start for x in full if x.span.root.dep_ in SUBJECTS),
        )


def _full_name_for(
    m: _Mention, surname: list[_Cluster], given: list[_Cluster], facts: Callable[[_Cluster], _FullNames]
) -> _Cluster | None:
    """The full name a bare surname stands for (else a bare first name, one the name list knows):
    the one introduced first, the article's principal, as news names a namesake in full ("his wife,
    Heidi Cruz") and keeps the bare surname for the principal; but where namesakes were the subject
    of this sentence or the last, named in full ("Hillary Clinton answered. Clinton said ..."), the
    first of those. "Mr. Obama" is not Michelle. `facts` gives a cluster's _FullNames."""
    names = first_names()
    sent = m.span.sent.start
    recent = m.span.doc[sent - 1].sent.start if sent > 0 else sent

    def agrees(c: _Cluster) -> bool:
        stated = facts(c).genders
        return not m.honorific or not stated or stated == {m.honorific}

    def introduced(c: _Cluster, others: set[tuple[str, ...]]) -> tuple[bool, int]:
        """Names of a person's shape first (two or three words, not "AG Mukasey", nor a headline's
        "Rip Donald Trump" where "Donald Trump" is a name too), then by their first full mention."""
        found = facts(c)
        shaped = any(
            len(key) <= 3
            and not capitals  # "AG", not "J.D."
            and not any(len(k) < len(key) and key[-len(k) :] == k for k in others)
            for key, capitals in found.shapes
        )
        return not shaped, c.starts[0] if found.first is None else found.first

    def subject_lately(c: _Cluster) -> bool:
        """Named in full as a subject from the sentence before up to m."""
        subjects = facts(c).subjects
        k = bisect_left(subjects, recent)
        return k < len(subjects) and subjects[k] < m.span.start

    for matches in (surname, given if m.key[0] in names and m.honorific is None else []):
        matches = [c for c in matches if agrees(c)]
        if matches:
            keys = set().union(*(facts(c).keys for c in matches))
            just = [c for c in matches if subject_lately(c)]
            return min(just or matches, key=lambda c: introduced(c, keys))
    return None


# --- what the text says of a cluster ------------------------------------------------------------


def _title_before(span: Span) -> str | None:
    """The title words written just before a name: "Russian President", "dissidents and
    restaurateur" (not a determiner, a verb or another person's name)."""
    doc = span.doc
    i = span.start - 1
    if i >= 0 and _honorific(doc[i]):
        i -= 1
    end = i + 1
    if (
        i < 0
        or doc[i].pos_ not in ("NOUN", "PROPN")
        or (doc[i].ent_type_ == "PERSON" and not (_title_word(doc[i]) or _written_title(doc[i])))
    ):
        return None
    while i >= 0 and span.start - i <= 8:
        t = doc[i]
        in_name = t.ent_type_ == "PERSON" and not (_title_word(t) or _written_title(t))
        if in_name or _is_possessive(t) or "\n" in t.whitespace_:
            break
        if t.pos_ in ("NOUN", "PROPN", "ADJ") or (t.text == "-" and not t.whitespace_):
            i -= 1
        elif t.pos_ == "CCONJ" and i > 0 and doc[i - 1].pos_ in ("NOUN", "PROPN", "ADJ"):
            i -= 1
        elif t.lower_ == "of" and i > 0 and doc[i - 1].is_title and doc[i + 1].is_title:
            i -= 1  # "Secretary of State"
        else:
            break
    start = i + 1
    while start < end and doc[start].pos_ in ("CCONJ", "PUNCT"):
        start += 1
    return _text(doc[start:end]) if start < end else None


def _appositions(span: Span) -> list[str]:
    """Common-noun appositions of a name: "X, the mayor of Y," -> "mayor of Y"."""
    out = []
    for child in span.root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i >= span.end:
            start, end = child.left_edge.i, child.right_edge.i + 1
            while start < end and span.doc[start].pos_ in ("DET", "PUNCT"):
                start += 1
            while end > start and span.doc[end - 1].pos_ == "PUNCT":
                end -= 1
            if 0 < end - start <= 12:
                out.append(_text(span.doc[start:end]))
    return out


def _cluster_type(c: _Cluster) -> str:
    if c.type is not None:
        return c.type
    names = first_names()
    labels = Counter(m.label for m in c.mentions if m.label)
    full = [m for m in c.mentions if len(m.key) > 1]
    if any(m.label == "PERSON" for m in full) or any(m.honorific is not None for m in c.mentions):
        return "PERSON"
    if any(m.key[0] in names and m.label in ("PERSON", "ORG", None) for m in full):
        return "PERSON"  # a known first name: NER's ORG for "Vadim Prokopiev" is a slip
    if not labels:
        words = {t.lemma_.casefold() for m in c.mentions for t in m.span}
        return "ORG" if words & ORG_WORDS else "PERSON"
    if any(title_head(t) in PERSON_ROLES for t in _titles(c)):
        return "PERSON"  # what the text says of it: "restaurateur Prokopiev" is no organisation
    return labels.most_common(1)[0][0]


def _titles(c: _Cluster) -> list[str]:
    out: list[str] = []
    for m in c.mentions:
        for t in m.titles:
            if t not in out:
                out.append(t)
    return out


def _pronoun_gender(
    c: _Cluster, owner: list[_Cluster | None], quoted: list[bool], starts: list[int]
) -> str | None:
    """The gender that "he"/"his" or "she"/"her" after the person's name gives, when no other
    person is named between the name and the pronoun (within the next sentence)."""
    votes = Counter()
    for m in c.mentions:
        if quoted[m.span.start]:
            continue
        doc = m.span.doc
        k = sentence_of(starts, m.span.start) + 2
        limit = starts[k] if k < len(starts) else len(doc)
        for i in range(m.span.end, limit):
            other = owner[i]
            if other is not None and other is not c and other.type == "PERSON":
                break
            g = PERSON_PRONOUNS.get(doc[i].lower_)
            if g and not quoted[i] and doc[i].pos_ == "PRON":
                votes[g] += 1
                break
    return votes.most_common(1)[0][0] if len(votes) == 1 else None


def _listed_gender(key: tuple[str, ...], names: dict[str, str]) -> str | None:
    """The gender the name list gives a name's first word; for a hyphenated first name ("Jo-Renee",
    "Jean-Luc") only where the parts it knows agree."""
    parts = [key[0], key[2]] if len(key) > 3 and key[1] == "-" else [key[0]]
    genders = {names.get(part) for part in parts} - {None}
    return genders.pop() if len(genders) == 1 else None


def _gender(
    c: _Cluster, owner: list[_Cluster | None], context: Callable[[], tuple[list[bool], list[int]]]
) -> str | None:
    """`context` gives the quoted mask and the sentence starts, computed only when a pronoun is needed."""
    stated = {m.honorific for m in c.mentions if m.honorific}
    if len(stated) == 1:
        return stated.pop()
    names = first_names()
    # A first name: the first word of a full name, or a name used alone when no full one is seen.
    longest = max(len(m.key) for m in c.mentions)
    listed = {_listed_gender(m.key, names) for m in c.mentions if len(m.key) == longest} - {None}
    if len(listed) == 1:
        return listed.pop()  # the list wins over a pronoun that says otherwise
    return _pronoun_gender(c, owner, *context())


def _canonical(c: _Cluster) -> str:
    if c.state is not None:
        return c.state
    if c.metonym is not None and c.metonym.kind == "seat" and any(m.article for m in c.mentions):
        return f"the {c.mentions[0].text}"  # a seat of power is named with its article
    first: dict[str, int] = {}  # each form's first use
    for i, m in enumerate(c.mentions):
        first.setdefault(m.text, i)
    return max(first, key=lambda f: (len(f.split()), len(f), -first[f]))


def _aliases(c: _Cluster, name: str) -> list[str]:
    out = []
    for form in [name] + [m.text for m in c.mentions]:
        if form not in out:
            out.append(form)
    return out


# --- the entities -------------------------------------------------------------------------------


def find_entities(doc: Doc, attributions: list[Attribution]) -> list[Entity]:
    """Entities from the Doc's named entities and the attributions' sources, ids e1, e2, ... in
    order of first mention."""
    mentions, descriptions = _collect(doc, attributions)
    clusters = _cluster(mentions)
    owner: list[_Cluster | None] = [None] * len(doc)
    for c in clusters:
        c.type = _cluster_type(c)
        for m in c.mentions:
            for i in range(m.span.start, m.span.end):
                owner[i] = c
    context = cache(lambda: (quoted_mask(doc), sentence_starts(doc)))  # for pronouns only

    # (first mention, tie-break, Entity, metonym state)
    made: list[tuple[int, int, Entity, Metonym | None]] = []
    for c in clusters:
        c.mentions.sort(key=lambda m: m.span.start)
        name = _canonical(c)
        ent = Entity(id="", name=name, type=c.type, aliases=_aliases(c, name))
        ent.mentions = [[m.span.start_char, m.span.end_char] for m in c.mentions]
        if ent.type == "PERSON":
            ent.titles = _titles(c)
            ent.gender = _gender(c, owner, context)
        made.append((c.mentions[0].span.start_char, 0, ent, c.metonym))
    made.extend(_description_entities(descriptions, [ent for _, _, ent, _ in made]))
    made.extend(_states(made))
    made.sort(key=lambda x: (x[0], x[1]))
    out = []
    for i, (_, _, ent, _) in enumerate(made, 1):
        ent.id = f"e{i}"
        ent.mentions.sort()
        out.append(ent)
    by_name = {e.name.casefold(): e for e in out if e.type in ("GPE", "ORG")}
    for _, _, ent, meto in made:
        if meto is not None:
            state = by_name.get(meto.state.casefold())
            ent.refers_to = state.id if state is not None else None
    return out


def _description_entities(
    descriptions: list[tuple[SourceHead, Span]], named: list[Entity]
) -> list[tuple[int, int, Entity, None]]:
    """Sources that describe rather than name the speaker: a definite one that repeats a person's
    title or an organisation's or group's head word ("the senator", "the fund", "the ministry")
    is a mention of it; else an ORG or GROUP entity of its own where it names a collective."""
    heads: dict[str, list[Entity]] = {}  # head word of a title or name -> the entities that have it
    for e in named:
        _index_heads(e, heads)
    by_key: dict[tuple[str, str], Entity] = {}
    places = _Places()
    out = []
    for head, source in descriptions:
        doc = source.doc
        span = [head.span.start_char, head.span.end_char]
        before = doc[head.span.start - 1] if head.span.start > source.start else None
        definite = before is not None and before.lower_ in DEFINITE
        ent = _antecedent(head.span, heads, places) if definite else None
        if ent is None and head.type is None:
            continue
        if ent is None:
            name = _text(head.span)
            key = (head.type, name.casefold())
            ent = by_key.get(key)
            if ent is None:
                ent = by_key[key] = Entity(id="", name=name, type=head.type, aliases=[name])
                out.append((span[0], 0, ent, None))
                _index_heads(ent, heads)
            if before is not None and before.pos_ == "DET":
                written = _text(doc[before.i : head.span.end])
                if written not in ent.aliases:
                    ent.aliases.append(written)
        places.add(ent, span)
    return out


class _Places:
    """Where each entity is mentioned, for the descriptions that ask (its mentions' starts sorted,
    and the mentions as a set), kept as descriptions add mentions: no scan of all its mentions
    at each description."""

    def __init__(self) -> None:
        self._starts: dict[int, list[int]] = {}
        self._spans: dict[int, set[tuple[int, int]]] = {}

    def _starts_of(self, e: Entity) -> list[int]:
        if id(e) not in self._starts:
            self._starts[id(e)] = sorted(s for s, _ in e.mentions)
            self._spans[id(e)] = {(s, end) for s, end in e.mentions}
        return self._starts[id(e)]

    def last_before(self, e: Entity, pos: int) -> int:
        """The start of e's last mention starting before `pos`; -1 for none."""
        starts = self._starts_of(e)
        k = bisect_left(starts, pos)
        return starts[k - 1] if k else -1

    def add(self, e: Entity, span: list[int]) -> None:
        """Add a mention [start, end] to e, once."""
        starts = self._starts_of(e)
        if (span[0], span[1]) not in self._spans[id(e)]:
            self._spans[id(e)].add((span[0], span[1]))
            insort(starts, span[0])
            e.mentions.append(span)


def _index_heads(e: Entity, heads: dict[str, list[Entity]]) -> None:
    forms = e.titles if e.type == "PERSON" else e.aliases if e.type in ("ORG", "GROUP") else []
    for word in {title_head(f) for f in forms}:
        heads.setdefault(word, []).append(e)


def _antecedent(head: Span, heads: dict[str, list[Entity]], places: _Places) -> Entity | None:
    """The entity a definite description stands for: a person whose title ends in its head word,
    an organisation or group whose name does, with any proper modifier of the description found in
    its titles or names; the one mentioned last before it."""
    # Proper modifiers must agree: "the Democratic nominee" is not the GOP nominee.
    proper = {t.text.casefold() for t in head if t.i != head.root.i and (t.ent_type_ or t.is_title)}
    pos = head.start_char
    best, best_pos = None, -1
    for e in heads.get(title_head(head.root.text), []):
        if proper and not proper <= {w.casefold() for f in e.titles + e.aliases for w in f.split()}:
            continue
        last = places.last_before(e, pos)
        if last > best_pos:
            best, best_pos = e, last
    return best


def _states(made: list[tuple[int, int, Entity, Metonym | None]]) -> list[tuple[int, int, Entity, None]]:
    """The states that metonyms stand for and that the article never names itself."""
    names = {ent.name.casefold() for _, _, ent, _ in made}
    out = []
    for start, _, _, meto in sorted(made, key=lambda x: x[0]):
        if meto is not None and meto.state.casefold() not in names:
            names.add(meto.state.casefold())
            out.append((start, 1, Entity(id="", name=meto.state, type=meto.state_type), None))
    return out
