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
import math
import re
import sys
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import combinations
from typing import Any

import numpy as np

from saywho.embedding import embed

# Agreement needed to link two quotes of one person: the (weighted) share of the shorter's terms
# found in the longer, and of the longer's found in the shorter (a long quote holding a short one
# by chance has little of itself in it).
LINK_AGREEMENT = 0.6
LINK_REVERSE = 0.2
POLARITY_REVERSE = 0.5
# Terms found and their summed weight (see term_weights): about three uncommon words between two
# quotations, four between reports in the reporter's words.
DIRECT_MIN_SHARED = 3
DIRECT_MIN_INFORMATION = 15.0
REPORTED_MIN_SHARED = 4
REPORTED_MIN_INFORMATION = 20.0
# A quote with no speaker, or one found only through a pronoun ("he said": the least certain
# attribution), joins another person's statement only with nearly the same words.
UNSURE_AGREEMENT = 0.8
UNSURE_REVERSE = 0.6
UNSURE_MIN_SHARED = 6
# Paraphrase: quotes of one person that share some uncommon words (the direct minimums above, at
# least PARAPHRASE_SCORE of the shorter's words and PARAPHRASE_REVERSE of the longer's) are one
# statement when their embeddings' cosine reaches PARAPHRASE_SAME; with an unsure speaker on one
# side, the reported minimums and LINK_AGREEMENT, and a cosine of PARAPHRASE_LOOSE.
PARAPHRASE_SCORE = 0.5
PARAPHRASE_REVERSE = 0.4
PARAPHRASE_SAME = 0.85
PARAPHRASE_LOOSE = 0.88
# A short quote found in a long one (EXCERPT_SCORE of its words) but little of the long one in it
# is held against each run of the long one's sentences: an excerpt matches one run closely (the
# run's words EXCERPT_REVERSE found in the short one), within EXCERPT_SLACK of the whole's score.
EXCERPT_SCORE = 0.5
EXCERPT_REVERSE = 0.5
EXCERPT_SLACK = 0.1
# A quote found word for word in another of its speaker's needs this much weight of its own terms.
CONTAINED_INFORMATION = 10.0  # 'intentional act': 10.7
# Rows of one person's embeddings compared at once (a slice times the block: bounded memory).
BLOCK_ROWS = 512
# Where a quote's sentences end, and the dashes that set off a clause.
SENTENCE_END = re.compile(r"(?<=[.!?…;])[\"”’»]*\s+|\s+(?:--|—|–)\s+")
# Words weigh by their rarity (inverse document frequency) among a fixed reference of news quotes
# (data/quote_terms.tsv: PolNeAR train's gold quotes, training/quote_terms.py), scaled to a corpus of
# REFERENCE_SIZE quotes with PRIOR_QUOTES more. Not the store's own quotes: then every article added
# moved every weight, and a link anywhere could come or go with an unrelated article (a store grown
# one article at a time could not be linked only where the article reaches).
PRIOR_QUOTES = 100
REFERENCE_SIZE = 1000
DEFAULT_WEIGHT = 5.0
NGRAM = 4
# Index keys in more than this share of the reference's quotes are too common to find candidate
# pairs by ("say", "people"): their postings would grow with the square of the corpus.
COMMON_KEY_SHARE = 0.05

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
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen twenty".split(),
        start=1,
    )
}
CONTRACTIONS = [
    (r"\bcan't\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bno one\b", "nobody"),
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
PRONOUN_MENTIONS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}
# "is not honest" is not "is honest"; "no chance" is "zero chance", so "no" is not here.
NEGATIONS = {"not", "never", "nobody", "nothing", "neither", "nor", "nowhere"}
QUOTE_MARKS = "\"“”„‟«»‹›'‘’‚‛"


