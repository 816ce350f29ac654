"""The JSON API (CONTRACT.md, HTTP): quotes searched, a stored article's analysis, and analysis of
posted text. FastAPI describes it at /docs."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from saywho.reading import parse_date
from saywho.store.articles import get_analysis
from saywho.store.search import DEFAULT_LIMIT
from saywho.web.analysing import Analyser
from saywho.web.security import rate_limited
from saywho.web.views.params import ArticleId, Offset, SearchForm, connection, run_search, search_form

MAX_LIMIT = 500

router = APIRouter(prefix="/api", tags=["API"])


@router.get(
    "/quotes",
    response_class=JSONResponse,
    responses={
        200: {"description": '{"quotes": [...], "total": N}: quotes as `saywho search --format json`'}
    },
)
def quotes(
    form: Annotated[SearchForm, Depends(search_form)],
    conn: Annotated[sqlite3.Connection, Depends(connection)],
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="at most this many quotes")] = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> JSONResponse:
    """Quotes by words (by relevance), speaker, outlet, date and minimum confidence (newest first
    without words)."""
    found, total = run_search(conn, form, limit, offset)
    return JSONResponse({"quotes": found, "total": total})


@router.get(
    "/articles/{article_id:path}",
    response_class=JSONResponse,
    responses={200: {"description": "the analysed document"}, 404: {"description": "no such article"}},
)
def article(article_id: ArticleId, conn: Annotated[sqlite3.Connection, Depends(connection)]) -> JSONResponse:
    """One stored article's analysis, exactly as `saywho extract --format json` gives it."""
    data = get_analysis(conn, article_id)
    if data is None:
        raise HTTPException(404, f"no article {article_id!r} in the store")
    return JSONResponse(data)


class AnalyseRequest(BaseModel):
    text: str = Field(description="the article's text")
    published: str | None = Field(None, description="ISO 8601 date: anchors relative times (on Monday)")
    title: str | None = None

    @field_validator("published")
    @classmethod
    def iso_date(cls, value: str | None) -> str | None:
        return parse_date(value) if value is not None and value.strip() else None


@router.post(
    "/analyse",
    response_class=JSONResponse,
    dependencies=[Depends(rate_limited)],
    responses={
        200: {"description": "the analysed document"},
        413: {"description": "the body is over the size limit"},
        429: {"description": "too many analyses from this client; see Retry-After"},
        503: {"description": "the analysis took over the server's time limit, or too many are waiting"},
    },
)
async def analyse(body: AnalyseRequest, request: Request) -> JSONResponse:
    """Analyse posted text: who said what, to whom and when, as the contract's JSON."""
    analyser: Analyser = request.app.state.analyser
    # Awaited, not run in a thread: a long analysis holds neither a thread the pages need nor the GIL.
    result: dict[str, Any] = await asyncio.wrap_future(analyser.submit(body.text, body.published, body.title))
    return JSONResponse(result)
