"""Names as people.py compares them: romanisation-proof spelling keys, and names cleaned of page debris.

Spelling: `ascii_fold` writes any script in ASCII (anyascii: "Тихановская" -> "tikhanovskaia"), and
`skeleton` rewrites one name word so that the usual romanisations of one sound give one form: the
English, German, Polish, French and Belarusian spellings of a Cyrillic name (Khrushchev /
Chruschtschow / Chruszczow, Gorbachev / Gorbatschow / Gorbaczow, Tsikhanouskaya / Tikhanovskaya)
and (`hard_c`) a hard c / k (Cruz / Kruz). What the rules leave apart (vowels, Ts/T, s/z), `spelling_variant`
and `similarity` (rapidfuzz edit distances) judge.

Debris: `clean_record` takes off a record's name what a web page glued to it: a title
("Restaurateur Vadim Prokopiev", typed an organisation), a place ("Kyiv Tsikhanouskaya"), an outlet
or a share line ("Twitter WASHINGTON"), a dateline's agency ("WASHINGTON (AFP)"), a headline verb
("Ted Cruz Endorses"); and it refuses page labels as speakers ("Details:", "Source:").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from anyascii import anyascii
from rapidfuzz.distance import Indel, Levenshtein

from saywho.entities import first_names, metonyms
from saywho.mentions import NAME_TITLES, PERSON_ROLES, TITLE_ABBREVIATIONS

if TYPE_CHECKING:
    from saywho.people import SpeakerRecord

# --- spelling ---------------------------------------------------------------------------------

# Rewrites in order; each maps the spellings of one sound in the usual romanisations to one form.
_SKELETON_RULES = [
    (r"schtsch|szcz|shch", "shch"),  # щ: German, Polish, English
    (r"tsch|tch|cz", "ch"),  # ч: German, English, Polish
    (r"sch|sz", "sh"),  # ш: German, Polish
    (r"^ch(?=[^aeiouy])", "h"),  # х before a consonant, as German and Polish write it: Chruschtschow
    (r"kh", "h"),
    (r"(?<=[aeiou])h(?![aeiou])", ""),
    (r"(?<=[aeiou])j|j(?=[aeiou])", "y"),
    (r"(?<=[iy])j$", ""),  # German -yj, -ij: Selenskyj
    (r"x", "ks"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"ou(?=[^aeiouyh])", "ov"),  # Belarusian ў: Tsikhanouskaya, Lukashenka's Alyaksandr
    (r"ts|tz", "c"),
    (r"q", "k"),
    (r"y", "i"),
    (r"^ie", "e"),
    (r"enka$", "enko"),
    (r"(.)\1+", r"\1"),
]
_SKELETON_RES = [(re.compile(p), r) for p, r in _SKELETON_RULES]
_VOWELS = set("aeiou")
# Letters that romanisations of one sound swap: Tsikhanouskaya/Tikhanovskaya, Gaddafi/Kadhafi.
_SWAPS = [set("ctsz"), set("kgh"), set("uv")]


def ascii_fold(text: str) -> str:
    """Lower case in plain ASCII letters, whatever the script: accents dropped, Cyrillic transliterated."""
    return anyascii(text).lower()


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The transliteration skeleton of one name word: Tikhanovskaïa and Тихановская give one."""
    s = re.sub(r"[^a-z]", "", ascii_fold(word))
    for pattern, repl in _SKELETON_RES:
        s = pattern.sub(repl, s)
    return s


_HARD_C = re.compile(r"c(?=[aoulrkt]|$)")


def hard_c(key: str) -> str:
    """A skeleton with its hard c written k (Cruz / Kruz). Not part of the skeleton: English
    surnames that differ so are often two people (Coffman / Kofman), so people.py believes it only
    between identical given names."""
    return _HARD_C.sub("k", key)


def surname_key(words: Iterable[str]) -> str:
    """The skeleton of a surname, its final silent e dropped (Moore / Moor): given names keep it
    (Jane / Jan are two names)."""
    s = skeleton("".join(words))
    return s[:-1] if len(s) >= 4 and s.endswith("e") and s[-2] not in _VOWELS else s


def similarity(a: str, b: str) -> float:
    """2 * matching letters / letters in both (the ratio difflib gave, computed by rapidfuzz)."""
    return Indel.normalized_similarity(a, b)


def _swappable(x: str, y: str) -> bool:
    return (x in _VOWELS and y in _VOWELS) or any(x in s and y in s for s in _SWAPS)


def spelling_variant(a: str, b: str) -> bool:
    """True when two skeletons differ only as romanisations do: vowels, h and c, and swapped sounds.

    Johnson/Johnston (an added t) or Keqiang/Qiang are not variants of one name.
    """
    for op in Levenshtein.opcodes(a, b):
        x, y = a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]
        if op.tag == "equal" or set(x + y) <= _VOWELS | {"h", "c"}:
            continue
        if op.tag == "replace" and all(_swappable(p, q) for p, q in zip(x, y, strict=True)):
            continue
        return False
    return True


