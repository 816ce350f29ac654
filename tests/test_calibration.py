"""The confidence a quote carries: the raw score mapped through the shipped calibration table."""

from __future__ import annotations

from training.calibrate import pooled

from saywho.attribution import calibration
from saywho.attribution.calibration import Calibration
from saywho.evaluation import right_predictions
from saywho.shipped import MODELS_DIR


def test_pooling_makes_the_shares_non_decreasing() -> None:
    table = pooled([(0.5, 0.6, 10), (0.6, 0.4, 30), (0.7, 0.8, 5)])
    shares = [share for _, share, _ in table]
    assert shares == sorted(shares)
    assert table[0][2] == 40 and abs(table[0][1] - (0.6 * 10 + 0.4 * 30) / 40) < 1e-9  # the violators, pooled
    assert sum(n for _, _, n in table) == 45


def test_shipped_table_maps_scores_monotonically_into_probabilities() -> None:
    table = Calibration.read(MODELS_DIR / calibration.FILE)
    values = [table.confidence(s / 20) for s in range(21)]
    assert values == sorted(values)
    assert all(0.0 <= v <= 1.0 for v in values)


def test_right_predictions_marks_span_and_speaker() -> None:
    text = "Ann Lee said the plan failed. Bob Ray said taxes rise."
    gold = {
        "quotes": [
            {"start": 13, "end": 28, "speaker": "Ann Lee", "speaker_start": 0, "speaker_end": 7},
            {"start": 43, "end": 54, "speaker": "Bob Ray", "speaker_start": 30, "speaker_end": 37},
        ]
    }

    def quote(start: int, end: int, name: str) -> dict:
        return {"content": {"start": start, "end": end}, "speaker": {"name": name, "mention": None}}

    prediction = {"quotes": [quote(13, 28, "Ann Lee"), quote(43, 54, "Ann Lee"), quote(0, 3, "Ann Lee")]}
    assert right_predictions(gold, prediction, text) == [True, False, False]