@dataclass(frozen=True, slots=True)  # slots: a bulk ingest holds millions of them
class QuoteRecord:
    """One quote of one article, as statement linking sees it.

    `article` and `quote` (the quote's id in its article, "q2") are its key; `person` the corpus-wide
    id of its speaker (people.py; any hashable id), None when unattributed. `text`, `start`, `end`
    are the contract's `content`. `quoted`: for a direct or mixed quote, the words inside its
    quotation marks, one string per fragment (without the "he said" between them); empty means
    `text` is the wording. `pronoun`: the speaker was found through a pronoun ("he said"), the
    attribution most often wrong. `outlet`, `url`, `path` are the article's, for the JSON. `group`:
    the speaker is a group ("top black lawmakers"); `published` (ISO date) and `ingested` (the
    article's place in the store) order the reports of a statement. `article_persons`: the persons
    its article names (ids as `person`), read only when the speaker is unsure (`may_pair`).
    """

    article: str
    quote: str
    person: Hashable | None
    type: str
    text: str
    start: int
    end: int
    quoted: tuple[str, ...] = ()
    pronoun: bool = False
    outlet: str | None = None
    url: str | None = None
    path: str | None = None
    group: bool = False
    published: str | None = None
    ingested: int = 0
    # Out of the repr: a set's order moves with the hash seed, and digests of statements must not.
    article_persons: frozenset[Hashable] = field(default=frozenset(), repr=False)

    @property
    def named_person(self) -> Hashable | None:
        """The speaker when one person is named for it: not through a pronoun, not a group
        ("police officials", described differently by each outlet, is the least sure speaker)."""
        return None if self.pronoun or self.group else self.person

    @property
    def speakers(self) -> frozenset[Hashable]:
        """Who may have said it: the named speaker alone; for an unsure speaker, the persons its
        article names with its own (a pronoun's antecedent, a group): see `may_pair`."""
        own = frozenset() if self.person is None else frozenset((self.person,))
        return own if self.named_person is not None else self.article_persons | own

    @property
    def age(self) -> tuple[int, str, int]:
        """How reports of a statement are ordered: by the article's date (undated last), then as
        ingested."""
        return (self.published is None, self.published or "", self.ingested)


@dataclass
class Statement:
    """Reports of one statement in two or more articles.

    `members` are indices into the list given to `link_statements`, `quotes` the records themselves
    (same order: oldest first, see `QuoteRecord.age`). `origin` is the index of the earliest dated
    report, where the statement most likely first appeared (None when no report is dated). `id` is
    stable while its first quote in article order stays.
    """

    id: str
    person: Hashable | None
    members: list[int]
    quotes: list[QuoteRecord]
    flags: list[str] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)
    origin: int | None = None


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
    """What comparison needs of one quote: its content terms, numbers and character n-grams."""

    terms: frozenset[tuple[str, frozenset[int]]]
    numbers: frozenset[str]
    negated: bool
    ngrams: frozenset[str]
    stems: frozenset[str]  # of the terms, and all their synonym groups: for looking a term up
    groups: frozenset[int]


@lru_cache(maxsize=65536)
def _term(stem_: str) -> tuple[tuple[str, frozenset[int]], str]:
    """A stem's term (the stem and its synonym groups) and its `_key`, made once and shared by every
    wording that has it (a bulk ingest holds a million wordings)."""
    groups = _synonyms().get(stem_, frozenset())
    return (stem_, groups), (f"#{min(groups)}" if groups else stem_)


def text_wording(text: str) -> _Wording:
    all_words = words(text)
    content = [_term(stem(w)) for w in all_words if w not in STOPWORDS and w not in PRONOUNS]
    terms = frozenset(term for term, _ in content)
    joined = " " + " ".join(key for _, key in content) + " "
    # Interned: the same few thousand 4-grams recur in every quote.
    ngrams = frozenset(sys.intern(joined[i : i + NGRAM]) for i in range(len(joined) - NGRAM + 1))
    numbers = frozenset(s for s, _ in terms if s.isdigit())
    stems = frozenset(s for s, _ in terms)
    groups = frozenset().union(*(g for _, g in terms))
    return _Wording(terms, numbers, any(w in NEGATIONS for w in all_words), ngrams, stems, groups)


@lru_cache(maxsize=1)
def _reference() -> tuple[int, dict[str, int]]:
    """The reference's quote count and, per stem or index key, the quotes it appears in."""
    text = resources.files("saywho").joinpath("data/quote_terms.tsv").read_text(encoding="utf-8")
    # Synonym-group keys begin with "#": only "# " begins a comment here.
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("# ")]
    counts = {row[0]: int(row[1]) for row in rows}
    return counts.pop("<quotes>"), counts


def term_weight(stem_: str) -> float:
    """A stem's weight: its inverse document frequency in the reference, as a share of quotes
    applied to REFERENCE_SIZE quotes, smoothed by PRIOR_QUOTES more (a stem never seen weighs most)."""
    total, counts = _reference()
    share = counts.get(stem_, 0) / total
    return math.log((PRIOR_QUOTES + REFERENCE_SIZE) / (1 + share * REFERENCE_SIZE))


def term_weights(wordings: Sequence[_Wording]) -> dict[str, float]:
    """The weight of every stem of the wordings (`term_weight`)."""
    return {s: term_weight(s) for w in wordings for s, _ in w.terms}


@lru_cache(maxsize=1)
def common_keys() -> frozenset[str]:
    """Index keys too common to find candidate pairs by (COMMON_KEY_SHARE of the reference)."""
    total, counts = _reference()
    return frozenset(k for k, n in counts.items() if n > COMMON_KEY_SHARE * total)


