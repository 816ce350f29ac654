"""Which candidate attributions to keep: a logistic model over what the tagger, the parse and the
quotation marks say of each candidate, trained on PolNeAR train (training/keep.py).

The assembly (extract.py) proposes generously: every content run with a cue, every orphan cue's
clause, every long quotation. Whether "to join the Legion" after "wants" is reported speech, or
"troops to Ukraine" after "ordered" is not, depends on many small signs at once (the cue's verb,
a finite verb in the content, how sure the tagger was of each part); a model weighs them better
than hand-set filters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy
from spacy.tokens import Doc, Span

from saywho.attribution import Attribution
from saywho.attribution import roles as R
from saywho.attribution.layout import char_span

FILE = "keep.json"  # the model's file in a models folder (attribution/learned.py)
SOURCE, CUE, CONTENT = (R.ROLES.index(r) for r in ("SOURCE", "CUE", "CONTENT"))
FINITE = {"VBD", "VBZ", "VBP", "MD"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that"}
# First words that mark what kind of content follows ("that he would", "to resign", "whether").
FIRST_WORDS = {"that", "to", "whether", "if", "what", "how", "why", "when", "who", "the", "a", "his", "her"}


def _tokens(doc: Doc, fragments: list[tuple[int, int]]) -> list[int]:
    out: list[int] = []
    for s, e in fragments:
        span = char_span(doc, s, e)
        if span is not None:
            out.extend(range(span.start, span.end))
    return out


def _mean(probs: numpy.ndarray, span: Span, role: int) -> float:
    return float(probs[span.start : span.end, role].mean()) if len(span) else 0.0


def evidence(doc: Doc, probs: numpy.ndarray, a: Attribution, speech_lemmas: set[str]) -> dict[str, float]:
    """The named signs the model weighs, for one candidate (`a.evidence` already says how the
    assembly found it: "origin=tagger", "origin=orphan", ...)."""
    out = dict(a.evidence)
    idx = _tokens(doc, a.fragments)
    content = probs[idx] if idx else numpy.zeros((1, len(R.ROLES)))
    out["p_content"] = float(content[:, CONTENT].mean())
    out["content_share"] = float((content.argmax(axis=1) == CONTENT).mean())
    out["p_other_roles"] = float(content[:, SOURCE].mean() + content[:, CUE].mean())
    words = [doc[i] for i in idx if not (doc[i].is_punct or doc[i].is_space)]
    out["log_length"] = math.log1p(len(words))
    out["short"] = float(len(words) < 4)
    out["finite"] = float(any(t.tag_ in FINITE for t in words))
    first = words[0].lower_ if words else ""
    out[f"first={first if first in FIRST_WORDS else 'other'}"] = 1.0
    out[f"type={a.type}"] = 1.0
    out["fragments"] = float(len(a.fragments) > 1)
    out["follows"] = float(a.follows is not None)
    if a.source is not None:
        out["p_source"] = _mean(probs, a.source, SOURCE)
        out["source_pronoun"] = float(a.source.text.lower() in PRONOUNS)
        out["source_proper"] = float(any(t.pos_ == "PROPN" for t in a.source))
    else:
        out["no_source"] = 1.0
    if a.cue is not None:
        lemma = a.cue.root.lemma_.lower()
        out["p_cue"] = _mean(probs, a.cue, CUE)
        out["speech_lemma"] = float(lemma in speech_lemmas)
        out[f"lemma={lemma}"] = 1.0
        gap = a.cue.start - idx[-1] if idx and a.cue.start > idx[-1] else (idx[0] - a.cue.end if idx else 0)
        out["log_gap"] = math.log1p(max(0, gap))
        out["cue_after"] = float(bool(idx) and a.cue.start > idx[-1])
        inside = set(idx)
        out["governed"] = float(any(anc.i in inside for anc in a.cue.root.ancestors) or any(
            doc[i].head.i == a.cue.root.i for i in idx
        ))  # fmt: skip
    else:
        out["no_cue"] = 1.0
    return out


class Logistic(NamedTuple):
    """A logistic model over named signs (the keep model, the source model): the bias, a weight by
    sign, and what training recorded of it (`about`: written back as it was read)."""

    bias: float
    weights: dict[str, float]
    about: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> Logistic:
        """The model training/keep.py or training/sources.py wrote as JSON."""
        model = json.loads(path.read_text(encoding="utf-8"))
        weights = {k: float(v) for k, v in model.pop("weights").items()}
        return cls(float(model.pop("bias")), weights, model)

    def write(self, path: Path) -> None:
        model = {"bias": self.bias, "weights": self.weights, **self.about}
        path.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def probability(signs: Mapping[str, float], model: tuple[float, Mapping[str, float]] | Logistic) -> float:
    """The logistic model's probability that a candidate is an attribution (signs it never saw
    in training weigh nothing)."""
    bias, w = model[0], model[1]
    z = bias + sum(w.get(name, 0.0) * value for name, value in signs.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