# --- debris -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _debris() -> dict[str, str]:
    text = resources.files("saywho").joinpath("data/name_debris.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {word: kind for word, kind in rows}


# Words a title is made of; a name never starts with one ("Restaurateur", "Sen.", "Mayor").
_TITLE_WORDS = (
    PERSON_ROLES
    | NAME_TITLES
    | set(TITLE_ABBREVIATIONS)
    | {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "madam", "rev", "pm"}
)
# A wire agency or desk in brackets after a dateline: "WASHINGTON (AFP)", "MINSK (Reuters)".
_DATELINE_TAG = re.compile(r"\s*\([^()]{1,20}\)\s*[-—–:]*\s*$")
_EDGE_PUNCTUATION = " \t\n:;,|-—–•·*"


def _word(w: str) -> str:
    return w.strip(".,:;|'’\"()").casefold()


def is_title(word: str) -> bool:
    """A title or role word: "Mayor", "Sen.", "restaurateur"."""
    return _word(word) in _TITLE_WORDS


def _given(word: str) -> bool:
    return _word(word) in first_names()


def _place(words: list[str], places: set[str]) -> int:
    """How many leading words of `words` name a place of the article or a capital (0 when none)."""
    for n in (3, 2, 1):
        if len(words) > n and " ".join(_word(w) for w in words[:n]) in places:
            return n
    return 0


def clean_name(name: str, places: set[str] = frozenset()) -> tuple[str, str | None]:
    """`name` without page debris, and what it turned out to be: None for a name, "title" when only a
    title was left ("Mayor"), "place" for a dateline ("WASHINGTON (AFP) —"), "outlet" for an outlet or
    platform alone ("Twitter"), "label" for a page label ("Details:"). `places` holds the folded place
    names of the article.
    """
    text = name.strip(_EDGE_PUNCTUATION)
    dateline = bool(_DATELINE_TAG.search(text))
    text = _DATELINE_TAG.sub("", text).strip(_EDGE_PUNCTUATION)
    words = text.split()
    debris = _debris()
    place_words = places | set(metonyms())
    while len(words) > 1:
        first = _word(words[0])
        if first in debris or first in ("the", "a", "an") or (is_title(words[0]) and not _given(words[0])):
            words = words[1:]
        elif (n := _place(words, place_words)) and not _given(words[0]):
            words = words[n:]
        else:
            break
    while len(words) > 1 and debris.get(_word(words[-1])) == "verb":
        words = words[:-1]
    cleaned = " ".join(words).strip(_EDGE_PUNCTUATION)
    kinds = {debris.get(_word(w)) for w in words}
    if not cleaned or kinds == {"label"}:
        return cleaned, "label"
    if kinds <= {"label", "outlet"}:
        return cleaned, "outlet"
    if dateline or (cleaned.isupper() and _word(cleaned) in place_words):
        return cleaned, "place"
    if all(is_title(w) for w in words):
        return cleaned, "title"
    return cleaned, None


# Lower-case words that begin a surname: "Ursula von der Leyen" is "von der Leyen".
PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "da",
    "del",
    "della",
    "di",
    "du",
    "dos",
    "la",
    "le",
    "bin",
    "al",
}


def looks_like_person(name: str) -> bool:
    """A name shaped as a person's: a known given name, then two or three capitalised words
    ("Vadim Prokopiev", "Bill de Blasio"; not "Fisher v. University of Texas")."""
    words = name.split()
    return (
        1 < len(words) <= 4
        and _given(words[0])
        and all(w[:1].isupper() or w in PARTICLES for w in words[1:])
        and words[-1][:1].isupper()
    )


def clean_record(record: SpeakerRecord, places: set[str]) -> SpeakerRecord | None:
    """The record with its name and aliases cleaned, retyped where the debris hid its kind; None for
    a page label, which names nobody. Organisations keep their name ("General Motors") unless what is
    left is a person's ("Restaurateur Vadim Prokopiev") or the whole was debris."""
    name, kind = clean_name(record.name, places)
    if kind == "label":
        return None
    if kind == "outlet":  # "TWITTER" read as a person; "Washington Post" keeps its whole name
        return record if record.type == "ORG" else replace(record, type="ORG")
    new_type = "GPE" if kind == "place" else record.type
    if record.type != "PERSON" and kind is None:
        if name != record.name and looks_like_person(name):
            new_type = "PERSON"
        else:
            return record
    aliases = []
    for alias in record.aliases:
        cleaned, alias_kind = clean_name(alias, places)
        if alias_kind != "label" and cleaned not in aliases:
            aliases.append(cleaned)
    if (name, new_type, tuple(aliases)) == (record.name, record.type, record.aliases):
        return record
    return replace(record, name=name, type=new_type, aliases=tuple(aliases))
