"""Which words name the speaker of a cue: a logistic model that ranks the candidate mentions (the
tagger's SOURCE runs near the cue and the cue's grammatical subject), trained on PolNeAR train
(training/sources.py).

The nearest SOURCE run, or the run holding the subject, is right most of the time; where they
disagree, how sure the tagger was, which side of the cue, how far, and what kind of words weigh
together better than a fixed order of preference.
"""

from __future__ import annotations

import math

import numpy
from spacy.tokens import Doc, Span, Token

from saywho.attribution import keep
from saywho.attribution import roles as R
from saywho.attribution.layout import SpanIndex
from saywho.facts import sentence

FILE = "sources.json"  # the model's file in a models folder (attribution/learned.py)
SOURCE = R.ROLES.index("SOURCE")
NOMINAL = {"PROPN", "NOUN", "PRON", "NUM"}  # a source names someone: "the" or "unilaterally" alone does not
NEAR = 8  # tokens: a run this close to the cue is a candidate whatever the sentence
FAR = 40  # tokens: a run farther from the cue is none, however long its sentence


def candidates(doc: Doc, cue: Span, runs: list[Span] | SpanIndex[Span], subject: Token | None) -> list[Span]:
    """The mentions that may name the cue's speaker: SOURCE runs in its sentence or the next to it
    (within FAR tokens), and the subject's phrase. Pass `runs` indexed when asking for many cues."""
    runs = runs if isinstance(runs, SpanIndex) else SpanIndex(runs)
    sent = sentence(doc, cue.root.i)
    out = [
        s
        for s in (runs.items[k] for k in runs.starting_in(cue.start - FAR, cue.start + FAR + 1))
        if (abs(sentence(doc, s.start) - sent) <= 1 or abs(s.start - cue.start) < NEAR)
        and abs(s.start - cue.start) <= FAR
        and any(t.pos_ in NOMINAL for t in s)
    ]
    if subject is not None and not subject.is_punct:
        phrase = doc[subject.left_edge.i : subject.right_edge.i + 1]
        if not any(s.start == phrase.start and s.end == phrase.end for s in out):
            out.append(phrase)
    return out


def signs(doc: Doc, probs: numpy.ndarray, cue: Span, span: Span, subject: Token | None) -> dict[str, float]:
    """What the model weighs of one candidate mention."""
    p = probs[span.start : span.end, SOURCE]
    after = span.start >= cue.end
    gap = span.start - cue.end if after else cue.start - span.end
    holds_subject = subject is not None and span.start <= subject.i < span.end
    words = [t for t in span if not (t.is_punct or t.is_space)]
    out = {
        "p_source": float(p.mean()) if len(p) else 0.0,
        "p_source_max": float(p.max()) if len(p) else 0.0,
        "subject": float(holds_subject),
        "subject_phrase": float(
            holds_subject and span.start == subject.left_edge.i and span.end == subject.right_edge.i + 1
        ),
        "same_sentence": float(sentence(doc, span.start) == sentence(doc, cue.root.i)),
        "after_cue": float(after),
        "log_gap": math.log1p(max(0, gap)),
        "log_length": math.log1p(len(words)),
        "proper": float(any(t.pos_ == "PROPN" for t in span)),
        "pronoun": float(len(words) == 1 and words[0].pos_ == "PRON"),
        "person": float(any(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in span)),
    }
    return out


def choose(
    doc: Doc,
    probs: numpy.ndarray,
    cue: Span,
    runs: list[Span] | SpanIndex[Span],
    subject: Token | None,
    model: keep.Logistic | None,
) -> Span | None:
    """The candidate `model` ranks first, or None without candidates or without a model."""
    found = candidates(doc, cue, runs, subject)
    if model is None or not found:
        return None
    return max(found, key=lambda s: keep.probability(signs(doc, probs, cue, s, subject), model))
