"""Corpus-wide people and organisations: one person under many spellings.

Each article names its speakers its own way ("Sviatlana Tsikhanouskaya", "Svetlana Tikhanovskaya",
"Tichanovskaya"). `merge_speakers` groups the per-article records (`SpeakerRecord`, one per entity of
an article) into corpus-wide `Person`s. It is a pure function: the store calls it at the end of an
ingest with every record of the corpus and gets the same answer whatever the order of its input.

Records are first cleaned of page debris (names.clean_record: titles, places, outlets, datelines,
labels; a label such as "Details:" names nobody and is in no person).

How people merge (type PERSON):
- Names are compared through a transliteration *skeleton* (names.py: any script to ASCII, kh/h,
  ts/c, sch/sz/sh, tsch/cz/ch, y/j/i, w/v, Belarusian ou/ov, -enka/-enko, doubled letters
  collapsed), so Zelensky, Zelenskyy and Selenskyj are one; Cruz / Kruz only with one given name.
- Two full names (given name and surname) merge when their surnames agree (equal skeletons, or a
  string similarity of at least 0.8 between longer surnames with full given names agreeing) and
  their given names are compatible: one missing, an initial that fits, equal skeletons, one group of
  name_variants.tsv (Bill/William, Volodymyr/Vladimir), or, for names of seven letters or more, a
  close spelling with the same first letter (Svetlana/Sviatlana). A generation mark (Jr., III),
  conflicting middle initials or a feminine surname beside a masculine one (Tikhanovskaya,
  Tikhanovsky) keep them apart. Merging is complete-link: two groups join only when no pair across
  them conflicts, so "George Bush" cannot chain George W. and George H. W. Bush into one.
- A bare surname ("Lukashenko": the article never gave the full name) joins the single person of
  the corpus with that surname. When the corpus holds several (Bill and Hillary Clinton) it joins
  the one whose titles it shares, else it stays a person of its own, one per article: a bare
  "Clinton" is never guessed. Bare surnames with no full-name holder merge with each other.

Organisations, places and nationalities (ORG, GPE, LOC, NORP) merge on an equal normalised name or
alias ("the Kremlin" / "Kremlin"). Unnamed collectives (GROUP: "prospective volunteer fighters")
merge across articles only when the articles tell one story and the descriptions agree
(`merge_groups`): two unrelated articles' "protesters" are not one group.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from saywho.entities import first_names, metonyms
from saywho.mentions import title_head
from saywho.names import (
    PARTICLES,
    ascii_fold,
    clean_name,
    clean_record,
    hard_c,
    looks_like_person,
    similarity,
    skeleton,
    spelling_variant,
    surname_key,
)

ORGANISATION_TYPES = {"ORG", "GPE", "LOC", "NORP"}
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "madam", "president", "sen",
    "senator", "rep", "gov", "governor", "gen", "general", "col", "colonel", "capt", "sgt", "rev", "pm",
    "ayatollah", "sheikh", "prince", "princess", "king", "queen", "pope", "chancellor", "minister",
}  # fmt: skip
NOT_NAMES = {"he", "she", "they", "it", "i", "we", "you", "he or she", "this", "that", "who"}
GENERATIONS = {"jr", "sr", "ii", "iii", "iv"}
SURNAME_SIMILARITY = 0.8
GIVEN_SIMILARITY = 0.75
BARE_SIMILARITY = 0.88
# A bare surname is matched to another spelling only from this many letters on.
BARE_FUZZY_LENGTH = 7
# Two spellings in one person, linked through others, are at least this close.
CHAIN_SIMILARITY = 0.6


@dataclass(frozen=True)
class SpeakerRecord:
    """One named entity as one article gives it.

    `article` and `entity` (the entity's id in that article, e.g. "e3") together are the record's
    key: `person_index` maps them to the merged person. `name` is the article's fullest spelling;
    `aliases` every spelling the article used; `titles` the phrases it gave ("opposition leader").
    """

    article: str
    entity: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()


@dataclass
class Person:
    """A corpus-wide person or organisation: every record of it, every spelling, every title."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    records: list[SpeakerRecord] = field(default_factory=list)


@dataclass(frozen=True)
class _Name:
    """A person's name cut into skeletons: given names, surname, generation (jr, iii)."""

    given: tuple[str, ...]
    surname: str
    generation: str | None


# --- spelling (names.py holds the keys) -----------------------------------------------------------

# A feminine Slavic or Polish surname and its masculine form: Tikhanovskaya/Tikhanovsky, Ivanova/Ivanov.
_FEMININE = re.compile(r"(?:(?<=sk)|(?<=ck))(?:aia|a)$|(?<=[oe]v)a$|(?<=in)a$")
_MASCULINE = re.compile(r"(?:(?<=sk)|(?<=ck))i$|[oe]v$|in$")


def _gender_form(surname: str) -> str | None:
    if _FEMININE.search(surname):
        return "f"
    if _MASCULINE.search(surname):
        return "m"
    return None


_similar = similarity


@lru_cache(maxsize=1)
def _variant_groups() -> dict[str, frozenset[int]]:
    """Skeleton of a given name -> the groups of name_variants.tsv it belongs to."""
    groups: dict[str, set[int]] = defaultdict(set)
    text = resources.files("saywho").joinpath("data/name_variants.tsv").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines()):
        if line.strip() and not line.startswith("#"):
            for name in line.split("\t"):
                groups[skeleton(name)].add(number)
    return {k: frozenset(v) for k, v in groups.items()}


