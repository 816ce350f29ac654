"""--min-confidence on `extract`, `search` and `export`, over a real store built from the fixtures'
articles: each keeps exactly the quotes whose confidence is at least P; a P that is not a number
from 0 to 1 is bad usage (status 2, one line)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from saywho.attribution import roles
from saywho.cli import main
from saywho.confidence import LOW_CONFIDENCE, is_low, low_label, min_confidence
from saywho.store import connect
from saywho.store.render import search_table
from saywho.store.search import FEW_CONFIDENT, search_quotes

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = [FIXTURES / "seed" / "belarus_volunteers.txt", *sorted((FIXTURES / "variants").glob("*.txt"))]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout: no quotes to filter")
    path = tmp_path_factory.mktemp("confidence") / "store.db"
    assert main(["ingest", *map(str, ARTICLES), "--db", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def confidences(db: Path) -> list[float]:
    conn = connect(db, create=False)
    try:
        return sorted(r[0] for r in conn.execute("SELECT confidence FROM quotes"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def threshold(confidences: list[float]) -> float:
    """A stored confidence near the middle: some quotes fall below it, and one sits on it."""
    middle = confidences[len(confidences) // 2]
    assert confidences[0] < middle, "the fixtures' quotes all have one confidence: nothing to filter"
    return middle


def test_min_confidence_reads_a_number_from_0_to_1() -> None:
    assert min_confidence("0") == 0.0 and min_confidence("1") == 1.0 and min_confidence("0.8") == 0.8
    for bad in ("1.5", "-0.1", "nan", "inf", "high", ""):
        with pytest.raises(ValueError, match="not a number from 0 to 1"):
            min_confidence(bad)


def test_the_low_confidence_mark() -> None:
    assert is_low(LOW_CONFIDENCE - 0.001) and not is_low(LOW_CONFIDENCE) and not is_low(None)
    assert low_label(0.42) == "low confidence 0.42"
    assert low_label(0.499) == "low confidence 0.499"  # not rounded up to the threshold


@pytest.mark.parametrize("command", ["extract", "search", "export"])
@pytest.mark.parametrize("value", ["1.5", "-0.2", "nan", "sure"])
def test_a_bad_min_confidence_is_bad_usage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, value: str
) -> None:
    rest = {
        "extract": [ARTICLES[0]],
        "search": ["--db", tmp_path / "none.db"],
        "export": ["--what", "quotes", "--format", "jsonl", "--output", tmp_path / "q.jsonl"],
    }[command]
    status, out, err = run(capsys, command, *rest, "--min-confidence", value)
    assert status == 2 and out == ""
    assert "--min-confidence" in err and "not a number from 0 to 1" in err
    assert not (tmp_path / "q.jsonl").exists()


def test_search_keeps_the_quotes_at_or_above_the_minimum(
    capsys: pytest.CaptureFixture[str], db: Path, confidences: list[float], threshold: float
) -> None:
    status, out, _ = run(capsys, "search", "--db", db, "--format", "json", "--limit", 1000)
    everything = json.loads(out)
    assert status == 0 and len(everything) == len(confidences)
    status, out, _ = run(
        capsys, "search", "--db", db, "--format", "json", "--limit", 1000, "--min-confidence", threshold
    )
    kept = json.loads(out)
    assert status == 0
    assert kept == [q for q in everything if q["confidence"] >= threshold]  # same order, the one on P kept
    assert 0 < len(kept) < len(everything)
    # With words, and with the other filters: the same condition.
    conn = connect(db, create=False)
    try:
        for filters in ({"query": "Belarus"}, {"since": "2000"}, {"speaker": kept[0]["speaker"]["name"]}):
            found, total = search_quotes(conn, **filters, limit=1000)
            sure, sure_total = search_quotes(conn, **filters, limit=1000, min_confidence=threshold)
            assert sure == [q for q in found if q["confidence"] >= threshold] and sure_total == len(sure)
        with pytest.raises(ValueError, match="from 0 to 1"):
            search_quotes(conn, min_confidence=2)
    finally:
        conn.close()


def test_few_confident_quotes_are_paged_newest_first_as_many(
    db: Path, confidences: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two ways newest_page finds a page (the date index walked; the few matches sorted) agree."""
    import saywho.store.search

    conn = connect(db, create=False)
    try:
        pages = {}
        for few in (0, FEW_CONFIDENT):
            monkeypatch.setattr(saywho.store.search, "FEW_CONFIDENT", few)
            pages[few] = [search_quotes(conn, limit=3, offset=o, min_confidence=0.6) for o in (0, 3, 100)]
        assert pages[0] == pages[FEW_CONFIDENT]
        assert [len(p) for p, _ in pages[0]] == [3, 3, 0]
        assert search_quotes(conn, min_confidence=1.0) == ([], 0)
    finally:
        conn.close()


