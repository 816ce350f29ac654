"""Spans of a parsed Doc: trimmed to their words, grown to whole words, and found by position
(SpanIndex, Intervals). Sentences and paragraphs are document facts (saywho.facts)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

from spacy.tokens import Doc, Span

T = TypeVar("T")


def trim(span: Span) -> Span | None:
    s, e = span.start, span.end
    doc = span.doc
    while s < e and (doc[s].is_space or (doc[s].is_punct and not doc[s].is_quote)):
        s += 1
    while e > s and (doc[e - 1].is_space or (doc[e - 1].is_punct and not doc[e - 1].is_quote)):
        e -= 1
    return doc[s:e] if e > s else None


def _word_piece(token) -> bool:
    return token.is_alpha or token.like_num or token.text in "-‐‑"


def whole_words(span: Span) -> Span:
    """The span grown to whole words where it starts or ends inside one written with hyphens
    ("cyber-activists" from "activists"): the tagger labels tokens, readers see words."""
    doc, s, e = span.doc, span.start, span.end
    while s > 0 and not doc[s - 1].whitespace_ and _word_piece(doc[s - 1]) and _word_piece(doc[s]):
        s -= 1
    while e < len(doc) and not doc[e - 1].whitespace_ and _word_piece(doc[e]) and _word_piece(doc[e - 1]):
        e += 1
    return doc[s:e]


def char_span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def token_bounds(span: Span) -> tuple[int, int]:
    return span.start, span.end


def char_bounds(span: Span) -> tuple[int, int]:
    return span.start_char, span.end_char


class SpanIndex(Generic[T]):
    """Items with a [start, end) range, found by position instead of by a scan of all: their starts
    sorted, with the running maximum of their ends, so that those overlapping a range are reached
    by bisection (for items that do not overlap each other, exactly those). Lookups give positions
    in the items' own order, which callers keep where ties go to the first."""

    def __init__(self, items: Sequence[T], bounds: Callable[[T], tuple[int, int]] = token_bounds) -> None:
        self.items = list(items)
        ranges = [bounds(x) for x in self.items]
        self._order = sorted(range(len(ranges)), key=lambda k: ranges[k][0])
        self._starts = [ranges[k][0] for k in self._order]
        self._ends = [ranges[k][1] for k in self._order]
        self._reach = list(accumulate(self._ends, max))  # the furthest end among the first k

    def __len__(self) -> int:
        return len(self.items)

    def overlapping(self, lo: int, hi: int) -> list[int]:
        """Positions, in order, of the items with start < hi and end > lo."""
        k = bisect.bisect_left(self._starts, hi)
        out = []
        while k > 0 and self._reach[k - 1] > lo:
            k -= 1
            if self._ends[k] > lo:
                out.append(self._order[k])
        return sorted(out)

    def any_overlapping(self, lo: int, hi: int) -> bool:
        """Whether an item has start < hi and end > lo."""
        k = bisect.bisect_left(self._starts, hi)
        return k > 0 and self._reach[k - 1] > lo

    def starting_in(self, lo: int, hi: int) -> list[int]:
        """Positions, in order, of the items with lo <= start < hi."""
        a, b = bisect.bisect_left(self._starts, lo), bisect.bisect_left(self._starts, hi)
        return sorted(self._order[a:b])


class Intervals:
    """A growing set of [start, end) ranges asked whether any overlaps a range: starts kept sorted,
    and only those within the longest range's length before it looked at."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._longest = 0

    def add(self, start: int, end: int) -> None:
        k = bisect.bisect_right(self._starts, start)
        self._starts.insert(k, start)
        self._ends.insert(k, end)
        self._longest = max(self._longest, end - start)

    def any_overlapping(self, lo: int, hi: int) -> bool:
        """Whether a range has start < hi and end > lo (then start > lo - the longest length)."""
        k = bisect.bisect_left(self._starts, hi)
        first = bisect.bisect_right(self._starts, lo - self._longest)
        return any(self._ends[j] > lo for j in range(first, k))
