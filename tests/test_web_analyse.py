"""`saywho serve` under analyses that take too long: a real server (uvicorn on a free port) with a
few seconds' bound per analysis and no queue. A long text is stopped with a 503 and its worker
process killed and replaced; a second one meanwhile is refused at once (503, Retry-After) with the
form's text kept; and the pages and the JSON reads answer promptly all the while, since analyses
run in another process.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from saywho.attribution import roles
from saywho.store import connect
from saywho.web import Limits, create_app
from saywho.web.analysing import AnalysisRefused
from test_web import PASTED
from web_server import serving

SECONDS = 3  # the bound on one analysis here: a few seconds, so the test is quick
# Far too long to analyse in SECONDS (tens of thousands of words), well under the 1 MB body cap.
LONG = " ".join(
    f"“The harbour will reopen on day {n},” said Marta Quillan, the port's spokeswoman. Dock workers "
    "stayed out, and the authority's chief said the strike was premature."
    for n in range(2500)
)
PROMPT = 2.0  # seconds: far beyond what a page takes (milliseconds), far below an analysis


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout: nothing to analyse with")
    db: Path = tmp_path_factory.mktemp("analyse") / "empty.db"
    connect(db).close()  # the pages work on an empty store: no need to analyse a corpus first
    return create_app(db, limits=Limits(analyse_seconds=SECONDS, analyse_queue=0))


def test_a_long_analysis_is_stopped_and_never_holds_up_the_pages(app: FastAPI) -> None:
    assert len(LONG.encode()) < Limits().analyse_bytes
    with serving(app) as url, httpx2.Client(base_url=url, timeout=120) as client:
        # the worker loads its pipeline with the first analysis (not counted against its time)
        assert client.post("/api/analyse", json={"text": PASTED}).status_code == 200
        analyser = app.state.analyser
        first_pid = analyser.running[0].process.pid

        answers: dict[str, Any] = {}
        long_one = threading.Thread(
            target=lambda: answers.update(long=client.post("/api/analyse", json={"text": LONG}))
        )
        started = time.monotonic()
        long_one.start()
        while analyser.pending == 0:  # until the server has taken it
            assert long_one.is_alive(), answers
            time.sleep(0.01)

        # a second analysis meanwhile: no room to wait, refused at once, the pasted text kept
        busy = client.post("/analyse", data={"text": "A second article, pasted while the first runs."})
        assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
        assert "busy" in busy.text and "A second article, pasted while the first runs." in busy.text

        # the pages and the JSON reads answer promptly while the long analysis runs
        slowest, reads = 0.0, 0
        while long_one.is_alive():
            for path in ("/", "/api/quotes", "/analyse"):
                began = time.monotonic()
                assert client.get(path).status_code == 200
                slowest = max(slowest, time.monotonic() - began)
                reads += 1
        long_one.join()
        print("reads", reads, "slowest", slowest)
        assert reads >= 3 and slowest < PROMPT, (reads, slowest)

        # the long analysis: stopped at its bound with a readable 503, its worker killed
        refused = answers["long"]
        assert refused.status_code == 503, refused.text[:200]
        assert f"longer than this server allows ({SECONDS} s)" in refused.json()["detail"]
        assert time.monotonic() - started < SECONDS + PROMPT * 5
        assert not is_running(first_pid)

        # ... and replaced: the next analysis is served by a fresh worker
        after = client.post("/analyse", data={"text": PASTED})
        assert after.status_code == 200 and "ready for the storm" in after.text
        assert analyser.running[0].process.pid != first_pid
        last = analyser.running[0].process
    # the server's end stops its workers too, and takes no more analyses
    assert not last.is_alive()
    with pytest.raises(AnalysisRefused, match="shutting down"):
        analyser.submit(PASTED)
