"""Calibrate the extractor's confidence on the held-out tenth of PolNeAR train.

Usage: python -m training.calibrate [--polnear DIR] [--models DIR]       (part of `make train`)
Analyses the articles training/train.py held out with the pipeline whose saywho_attributions
component is built uncalibrated (config `calibrate: false`: the raw scores), marks each predicted
quote right or wrong (span and speaker, as `saywho eval` counts), and saves through the component
src/saywho/models/confidence.json (or in --models DIR): for bins of the raw score, the share right,
made non-decreasing (pool adjacent violators).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from saywho import analyse_documents
from saywho.attribution.calibration import Calibration
from saywho.evaluation import read_gold_dir, right_predictions
from saywho.model import Document
from saywho.nlp import load
from saywho.shipped import MODELS_DIR
from training.train import HERE, HOLDOUT_EVERY, attributions, save

BIN = 0.05


def pooled(points: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """(mean score, share right, count) per bin, merged until the shares never fall."""
    out: list[tuple[float, float, int]] = []
    for score, share, n in points:
        out.append((score, share, n))
        while len(out) > 1 and out[-2][1] > out[-1][1]:
            (s1, r1, n1), (s2, r2, n2) = out[-2], out[-1]
            out[-2:] = [((s1 * n1 + s2 * n2) / (n1 + n2), (r1 * n1 + r2 * n2) / (n1 + n2), n1 + n2)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", type=Path, default=HERE.parent.parent / "shared" / "data" / "polnear")
    ap.add_argument("--models", type=Path, default=MODELS_DIR, help="where the models are read and saved")
    args = ap.parse_args()
    nlp = load(config={"saywho_attributions": {"calibrate": False}})  # measure the raw scores
    nlp.get_pipe("saywho_attributions").models = attributions(args.models).models
    golds = read_gold_dir(args.polnear / "train")[::HOLDOUT_EVERY]
    documents = [Document(text=g.text, id=g.name, published=g.gold.get("published")) for g in golds]
    bins: dict[int, list] = {}
    for g, analysis in zip(golds, analyse_documents(documents, nlp), strict=True):
        prediction = analysis.to_dict()
        for quote, right in zip(
            prediction["quotes"], right_predictions(g.gold, prediction, g.text), strict=True
        ):
            bins.setdefault(int(quote["confidence"] / BIN), []).append((quote["confidence"], right))
    points = []
    for key in sorted(bins):
        scores = bins[key]
        points.append(
            (sum(s for s, _ in scores) / len(scores), sum(r for _, r in scores) / len(scores), len(scores))
        )
    table = pooled(points)
    out = {"scores": [round(s, 4) for s, _, _ in table], "right": [round(r, 4) for _, r, _ in table],
           "counts": [n for _, _, n in table], "source": "held-out tenth of PolNeAR train"}  # fmt: skip
    save(args.models, calibration=Calibration(out))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