@dataclass(frozen=True)
class Agreement:
    """How two wordings agree. `score`: the weighted share of the shorter's terms found in the longer
    (synonyms count), or of its character 4-grams if higher; `reverse`: the share of the longer's
    terms found in the shorter (near 1 when neither says more); `found`: the shorter's terms found;
    `information`: their summed weight; `numbers_agree`: no figure of one is missing from the other
    when both give figures (46 percent is not 42 percent); `polarity_agrees`: both deny or neither."""

    score: float
    reverse: float
    found: int
    information: float
    numbers_agree: bool
    polarity_agrees: bool


# A wording's terms with their weights, in its terms' order, and their sum (`_weighed`).
_Weighed = tuple[list[tuple[str, frozenset[int], float]], float]


def _weighed(wording: _Wording, weights: Mapping[str, float]) -> _Weighed:
    """The wording's terms, each with its weight (DEFAULT_WEIGHT when `weights` lacks it), and the
    weights' sum: made once per wording when it is compared with many."""
    terms = [(stem_, groups, weights.get(stem_, DEFAULT_WEIGHT)) for stem_, groups in wording.terms]
    total = 0.0
    for _, _, w in terms:  # summed in order, one by one: the same float whenever it is made
        total += w
    return terms, total


def _share(weighed: _Weighed, other: _Wording) -> tuple[float, int, float]:
    """The weighted share of a wording's terms (`_weighed`) found in `other`: its stem, or a synonym
    group in common."""
    terms, total = weighed
    stems, groups_ = other.stems, other.groups
    hit = 0.0
    found = 0
    for stem_, groups, w in terms:
        if stem_ in stems or (groups and not groups.isdisjoint(groups_)):
            hit += w
            found += 1
    return (hit / total if total else 0.0), found, hit


def agreement(a: _Wording, b: _Wording, weights: Mapping[str, float] | None = None) -> Agreement:
    """How much two wordings agree (see `Agreement`); `weights` from `term_weights`, else all one."""
    weights = weights or {}
    return _agreement(a, _weighed(a, weights), b, _weighed(b, weights))


def _agreement(a: _Wording, weighed_a: _Weighed, b: _Wording, weighed_b: _Weighed) -> Agreement:
    """`agreement`, the wordings' weighed terms given."""
    if len(a.terms) <= len(b.terms):
        short, long_, weighed_short, weighed_long = a, b, weighed_a, weighed_b
    else:
        short, long_, weighed_short, weighed_long = b, a, weighed_b, weighed_a
    score, found, information = _share(weighed_short, long_)
    reverse, _, _ = _share(weighed_long, short)
    grams = len(short.ngrams & long_.ngrams) / len(short.ngrams) if short.ngrams else 0.0
    numbers = not (a.numbers and b.numbers) or short.numbers <= long_.numbers
    return Agreement(max(score, grams), reverse, found, information, numbers, a.negated == b.negated)


# --- linking ------------------------------------------------------------------------------------


def wording_of(quote: QuoteRecord) -> str:
    """The words a quote reports: inside the quotation marks when it has them, else its content."""
    return " ".join(quote.quoted) if quote.quoted else quote.text


def compared_text(quote: QuoteRecord) -> str:
    """The words two reports are compared by: a quotation's own words; a report in the reporter's
    words, or one quoting only a phrase ("he has had 'areas of disagreement' but cannot allow ..."),
    whole, as the phrase alone says too little of the statement."""
    return wording_of(quote) if quote.type == "direct" else quote.text


def _segments(quote: QuoteRecord) -> list[str]:
    """A quote's sentences (and the pieces its attribution splits it into): the units one copy cuts
    a quote at, or gives of it."""
    parts = quote.quoted if quote.type == "direct" and quote.quoted else (compared_text(quote),)
    pieces = (piece.strip() for part in parts for piece in SENTENCE_END.split(part))
    return [piece for piece in pieces if any(c.isalnum() for c in piece)]


def _speakers_allow(a: QuoteRecord, b: QuoteRecord) -> tuple[bool, bool]:
    """(same, loose): one person says both; or one side's speaker is unsure (none, a pronoun, a
    group), so that only the wording can say whether they are one statement."""
    same = a.person is not None and a.person == b.person
    return same, not same and (a.named_person is None or b.named_person is None)