# --- names --------------------------------------------------------------------------------------


def parse_name(name: str) -> _Name | None:
    """Cut a person's name into given names, surname and generation; None when it is not a name
    ("he", "the Cruz campaign": a surname must be capitalised)."""
    name = re.sub(r"['’]s$", "", name.strip())
    words = [w for w in re.split(r"[\s,\-‐]+", name) if w]
    while (
        words and (words[0].lower().rstrip(".") in HONORIFICS or words[0].lower() == "the") and len(words) > 1
    ):
        words = words[1:]
    if not words or not any(c.isupper() for c in name.split()[-1]) or name.lower() in NOT_NAMES:
        return None
    generation = None
    if len(words) > 1 and words[-1].lower().rstrip(".") in GENERATIONS:
        generation = words.pop().lower().rstrip(".")
    if not words:
        return None
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    if start == 1 and words[0].lower() in PARTICLES and words[0].casefold() not in first_names():
        start = 0  # "De Blasio" is a surname, "Van Morrison" a given name and a surname
    surname = surname_key(words[start:])
    given = tuple(s for s in (skeleton(w) for w in words[:start]) if s)
    return _Name(given, surname, generation) if surname else None


def _given_match(a: str, b: str) -> str | None:
    """'strong' when two given names are one name, 'weak' when an initial fits, else None."""
    if len(a) == 1 or len(b) == 1:
        return "weak" if a[0] == b[0] else None
    if a == b or _variant_groups().get(a, frozenset()) & _variant_groups().get(b, frozenset()):
        return "strong"
    # Close spellings of longer names only: Mary/Marty, Marine/Marion are different people.
    if min(len(a), len(b)) < 7 or a[0] != b[0] or (a[-1] == "a") != (b[-1] == "a"):
        return None
    return "strong" if _similar(a, b) >= GIVEN_SIMILARITY else None


def given_agreement(x: _Name, y: _Name) -> str | None:
    """How far the given names of two people agree: 'strong', 'weak' (one missing, an initial) or None."""
    if not x.given or not y.given:
        return "weak"
    first = _given_match(x.given[0], y.given[0])
    if first is None:
        return None
    if len(x.given) > 1 and len(y.given) > 1 and x.given[1][0] != y.given[1][0]:
        return None  # George W. Bush, George H. W. Bush
    return first


def surname_similarity(x: _Name, y: _Name) -> float:
    """1.0 for one surname; a similarity for close spellings; 0.0 for different or gendered forms."""
    if x.surname == y.surname:
        return 1.0
    gx, gy = _gender_form(x.surname), _gender_form(y.surname)
    if gx and gy and gx != gy:
        return 0.0
    if min(len(x.surname), len(y.surname)) < 5 or not spelling_variant(x.surname, y.surname):
        return 0.0
    return _similar(x.surname, y.surname)


def same_person(x: _Name, y: _Name) -> float:
    """How strongly two full names are one person: 0 when they conflict, else up to 3."""
    if x.generation != y.generation:
        return 0.0
    given = given_agreement(x, y)
    if x.surname != y.surname and hard_c(x.surname) == hard_c(y.surname):
        # Cruz / Kruz: one name only with the same given names, spelled alike (not Mike / Michael).
        return 2.5 if x.given == y.given and x.given and min(map(len, x.given)) > 1 else 0.0
    surname = surname_similarity(x, y)
    if given is None or surname < SURNAME_SIMILARITY:
        return 0.0
    if surname < 1.0:
        # A different surname spelling is believed only with the given names spelled out in full.
        return surname if given == "strong" else 0.0
    return 3.0 if given == "strong" else 2.0


