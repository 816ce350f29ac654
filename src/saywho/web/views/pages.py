"""The pages people read: search, an article with its quotes marked, a speaker, a statement, and
the analyse page (paste an article, see it marked up)."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from saywho.reading import parse_date
from saywho.store.articles import get_analysis
from saywho.store.listing import list_speakers, list_statements
from saywho.store.search import search_quotes
from saywho.web.analysing import Analyser, AnalysisRefused
from saywho.web.database import (
    QuoteLinks,
    article_links,
    article_titles,
    quote_statements,
    quotes_by_day,
    quotes_by_outlet,
)
from saywho.web.markup import diff_pieces, marked_pieces, speaker_key, speakers
from saywho.web.security import rate_limited
from saywho.web.spread import spread
from saywho.web.timeline import timeline
from saywho.web.views.params import (
    ArticleId,
    Offset,
    SearchForm,
    SpeakerId,
    StatementId,
    connection,
    run_search,
    search_form,
)

PAGE_SIZE = 20  # quote cards per page
FORM_TYPE = "application/x-www-form-urlencoded"

router = APIRouter(include_in_schema=False)
Connection = Annotated[sqlite3.Connection, Depends(connection)]


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status, headers=headers
    )


def paging(offset: int, total: int, size: int = PAGE_SIZE) -> dict[str, int | None]:
    """The offsets of the previous and next pages (None at either end), and the shown range."""
    return {
        "previous": max(0, offset - size) if offset > 0 else None,
        "next": offset + size if offset + size < total else None,
        "first": offset + 1,
        "last": min(offset + size, total),
    }


def safe_url(url: str | None) -> str | None:
    """A source link only to a web address: a javascript: or data: URL in a record stays text."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request, form: Annotated[SearchForm, Depends(search_form)], conn: Connection, offset: Offset = 0
) -> Response:
    found, total = run_search(conn, form, PAGE_SIZE, offset)
    return render(
        request,
        "search.html",
        form=form,
        quotes=found,
        total=total,
        offset=offset,
        pages=paging(offset, total),
        page_url=lambda at: form.url(offset=at),
    )


def quoted_words(text: str, quote: dict[str, Any]) -> str:
    """A quote's own words: its fragments joined, without the attribution between them."""
    return (
        " … ".join(text[start:end] for start, end in quote["content"]["fragments"])
        or quote["content"]["text"]
    )


def article_context(data: dict[str, Any], links: dict[str, QuoteLinks]) -> dict[str, Any]:
    """What article.html shows of an analysed document (stored, or pasted on the analyse page)."""
    quotes = data["quotes"]
    keys = speakers(quotes, {quote_id: link.person for quote_id, link in links.items()})
    document = data["document"]
    return {
        "document": document,
        "source_url": safe_url(document.get("url")),
        "pieces": marked_pieces(document["text"], quotes, keys),
        "speakers": list(keys.values()),
        "quotes": [
            (q, keys[speaker_key(q)], links.get(q["id"], QuoteLinks()), quoted_words(document["text"], q))
            for q in quotes
        ],
        "warnings": data.get("warnings", []),
    }


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId, conn: Connection) -> Response:
    data = get_analysis(conn, article_id)
    if data is None:
        raise HTTPException(404, f"no article {article_id!r} in the store")
    return render(request, "article.html", **article_context(data, article_links(conn, article_id)))


@router.get("/speakers/{speaker_id}", response_class=HTMLResponse)
def speaker_page(request: Request, speaker_id: SpeakerId, conn: Connection, offset: Offset = 0) -> Response:
    found = list_speakers(conn, speaker_id)
    if not found:
        raise HTTPException(404, f"no speaker {speaker_id} in the store")
    quotes, total = search_quotes(conn, person=speaker_id, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "speaker.html",
        speaker=found[0],
        quotes=quotes,
        statements=quote_statements(conn, [(q["article"]["id"], q["id"]) for q in quotes]),
        total=total,
        offset=offset,
        pages=paging(offset, total),
        page_url=lambda at: f"/speakers/{speaker_id}?offset={at}" if at else f"/speakers/{speaker_id}",
        chart=timeline(quotes_by_day(conn, speaker_id)),
        outlets=quotes_by_outlet(conn, speaker_id),
    )


@router.get("/statements/{statement_id}", response_class=HTMLResponse)
def statement_page(request: Request, statement_id: StatementId, conn: Connection) -> Response:
    found = list_statements(conn, statement_id)
    if not found:
        raise HTTPException(404, f"no statement {statement_id} in the store")
    statement = found[0]
    differences = [
        {"first": d["quotes"][0], "second": d["quotes"][1], "pieces": diff_pieces(d["diff"])}
        for d in statement["differences"]
    ]
    titles = article_titles(conn, [q["article"] for q in statement["quotes"]])
    return render(
        request,
        "statement.html",
        statement=statement,
        differences=differences,
        titles=titles,
        spread=spread(statement),
    )


@router.get("/analyse", response_class=HTMLResponse)
def analyse_form(request: Request) -> Response:
    return render(request, "analyse.html", form={"text": "", "published": "", "title": ""})


@router.post("/analyse", response_class=HTMLResponse, dependencies=[Depends(rate_limited)])
async def analyse_page(request: Request) -> Response:
    """The pasted text analysed and shown marked up, below the form holding it."""
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
        raise HTTPException(415, f"send the form as {FORM_TYPE}")
    fields = parse_qs((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
    form = {name: fields.get(name, [""])[0] for name in ("text", "published", "title")}
    try:
        published = parse_date(form["published"]) if form["published"].strip() else None
    except ValueError as error:
        return render(request, "analyse.html", status=422, form=form, error=f"published: {error}")
    analyser: Analyser = request.app.state.analyser
    try:
        data = await asyncio.wrap_future(
            analyser.submit(form["text"], published, form["title"].strip() or None)
        )
    except AnalysisRefused as error:  # the form again, the text kept, saying why
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
        return render(request, "analyse.html", status=503, headers=headers, form=form, error=str(error))
    # Marking up a long text takes a while: in a thread, so the event loop goes on serving.
    return await run_in_threadpool(
        lambda: render(request, "analyse.html", form=form, **article_context(data, {}))
    )
