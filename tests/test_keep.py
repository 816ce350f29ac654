"""The keep model: its signs, its probability, and the fit that trains it."""

from __future__ import annotations

import math

import numpy
import pytest
from training.keep import fit

from saywho.attribution import keep, roles, sources
from saywho.attribution.extract import MIN_CONFIDENCE, NOT_SPEECH_FLOOR, candidates, extract
from saywho.attribution.learned import AttributionModels
from saywho.nlp import load_pipeline


def models() -> AttributionModels:
    """The models the pipeline's attributions component holds (the package's)."""
    return load_pipeline().get_pipe("saywho_attributions").models


def test_probability_is_logistic_and_ignores_unknown_signs() -> None:
    model = (-1.0, {"p_content": 4.0})
    assert keep.probability({}, model) == pytest.approx(1 / (1 + math.e))
    assert keep.probability({"never seen in training": 5.0}, model) == keep.probability({}, model)
    low, high = (keep.probability({"p_content": p}, model) for p in (0.1, 0.9))
    assert low < 0.5 < high


def _said_that() -> dict[str, float]:
    doc = load_pipeline()("The mayor said on Monday that the bridge would reopen in June.\n")
    [a] = candidates(doc, models())
    return a.evidence


def test_shipped_model_keeps_a_report_the_tagger_is_sure_of_and_not_a_doubtful_one() -> None:
    model = models().keep
    assert model is not None
    sure = _said_that()
    doubtful = {**sure, "p_content": 0.2, "content_share": 0.0, "p_cue": 0.1}
    assert keep.probability(sure, model) > MIN_CONFIDENCE > keep.probability(doubtful, model)


def test_candidate_signs_describe_a_reported_clause() -> None:
    signs = _said_that()
    assert signs["origin=tagger"] == 1.0
    assert signs["lemma=say"] == signs["speech_lemma"] == signs["finite"] == 1.0
    assert signs["first=that"] == 1.0 and signs["type=indirect"] == 1.0
    assert 0.0 <= signs["p_content"] <= 1.0 and "no_source" not in signs


def test_fit_learns_a_sign_that_decides_the_label() -> None:
    rng = numpy.random.default_rng(0)
    signal, noise = rng.integers(0, 2, 400), rng.random(400)
    x = numpy.column_stack([numpy.ones(400), signal, noise])
    w = fit(x, signal.astype(float))
    assert w[1] > 3 and abs(w[2]) < 1


def test_the_source_model_names_the_subject_of_the_cue_over_a_nearer_name() -> None:
    # "Obama" stands nearer the cue than the subject; the subject's phrase is the speaker.
    doc = load_pipeline()("Senator Maria Lopez, who met Obama, said on Monday that the bill would pass.\n")
    [a] = candidates(doc, models())
    assert a.source is not None and "Maria Lopez" in a.source.text
    cue = a.cue
    subject = next(t for t in doc if t.text == "Lopez")
    probs = roles.predict(doc, None, models().tagger)
    found = sources.candidates(doc, cue, [doc[subject.i - 1 : subject.i + 1], doc[6:7]], subject)
    assert [s.text for s in found][:2] == ["Maria Lopez", "Obama"]
    signs = sources.signs(doc, probs, cue, found[0], subject)
    assert signs["subject"] == 1.0 and signs["same_sentence"] == 1.0 and signs["after_cue"] == 0.0
    chosen = sources.choose(
        doc, probs, cue, found[:2], subject, models().sources
    )  # among these and the subject's phrase
    assert chosen is not None and "Maria Lopez" in chosen.text


def test_the_source_models_candidates_stay_near_the_cue() -> None:
    doc = load_pipeline()("Ann Lee " + "and the others " * 30 + "said the plan failed.\n")
    cue = next(doc[t.i : t.i + 1] for t in doc if t.text == "said")
    far = doc[0:2]
    assert sources.candidates(doc, cue, [far], None) == []


@pytest.mark.parametrize(("probability", "kept"), [(0.75, ["said"]), (0.85, ["backed", "said"])])
def test_a_phrase_after_a_verb_not_of_saying_needs_the_higher_floor(
    monkeypatch: pytest.MonkeyPatch, probability: float, kept: list[str]
) -> None:
    """PolNeAR's stances ("backed the bill") count only where the keep model is sure of them; a
    reported clause needs the ordinary floor."""
    assert MIN_CONFIDENCE < 0.75 < NOT_SPEECH_FLOOR < 0.85
    monkeypatch.setattr(keep, "probability", lambda signs, model: probability)
    nlp = load_pipeline()
    found = []
    for text in (
        "Senator Maria Lund backed the new farm bill on Tuesday.\n",
        "Senator Maria Lund said the bill was good.\n",
    ):
        found += [a.cue.root.text for a in extract(nlp(text), models()) if a.cue is not None]
    assert found == kept