def _agree_enough(a: QuoteRecord, b: QuoteRecord, agree: Agreement, similarity: float = 0.0) -> bool:
    """Whether two quotes' speakers and wordings allow them to be one statement (articles aside).

    Words decide first, as they always did; the embedding's `similarity` (cosine) then finds the
    paraphrases that share few words ("a window of opportunity" / "an opportunity"), but only
    between quotes that still share some uncommon words, so that two remarks on one topic stay
    apart."""
    same, loose = _speakers_allow(a, b)
    if not (same or loose) or not agree.numbers_agree:
        return False
    # A "not" in one of two quotes of like content makes them opposites; in a quote holding much more
    # than the other, it may belong to the rest.
    if not agree.polarity_agrees and agree.reverse >= POLARITY_REVERSE:
        return False
    # Reported speech is often a short phrase about a topic ("the Affordable Care Act"): it needs more.
    direct = a.type == b.type == "direct"
    enough = agree.found >= (DIRECT_MIN_SHARED if direct else REPORTED_MIN_SHARED) and agree.information >= (
        DIRECT_MIN_INFORMATION if direct else REPORTED_MIN_INFORMATION
    )
    if same and enough and agree.score >= LINK_AGREEMENT and agree.reverse >= LINK_REVERSE:
        return True
    near = agree.score >= UNSURE_AGREEMENT and agree.reverse >= UNSURE_REVERSE
    if loose and enough and near and agree.found >= UNSURE_MIN_SHARED:
        return True
    if same:
        return (
            agree.found >= DIRECT_MIN_SHARED
            and agree.information >= DIRECT_MIN_INFORMATION
            and agree.score >= PARAPHRASE_SCORE
            and agree.reverse >= PARAPHRASE_REVERSE
            and similarity >= PARAPHRASE_SAME
        )
    return (
        agree.found >= REPORTED_MIN_SHARED
        and agree.information >= REPORTED_MIN_INFORMATION
        and agree.score >= LINK_AGREEMENT
        and agree.reverse >= PARAPHRASE_REVERSE
        and similarity >= PARAPHRASE_LOOSE
    )


def index_keys(wording: _Wording) -> set[str]:
    """The index keys of a wording: its stems and its synonym groups."""
    return {s for s, _ in wording.terms} | {f"#{g}" for _, groups in wording.terms for g in groups}


def _classes(quotes: Sequence[QuoteRecord]) -> list[list[int]]:
    """The quotes grouped by what comparison sees of them: wording, speaker, how the speaker was
    found, and type (`_class_key`). Copies of one quote (syndicated news, a corpus read twice)
    are compared once, so the work grows with the distinct wordings, not with the square of the
    copies."""
    classes: dict[tuple[Any, ...], list[int]] = {}
    for i, q in enumerate(quotes):
        classes.setdefault(_class_key(q), []).append(i)
    return list(classes.values())


def _class_key(q: QuoteRecord) -> tuple[Any, ...]:
    """What comparison and `may_pair` see of a quote: an unsure speaker's article persons too."""
    persons = q.article_persons if q.named_person is None else None
    return (compared_text(q), wording_of(q), q.person, q.pronoun, q.group, q.type, persons)


def _neighbours(first: Sequence[QuoteRecord], vectors: np.ndarray) -> Iterator[tuple[int, int]]:
    """Pairs of classes of one named person whose embeddings are close (cosine at least
    PARAPHRASE_SAME): the paraphrases that share too few index keys to be found through them.
    Each person is a block, compared a slice of rows at a time, so memory stays bounded."""
    people: dict[Hashable, list[int]] = defaultdict(list)
    for c, q in enumerate(first):
        if q.named_person is not None:
            people[q.person].append(c)
    for members in people.values():
        if len(members) < 2:
            continue
        block = vectors[members]
        for start in range(0, len(members), BLOCK_ROWS):
            near = block[start : start + BLOCK_ROWS] @ block.T >= PARAPHRASE_SAME
            for r, k in zip(*np.nonzero(near), strict=True):
                if start + r < k:
                    yield members[start + r], members[k]