def names_conflict(x: _Name, y: _Name) -> bool:
    """True when two names cannot be one person: other given names, generations or gendered forms,
    or surnames too far apart to be spellings of one (a cluster may hold spellings linked in a chain:
    Tsikhanouskaya - Tikhanovskaya - Tichanovskaya)."""
    if x.generation != y.generation or given_agreement(x, y) is None:
        return True
    gx, gy = _gender_form(x.surname), _gender_form(y.surname)
    if gx and gy and gx != gy and x.surname != y.surname:
        return True
    return x.surname != y.surname and _similar(x.surname, y.surname) < CHAIN_SIMILARITY


# --- merging ------------------------------------------------------------------------------------


class _Clusters:
    """Union-find over items, keeping each cluster's members for the complete-link check."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            ra, rb = min(ra, rb), max(ra, rb)
            self.parent[rb] = ra
            self.members[ra].extend(self.members.pop(rb))


def _block_keys(word: str) -> tuple[str, str]:
    # Romanisations rarely change both ends of a name at once: compare words sharing one end.
    return "<" + word[:3], ">" + word[-3:]


def _blocks(words: Iterable[str]) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for w in sorted(set(words)):
        for key in _block_keys(w):
            blocks[key].append(w)
    return blocks


def _neighbours(word: str, blocks: dict[str, list[str]]) -> set[str]:
    """The other words of `blocks` that may be spellings of `word` (one end shared, length close)."""
    near = {w for key in _block_keys(word) for w in blocks.get(key, ())}
    return {w for w in near if w != word and abs(len(w) - len(word)) <= 3}


def _person_candidates(names: list[_Name]) -> list[tuple[float, int, int]]:
    """Scored pairs of full names worth merging: one surname, or two close spellings of one."""
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(names):
        by_surname[n.surname].append(i)
    pairs: set[tuple[int, int]] = set()
    for group in by_surname.values():
        pairs.update(itertools.combinations(group, 2))
    blocks = _blocks(by_surname)
    for surname, group in by_surname.items():
        for other in _neighbours(surname, blocks):
            pairs.update((min(a, b), max(a, b)) for a in group for b in by_surname[other])
    # One given name (or one of its variants) with any surname spelling: Boris Yeltsin / Boris Jelzin.
    by_given: dict[object, list[int]] = defaultdict(list)
    for i, n in enumerate(names):
        if len(n.given[0]) > 1:
            for key in (n.given[0], *_variant_groups().get(n.given[0], ())):
                by_given[key].append(i)
    for group in by_given.values():
        pairs.update(itertools.combinations(group, 2))
    scored = ((same_person(names[a], names[b]), a, b) for a, b in pairs)
    return sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1], s[2]))


def _merge_full_names(names: list[_Name]) -> _Clusters:
    clusters = _Clusters(len(names))
    for _, a, b in _person_candidates(names):
        ra, rb = clusters.find(a), clusters.find(b)
        if ra == rb:
            continue
        if not any(
            names_conflict(names[i], names[j]) for i in clusters.members[ra] for j in clusters.members[rb]
        ):
            clusters.union(ra, rb)
    return clusters


def _title_words(titles: Iterable[str]) -> set[str]:
    return {w for t in titles for w in re.findall(r"[a-z]{4,}", ascii_fold(t))}


def _bare_fits(
    bare: _Name, surnames: dict[str, set[int]], blocks: dict[str, list[str]], holders: dict[int, list[_Name]]
) -> list[int]:
    """The full-name clusters whose surname a bare surname may be: equal, or close for long names."""
    fits = set(surnames.get(bare.surname, ()))
    if len(bare.surname) >= BARE_FUZZY_LENGTH:
        for other in _neighbours(bare.surname, blocks):
            if _similar(other, bare.surname) >= BARE_SIMILARITY and spelling_variant(other, bare.surname):
                fits |= surnames[other]
    return sorted(r for r in fits if not any(names_conflict(bare, n) for n in holders[r]))


def merge_people(records: list[SpeakerRecord]) -> list[list[SpeakerRecord]]:
    """Group PERSON records: full names first, then each bare surname to its one full-name holder."""
    parsed = [(parse_name(r.name), r) for r in records]
    full = [(n, r) for n, r in parsed if n is not None and n.given]
    unnamed = [[r] for n, r in parsed if n is None]
    # Distinct names are compared once, however many articles spell them so.
    distinct = sorted({n for n, _ in full}, key=lambda n: (n.surname, n.given, n.generation or ""))
    position = {n: i for i, n in enumerate(distinct)}
    clusters = _merge_full_names(distinct)
    groups: dict[int, list[SpeakerRecord]] = defaultdict(list)
    holders: dict[int, list[_Name]] = defaultdict(list)
    surnames: dict[str, set[int]] = defaultdict(set)
    for n, r in full:
        root = clusters.find(position[n])
        groups[root].append(r)
        holders[root].append(n)
        surnames[n.surname].add(root)
    blocks = _blocks(surnames)
    homeless: dict[str, list[SpeakerRecord]] = defaultdict(list)
    alone: list[list[SpeakerRecord]] = []
    # Bare surnames join only after every full name is placed, so input order does not matter.
    joins: list[tuple[int, SpeakerRecord]] = []
    for n, r in parsed:
        if n is None or n.given:
            continue
        fits = _bare_fits(n, surnames, blocks, holders)
        if len(fits) > 1:
            # Several namesakes: the titles may tell which ("the former president"), else never guessed.
            words = _title_words(r.titles)
            fits = [root for root in fits if words & _title_words(t for m in groups[root] for t in m.titles)]
            if len(fits) != 1:
                alone.append([r])
                continue
        if fits:
            joins.append((fits[0], r))
        else:
            homeless[n.surname].append(r)
    for root, r in joins:
        groups[root].append(r)
    return list(groups.values()) + _merge_bare(homeless) + alone + unnamed


def blocking_keys(name: _Name) -> list[str]:
    """The keys under which merge_people looks for the names one may merge with: the surname, its
    two ends (`_block_keys`) and, for a full name, its given name and that name's variants. A name
    merges only with names found under one of its keys (`names_linked` says which)."""
    keys = ["s:" + name.surname, *_block_keys(name.surname)]
    if name.given and len(name.given[0]) > 1:
        keys += ["g:" + str(k) for k in (name.given[0], *_variant_groups().get(name.given[0], ()))]
    return keys


def names_linked(x: _Name, y: _Name) -> bool:
    """Whether merge_people can put two names (full or bare) in one person, or let one decide
    where the other goes: the edges of the graph whose components are merged independently."""
    near = x.surname == y.surname or (
        abs(len(x.surname) - len(y.surname)) <= 3
        and bool(set(_block_keys(x.surname)) & set(_block_keys(y.surname)))
    )
    if x.given and y.given:
        return same_person(x, y) > 0  # candidates: one surname, a neighbour, or one given name
    if x.given or y.given:  # a bare surname and a full name it may join (_bare_fits)
        bare, full = (x, y) if y.given else (y, x)
        return bare.surname == full.surname or (
            near
            and len(bare.surname) >= BARE_FUZZY_LENGTH
            and _similar(full.surname, bare.surname) >= BARE_SIMILARITY
            and spelling_variant(full.surname, bare.surname)
        )
    return bare_linked(x.surname, y.surname, near)


def bare_linked(a: str, b: str, near: bool) -> bool:
    """Two bare surnames _merge_bare may join."""
    if a == b:
        return True
    return near and any(
        len(u) >= BARE_FUZZY_LENGTH
        and surname_similarity(_Name((), u, None), _Name((), v, None)) >= SURNAME_SIMILARITY
        for u, v in ((a, b), (b, a))
    )


def _merge_bare(by_surname: dict[str, list[SpeakerRecord]]) -> list[list[SpeakerRecord]]:
    """Group bare surnames that no full name claims: one surname under its spellings is one person."""
    surnames = sorted(by_surname)
    position = {w: i for i, w in enumerate(surnames)}
    blocks = _blocks(surnames)
    clusters = _Clusters(len(surnames))
    for word in surnames:
        if len(word) < BARE_FUZZY_LENGTH:
            continue  # Clark / Clarke: short surnames are too often two families
        for other in _neighbours(word, blocks):
            if surname_similarity(_Name((), word, None), _Name((), other, None)) >= SURNAME_SIMILARITY:
                clusters.union(position[word], position[other])
    return [[r for i in members for r in by_surname[surnames[i]]] for members in clusters.members.values()]


def _org_key(name: str) -> str:
    return " ".join(
        re.findall(r"[a-z0-9]+", ascii_fold(re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I)))
    )


def merge_organisations(records: list[SpeakerRecord]) -> list[list[SpeakerRecord]]:
    """Group ORG/GPE/LOC/NORP records that share a normalised proper name or alias."""
    clusters = _Clusters(len(records))
    owner: dict[str, int] = {}
    for i, r in enumerate(records):
        for key in organisation_keys(r):
            if key in owner:
                clusters.union(owner[key], i)
            else:
                owner[key] = i
    return [[records[i] for i in members] for members in clusters.members.values()]


def organisation_keys(record: SpeakerRecord) -> list[str]:
    """The normalised proper names and aliases of an organisation record: records sharing one merge."""
    keys = []
    for spelling in (record.name, *record.aliases):
        key = _org_key(spelling)
        proper = spelling.strip()[:1].isupper() or re.match(r"(?i)the\s+[A-Z]", spelling.strip())
        if key and (proper or spelling == record.name):
            keys.append(key)
    return keys


def family_of(record_type: str) -> str:
    if record_type == "PERSON":
        return "person"
    return "organisation" if record_type in ORGANISATION_TYPES else "group"


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", ascii_fold(name))) or "unnamed"


def _most_common(values: Iterable[str]) -> list[str]:
    """Distinct values (case-insensitively), most frequent first, then longest, then alphabetical."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for v in values:
        v = v.strip()
        if v:
            counts[v.lower()] += 1
            spelling.setdefault(v.lower(), v)
            spelling[v.lower()] = min(spelling[v.lower()], v)
    order = sorted(counts, key=lambda k: (-counts[k], -len(k), k))
    return [spelling[k] for k in order]


