"""Errors as a reader sees them: a page for the browser, JSON for the API; always one readable
message (a malformed parameter is a 422 naming it, never a 500)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from saywho.store.schema import StoreError
from saywho.web.analysing import AnalysisFailed, AnalysisRefused

TITLES = {
    400: "Bad request",
    401: "Token needed",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    422: "Cannot read the request",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Store unavailable",
}
log = logging.getLogger("saywho.web")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(
    request: Request,
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    title: str | None = None,
    **extra: Any,
) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status, headers=headers)
    title = title or TITLES.get(status, "Error")
    context = {"title": title, "status": status, "message": message}
    return request.app.state.templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )


def readable(errors: Sequence[Any]) -> list[dict[str, str]]:
    """pydantic's errors as {"field", "message"}: "since: not an ISO 8601 date ..."."""
    found = []
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            found.append({"field": "body", "message": f"not valid JSON ({reason})"})
            continue
        where = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        found.append({"field": ".".join(where) or "request", "message": message})
    return found


async def on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = readable(error.errors())
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return error_response(request, 422, message, errors=problems)


async def on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else str(error.detail)
    if error.status_code == 404 and detail == "Not Found":
        detail = f"nothing at {request.url.path}"
    return error_response(request, error.status_code, detail, error.headers)


async def on_store_error(request: Request, error: Exception) -> Response:
    # The store went missing or bad while serving: say so, as the command line would.
    return error_response(request, 503, str(error))


async def on_analysis_refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, AnalysisRefused)
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return error_response(request, 503, str(error), headers, title="Analysis unavailable")


async def on_analysis_failed(request: Request, error: Exception) -> Response:
    # A bug in the analysis: its worker's traceback goes to the log, the reader gets one line.
    log.error("%s %s: the analysis failed in its worker:\n%s", request.method, request.url.path, error)
    return error_response(request, 500, "the analysis failed; the server's log has the details")


async def on_failure(request: Request, error: Exception) -> Response:
    # Anything else is a bug: the log gets the traceback, the reader one line.
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return error_response(
        request, 500, f"the server failed ({type(error).__name__}); its log has the details"
    )


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(StoreError, on_store_error)
    app.add_exception_handler(AnalysisRefused, on_analysis_refused)
    app.add_exception_handler(AnalysisFailed, on_analysis_failed)
    app.add_exception_handler(Exception, on_failure)