class _Comparer:
    """Compares two classes of quotes: their words (whole, or the short one against the stretch of
    the long one it matches best: a copy giving one sentence of a long quote) and their meaning."""

    def __init__(self, first: Sequence[QuoteRecord], vectors: np.ndarray | None = None) -> None:
        """`vectors`: the texts' embeddings when known already (the store keeps them)."""
        self.first = first
        self.texts = [compared_text(q) for q in first]
        # Classes of one text (its speakers') share its wording, weighed terms and embedding: a
        # bulk ingest holds each distinct text once (a third of the classes at 8,000 synthetic
        # articles are another speaker's same words).
        distinct = {t: n for n, t in enumerate(dict.fromkeys(self.texts))}
        wordings = [text_wording(t) for t in distinct]
        self.wordings = [wordings[distinct[t]] for t in self.texts]
        self.weights = term_weights(wordings)  # copies of a quote do not make its words look common
        if vectors is None:
            vectors = embed(list(distinct))[[distinct[t] for t in self.texts]] if distinct else embed([])
        self.vectors = vectors
        weighed = [_weighed(w, self.weights) for w in wordings]
        self.weighed = [weighed[distinct[t]] for t in self.texts]
        grouped = [[(s, g) for s, g in w.terms if g] for w in wordings]  # terms with synonyms
        self.grouped = [grouped[distinct[t]] for t in self.texts]
        self._windows: dict[tuple[int, int], list[tuple[_Wording, str, _Weighed]]] = {}

    def windows(self, c: int, length: int) -> list[tuple[_Wording, str, _Weighed]]:
        """Runs of up to `length` consecutive sentences of class c, as wordings, texts and weighed
        terms."""
        if (c, length) not in self._windows:
            self._windows[(c, length)] = self._runs(c, length)
        return self._windows[(c, length)]

    def _runs(self, c: int, length: int) -> list[tuple[_Wording, str, _Weighed]]:
        segments = _segments(self.first[c])
        runs = [
            " ".join(segments[i : i + n])
            for n in range(1, min(length, len(segments) - 1) + 1)
            for i in range(len(segments) - n + 1)
        ]
        wordings = [text_wording(t) for t in runs]
        return [(w, t, _weighed(w, self.weights)) for w, t in zip(wordings, runs, strict=True)]

    def compare(self, c: int, d: int) -> tuple[Agreement, float]:
        """The agreement and cosine of two classes, the short one held against the best stretch of
        the long one when that agrees better than the whole."""
        a, b = self.wordings[c], self.wordings[d]
        agree = _agreement(a, self.weighed[c], b, self.weighed[d])
        similarity = float(self.vectors[c] @ self.vectors[d])
        short, long_ = (c, d) if len(a.terms) <= len(b.terms) else (d, c)
        # A stretch can only lose words: pairs that share too few, or agree already, are left whole.
        few = agree.found < DIRECT_MIN_SHARED or agree.information < DIRECT_MIN_INFORMATION
        if few or agree.score < EXCERPT_SCORE or agree.reverse >= UNSURE_REVERSE:
            return agree, similarity
        length = len(_segments(self.first[short])) + 1
        best = None
        for wording, text, weighed in self.windows(long_, length):
            window = _agreement(self.wordings[short], self.weighed[short], wording, weighed)
            if window.reverse >= EXCERPT_REVERSE and (best is None or window.score > best[0].score):
                best = window, text
        if best is None or best[0].score < agree.score - EXCERPT_SLACK:
            return agree, similarity
        window_similarity = float(self.vectors[short] @ embed([best[1]])[0])
        return best[0], max(similarity, window_similarity)

    def contained(self, c: int, d: int) -> bool:
        """One quote's words, two or more of them uncommon, word for word inside the other's: the
        wire's "an intentional act." in the mayor's "Chelsea explosion was an 'intentional act.'"."""
        a, b = (" " + " ".join(words(self.texts[k])) + " " for k in (c, d))
        short, inner, outer = (c, a, b) if len(a) <= len(b) else (d, b, a)
        wording = self.wordings[short]
        information = sum(self.weights.get(s, DEFAULT_WEIGHT) for s, _ in wording.terms)
        return len(wording.terms) >= 2 and information >= CONTAINED_INFORMATION and inner in outer

    def found(self, c: int, d: int) -> int:
        """`Agreement.found` of the two classes' whole wordings, counted by set operations."""
        a, b = self.wordings[c], self.wordings[d]
        short, s, long_ = (a, c, b) if len(a.terms) <= len(b.terms) else (b, d, a)
        found = len(short.stems & long_.stems)
        if long_.groups:
            found += sum(
                1 for t, g in self.grouped[s] if t not in long_.stems and not g.isdisjoint(long_.groups)
            )
        return found

    def linkable(self, c: int, d: int) -> tuple[bool, float]:
        """Whether two classes may be one statement, and how close they are (when they may)."""
        # Quotes of two speakers (not one person) link only with REPORTED_MIN_SHARED or more terms
        # found (_agree_enough), in the whole wordings or in an excerpt's window, which is looked for
        # only when DIRECT_MIN_SHARED are found in the whole (compare): with fewer, no need to
        # compare further. Most candidate pairs (half at 500 synthetic articles) stop here.
        if not _speakers_allow(self.first[c], self.first[d])[0] and self.found(c, d) < DIRECT_MIN_SHARED:
            return False, 0.0
        agree, similarity = self.compare(c, d)
        ok = _agree_enough(self.first[c], self.first[d], agree, similarity)
        if not ok and _speakers_allow(self.first[c], self.first[d])[0] and agree.polarity_agrees:
            ok = agree.reverse >= PARAPHRASE_REVERSE and self.contained(c, d)
        return ok, (agree.score + max(similarity, 0.0)) / 2 + agree.reverse / 100


