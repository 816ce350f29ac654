"""One statement under many wordings: the same quote reported by several articles.

News is copied, spun and translated: "We see a window of opportunity," Prokopiev told CNN; "We are
seeing a window of possibility," Prokopyev informed CNN; according to Prokopiev, they see a window.
`link_statements` takes the quotes of a corpus (`QuoteRecord`, speakers already merged into
corpus-wide persons by people.py) and groups the reports of one statement (`Statement`). It is a
pure function: the store calls it at the end of an ingest.

How two quotes from two articles become one statement:
- The same person says both (an unattributed quote may join only with near-identical words).
- Their words agree: each wording becomes *terms* (contractions expanded, lightly stemmed, irregular
  forms to their base, numbers as digits, the pronouns of direct and reported speech as one: "we
  see" / "they see"), and the terms of the shorter must mostly be found in the longer, a word
  counting as found when the other has it or a synonym of it (data/synonyms.tsv, general English).
  Character 4-grams of the terms stand in for words that stemming misses.
- Each statement takes at most one quote per article, and the best-agreeing pairs link first, so a
  quote that ran two statements together joins the one it matches best, never both.
A statement whose DIRECT quotes put different words inside the quotation marks is flagged
`wording_differs`, with a word-level difference per pair of distinct wordings ("We [-see-] {+are
seeing+} a window"): quotation marks promise the speaker's own words.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import combinations
from typing import Any

# Agreement needed to link two quotes of one person: share of the shorter's terms found in the
# longer, with at least this many terms found.
LINK_AGREEMENT = 0.5
LINK_MIN_SHARED = 3
# An unattributed quote joins only with (nearly) the same words.
UNATTRIBUTED_AGREEMENT = 0.9
UNATTRIBUTED_MIN_SHARED = 6
NGRAM = 4

STOPWORDS = frozenset(
    """a an the of to in on at for by with from and or but so that this these those it its as if than
    then there here which who whom whose what when where why how about into onto up down out over off
    just also too very be have do will would shall should can could may might must there their
    such some any each other only own same both either neither one""".split()
)
# Direct speech says "we" where the report says "they": one term for each person-neutral number.
PRONOUNS = {
    **dict.fromkeys("i me my mine myself he him his himself she her hers herself".split(), "<one>"),
    **dict.fromkeys("we us our ours ourselves they them their theirs themselves".split(), "<many>"),
}
NUMBERS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen twenty".split()
    )
}
CONTRACTIONS = [
    (r"\bcan't\b", "can not"),
    (r"\bwon't\b", "will not"),
    (r"\bshan't\b", "shall not"),
    (r"n't\b", " not"),
    (r"'re\b", " are"),
    (r"'ve\b", " have"),
    (r"'ll\b", " will"),
    (r"'m\b", " am"),
    (r"'d\b", " would"),
    (r"'s\b", ""),
]
QUOTE_MARKS = "\"“”„‟«»‹›'‘’‚‛"


@dataclass(frozen=True)
class QuoteRecord:
    """One quote of one article, as statement linking sees it.

    `article` and `quote` (the quote's id in its article, "q2") are its key; `person` the corpus-wide
    id of its speaker (people.py; any hashable id), None when unattributed. `text`, `start`, `end`
    are the contract's `content`. `quoted`: for a direct or mixed quote, the words inside its
    quotation marks, one string per fragment (without the "he said" between them); empty means
    `text` is the wording. `outlet`, `url`, `path` are the article's, for the JSON.
    """

    article: str
    quote: str
    person: Hashable | None
    type: str
    text: str
    start: int
    end: int
    quoted: tuple[str, ...] = ()
    outlet: str | None = None
    url: str | None = None
    path: str | None = None


@dataclass
class Statement:
    """Reports of one statement in two or more articles.

    `members` are indices into the list given to `link_statements`, `quotes` the records themselves
    (same order: by article, then position). `id` is stable while its first quote stays.
    """

    id: str
    person: Hashable | None
    members: list[int]
    quotes: list[QuoteRecord]
    flags: list[str] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)


# --- words and terms ----------------------------------------------------------------------------


def _data(name: str) -> list[list[str]]:
    text = resources.files("saywho").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    return {form: row[0] for row in _data("irregular_words.tsv") for form in row[1:]}


def _strip_suffix(word: str) -> str:
    """Light stemming: inflections off, so that 'seeing', 'sees' and 'see' give one stem."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
        ("er", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word[-2] in "su":
                continue  # "press", "status"
            if suffix == "er" and len(word) < 6:
                continue  # "never", "water"
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopp", "bigg"
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word's comparison form: irregular forms to their base, then light suffix stripping."""
    word = NUMBERS.get(word, word)
    return _strip_suffix(_irregular().get(word, word))


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[int]]:
    """Stem -> the synonym groups it belongs to (a word may mean several things)."""
    groups: dict[str, set[int]] = defaultdict(set)
    for number, row in enumerate(_data("synonyms.tsv")):
        for word in row:
            groups[stem(word)].add(number)
    return {k: frozenset(v) for k, v in groups.items()}


def words(text: str) -> list[str]:
    """Lower-case words, contractions expanded, quotation marks and punctuation dropped."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, repl in CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    return re.findall(r"[^\W_]+", text)


def _key(word: str) -> str:
    """A word as sequences compare it: its stem, a pronoun's number, or its first synonym group."""
    if word in PRONOUNS:
        return PRONOUNS[word]
    s = stem(word)
    groups = _synonyms().get(s)
    return f"#{min(groups)}" if groups else s


@dataclass(frozen=True)
class _Wording:
    """What comparison needs of one quote: its content terms and the character n-grams of its words."""

    terms: tuple[tuple[str, frozenset[int]], ...]
    ngrams: frozenset[str]


def _wording(text: str) -> _Wording:
    ws = words(text)
    terms = tuple(
        (stem(w), _synonyms().get(stem(w), frozenset()))
        for w in ws
        if w not in STOPWORDS and w not in PRONOUNS
    )
    joined = " " + " ".join(_key(w) for w in ws) + " "
    return _Wording(terms, frozenset(joined[i : i + NGRAM] for i in range(len(joined) - NGRAM + 1)))


def _found(term: tuple[str, frozenset[int]], other: Sequence[tuple[str, frozenset[int]]]) -> bool:
    stem_, groups = term
    return any(stem_ == s or groups & g for s, g in other)


def agreement(a: _Wording, b: _Wording) -> tuple[float, int]:
    """How much two wordings agree: (score 0..1, terms of the shorter found in the longer).

    The score is the larger of two shares, both taken on the shorter wording: its terms found in the
    longer (synonyms count), and its character 4-grams found in the longer.
    """
    short, long_ = (a, b) if len(set(a.terms)) <= len(set(b.terms)) else (b, a)
    distinct = set(short.terms)
    if not distinct:
        return 0.0, 0
    found = sum(_found(t, long_.terms) for t in distinct)
    grams = len(short.ngrams & long_.ngrams) / len(short.ngrams) if short.ngrams else 0.0
    return max(found / len(distinct), grams), found


# --- linking ------------------------------------------------------------------------------------


def wording_of(quote: QuoteRecord) -> str:
    """The words a quote reports: inside the quotation marks when it has them, else its content."""
    return " ".join(quote.quoted) if quote.quoted else quote.text


def _linkable(a: QuoteRecord, b: QuoteRecord, score: float, shared: int) -> bool:
    if a.article == b.article:
        return False
    if a.person is not None and a.person == b.person:
        return score >= LINK_AGREEMENT and shared >= LINK_MIN_SHARED
    if a.person is None or b.person is None:
        return score >= UNATTRIBUTED_AGREEMENT and shared >= UNATTRIBUTED_MIN_SHARED
    return False


def _candidates(quotes: Sequence[QuoteRecord], wordings: list[_Wording]) -> list[tuple[float, int, int]]:
    """Scored pairs that may be one statement: the same person, or one side unattributed."""
    by_person: dict[Hashable, list[int]] = defaultdict(list)
    for i, q in enumerate(quotes):
        by_person[q.person].append(i)
    unattributed = by_person.pop(None, [])
    pairs: list[tuple[int, int]] = []
    for members in by_person.values():
        pairs.extend(combinations(members, 2))
    # An unattributed quote is compared with every quote that shares a rare-enough term with it.
    if unattributed:
        index: dict[str, set[int]] = defaultdict(set)
        for i, w in enumerate(wordings):
            for s, _ in w.terms:
                index[s].add(i)
        for i in unattributed:
            near = set().union(*(index[s] for s, _ in wordings[i].terms)) if wordings[i].terms else set()
            pairs.extend(
                (min(i, j), max(i, j)) for j in near if j != i and (j > i or quotes[j].person is not None)
            )
    scored = []
    for i, j in set(pairs):
        score, shared = agreement(wordings[i], wordings[j])
        if _linkable(quotes[i], quotes[j], score, shared):
            scored.append((score + shared / 1000, i, j))  # more words found breaks ties
    return sorted(scored, key=lambda s: (-s[0], s[1], s[2]))


def _groups(quotes: Sequence[QuoteRecord], pairs: Iterable[tuple[float, int, int]]) -> list[list[int]]:
    """Union the pairs, best first, never putting two quotes of one article in one statement."""
    root = list(range(len(quotes)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(quotes))}
    articles: dict[int, set[str]] = {i: {q.article} for i, q in enumerate(quotes)}

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for _, i, j in pairs:
        a, b = find(i), find(j)
        if a == b or articles[a] & articles[b]:
            continue
        a, b = min(a, b), max(a, b)
        root[b] = a
        members[a] += members.pop(b)
        articles[a] |= articles.pop(b)
    return [sorted(m) for m in members.values() if len(m) > 1]


def link_statements(quotes: Sequence[QuoteRecord]) -> list[Statement]:
    """Group the quotes that report one statement in two or more articles.

    Pure and order-independent (up to the `members` indices, which point into `quotes`). Quotes
    are ordered within a statement by article id and position; statements by their first quote.
    """
    order = sorted(range(len(quotes)), key=lambda i: (quotes[i].article, quotes[i].start, quotes[i].quote))
    ordered = [quotes[i] for i in order]
    wordings = [_wording(wording_of(q)) for q in ordered]
    statements = []
    for group in _groups(ordered, _candidates(ordered, wordings)):
        members = [ordered[i] for i in group]
        person = next((q.person for q in members if q.person is not None), None)
        flags, differences = wording_differences(members)
        first = members[0]
        sid = hashlib.sha1(f"{first.article}\0{first.quote}".encode()).hexdigest()[:12]
        statements.append(Statement(sid, person, [order[i] for i in group], members, flags, differences))
    return sorted(statements, key=lambda s: (s.quotes[0].article, s.quotes[0].start))


# --- wording differences ------------------------------------------------------------------------


def _quoted_words(quote: QuoteRecord) -> list[str]:
    """The words inside a direct quote's quotation marks, as written, punctuation at their edges off."""
    raw = [w.strip(QUOTE_MARKS + ".,;:!?…()[]—–-") for w in wording_of(quote).split()]
    return [w for w in raw if w]


def word_diff(a: Sequence[str], b: Sequence[str]) -> str:
    """A word-level difference: 'We [-see-] {+are seeing+} a window' (case and punctuation ignored)."""
    matcher = difflib.SequenceMatcher(None, [w.lower() for w in a], [w.lower() for w in b], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(" ".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def _misquotes(a: Sequence[str], b: Sequence[str]) -> bool:
    """True when two quotations differ inside: one quoting more of the speech at an end is no misquote."""
    matcher = difflib.SequenceMatcher(None, [w.lower() for w in a], [w.lower() for w in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        at_edge = (i1 == 0 and j1 == 0) or (i2 == len(a) and j2 == len(b))
        if op != "equal" and not (op in ("insert", "delete") and at_edge):
            return True
    return False


def wording_differences(quotes: Sequence[QuoteRecord]) -> tuple[list[str], list[dict[str, Any]]]:
    """The flags and differences of one statement's quotes (contract: statements JSON).

    Only DIRECT quotes are compared: a report in its own words may differ, a quotation may not.
    Each distinct wording is compared once, through its first quote.
    """
    firsts: dict[tuple[str, ...], int] = {}
    for i, q in enumerate(quotes):
        if q.type == "direct":
            firsts.setdefault(tuple(w.lower() for w in _quoted_words(q)), i)
    differences = []
    for i, j in combinations(sorted(firsts.values()), 2):
        a, b = _quoted_words(quotes[i]), _quoted_words(quotes[j])
        if _misquotes(a, b):
            differences.append({"quotes": [i, j], "diff": word_diff(a, b)})
    return (["wording_differs"] if differences else []), differences


# --- adapters and JSON --------------------------------------------------------------------------


def quote_records(
    analysis: Any, persons: Mapping[tuple[str, str], Hashable], article: str | None = None
) -> list[QuoteRecord]:
    """The quote records of one analysed article (an `Analysis` or its contract JSON dict).

    `persons` maps (article id, entity id) to a corpus-wide person (people.person_index); a speaker
    with a name but no entity is looked up as "~NAME", as people.speaker_records keys it.
    """
    data = analysis.to_dict() if hasattr(analysis, "to_dict") else analysis
    document = data["document"]
    article = article or document["id"]
    text = document.get("text") or ""
    records = []
    for q in data.get("quotes", []):
        speaker = q.get("speaker") or {}
        key = speaker.get("entity") or ("~" + speaker["name"] if speaker.get("name") else None)
        content = q["content"]
        quoted = ()
        if q["type"] in ("direct", "mixed") and text:
            quoted = tuple(text[s:e] for s, e in content.get("fragments") or [])
        records.append(
            QuoteRecord(
                article, q["id"], persons.get((article, key)) if key else None, q["type"], content["text"],
                content["start"], content["end"], quoted, document.get("outlet"), document.get("url"),
                document.get("path"),
            )
        )  # fmt: skip
    return records


def statement_json(statement: Statement, names: Mapping[Hashable, str]) -> dict[str, Any]:
    """One statement in the contract's form; `names` maps person ids to their names."""
    return {
        "id": statement.id,
        "speaker": {
            "id": statement.person,
            "name": names.get(statement.person) if statement.person else None,
        },
        "flags": statement.flags,
        "quotes": [
            {
                "article": q.article,
                "path": q.path,
                "url": q.url,
                "outlet": q.outlet,
                "type": q.type,
                "content": {"text": q.text, "start": q.start, "end": q.end},
            }
            for q in statement.quotes
        ],
        "differences": statement.differences,
    }


def statements_json(statements: Iterable[Statement], names: Mapping[Hashable, str]) -> list[dict[str, Any]]:
    """The contract's `saywho statements --format json` array."""
    return [statement_json(s, names) for s in statements]