def person_from(records: list[SpeakerRecord]) -> Person:
    """The person a group of records is: its canonical name, type, aliases and titles."""
    records = sorted(records, key=lambda r: (r.article, r.entity))
    names = [r.name for r in records]
    # The canonical name is the spelling most articles use, a full name before a bare one.
    full = [n for n in names if len(n.split()) > 1] or names
    aliases = sorted({a.strip() for r in records for a in (r.name, *r.aliases) if a.strip()}, key=str.lower)
    return Person(
        id="",
        name=_most_common(full)[0],
        type=Counter(r.type for r in records).most_common(1)[0][0],
        aliases=_dedupe_case(aliases),
        titles=_most_common(t for r in records for t in r.titles),
        records=records,
    )


def _dedupe_case(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        seen.setdefault(v.lower(), v)
    return list(seen.values())


# --- groups -----------------------------------------------------------------------------------

# Words that grade or count a collective without saying who is in it ("top", "several").
_GROUP_FILLER = {
    "the", "a", "an", "of", "some", "several", "many", "most", "all", "other", "few", "two", "three",
    "top", "leading", "senior", "prominent", "key", "high", "ranking", "high-ranking", "various",
    "aspiring", "prospective", "budding", "would-be", "potential", "future", "their", "its",
}  # fmt: skip
# Two articles tell one story when they name this many persons in common that are rare: each named in
# no more articles than the square root of the corpus's count (a story's people, not the campaign's).
STORY_SHARED = 2


def _singular(word: str) -> str:
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


@lru_cache(maxsize=1)
def _group_words() -> dict[str, str]:
    """A word or phrase (singular, lower case) -> the form of data/group_words.tsv compared."""
    out = {}
    text = resources.files("saywho").joinpath("data/group_words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            forms = line.split("\t")
            for form in forms:
                out[" ".join(_singular(w) for w in form.split())] = forms[0]
    return out


def group_key(description: str) -> frozenset[str]:
    """What a collective's description says about who is in it, in one vocabulary:
    "Leading African-American congressmen" and "top black lawmakers" give {black, lawmaker}."""
    words = [_singular(w) for w in re.findall(r"[a-z]+(?:-[a-z]+)*", ascii_fold(description))]
    words = [w for w in words if w not in _GROUP_FILLER or w == "of"]
    table, key, i = _group_words(), set(), 0
    while i < len(words):
        for n in (3, 2, 1):  # the longest phrase of the table first: "member of congress"
            phrase = " ".join(words[i : i + n])
            if phrase in table or n == 1:
                if phrase != "of":
                    key.add(table.get(phrase, phrase))
                i += n
                break
    return frozenset(key)


def merge_groups(
    records: list[SpeakerRecord],
    people: list[list[SpeakerRecord]],
    organisations: Sequence[list[SpeakerRecord]] = (),
) -> list[list[SpeakerRecord]]:
    """Group GROUP records: one collective told of by two articles of one story.

    Two articles' "protesters" are one group only when the articles tell one story: they name at
    least STORY_SHARED persons, places or organisations in common (of `people` and
    `organisations`, merged) that few articles name (a translated copy may keep one person of the
    story, and its places: "Chelsea", "Minnesota"). Articles naming a person are the corpus that
    "few" is measured against.
    Their descriptions must then agree word for word through data/group_words.tsv ("police
    officials" / "law enforcement officials"). Candidates come from an index on (description,
    rare person): never all pairs of groups.
    """
    persons_of: dict[str, set[int]] = defaultdict(set)
    for number, group in enumerate([*people, *organisations]):
        for r in group:
            persons_of[r.article].add(number)
    articles = len({r.article for group in people for r in group} | {r.article for r in records}) or 1
    spread = Counter(p for ps in persons_of.values() for p in ps)
    rare = {p for p, n in spread.items() if n <= rare_spread(articles)}
    return link_groups(records, persons_of, rare)


def rare_spread(articles: int) -> float:
    """The most articles a person may be named in and still be rare in a corpus of `articles`
    (articles naming anyone): a story's people, not the campaign's."""
    return max(2.0, math.sqrt(articles))


def group_edge(a: str, b: str, persons_of: Mapping[str, set[Hashable]], rare: set[Hashable]) -> bool:
    """Whether two articles tell one story: they name STORY_SHARED rare persons in common."""
    return a != b and len(persons_of[a] & persons_of[b] & rare) >= STORY_SHARED


def link_groups(
    records: list[SpeakerRecord], persons_of: Mapping[str, set[Hashable]], rare: set[Hashable]
) -> list[list[SpeakerRecord]]:
    """merge_groups's decision given each article's persons (`persons_of`, any ids) and the rare
    ones: the store calls it on the group records a change can reach."""
    persons_of = defaultdict(set, persons_of)
    keys = [group_key(r.name) for r in records]
    index: dict[tuple[frozenset[str], Hashable], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if keys[i]:
            for p in persons_of[r.article] & rare:
                index[(keys[i], p)].append(i)
    clusters = _Clusters(len(records))
    for members in index.values():  # a bucket holds one description near one rare person: few
        for i, j in itertools.combinations(members, 2):
            if group_edge(records[i].article, records[j].article, persons_of, rare):
                clusters.union(i, j)
    return [[records[i] for i in sorted(m)] for m in clusters.members.values()]


def _holds_title(record: SpeakerRecord, title: str) -> bool:
    words = {title_head(w) for t in record.titles for w in t.split()}
    return title_head(title) in words


def _clean(records: list[SpeakerRecord]) -> tuple[list[SpeakerRecord], list[SpeakerRecord]]:
    """The records cleaned of page debris (labels dropped), and apart those named by a title alone
    ("Mayor") that no one person of their article holds: they stay persons of their own article.

    A title alone becomes the one person of its article who holds it; a place or organisation whose
    name is the surname of a person of its article ("Schiff" read as a place) becomes a person.
    """
    by_article: dict[str, list[SpeakerRecord]] = defaultdict(list)
    for r in records:
        by_article[r.article].append(r)
    # Places a name may be glued to: those two articles name as places (NER calls a one-off
    # "Trayvon" a place), and an article's own dateline (all capitals).
    seen: Counter[str] = Counter()
    for group in by_article.values():
        seen.update(article_places(group))
    corpus_places = {n for n, count in seen.items() if count > 1}
    cleaned: list[SpeakerRecord] = []
    alone: list[SpeakerRecord] = []
    for article in sorted(by_article):
        kept, lone = clean_article(by_article[article], corpus_places)
        cleaned += kept
        alone += lone
    return cleaned, alone


def article_places(records: Iterable[SpeakerRecord]) -> set[str]:
    """The place names (folded) one article gives: a name two articles give is a corpus place."""
    return {n.casefold() for r in records if r.type in ("GPE", "LOC") for n in (r.name, *r.aliases)}


def clean_article(
    group: list[SpeakerRecord], corpus_places: set[str]
) -> tuple[list[SpeakerRecord], list[SpeakerRecord]]:
    """One article's records cleaned (see `_clean`), given the corpus's places (`article_places`
    given by two articles or more); only those a name of the article begins with matter."""
    cleaned: list[SpeakerRecord] = []
    alone: list[SpeakerRecord] = []
    places = corpus_places | {
        n.casefold() for r in group if r.type in ("GPE", "LOC") for n in (r.name, *r.aliases) if n.isupper()
    }
    kept = [c for r in group if (c := clean_record(r, places)) is not None]
    people = [c for c in kept if c.type == "PERSON" and clean_name(c.name)[1] != "title"]
    surnames = {c.name.split()[-1] for c in people if looks_like_person(c.name)}
    known_places = set(metonyms())
    for c in kept:
        if c.type == "PERSON" and clean_name(c.name)[1] == "title":
            holders = [p for p in people if _holds_title(p, c.name)]
            if len(holders) == 1:
                cleaned.append(replace(c, name=holders[0].name, aliases=(holders[0].name,)))
            else:
                alone.append(c)
        elif c.type in ("GPE", "LOC", "ORG") and c.name in surnames and c.name.casefold() not in known_places:
            cleaned.append(replace(c, type="PERSON"))
        else:
            cleaned.append(c)
    return cleaned, alone


def merge_speakers(speakers: Iterable[SpeakerRecord]) -> list[Person]:
    """Merge per-article speaker records into corpus-wide people and organisations.

    Pure and order-independent: the same records give the same persons, ids and order. Ids are
    slugs of the canonical name ("svetlana-tikhanovskaya"; "-2", "-3" for namesakes), so they stay
    put while the canonical spelling does. Names are cleaned of page debris first (names.py); a
    record that is only a page label ("Details:") names nobody and is in no person; every other
    record lands in exactly one person, under its cleaned name.
    """
    records = sorted(set(speakers), key=lambda r: (r.article, r.entity, r.name, r.type))
    records, alone = _clean(records)
    by_family: dict[str, list[SpeakerRecord]] = defaultdict(list)
    for r in records:
        by_family[family_of(r.type)].append(r)
    people = merge_people(by_family["person"]) + [[r] for r in alone]
    organisations = merge_organisations(by_family["organisation"])
    groups = people + organisations
    groups += merge_groups(by_family["group"], people, organisations)
    persons = sorted(
        (person_from(g) for g in groups),
        key=lambda p: (_slug(p.name), p.records[0].article, p.records[0].entity),
    )
    used: Counter[str] = Counter()
    for p in persons:
        slug = _slug(p.name)
        used[slug] += 1
        p.id = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
    return persons


def person_index(persons: Iterable[Person]) -> dict[tuple[str, str], str]:
    """(article id, entity id) -> person id, for every record of the persons."""
    return {(r.article, r.entity): p.id for p in persons for r in p.records}


# --- adapters for the store ---------------------------------------------------------------------


def _as_dict(analysis: Any) -> Mapping[str, Any]:
    return analysis.to_dict() if hasattr(analysis, "to_dict") else analysis


def speaker_records(analysis: Any, article: str | None = None) -> list[SpeakerRecord]:
    """The speaker records of one analysed article (an `Analysis` or its contract JSON dict).

    Every entity becomes a record, speaking or not, so that a bare surname in one article can find
    the full name another gives. A quote whose speaker has a name but no entity gets a record keyed
    "~NAME" (the store's key for such speakers). `article` defaults to the document's id.
    """
    data = _as_dict(analysis)
    article = article or data["document"]["id"]
    records = [
        SpeakerRecord(
            article,
            e["id"],
            e["name"],
            e["type"],
            tuple(e.get("aliases") or ()),
            tuple(e.get("titles") or ()),
        )
        for e in data.get("entities", [])
    ]
    kinds = {"person": "PERSON", "organization": "ORG", "group": "GROUP"}
    for q in data.get("quotes", []):
        s = q.get("speaker") or {}
        if s.get("name") and not s.get("entity"):
            records.append(
                SpeakerRecord(article, "~" + s["name"], s["name"], kinds.get(s.get("kind"), "PERSON"))
            )
    return records