def _candidates(
    classes: Sequence[Sequence[int]], comparer: _Comparer, shard: int = 0, shards: int = 1
) -> list[tuple[float, int, int]]:
    """Scored pairs of classes (see `_classes`; a class with itself for its copies) whose quotes may
    be one statement: one person, or an unsure speaker who may be the other's (`may_pair`).

    Only pairs sharing two or more index keys, or of one person and close in meaning, are scored,
    found through an inverted index that leaves out the keys too common to tell statements apart
    ("say", "people") and through each person's embeddings, so a corpus of tens of thousands of
    quotes is linked in seconds. With `shards`, only the pairs (c, d) whose c is `shard` modulo
    `shards`, unsorted: the shards' pairs, sorted as here, are all the pairs (store/cluster.py).
    """
    first = comparer.first
    # The pairs found otherwise, few, are kept aside; the key pairs, most, are scored as they come.
    others = {(c, d) for c, d in _neighbours(first, comparer.vectors) if c % shards == shard}
    others.update((c, c) for c in range(shard, len(classes), shards) if len(classes[c]) > 1)
    scored = []

    def score(c: int, d: int) -> None:
        a, b = first[c], first[d]
        if a.person != b.person and a.named_person is not None and b.named_person is not None:
            return
        ok, closeness = comparer.linkable(c, d)
        if ok:
            scored.append((closeness, c, d))

    sizes = [len(w.terms) for w in comparer.wordings]
    for c, d in _key_pairs(first, _keys(comparer.wordings), sizes, range(shard, len(first), shards)):
        others.discard((c, d))
        score(c, d)
    for c, d in others:
        score(c, d)
    return scored if shards > 1 else best_first(classes, scored)


def best_first(
    classes: Sequence[Sequence[int]], scored: list[tuple[float, int, int]]
) -> list[tuple[float, int, int]]:
    """Scored class pairs (`_candidates`) in the order they are linked: closest first, then in
    article order (every pair in one place)."""
    return sorted(scored, key=lambda s: (-s[0], classes[s[1]][0], classes[s[2]][0]))


def key_pairs(first: Sequence[QuoteRecord], wordings: Sequence[_Wording]) -> set[tuple[int, int]]:
    """The pairs of classes (`first`: a quote of each, `wordings` theirs) found through shared
    index keys, to be scored: two or more keys, none too common, in quotes that may be one
    (`may_pair`)."""
    return set(_key_pairs(first, _keys(wordings), [len(w.terms) for w in wordings], range(len(first))))


def _keys(wordings: Iterable[_Wording]) -> list[list[str]]:
    """Each wording's index keys, less those too common to find pairs by."""
    common = common_keys()
    return [[k for k in index_keys(w) if k not in common] for w in wordings]


def _key_pairs(
    first: Sequence[QuoteRecord], keys: Sequence[Sequence[str]], sizes: Sequence[int], probes: Iterable[int]
) -> Iterator[tuple[int, int]]:
    """`key_pairs`, each pair (c < d) once, the keys (`_keys`) and term counts of the classes given;
    only the pairs whose c is in `probes`.

    Pairs are sought one person at a time, among the classes that person may have said (`may_pair`:
    a person in common among their `speakers`): each class counts the keys it shares with the later
    classes of the block, from the block's postings. What a class reads grows with the quotes of
    the persons it may be said by, not with the corpus (when an unsure speaker's quote read every
    quote sharing its words, the pairs grew as the square of the corpus); memory holds one block's
    postings and one class's counts, never a count for every pair. Two unsure classes with
    several persons in common are paired in the block of the first of them met."""
    probed = set(probes)
    blocks: dict[Hashable, list[int]] = defaultdict(list)  # person -> classes, ascending
    for c, q in enumerate(first):
        for person in q.speakers:
            blocks[person].append(c)
    rank = {person: n for n, person in enumerate(blocks)}
    for person, members in blocks.items():
        if len(members) < 2:
            continue
        postings: dict[str, list[int]] = defaultdict(list)
        for c in members:
            for key in keys[c]:
                postings[key].append(c)
        for c in members:
            if c not in probed:
                continue
            shared: Counter[int] = Counter()
            for key in keys[c]:
                posting = postings[key]  # ascending: the later classes are a tail
                shared.update(posting[bisect_right(posting, c) :])
            # Every link but a two-word quote found word for word in another needs three terms in
            # common.
            for d, count in shared.items():
                if (count >= 3 or (count == 2 and min(sizes[c], sizes[d]) <= 2)) and _first_block(
                    first[c], first[d], rank, rank[person]
                ):
                    yield c, d


def _first_block(a: QuoteRecord, b: QuoteRecord, rank: Mapping[Hashable, int], block: int) -> bool:
    """Whether `block` is the first (by `rank`) of the persons two classes have in common (two
    named speakers, or a named and an unsure one, have one only)."""
    if a.named_person is not None or b.named_person is not None:
        return True
    return all(rank[p] >= block for p in a.speakers & b.speakers)


