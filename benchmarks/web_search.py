"""Latency of the web search page over a big store: the real server (`saywho serve`, its own
process) answering GET /?q=... and /?speaker=... over loopback, page rendered, timed from request
to last byte by one client with a kept-alive connection.

    .venv/bin/python benchmarks/store_build.py            # once: a synthetic store of 1M quotes
    .venv/bin/python benchmarks/web_search.py [--db FILE] [--queries N] [--out FILE]

The queries are store_search.py's (same seed, same draws): text queries, half one word of middling
frequency and half two words of a stored quote; speaker queries by any spelling, drawn by how often
the speaker is quoted. The front page (newest quotes, no filter) is timed too. Target: p95 < 100 ms.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from store_search import WARM_UP, percentiles, queries, run

from saywho.store import connect

DEFAULT_OUT = Path(__file__).parent / "results" / "web_search.json"
START_SECONDS = 60
FRONT_PAGE_RUNS = 50


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """`saywho serve` in its own process, once it answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "saywho.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/static/style.css", timeout=1.0)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"saywho serve did not start on port {port}")


def timed_pages(client: httpx.Client, params: list[dict[str, str]]) -> list[float]:
    times = []
    for query in params:
        started = time.perf_counter()
        response = client.get("/", params=query)
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"GET / {query}: status {response.status_code}")
    return times


def measure(db: Path, count: int, seed: int) -> dict:
    conn = connect(db, create=False)
    quotes, texts, _, speakers = queries(conn, count, seed)
    conn.close()
    port = free_port()
    server = start_server(db, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as client:
            timed_pages(client, [{"q": q} for q in texts[:WARM_UP]])
            results: dict = {"db": str(db), "quotes": quotes, "queries_each": count}
            for kind, params in (
                ("text", [{"q": q} for q in texts]),
                ("speaker", [{"speaker": s} for s in speakers]),
                ("front_page", [{}] * FRONT_PAGE_RUNS),
            ):
                results[kind] = percentiles(timed_pages(client, params))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    run(__doc__.split("\n\n")[0], measure, DEFAULT_OUT)


if __name__ == "__main__":
    main()
