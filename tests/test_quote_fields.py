"""A quote's one definition (saywho.quote_fields): the store gives back the JSON `extract` gives,
every field of model.Quote has its place, stores already on disk keep their columns, and a
speaker is named alike everywhere."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import saywho
from saywho.cli import main
from saywho.model import Analysis, Content, Cue, Mention, Quote, Speaker, Time
from saywho.quote_fields import ANALYSIS, EXPORT_COLUMNS, QUOTE_FIELDS, flat_quote, speaker_label
from saywho.store import connect
from saywho.store.derived import refresh
from saywho.store.schema import transaction
from saywho.store.search import search_quotes
from saywho.store.write import write_analyses

# The columns of `quotes` in stores already written (schema 1 to 4): a new store must have them,
# in this order, or the older ones need a migration.
STORED_COLUMNS = [
    "id", "article_id", "quote_id", "position", "type", "content", "content_start", "content_end",
    "fragments", "speaker_name", "speaker_entity", "speaker_kind", "mention_text", "mention_start",
    "mention_end", "cue_text", "cue_lemma", "cue_start", "cue_end", "addressee_text", "addressee_start",
    "addressee_end", "time_text", "time_start", "time_end", "time_value", "date", "confidence", "flags",
    "person_id",
]  # fmt: skip


def leaves(value: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    if isinstance(value, dict):
        return {path for key, inner in value.items() for path in leaves(inner, (*prefix, key))}
    return {prefix}


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Path]:
    """The seed article analysed (cues, addressees, times, fragments, pronoun mentions) and stored."""
    seed = Path(__file__).parent / "fixtures" / "seed" / "belarus_volunteers.txt"
    with open(seed, encoding="utf-8", newline="") as f:
        analysis = saywho.analyse(f.read(), published="2022-05-20")
    analysis.document.id, analysis.document.path = "seed", seed.name
    db = tmp_path_factory.mktemp("quote_fields") / "store.db"
    conn = connect(db)
    try:
        with transaction(conn):
            write_analyses(conn, [analysis], "test")
        refresh(conn)
    finally:
        conn.close()
    return analysis, db


def test_a_stored_quote_is_the_quote_extract_gives_with_the_stores_extras(seed_store) -> None:
    analysis, db = seed_store
    conn = connect(db)
    try:
        found, total = search_quotes(conn, limit=1000)
    finally:
        conn.close()
    given = analysis.to_dict()["quotes"]
    assert total == len(given) > 10
    by_id = {q["id"]: q for q in found}
    for quote in given:
        stored = by_id[quote["id"]]
        article = stored.pop("article")
        date = stored.pop("date")
        person = stored["speaker"].pop("person")
        # The same JSON text: values, nulls and key order alike.
        assert json.dumps(stored, ensure_ascii=False) == json.dumps(quote, ensure_ascii=False)
        assert article == {
            "id": "seed", "title": None, "outlet": None, "published": "2022-05-20", "url": None,
            "path": "belarus_volunteers.txt",
        }  # fmt: skip
        time_value = (quote["time"] or {}).get("value")
        if time_value and len(time_value) == 10:
            assert date == time_value
        else:  # a week, month or year's first day, else the article's
            assert date is not None and len(date) == 10 and date <= "2022-05-20"
        assert (person is None) == (quote["speaker"]["name"] is None)
    assert any(q["cue"] and q["addressee"] and q["time"] for q in given), "the seed covers every part"


def test_every_field_of_the_model_has_one_place() -> None:
    full = Quote(
        "q1",
        "direct",
        Content("words", 0, 5, [[0, 5]]),
        Speaker("Vadim Prokopiev", "e1", "person", Mention("he", 9, 11)),
        Cue("told", "tell", 12, 16),
        Mention("CNN", 17, 20),
        Time("on Monday", 21, 30, "2022-05-16"),
        0.9,
        ["unattributed"],
    )
    from_model = {f.path for f in QUOTE_FIELDS if f.source == ANALYSIS}
    assert from_model == leaves(asdict(full))
    columns = [f.column for f in QUOTE_FIELDS]
    exports = [f.export for f in QUOTE_FIELDS if f.export]
    assert len(set(columns)) == len(columns) and len(set(exports)) == len(exports)


def test_a_new_store_has_the_columns_older_stores_have(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    try:
        assert [row[1] for row in conn.execute("PRAGMA table_info(quotes)")] == STORED_COLUMNS
    finally:
        conn.close()


def test_export_and_search_csv_rows_have_the_export_columns(seed_store, tmp_path: Path, capsys) -> None:
    _, db = seed_store
    out = tmp_path / "quotes.csv"
    assert main(["export", "--what", "quotes", "--format", "csv", "--output", str(out), "--db", str(db)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        exported = list(csv.DictReader(f))
    assert list(exported[0]) == list(EXPORT_COLUMNS)
    capsys.readouterr()
    assert main(["search", "--db", str(db), "--format", "json", "--limit", "1000"]) == 0
    searched = json.loads(capsys.readouterr().out)
    flat = {(r["quote_id"]): r for r in map(flat_quote, searched)}
    for row in exported:
        mine = flat[row["quote_id"]]
        assert row["speaker_name"] == (mine["speaker_name"] or "")
        assert row["mention"] == (mine["mention"] or "") and row["cue"] == (mine["cue"] or "")
        assert json.loads(row["fragments"]) == mine["fragments"] and json.loads(row["flags"]) == mine["flags"]


@pytest.mark.parametrize(
    ("name", "mention", "label"),
    [
        ("Vadim Prokopiev", "he", "Vadim Prokopiev (he)"),
        ("Vadim Prokopiev", "Prokopiev", "Vadim Prokopiev"),
        ("Prokopiev", "Vadim Prokopiev", "Prokopiev"),
        (None, "a spokesman", "a spokesman"),
        (None, None, "unknown speaker"),
    ],
)
def test_one_speaker_label_for_the_model_and_its_json(
    name: str | None, mention: str | None, label: str
) -> None:
    speaker = Speaker(name, None, "person", Mention(mention, 0, 2) if mention else None)
    assert speaker_label(speaker) == label
    assert speaker_label(asdict(speaker)) == label


def test_the_stored_quote_columns_are_written_and_read_back_whole(seed_store) -> None:
    """No column of the table is left out of the insert or the select (person_id: the linking's)."""
    _, db = seed_store
    conn = sqlite3.connect(db)
    try:
        empty = [
            c for c in STORED_COLUMNS if conn.execute(f"SELECT count({c}) FROM quotes").fetchone()[0] == 0
        ]
    finally:
        conn.close()
    assert empty == []