def may_pair(a: QuoteRecord, b: QuoteRecord) -> bool:
    """Whether two quotes may be found as reports of one statement (link_statements scores only
    such pairs): a person in common among their `speakers` (two named speakers: one person; an
    unsure speaker: a person its article names, its pronoun's antecedent or its group), or copies
    alike to comparison (one class, `_classes`). A report names its speaker, or names the persons
    around an unattributed quote: the reports of one statement name its speaker."""
    return not a.speakers.isdisjoint(b.speakers) or _class_key(a) == _class_key(b)


def _groups(
    quotes: Sequence[QuoteRecord],
    classes: Sequence[Sequence[int]],
    scored: Iterable[tuple[float, int, int]],
    close: Callable[[int, int], bool],
    size: Callable[[int], int],
) -> list[list[int]]:
    """Union the quote pairs of the scored class pairs (`_candidates`), best first, never putting
    two quotes of one article, or two people named as the speaker, in one statement. Each group
    has a centre, its fullest wording (`size`), and two groups join only where their centres are
    `close` too: excerpts of one long quote join it, but a chain of paraphrases, each near the next
    ("ban Muslims" ... "build a wall" ... "deport 11 million"), does not become one statement."""
    root = list(range(len(quotes)))
    centre = list(range(len(quotes)))
    members: dict[int, list[int]] = {}
    articles: dict[int, set[str]] = {}
    named: dict[int, set[Hashable]] = {}

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    def group(i: int) -> tuple[list[int], set[str], set[Hashable]]:
        if i not in members:  # a quote alone, made a group when first met
            members[i], articles[i], named[i] = [i], {quotes[i].article}, {quotes[i].named_person} - {None}
        return members[i], articles[i], named[i]

    def together(quotes_: Sequence[int]) -> bool:
        root_ = find(quotes_[0])
        return all(find(k) == root_ for k in quotes_)

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a == b:
            return
        (_, articles_a, named_a), (_, articles_b, named_b) = group(a), group(b)
        if articles_a & articles_b or len(named_a | named_b) > 1:
            return
        if {centre[a], centre[b]} != {i, j} and not close(centre[a], centre[b]):
            return
        a, b = min(a, b), max(a, b)
        centre[a] = max(centre[a], centre[b], key=lambda k: (size(k), -k))
        root[b] = a
        members[a] += members.pop(b)
        articles[a] |= articles.pop(b)
        named[a] |= named.pop(b)

    # A class pair's quote pairs, row by row (a class with itself: each pair once). Once all its
    # quotes are in one group, the pairs left would each join a group with itself: k copies of a
    # quote cost k steps, not k * k.
    for _, c, d in scored:
        both = classes[c] if c == d else [*classes[c], *classes[d]]
        for n, i in enumerate(classes[c]):
            if together(both):
                break
            for j in classes[c][n + 1 :] if c == d else classes[d]:
                join(*((i, j) if i < j else (j, i)))
    return [sorted(m) for m in members.values() if len(m) > 1]


def _speaker(quotes: Sequence[QuoteRecord]) -> Hashable | None:
    """A statement's speaker: the person named for it, else the one most reports give."""
    named = [q.named_person for q in quotes if q.named_person is not None]
    anyone = named or [q.person for q in quotes if q.person is not None]
    return Counter(anyone).most_common(1)[0][0] if anyone else None


def link_statements(quotes: Sequence[QuoteRecord]) -> list[Statement]:
    """Group the quotes that report one statement in two or more articles.

    Pure and order-independent (up to the `members` indices, which point into `quotes`). Within a
    statement, quotes are ordered oldest first (their article's date, undated last, then as
    ingested; see `QuoteRecord.age`) and `origin` is the earliest dated one; statements are
    ordered by their first quote in article order.
    """
    order, classes = ordered_classes(quotes)
    comparer = _Comparer([quotes[order[c[0]]] for c in classes])  # what a class's quotes have in common
    size = [len(w.terms) for w in comparer.wordings]
    return grouped_statements(
        quotes,
        order,
        classes,
        _candidates(classes, comparer),
        lambda c, d: comparer.linkable(c, d)[0],
        size.__getitem__,
    )


def ordered_classes(quotes: Sequence[QuoteRecord]) -> tuple[list[int], list[list[int]]]:
    """The quotes' order for linking (their indices by article, place, id) and their classes
    (`_classes`, as positions in that order)."""
    order = sorted(range(len(quotes)), key=lambda i: (quotes[i].article, quotes[i].start, quotes[i].quote))
    return order, _classes([quotes[i] for i in order])


