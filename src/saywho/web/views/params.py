"""The query and path parameters the pages and the API share, validated where they are read: a
malformed one is a 422 that names it and says what was expected."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Path, Query, Request
from pydantic import AfterValidator, BeforeValidator

from saywho.confidence import min_confidence
from saywho.store.dates import period
from saywho.store.search import search_quotes

MAX_TEXT = 1000  # characters in a search field
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id could not even be looked up
MAX_OFFSET = 1_000_000


def blank_is_none(value: Any) -> Any:
    """An empty form field ("?since=") is no filter."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def check_length(value: str | None) -> str | None:
    # Here rather than Query(max_length=...): that constraint would be applied to the None an
    # empty field becomes, and fail with a TypeError (a 500).
    if value is not None and len(value) > MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT} characters")
    return value


def check_period(value: str | None) -> str | None:
    if value is not None:
        period(value)  # ValueError: "not an ISO 8601 date, month, week or year: ..."
    return value


def check_confidence(value: float | None) -> float | None:
    return None if value is None else min_confidence(value)  # ValueError: "not a number from 0 to 1"


Text = Annotated[str | None, BeforeValidator(blank_is_none), AfterValidator(check_length)]
Confidence = Annotated[float | None, BeforeValidator(blank_is_none), AfterValidator(check_confidence)]
Period = Annotated[str | None, BeforeValidator(blank_is_none), AfterValidator(check_period)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="skip this many matches")]
SpeakerId = Annotated[int, Path(ge=1, le=MAX_ID, description="a corpus-wide speaker's id")]
StatementId = Annotated[int, Path(ge=1, le=MAX_ID, description="a statement's id")]


@dataclass
class SearchForm:
    """The filters of a search, as the search page's form and /api/quotes take them."""

    q: str | None = None
    speaker: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    min_confidence: float | None = None

    def url(self, **more: Any) -> str:
        """The search page's address for these filters (and more parameters, such as offset)."""
        given = {k: v for k, v in {**asdict(self), **more}.items() if v not in (None, "", 0)}
        return "/?" + urlencode(given) if given else "/"

    @property
    def empty(self) -> bool:
        return not any(asdict(self).values())


def search_form(
    q: Annotated[Text, Query(description="words that must all occur")] = None,
    speaker: Annotated[Text, Query(description="any spelling of the speaker")] = None,
    outlet: Annotated[Text, Query(description="the publisher, case aside")] = None,
    since: Annotated[Period, Query(description="from this day, month, ISO week or year (2022-05)")] = None,
    until: Annotated[Period, Query(description="up to this day, month, ISO week or year")] = None,
    min_confidence: Annotated[
        Confidence,
        Query(
            description="only quotes whose confidence (0 to 1: words and speaker both right) is at least this"
        ),
    ] = None,
) -> SearchForm:
    return SearchForm(q, speaker, outlet, since, until, min_confidence)


def article_key(
    article_id: Annotated[str, Path(description="the article's id, URL-encoded ('/' as %2F)")],
    id: Annotated[str | None, Query(description="the id instead, when it is '.' or '..'")] = None,
) -> str:
    """The article an address names: its path, or ?id= for the ids no path can hold (links.py)."""
    return id if not article_id and id is not None else article_id


ArticleId = Annotated[str, Depends(article_key)]


def connection(request: Request) -> sqlite3.Connection:
    """A dependency: this thread's read-only connection to the store."""
    return request.app.state.database.connection()


def run_search(
    conn: sqlite3.Connection, form: SearchForm, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """search_quotes over the form's filters; 422 for words it cannot search for ("!!!")."""
    try:
        return search_quotes(
            conn,
            form.q,
            form.speaker,
            form.outlet,
            form.since,
            form.until,
            limit,
            offset,
            min_confidence=form.min_confidence,
        )
    except ValueError as error:
        raise HTTPException(422, f"q: {error}") from None
