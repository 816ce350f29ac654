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
from spacy.attrs import POS
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span

from saywho.attribution import Attribution
from saywho.facts import furniture_tokens, inside_quotes, sentence, sentence_start, without_furniture
from saywho.mentions import (
    HONORIFICS,
    LABELS,
    ORG_WORDS,
    PERSON_PRONOUNS,
    PERSON_ROLES,
    SUBJECTS,
    SourceHead,
    is_honorific,
    is_possessive,
    name_ends,
    relative_antecedent,
    role_word,
    source_head,
    title_head,
    title_word,
    trim,
    written_title,
)
from saywho.model import Entity

DEFINITE = {"the", "this", "that", "these", "those"}


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


# --- mentions -----------------------------------------------------------------------------------


def _key(span: Span) -> tuple[str, ...]:
    return tuple(t.text.replace("’", "'").casefold() for t in span if not is_possessive(t))


def _text(span: Span) -> str:
    """The span as written, whitespace runs (line breaks inside a name) made single spaces."""
    return " ".join(span.text.split())


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
    if trimmed is None or (len(trimmed) == 1 and role_word(trimmed[0])):
        return None  # NER takes a headline's capitalised "Senator" or "Mayor" for a name
    doc = span.doc
    before = doc[trimmed.start - 1] if trimmed.start > 0 else None
    honorific = None
    if before is not None and is_honorific(before):
        honorific = HONORIFICS[before.text.rstrip(".").casefold()] or ""
    article = before is not None and before.lower_ == "the"
    return _Mention(trimmed, label, _key(trimmed), honorific, article)


def _collect(
    doc: Doc, attributions: list[Attribution]
) -> tuple[list[_Mention], list[tuple[SourceHead, Span]]]:
    mentions: dict[tuple[int, int], _Mention] = {}
    furniture = furniture_tokens(doc)
    for ent in doc.ents:
        if ent.label_ in LABELS and not any(furniture[ent.start : ent.end]):
            m = _mention(ent, ent.label_)
            if m is not None:
                mentions.setdefault((m.span.start, m.span.end), m)
    descriptions = []
    ends = name_ends(doc)
    for a in attributions:
        source = without_furniture(a.source) if a.source is not None else None
        if source is None:
            continue
        head = source_head(source, ends)
        if head.kind == "pronoun" and relative_antecedent(head.span.root) is not None:
            source = relative_antecedent(head.span.root)  # "commentators, who said": the commentators
            head = source_head(source, ends)
        if head.kind == "name":
            m = _mention(head.span, None)
            if m is not None and not any(t.ent_type_ in LABELS for t in m.span):
                mentions.setdefault((m.span.start, m.span.end), m)
        elif head.kind == "description":
            descriptions.append((head, source))
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
            words[j] = None if is_possessive(t) else t.text.replace("’", "'").casefold()
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
        # NER takes a surname for a place now and then ("According to Schiff"): a LOC that is the
        # surname of a full name of the article is that person. (A GPE stays: "Washington".)
        misread = m.label == "LOC" and m.key[0] in surname
        if (_personish(m) or misread) and (c is None or id(c) in full):
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
    doc = m.span.doc
    recent = sentence_start(doc, max(sentence(doc, m.span.start) - 1, 0))  # the sentence before m's

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
    if i >= 0 and is_honorific(doc[i]):
        i -= 1
    end = i + 1
    if (
        i < 0
        or doc[i].pos_ not in ("NOUN", "PROPN")
        or (doc[i].ent_type_ == "PERSON" and not (title_word(doc[i]) or written_title(doc[i])))
    ):
        return None
    while i >= 0 and span.start - i <= 8:
        t = doc[i]
        in_name = t.ent_type_ == "PERSON" and not (title_word(t) or written_title(t))
        if in_name or is_possessive(t) or "\n" in t.whitespace_:
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


def _pronoun_gender(c: _Cluster, owner: list[_Cluster | None], quoted: list[bool]) -> str | None:
    """The gender that "he"/"his" or "she"/"her" after the person's name gives, when no other
    person is named between the name and the pronoun (within the next sentence)."""
    votes = Counter()
    for m in c.mentions:
        if quoted[m.span.start]:
            continue
        doc = m.span.doc
        limit = sentence_start(doc, sentence(doc, m.span.start) + 2)
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


def _gender(c: _Cluster, owner: list[_Cluster | None], quoted: Callable[[], list[bool]]) -> str | None:
    """`quoted` gives the tokens inside quotation marks, asked for only when a pronoun is needed."""
    stated = {m.honorific for m in c.mentions if m.honorific}
    if len(stated) == 1:
        return stated.pop()
    names = first_names()
    # A first name: the first word of a full name, or a name used alone when no full one is seen.
    longest = max(len(m.key) for m in c.mentions)
    listed = {_listed_gender(m.key, names) for m in c.mentions if len(m.key) == longest} - {None}
    if len(listed) == 1:
        return listed.pop()  # the list wins over a pronoun that says otherwise
    return _pronoun_gender(c, owner, quoted())


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
    quoted = cache(lambda: inside_quotes(doc))  # for pronouns only

    # (first mention, tie-break, Entity, metonym state)
    made: list[tuple[int, int, Entity, Metonym | None]] = []
    for c in clusters:
        c.mentions.sort(key=lambda m: m.span.start)
        name = _canonical(c)
        ent = Entity(id="", name=name, type=c.type, aliases=_aliases(c, name))
        ent.mentions = [[m.span.start_char, m.span.end_char] for m in c.mentions]
        if ent.type == "PERSON":
            ent.titles = _titles(c)
            ent.gender = _gender(c, owner, quoted)
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
    # A place says where the person is from, which a title seldom repeats: "the California congressman".
    proper = {
        t.text.casefold()
        for t in head
        if t.i != head.root.i and (t.ent_type_ or t.is_title) and t.ent_type_ not in ("GPE", "LOC")
    }
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
