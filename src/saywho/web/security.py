"""What keeps `saywho serve` safe to leave running: a token (long enough to be one) when it listens
beyond this machine, a cap on the size of what is posted for analysis, a per-client rate of analyses
(each costs a parse: a loop of them would take the machine), and bounds on each analysis's time and
on how many wait (enforced by analysing.Analyser).
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

TOKEN_ENV = "SAYWHO_TOKEN"
TOKEN_HEADER = "X-Saywho-Token"
TOKEN_PARAM = "token"
TOKEN_COOKIE = "saywho_token"
MIN_TOKEN_LENGTH = 8  # shorter is guessed by trying: a token is meant to keep strangers out
# Rate-limit bookkeeping is swept of idle clients once it holds this many.
MAX_TRACKED_CLIENTS = 10_000


@dataclass(frozen=True)
class Limits:
    """The limits on analysing posted text (POST /api/analyse and the analyse page)."""

    analyse_bytes: int = 1_000_000  # a request body; the longest news articles are ~100 kB of text
    analyse_requests: int = 30  # per client ...
    analyse_window: float = 60.0  # ... in any this many seconds
    analyse_seconds: float = 60.0  # one analysis at most (a long article takes a few seconds)
    analyse_queue: int = 4  # analyses waiting for a worker; more are refused at once (503)
    analyse_workers: int = 1  # processes analysing side by side, each holding a pipeline (~0.5 GB)


def is_loopback(host: str) -> bool:
    """Whether an address to listen on reaches this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def chosen_token(option: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The token `serve` requires: --token, else the environment's SAYWHO_TOKEN, else None.
    ValueError for a blank or short one, which would lock nothing."""
    token, where = (option, "--token") if option is not None else (environ.get(TOKEN_ENV), TOKEN_ENV)
    if token is None:
        return None
    if not token.strip():
        raise ValueError(f"{where} is blank: give a token of at least {MIN_TOKEN_LENGTH} characters")
    if len(token.strip()) < MIN_TOKEN_LENGTH:
        raise ValueError(
            f"{where} is too short ({len(token.strip())} characters): a token needs at least "
            f"{MIN_TOKEN_LENGTH}, or it is soon guessed"
        )
    return token


def check_exposure(host: str, token: str | None) -> None:
    """ValueError when the server would listen beyond this machine with no token to require."""
    if not is_loopback(host) and not token:
        raise ValueError(
            f"--host {host} would serve the store to other machines: give a token "
            f"(--token T or the environment variable {TOKEN_ENV}) that every request must then carry"
        )


def presented_token(request: Request) -> tuple[str | None, bool]:
    """The token a request carries and whether it came in the URL (?token=): a browser given a
    link with the token keeps it in a cookie, so that the pages' own links work too."""
    header = request.headers.get(TOKEN_HEADER)
    if header:
        return header, False
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip(), False
    param = request.query_params.get(TOKEN_PARAM)
    if param:
        return param, True
    return request.cookies.get(TOKEN_COOKIE), False


def token_matches(given: str | None, expected: str) -> bool:
    # compare_digest: the time taken does not tell how much of a guess was right.
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class RateLimiter:
    """At most `requests` per client in any `window` seconds (a sliding window of request times)."""

    def __init__(self, requests: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.requests, self.window, self.clock = requests, window, clock
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()  # requests are handled in several threads at once

    def wait(self, client: str) -> float:
        """0 when this client may go ahead now (the request is counted), else the seconds until it may."""
        with self.lock:
            return self._wait(client)

    def _wait(self, client: str) -> float:
        now = self.clock()
        if len(self.seen) >= MAX_TRACKED_CLIENTS:
            self.seen = {
                c: times for c, times in self.seen.items() if times and times[-1] > now - self.window
            }
        times = self.seen.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.requests:
            return times[0] + self.window - now
        times.append(now)
        return 0.0


def rate_limited(request: Request) -> None:
    """A dependency: 429, saying when to come back, for a client past the analysis rate."""
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.wait(request.client.host if request.client else "unknown")
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise HTTPException(
            429,
            f"too many analyses from your address: at most {limiter.requests} every "
            f"{limiter.window:g} seconds; try again in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: a request to one of `paths` with a body over `max_bytes` gets 413.

    Enforced as the body is read (declared length first, then the bytes actually received), so a
    huge upload is refused without being held in memory. The HTTPException is raised inside the
    route's reading of the body, where the app's error handlers answer it."""

    def __init__(
        self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int, paths: tuple[str, ...]
    ):
        self.app, self.max_bytes, self.paths = app, max_bytes, paths

    def too_large(self) -> HTTPException:
        return HTTPException(
            413, f"the request is too large: at most {self.max_bytes:,} bytes of text can be analysed at once"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise self.too_large()
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self.too_large()
            return message

        await self.app(scope, limited, send)
