"""From the extractor's raw score to the contract's `confidence`: the share of attributions with
that score whose span and speaker were right, measured on a held-out tenth of PolNeAR train
(training/calibrate.py makes the table; without one the raw score is given)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy

FILE = "confidence.json"  # the table's file in a models folder (attribution/learned.py)


class Calibration:
    """The calibration table: raw scores and the share right at each, interpolated between."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.table = table  # as training made it (counts and source included): written back as read
        self.scores = numpy.array(table["scores"], dtype=float)
        self.right = numpy.array(table["right"], dtype=float)

    @classmethod
    def read(cls, path: Path) -> Calibration:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.table, indent=1) + "\n", encoding="utf-8")

    def confidence(self, score: float) -> float:
        """The estimated probability that an attribution with this raw score is right."""
        return float(numpy.interp(score, self.scores, self.right))
