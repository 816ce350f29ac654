"""A quote's `confidence` as users act on it: the `--min-confidence` filter's value, and the mark
of a quote that is more likely wrong than right (terminal tables and web pages say it alike)."""

from __future__ import annotations

import math

# Below this a quote is shown as low confidence. The reliability table (BENCHMARKS.md, Confidence)
# measures quotes given under 0.5 right about half the time or less: as likely wrong as right.
LOW_CONFIDENCE = 0.5


def min_confidence(value: str | float) -> float:
    """A --min-confidence / min_confidence value: a number from 0 to 1. ValueError otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not 0.0 <= number <= 1.0:  # NaN fails this too
        raise ValueError(f"not a number from 0 to 1: {value!r}")
    return number


def is_low(confidence: float | None) -> bool:
    return confidence is not None and confidence < LOW_CONFIDENCE


def low_label(confidence: float) -> str:
    """The words that mark a low-confidence quote: "low confidence 0.42" (the value as the JSON
    gives it, to three places: rounded to two, 0.499 would read 0.50)."""
    return f"low confidence {round(confidence, 3):g}"
