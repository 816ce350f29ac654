"""Train the keep model (saywho/attribution/keep.py) on PolNeAR train: which of the assembly's
candidate attributions are attributions.

Usage: python -m training.keep [--work DIR]      (part of `make train`, after training.train)
Runs the extraction's candidates over the prepared training articles (work/train.spacy, the tenth
held out by training/train.py left out), labels each by whether it matches a gold quote as
`saywho eval` matches them, and fits a logistic regression (L2, Newton's method) over their signs.
Signs seen in fewer than MIN_COUNT candidates (rare cue verbs) are left out. Saves the model
through the saywho_attributions component (training/train.py `save`): src/saywho/models/keep.json,
or in --models DIR.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy

from saywho.attribution.extract import candidates
from saywho.attribution.keep import Logistic
from saywho.evaluation import gold_fragments, match_spans, trimmed_spans
from saywho.nlp import load_pipeline
from saywho.shipped import MODELS_DIR
from training.train import HERE, attributions, out_of_fold, save

MIN_COUNT = 10
L2 = 1.0


def labelled(work: Path, models: Path) -> tuple[list[dict[str, float]], list[int]]:
    """Each training candidate's signs, and 1 where it matches a gold quote (the candidates of the
    component holding the models of `models`, each article tagged by its fold tagger)."""
    nlp = load_pipeline()
    component = attributions(models)
    signs, labels = [], []
    for doc, tagger in out_of_fold(work, nlp.vocab):
        gold = json.loads(doc.user_data["gold"])
        found = candidates(doc, replace(component.in_use, tagger=tagger))
        golds = [g for g in (gold_fragments(q, doc.text) for q in gold) if g]
        preds = [trimmed_spans(doc.text, a.fragments) for a in found]
        matched = set(match_spans(golds, preds).values())
        for n, a in enumerate(found):
            if a.evidence.get("origin=rule"):
                continue  # kept on the rule's word, not the model's (extract.py)
            signs.append(a.evidence)
            labels.append(int(n in matched))
    return signs, labels


def fit(x: numpy.ndarray, y: numpy.ndarray, l2: float = L2, steps: int = 25) -> numpy.ndarray:
    """Logistic regression by Newton's method; column 0 of `x` is the bias (not penalised)."""
    w = numpy.zeros(x.shape[1])
    penalty = numpy.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + numpy.exp(-numpy.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + numpy.diag(penalty + 1e-9)
        step = numpy.linalg.solve(hessian, gradient)
        w -= step
        if numpy.abs(step).max() < 1e-6:
            break
    return w


def fit_model(signs: list[dict[str, float]], labels: list[int], source: str) -> tuple[Logistic, str]:
    """The logistic model fitted on the signs seen MIN_COUNT times or more, and a line saying what
    was fitted."""
    counts = Counter(name for s in signs for name in s)
    names = sorted(n for n, c in counts.items() if c >= MIN_COUNT)
    column = {n: j + 1 for j, n in enumerate(names)}
    x = numpy.zeros((len(signs), len(names) + 1))
    x[:, 0] = 1.0
    for i, s in enumerate(signs):
        for name, value in s.items():
            if name in column:
                x[i, column[name]] = value
    y = numpy.array(labels, dtype=float)
    w = fit(x, y)
    p = 1.0 / (1.0 + numpy.exp(-(x @ w)))
    accuracy = float(((p >= 0.5) == (y == 1)).mean())
    model = Logistic(
        bias=round(float(w[0]), 5),
        weights={n: round(float(w[column[n]]), 5) for n in names},
        about={
            "source": source,
            "candidates": len(labels),
            "positive": int(y.sum()),
            "training_accuracy": round(accuracy, 4),
        },
    )
    return (
        model,
        f"{len(labels)} candidates, {int(y.sum())} right, {len(names)} signs; accuracy {accuracy:.3f}",
    )


def main_for(
    doc: str,
    labelled: Callable[[Path, Path], tuple[list[dict[str, float]], list[int]]],
    part: str,
    script: str,
) -> None:
    """The command line of training/keep.py and training/sources.py: label, fit, save as the
    component's `part` ("keep" or "sources")."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--models", type=Path, default=MODELS_DIR, help="where the models are read and saved")
    args = ap.parse_args()
    signs, labels = labelled(args.work, args.models)
    model, summary = fit_model(signs, labels, f"PolNeAR train without its held-out tenth: {script}")
    save(args.models, **{part: model})
    print(summary)


def main() -> None:
    main_for(__doc__, labelled, "keep", "training/keep.py")


if __name__ == "__main__":
    main()