def test_export_keeps_the_quotes_at_or_above_the_minimum(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, confidences: list[float], threshold: float
) -> None:
    everything, sure = tmp_path / "all.csv", tmp_path / "sure.csv"
    assert (
        run(capsys, "export", "--db", db, "--what", "quotes", "--format", "csv", "--output", everything)[0]
        == 0
    )
    status, _, err = run(
        capsys, "export", "--db", db, "--what", "quotes", "--format", "csv", "--output", sure,
        "--min-confidence", threshold,
    )  # fmt: skip
    kept = [
        r for r in csv.DictReader(everything.open(encoding="utf-8")) if float(r["confidence"]) >= threshold
    ]
    assert status == 0 and f"wrote {len(kept)} quotes rows" in err
    assert list(csv.DictReader(sure.open(encoding="utf-8"))) == kept
    assert 0 < len(kept) < len(confidences)


def test_export_of_speakers_or_statements_with_a_minimum_is_bad_usage(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    output = tmp_path / "s.jsonl"
    status, _, err = run(
        capsys, "export", "--db", db, "--what", "speakers", "--format", "jsonl", "--output", output,
        "--min-confidence", "0.5",
    )  # fmt: skip
    assert status == 2 and "--what quotes" in err and not output.exists()


def test_extract_keeps_the_quotes_at_or_above_the_minimum(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout")
    status, out, _ = run(capsys, "extract", ARTICLES[0], "--format", "json")
    everything = json.loads(out)
    scores = sorted(q["confidence"] for q in everything["quotes"])
    threshold = scores[len(scores) // 2]
    status, out, _ = run(capsys, "extract", ARTICLES[0], "--format", "json", "--min-confidence", threshold)
    kept = json.loads(out)
    assert status == 0
    assert kept["quotes"] == [q for q in everything["quotes"] if q["confidence"] >= threshold]
    assert 0 < len(kept["quotes"]) < len(everything["quotes"])
    assert kept["entities"] == everything["entities"] and kept["document"] == everything["document"]
    # --out-dir files and tables are filtered alike.
    assert run(capsys, "extract", ARTICLES[0], "--out-dir", tmp_path, "--min-confidence", threshold)[0] == 0
    written = json.loads((tmp_path / "belarus_volunteers.json").read_text(encoding="utf-8"))
    assert written["quotes"] == kept["quotes"]
    status, out, _ = run(capsys, "extract", ARTICLES[0], "--format", "table", "--min-confidence", 1)
    assert status == 0 and "no quotes found" in out


def test_the_search_table_marks_low_confidence_and_shows_the_addressee(db: Path, tmp_path: Path) -> None:
    conn = connect(db, create=False)
    try:
        quotes, total = search_quotes(conn, limit=1000)
    finally:
        conn.close()
    told = next(q for q in quotes if q["addressee"])
    unsure = dict(next(q for q in quotes if q is not told), confidence=0.42)
    shown = search_table([told, unsure], total, width=200)
    rows = [line for line in shown.splitlines() if "│" in line]
    header = [cell.strip() for cell in shown.split("┡")[0].splitlines()[-1].split("┃")[1:-1]]
    assert header == ["date", "speaker / to", "quote", "type", "article"]
    assert f"to {told['addressee']['text']}" in shown
    assert shown.count("low confidence") == 1 and "low confidence 0.42" in shown
    assert any("low confidence 0.42" in line for line in rows)


def test_counting_above_a_minimum_reads_the_confidence_index(tmp_path: Path) -> None:
    conn = connect(tmp_path / "new.db")
    try:
        plan = " ".join(
            str(row[3])
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM quotes q WHERE q.confidence >= ? AND q.date >= ?",
                (0.8, "2022-01-01"),
            )
        )
    finally:
        conn.close()
    assert "COVERING INDEX quotes_confidence" in plan
