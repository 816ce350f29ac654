"""The indexes that keep an article's cost linear in its length give the answers the scans of all
pairs they replace gave (issue 11), on the founding article's own spans. Speed itself is measured by
benchmarks/long_article.py, not here."""

from __future__ import annotations

import random

import numpy
import pytest
from spacy.tokens import Doc, Span

from saywho.attribution import roles as R
from saywho.attribution.extract import CONTENT, CUE, SOURCE, _after_rules, _runs
from saywho.attribution.layout import Intervals, SpanIndex, char_bounds
from saywho.facts import quoted_spans


@pytest.fixture(scope="module")
def doc(seed_doc: Doc) -> Doc:
    return seed_doc


@pytest.fixture(scope="module")
def tagger(nlp):
    return nlp.get_pipe("saywho_attributions").models.tagger


@pytest.fixture(scope="module")
def probs(doc: Doc, tagger) -> numpy.ndarray:
    return R.predict(doc, R.quote_state(doc, quoted_spans(doc.text)), tagger)


@pytest.fixture(scope="module")
def spans(doc: Doc, probs: numpy.ndarray) -> list[Span]:
    """The tagger's runs of every role, and the sentences: spans that overlap each other."""
    labels = probs.argmax(axis=1)
    runs = [s for role in (SOURCE, CUE, CONTENT) for s in _runs(doc, labels, role)]
    return runs + list(doc.sents)


def test_span_index_finds_what_a_scan_finds(doc: Doc, spans: list[Span]) -> None:
    index = SpanIndex(spans)
    for lo in range(-3, len(doc) + 3, 3):
        for width in (0, 1, 5, 40):
            hi = lo + width
            overlapping = [k for k, s in enumerate(spans) if s.start < hi and s.end > lo]
            assert index.overlapping(lo, hi) == overlapping
            assert index.any_overlapping(lo, hi) == bool(overlapping)
            assert index.starting_in(lo, hi) == [k for k, s in enumerate(spans) if lo <= s.start < hi]


def test_span_index_by_characters(doc: Doc) -> None:
    quotes = quoted_spans(doc.text)
    index = SpanIndex(quotes, lambda q: (q[1], q[2]))
    sentences = list(doc.sents)
    assert len(quotes) >= 10 and len(sentences) >= 20
    for sent in sentences:
        s, e = char_bounds(sent)
        assert index.overlapping(s, e) == [k for k, q in enumerate(quotes) if q[1] < e and s < q[2]]


def test_intervals_grow_and_answer_as_a_list_does(spans: list[Span]) -> None:
    rng = random.Random(11)
    intervals, added = Intervals(), []
    for span in rng.sample(spans, len(spans)):
        lo = rng.randrange(-2, span.doc[-1].idx + 2)
        hi = lo + rng.choice((0, 1, 7, 60, 400))
        assert intervals.any_overlapping(lo, hi) == any(s < hi and lo < e for s, e in added)
        intervals.add(*char_bounds(span))
        added.append(char_bounds(span))


def test_rules_replace_the_spans_they_overlap_as_one_at_a_time_did(spans: list[Span]) -> None:
    rng = random.Random(3)
    for _ in range(20):
        found = rng.sample(spans, 15)
        ruled = rng.sample(spans, 6)
        expected = list(found)
        for rule in ruled:  # what extract.candidates did before the index
            expected = [s for s in expected if not (s.start < rule.end and rule.start < s.end)] + [rule]
        assert _after_rules(found, ruled) == expected


def test_the_tagger_in_pieces_gives_the_whole_documents_probabilities(
    doc: Doc, probs: numpy.ndarray, tagger
) -> None:
    rows = R.features(doc, R.quote_state(doc, quoted_spans(doc.text)))
    assert len(rows) > 3 * 97
    assert numpy.array_equal(R._predict_in_pieces(tagger, rows, size=97), probs)
