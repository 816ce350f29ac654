"""How a quote spread: the statement JSON orders reports oldest first and marks the origin, and the
statement page draws the reports on a time line, the origin first, each later one's word
differences against it and misquotes marked. A store of the variants fixture, each copy dated
(the spun copy, which misquotes, is the latest)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saywho.attribution import roles
from saywho.store import connect
from saywho.store.ingest import ingest
from saywho.store.listing import list_statements
from saywho.web import create_app

VARIANTS = Path(__file__).parent / "fixtures" / "variants"
# Ingested in another order than their dates, so that the order shown is the dates'.
DATES = {"b_spun": "2022-05-23", "c_translated": "2022-05-21", "a_wire": "2022-05-20"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout: no quotes to link")
    folder = tmp_path_factory.mktemp("spread")
    records = [
        {
            "id": name,
            "published": date,
            "outlet": name.split("_")[1],
            "text": (VARIANTS / f"{name}.txt").read_text(),
        }
        for name, date in DATES.items()
    ]
    corpus = folder / "copies.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    conn = connect(folder / "spread.db")
    try:
        ingest(conn, [str(corpus)])
    finally:
        conn.close()
    return folder / "spread.db"


@pytest.fixture(scope="module")
def statements(db: Path) -> list[dict]:
    conn = sqlite3.connect(db)
    try:
        return list_statements(conn)
    finally:
        conn.close()


def test_reports_are_oldest_first_and_the_earliest_dated_is_the_origin(statements: list[dict]) -> None:
    assert statements
    for statement in statements:
        dates = [q["published"] for q in statement["quotes"]]
        assert dates == sorted(dates)
        assert statement["origin"] == 0
    # The statement every copy reports starts at the wire copy, the oldest.
    widest = max(statements, key=lambda s: len(s["quotes"]))
    assert [q["article"] for q in widest["quotes"]] == ["a_wire", "c_translated", "b_spun"]


def test_the_statement_page_draws_the_spread_with_the_origin_first(db: Path, statements: list[dict]) -> None:
    flagged = [s for s in statements if "wording_differs" in s["flags"]]
    assert flagged, "the spun copy rewords quotations"
    statement = flagged[0]
    with TestClient(create_app(db)) as client:
        page = client.get(f"/statements/{statement['id']}")
    assert page.status_code == 200
    html = page.text
    timeline = html[html.index('id="spread"') : html.index("</ol>", html.index('id="spread"'))]
    # Outlets in date order, the origin first and marked, the later reports compared with it.
    order = [timeline.index(q["published"]) for q in statement["quotes"]]
    assert order == sorted(order)
    assert timeline.index("likely origin") < timeline.index(statement["quotes"][1]["published"])
    assert timeline.count("likely origin") == 1
    assert "<ins>" in timeline or "<del>" in timeline
    assert "misquote" in timeline
