"""From the extractor's raw score to the contract's `confidence`: the share of attributions with
that score whose span and speaker were right, measured on a held-out tenth of PolNeAR train
(training/calibrate.py writes the table; without it the raw score is given)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy

CALIBRATION_PATH = Path(__file__).resolve().parent.parent / "models" / "confidence.json"


@lru_cache(maxsize=1)
def _table(path: Path) -> tuple[numpy.ndarray, numpy.ndarray] | None:
    if not path.exists():
        return None
    table = json.loads(path.read_text(encoding="utf-8"))
    return numpy.array(table["scores"], dtype=float), numpy.array(table["right"], dtype=float)


def confidence(score: float) -> float:
    """The estimated probability that an attribution with this raw score is right."""
    table = _table(CALIBRATION_PATH)
    if table is None:
        return score
    return float(numpy.interp(score, *table))
