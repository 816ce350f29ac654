"""ISO 8601 values at any precision (day, month, ISO week, year) as days, for filtering by date."""

from __future__ import annotations

import calendar
import re
from datetime import date

DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MONTH = re.compile(r"(\d{4})-(\d{2})")
WEEK = re.compile(r"(\d{4})-W(\d{2})")
YEAR = re.compile(r"(\d{4})")


def period(value: str) -> tuple[date, date]:
    """The first and last day of a day, month (`2022-05`), ISO week (`2022-W20`) or year (`2022`);
    ValueError for anything else. A date-time counts as its day."""
    text = value.strip()[:10] if "T" in value else value.strip()
    if m := DAY.fullmatch(text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := MONTH.fullmatch(text):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m := WEEK.fullmatch(text):
        year, week = int(m[1]), int(m[2])
        return date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7)
    if m := YEAR.fullmatch(text):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    raise ValueError(f"not an ISO 8601 date, month, week or year: {value!r} (e.g. 2022-05-20, 2022-05)")


def first_day(value: str | None) -> str | None:
    """The first day of `value` as `YYYY-MM-DD`, or None when it is none of the forms `period` reads."""
    if not value:
        return None
    try:
        return period(value)[0].isoformat()
    except ValueError:
        return None


def quote_date(time_value: str | None, published: str | None) -> str | None:
    """A quote's day: its resolved time's first day, else the article's publication day."""
    return first_day(time_value) or first_day(published)
