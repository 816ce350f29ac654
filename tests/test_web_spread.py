"""How a quote spread: the statement JSON orders reports oldest first and marks the origin, and the
statement page draws the reports on a time line, the origin first, each later one's word
differences against it and misquotes marked. A store of the variants fixture, each copy dated
(the spun copy, which misquotes, is the latest)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saywho.attribution import roles
from saywho.store import connect
from saywho.store.ingest import ingest
from saywho.store.listing import list_statements
from saywho.web import create_app
from saywho.web.spread import spread

VARIANTS = Path(__file__).parent / "fixtures" / "variants"
# Ingested in another order than their dates, so that the order shown is the dates'.
DATES = {"b_spun": "2022-05-23", "c_translated": "2022-05-21", "a_wire": "2022-05-20"}


def variants_store(folder: Path) -> Path:
    """A store of the variants fixture, each copy dated and named for its outlet, at folder/spread.db
    (the browser tests serve it too)."""
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
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout: no quotes to link")
    return variants_store(tmp_path_factory.mktemp("spread"))


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


def test_the_speaker_page_links_each_quote_to_its_statement_as_the_article_page_does(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        linked = conn.execute(
            "SELECT q.person_id, s.article_id, s.quote_id, s.statement_id FROM statement_quotes s"
            " JOIN quotes q ON q.article_id = s.article_id AND q.quote_id = s.quote_id"
        ).fetchall()
        persons = {
            p for (p,) in conn.execute("SELECT DISTINCT person_id FROM quotes WHERE person_id IS NOT NULL")
        }
    finally:
        conn.close()
    assert linked
    link = r'<a class="statement-link" href="/statements/(\d+)">Reported by other articles too</a>'
    with TestClient(create_app(db)) as client:
        for person in persons:
            html = client.get(f"/speakers/{person}").text
            cards = re.findall(r'<li class="card">.*?</li>', html, re.S)
            shown = set()
            for card in cards:  # each card: its article, and its statement when it reports one
                article = re.search(r'href="/articles/([^"]+)"', card).group(1)
                shown |= {(article, int(sid)) for sid in re.findall(link, card)}
            assert shown == {(a, sid) for p, a, _, sid in linked if p == person}
        for _, article, quote, sid in linked:  # the article page links the quote to the same statement
            html = client.get(f"/articles/{article}").text
            item = re.search(rf'<li id="quote-{quote}">.*?</li>\s*(?=<li id=|</ol>)', html, re.S).group()
            assert re.findall(link, item) == [str(sid)]


def _report(article: str, kind: str, text: str, published: str) -> dict:
    return {
        "article": article,
        "type": kind,
        "published": published,
        "content": {"text": text, "start": 0, "end": len(text)},
    }


def test_with_an_indirect_origin_quotations_are_checked_against_the_earliest_quotation() -> None:
    statement = {
        "origin": 0,
        "quotes": [
            _report("a", "indirect", "that the talks had stalled over pay", "2024-01-01"),
            _report("b", "direct", "The talks have stalled over pay,", "2024-01-02"),
            _report("c", "direct", "The talks have stalled over pay.", "2024-01-03"),  # punctuation only
            _report("d", "direct", "The talks have collapsed over pay,", "2024-01-04"),
            _report("e", "mixed", "the talks had 'collapsed' over pay", "2024-01-05"),
        ],
    }
    entries = spread(statement)
    assert [e["origin"] for e in entries] == [True, False, False, False, False]
    assert [e["misquote"] for e in entries] == [None, None, False, True, None]
    assert [e["reference"] for e in entries] == [None, None, 1, 1, None]
    # Every later report is still shown against the origin's words.
    assert ("added", "The talks have collapsed over pay") not in entries[3]["pieces"]
    assert any(kind == "added" and "collapsed" in words for kind, words in entries[3]["pieces"])
    assert entries[0]["pieces"] is None


def test_with_a_quoting_origin_a_punctuation_difference_is_no_misquote() -> None:
    statement = {
        "origin": 0,
        "quotes": [
            _report("a", "direct", "We see a window of opportunity,", "2024-01-01"),
            _report("b", "direct", "We see a window of opportunity.", "2024-01-02"),
            _report("c", "direct", "We see a window of possibility.", "2024-01-03"),
        ],
    }
    entries = spread(statement)
    assert [e["misquote"] for e in entries] == [None, False, True]
    assert [kind for kind, _ in entries[1]["pieces"]] == ["same"]
    assert ("removed", "opportunity") in entries[2]["pieces"] and ("added", "possibility") in entries[2][
        "pieces"
    ]
