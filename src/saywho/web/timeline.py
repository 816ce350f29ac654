"""A speaker's quotes over time as a bar chart, laid out here and drawn as inline SVG by the
speaker page's template: no script and no plotting library, so it shows in any browser and in the
page's HTML as sent.

Bars are days for a short stretch of time, months for up to a few years, years beyond that.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28  # room for the axes' labels
MAX_DAY_BARS = 62  # up to two months by day
MAX_MONTH_BARS = 72  # up to six years by month
MAX_TICKS = 6
MAX_BAR_WIDTH = 48  # a few days' bars stay bars, not slabs


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the period, as ISO 8601 (2022-05-16, 2022-05, 2022)
    count: int


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    most: int = 0  # the tallest bar's count (the y axis' top label)
    undated: int = 0  # quotes with neither a resolved time nor a publication date
    unit: str = "month"
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: float = HEIGHT - BOTTOM  # the x axis' y

    @property
    def summary(self) -> str:
        """The chart in words, for its accessible name."""
        dated = sum(bar.count for bar in self.bars)
        if not self.bars:
            return "no dated quotes"
        busiest = max(self.bars, key=lambda bar: bar.count)
        return (
            f"{dated} dated quotes by {self.unit} from {self.bars[0].label} to {self.bars[-1].label};"
            f" the most, {busiest.count}, in {busiest.label}"
        )


def periods(first: date, last: date) -> tuple[str, list[str]]:
    """The unit and every period from `first` to `last` (each an ISO 8601 label)."""
    if (last - first).days < MAX_DAY_BARS:
        days = [date.fromordinal(d) for d in range(first.toordinal(), last.toordinal() + 1)]
        return "day", [d.isoformat() for d in days]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= MAX_MONTH_BARS:
        index = first.year * 12 + first.month - 1
        return "month", [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, index + months)]
    return "year", [f"{y:04d}" for y in range(first.year, last.year + 1)]


def label_of(day: str, unit: str) -> str:
    return {"day": day[:10], "month": day[:7], "year": day[:4]}[unit]


def timeline(counts: list[tuple[str | None, int]]) -> Timeline:
    """The chart of a speaker's quotes from (day, count) pairs (day None: undated)."""
    undated = sum(n for day, n in counts if day is None)
    dated = [(date.fromisoformat(day[:10]), n) for day, n in counts if day is not None]
    if not dated:
        return Timeline(undated=undated)
    unit, labels = periods(min(d for d, _ in dated), max(d for d, _ in dated))
    totals = Counter[str]()
    for day, n in dated:
        totals[label_of(day.isoformat(), unit)] += n
    most = max(totals.values())
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / len(labels)
    gap = min(2.0, step * 0.2)
    bars = []
    for i, label in enumerate(labels):
        if totals[label]:
            height = max(1.0, plot_height * totals[label] / most)
            y = TOP + plot_height - height
            width = min(step - gap, MAX_BAR_WIDTH)
            x = LEFT + i * step + (step - width) / 2
            bars.append(
                Bar(round(x, 2), round(y, 2), round(width, 2), round(height, 2), label, totals[label])
            )
    every = max(1, -(-len(labels) // MAX_TICKS))  # ceiling division: at most MAX_TICKS labels
    ticks = [Tick(round(LEFT + (i + 0.5) * step, 2), labels[i]) for i in range(0, len(labels), every)]
    return Timeline(bars=bars, ticks=ticks, most=most, undated=undated, unit=unit)