def grouped_statements(
    quotes: Sequence[QuoteRecord],
    order: Sequence[int],
    classes: Sequence[Sequence[int]],
    scored: list[tuple[float, int, int]],
    linkable: Callable[[int, int], bool],
    size: Callable[[int], int],
) -> list[Statement]:
    """link_statements's statements from its scored class pairs (`_candidates`, best first), given
    whether two classes are linkable and a class's number of terms (`_Comparer`); only the classes
    of scored pairs are asked about."""
    ordered = [quotes[i] for i in order]
    class_of = [0] * len(ordered)
    for c, members in enumerate(classes):
        for i in members:
            class_of[i] = c

    def close(i: int, j: int) -> bool:
        c, d = class_of[i], class_of[j]
        return c == d or linkable(c, d)

    statements = []
    for group in _groups(ordered, classes, scored, close, lambda i: size(class_of[i])):
        group = sorted(group, key=lambda i: (ordered[i].age, i))
        members = [ordered[i] for i in group]
        person = _speaker(members)
        flags, differences = wording_differences(members)
        head = min(members, key=lambda q: (q.article, q.start, q.quote))  # the id does not move with dates
        sid = hashlib.sha1(f"{head.article}\0{head.quote}".encode()).hexdigest()[:12]
        origin = 0 if members[0].published else None
        statements.append(
            Statement(sid, person, [order[i] for i in group], members, flags, differences, origin)
        )
    return sorted(statements, key=lambda s: min((q.article, q.start) for q in s.quotes))


# --- wording differences ------------------------------------------------------------------------


def quoted_words(quote: QuoteRecord) -> list[str]:
    """The words inside a direct quote's quotation marks, as written, punctuation at their edges off."""
    raw = [w.strip(QUOTE_MARKS + ".,;:!?…()[]—–-") for w in wording_of(quote).split()]
    return [w for w in raw if w]


def _compared(word: str) -> str:
    """A word as quotations are compared: case and the typography of apostrophes aside."""
    return word.lower().replace("’", "'").replace("‘", "'")


def word_diff(a: Sequence[str], b: Sequence[str]) -> str:
    """A word-level difference: 'We [-see-] {+are seeing+} a window' (case, punctuation and curly or
    straight apostrophes ignored)."""
    matcher = difflib.SequenceMatcher(
        None, [_compared(w) for w in a], [_compared(w) for w in b], autojunk=False
    )
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


def misquotes(a: Sequence[str], b: Sequence[str]) -> bool:
    """True when two quotations differ inside: one quoting more of the speech at an end is no misquote."""
    matcher = difflib.SequenceMatcher(
        None, [_compared(w) for w in a], [_compared(w) for w in b], autojunk=False
    )
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
            firsts.setdefault(tuple(_compared(w) for w in quoted_words(q)), i)
    differences = []
    for i, j in combinations(sorted(firsts.values()), 2):
        a, b = quoted_words(quotes[i]), quoted_words(quotes[j])
        if misquotes(a, b):
            differences.append({"quotes": [i, j], "diff": word_diff(a, b)})
    return (["wording_differs"] if differences else []), differences


# --- adapters and JSON --------------------------------------------------------------------------


def quote_records(
    analysis: Any, persons: Mapping[tuple[str, str], Hashable], article: str | None = None
) -> list[QuoteRecord]:
    """The quote records of one analysed article (an `Analysis` or its contract JSON dict).

    `persons` maps (article id, entity id) to a corpus-wide person (people.person_index); a speaker
    with a name but no entity is looked up as "~NAME", as people.speaker_records keys it. The
    article's persons (`QuoteRecord.article_persons`) are those of its entities other than groups
    (the store's: people, organisations, places) and of its named speakers.
    """
    data = analysis.to_dict() if hasattr(analysis, "to_dict") else analysis
    document = data["document"]
    article = article or document["id"]
    text = document.get("text") or ""
    keys = [e["id"] for e in data.get("entities", []) if e.get("type") != "GROUP"]
    for q in data.get("quotes", []):
        keys.append(_speaker_key(q.get("speaker") or {}))
    named = frozenset(persons[(article, k)] for k in keys if k is not None and (article, k) in persons)
    records = []
    for q in data.get("quotes", []):
        speaker = q.get("speaker") or {}
        key = _speaker_key(speaker)
        content = q["content"]
        mention = (speaker.get("mention") or {}).get("text") or ""
        quoted: tuple[str, ...] = ()
        if q["type"] in ("direct", "mixed") and text:
            quoted = tuple(text[s:e] for s, e in content.get("fragments") or [])
        records.append(
            QuoteRecord(
                article, q["id"], persons.get((article, key)) if key else None, q["type"], content["text"],
                content["start"], content["end"], quoted, mention.lower() in PRONOUN_MENTIONS,
                document.get("outlet"), document.get("url"), document.get("path"),
                article_persons=named,
            )
        )  # fmt: skip
    return records


def _speaker_key(speaker: Mapping[str, Any]) -> str | None:
    """A quote's speaker as `persons` keys it: its entity, else "~NAME"."""
    return speaker.get("entity") or ("~" + speaker["name"] if speaker.get("name") else None)
