"""The store: its schema and what it refuses, search (the one library call behind the CLI and the
web), speakers and statements, export, persons' ids kept across ingests, and faults (a corrupt,
foreign, newer or locked database; a full disk)."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import saywho.batch
import saywho.store.schema
from saywho.cli import main
from saywho.model import Analysis, Content, Document, Entity, Mention, Quote, Speaker, Time
from saywho.store import StoreError, connect
from saywho.store.articles import get_analysis
from saywho.store.dates import first_day, period
from saywho.store.derived import inherit_ids, refresh
from saywho.store.export import export
from saywho.store.ingest import ingest
from saywho.store.listing import list_speakers, list_statements
from saywho.store.schema import transaction
from saywho.store.search import fts_query, search_quotes
from saywho.store.write import write_analyses
from test_store_fakes import fake_analyse_chunk, store_contents, write_corpus

TESTS = Path(__file__).parent


def article(
    article_id: str,
    quotes: list[tuple[str, str, str | None]],
    outlet: str | None = None,
    published: str | None = None,
    aliases: dict[str, list[str]] | None = None,
) -> Analysis:
    """An analysed article: (speaker, words, time value) per quote, laid out in its text."""
    text, made, entities = "", [], {}
    for n, (speaker, words, when) in enumerate(quotes, 1):
        start = len(text) + 1
        text += f"“{words}” said {speaker} at that time.\n"
        eid = entities.setdefault(speaker, f"e{len(entities) + 1}")
        at = text.index(speaker, start)
        time = Time("at that time", at + len(speaker) + 1, at + len(speaker) + 13, when) if when else None
        made.append(
            Quote(
                id=f"q{n}",
                type="direct",
                content=Content(words, start, start + len(words), [[start, start + len(words)]]),
                speaker=Speaker(speaker, eid, "person", Mention(speaker, at, at + len(speaker))),
                time=time,
                confidence=0.8,
                flags=["unattributed"] if speaker == "Nobody" else [],
            )
        )
    named = [
        Entity(eid, name, "PERSON", aliases=(aliases or {}).get(name, [name]), titles=["spokesperson"])
        for name, eid in entities.items()
    ]
    document = Document(text, article_id, f"Title {article_id}", published, outlet, f"https://x/{article_id}")
    return Analysis(document, made, named)


def build(db: Path, analyses: list[Analysis]) -> sqlite3.Connection:
    conn = connect(db)
    with transaction(conn):
        write_analyses(conn, analyses, "test")
    refresh(conn)
    return conn


@pytest.fixture
def store(tmp_path: Path) -> sqlite3.Connection:
    conn = build(
        tmp_path / "s.db",
        [
            article(
                "cnn-1",
                [
                    ("Sviatlana Tsikhanouskaya", "the tax on bread is a tax on the poor, a tax", "2022-W20"),
                    ("Ivan Petrov", "the talks with the union will resume next week", None),
                ],
                outlet="CNN",
                published="2022-05-20",
                aliases={"Sviatlana Tsikhanouskaya": ["Sviatlana Tsikhanouskaya", "Tsikhanouskaya"]},
            ),
            article(
                "bbc-1",
                [("Svetlana Tikhanovskaïa", "we will not pay the tax on bread", "2022-03")],
                outlet="BBC",
                published="2022-06-01",
            ),
            article(
                "wire-1",
                [("Ivan Petrov", "the talks with the union will resume next week", None)],
                outlet="Wire",
                published="2021-12-31",
            ),
        ],
    )
    yield conn
    conn.close()


# --- search ----------------------------------------------------------------------------------------


def test_text_search_ranks_by_relevance_and_counts_every_match(store: sqlite3.Connection) -> None:
    quotes, total = search_quotes(store, "tax")
    assert total == 2
    assert [q["article"]["id"] for q in quotes] == ["cnn-1", "bbc-1"]  # three "tax" in a shorter quote
    assert search_quotes(store, "Petrov")[1] == 2  # speaker names are searched too
    assert search_quotes(store, '"bread is a tax"')[1] == 1  # a phrase
    assert search_quotes(store, "tax resume")[1] == 0  # every word must match


def test_without_words_the_newest_quotes_come_first_by_the_date_they_refer_to(
    store: sqlite3.Connection,
) -> None:
    quotes, total = search_quotes(store)
    assert total == 4
    # Week 20 of 2022 starts on 16 May; March 2022 on the 1st; the others take their article's day.
    assert [(q["article"]["id"], q["date"]) for q in quotes] == [
        ("cnn-1", "2022-05-20"),
        ("cnn-1", "2022-05-16"),
        ("bbc-1", "2022-03-01"),
        ("wire-1", "2021-12-31"),
    ]


def test_speaker_matches_any_spelling_case_and_accents_aside(store: sqlite3.Connection) -> None:
    # Two articles, two transliterations: one person (people.merge_speakers), found by either.
    spellings = ("Sviatlana Tsikhanouskaya", "TSIKHANOUSKAYA", "  svetlana   tikhanovskaia ")
    for spelling in spellings:
        quotes, total = search_quotes(store, speaker=spelling)
        assert [q["article"]["id"] for q in quotes] == ["cnn-1", "bbc-1"], spelling
    assert len({q["speaker"]["person"] for q in quotes}) == 1
    assert search_quotes(store, speaker="Ivan Petrov")[1] == 2
    petrov = search_quotes(store, speaker="Ivan Petrov")[0][0]["speaker"]["person"]
    assert [q["speaker"]["name"] for q in search_quotes(store, person=petrov)[0]] == ["Ivan Petrov"] * 2
    assert search_quotes(store, speaker="Tsikhanouskaya", person=petrov) == ([], 0)
    assert search_quotes(store, speaker="Nobody Known", person=petrov) == ([], 0)
    assert search_quotes(store, speaker="Nobody Known") == ([], 0)
    assert search_quotes(store, "tax", speaker="Nobody Known") == ([], 0)


def test_a_spelling_two_people_share_finds_both_newest_first_page_by_page(tmp_path: Path) -> None:
    clintons = {
        "Bill Clinton": ["Bill Clinton", "Clinton"],
        "Hillary Clinton": ["Hillary Clinton", "Clinton"],
    }
    analyses = [
        article(
            f"a{n}", [(name, f"statement {n} on the budget", None)], None, f"2020-01-{n + 1:02d}", clintons
        )
        for n, name in enumerate(["Bill Clinton", "Hillary Clinton"] * 4)
    ]
    conn = build(tmp_path / "s.db", analyses)
    assert len({q["speaker"]["person"] for q in search_quotes(conn, speaker="Clinton")[0]}) == 2
    everything, total = search_quotes(conn, speaker="clinton")
    assert total == 8 and [q["date"] for q in everything] == sorted(
        (q["date"] for q in everything), reverse=True
    )
    pages = [search_quotes(conn, speaker="Clinton", limit=3, offset=start)[0] for start in (0, 3, 6)]
    assert [q for page in pages for q in page] == everything
    assert search_quotes(conn, speaker="Hillary Clinton", since="2020-01-05")[1] == 2
    assert search_quotes(conn, "budget", speaker="Clinton", limit=2)[1] == 8


def test_outlet_and_date_filters(store: sqlite3.Connection) -> None:
    assert search_quotes(store, outlet="cnn")[1] == 2
    assert search_quotes(store, "talks", outlet="Wire")[1] == 1
    assert search_quotes(store, since="2022-05-16")[1] == 2  # the week's first day counts
    assert search_quotes(store, until="2022-05-15")[1] == 2
    assert search_quotes(store, since="2022-03", until="2022-03")[1] == 1  # a month, both ends
    assert search_quotes(store, since="2022-W20", until="2022-W20")[1] == 2
    assert search_quotes(store, until="2021")[1] == 1
    with pytest.raises(ValueError):
        search_quotes(store, since="last Tuesday")


def test_limit_and_offset_page_through_the_matches(store: sqlite3.Connection) -> None:
    everything = search_quotes(store)[0]
    page, total = search_quotes(store, limit=2, offset=1)
    assert total == 4 and page == everything[1:3]
    assert search_quotes(store, limit=0) == ([], 4)


def test_a_search_result_is_the_contracts_quote_with_its_article_and_person(
    store: sqlite3.Connection,
) -> None:
    quote = search_quotes(store, "bread", outlet="BBC")[0][0]
    stored = get_analysis(store, "bbc-1")
    expected = dict(stored["quotes"][0])
    person = store.execute(
        "SELECT person_id FROM person_aliases WHERE key = 'svetlana tikhanovskaia'"
    ).fetchone()[0]
    expected["speaker"] = {**expected["speaker"], "person": person}
    expected["article"] = {
        "id": "bbc-1",
        "title": "Title bbc-1",
        "outlet": "BBC",
        "published": "2022-06-01",
        "url": "https://x/bbc-1",
        "path": None,
    }
    expected["date"] = "2022-03-01"
    assert quote == expected


@pytest.mark.parametrize("query", ["AND", 'tax"', "tax*", "NEAR(tax", "don't", "(tax OR", "col:tax", "^tax"])
def test_any_words_are_a_valid_query(store: sqlite3.Connection, query: str) -> None:
    search_quotes(store, query)  # no FTS5 syntax error, whatever the user types


def test_a_query_without_words_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing to search for"):
        fts_query('!! "" ?')


def test_dates_at_every_precision() -> None:
    assert [d.isoformat() for d in period("2024-02")] == ["2024-02-01", "2024-02-29"]
    assert [d.isoformat() for d in period("2022-W01")] == ["2022-01-03", "2022-01-09"]
    assert first_day("2022-05-20T10:00:00") == "2022-05-20"
    assert first_day("soon") is None


# --- speakers, statements, ids ----------------------------------------------------------------------


def test_a_stored_article_reads_back_as_its_analysis(tmp_path: Path) -> None:
    analysis = article(
        "x", [("Ada Lovelace", "numbers are not all", "2022")], outlet="CNN", published="2022-01-02"
    )
    conn = build(tmp_path / "s.db", [analysis])
    assert get_analysis(conn, "x") == json.loads(json.dumps(analysis.to_dict()))
    assert get_analysis(conn, "y") is None


def test_speakers_in_the_contracts_form(store: sqlite3.Connection) -> None:
    speakers = list_speakers(store)
    assert len(speakers) == 2
    for speaker in speakers:
        assert set(speaker) == {"id", "name", "type", "aliases", "titles", "quotes", "articles"}
        assert (speaker["type"], speaker["quotes"], speaker["articles"]) == ("PERSON", 2, 2)
        assert speaker["titles"] == ["spokesperson"]
    aliases = {s["name"]: s["aliases"] for s in speakers}
    assert set(aliases["Ivan Petrov"]) == {"Ivan Petrov"}
    others = set(next(a for name, a in aliases.items() if name != "Ivan Petrov"))
    assert others == {"Sviatlana Tsikhanouskaya", "Tsikhanouskaya", "Svetlana Tikhanovskaïa"}


def test_one_statement_in_two_articles_is_linked(store: sqlite3.Connection) -> None:
    statements = list_statements(store)
    assert len(statements) == 1
    statement = statements[0]
    assert statement["speaker"]["name"] == "Ivan Petrov"
    # Oldest first: the wire copy is dated 2021-12-31, CNN's 2022-05-20 (issue 12's spread).
    assert [(q["article"], q["outlet"], q["content"]["text"]) for q in statement["quotes"]] == [
        ("wire-1", "Wire", "the talks with the union will resume next week"),
        ("cnn-1", "CNN", "the talks with the union will resume next week"),
    ]
    assert set(statement["quotes"][0]) == {"article", "path", "url", "outlet", "published", "type", "content"}
    assert statement["origin"] == 0
    assert statement["flags"] == [] and statement["differences"] == []


def test_ids_are_kept_when_the_corpus_grows_and_never_reused(tmp_path: Path) -> None:
    conn = build(
        tmp_path / "s.db", [article("a", [("Ada Lovelace", "one", None), ("Grace Hopper", "two", None)])]
    )
    before = {s["name"]: s["id"] for s in list_speakers(conn)}
    with transaction(conn):
        write_analyses(
            conn, [article("b", [("Alan Turing", "three", None), ("Ada Lovelace", "four", None)])], "t"
        )
    refresh(conn)
    after = {s["name"]: s["id"] for s in list_speakers(conn)}
    assert after["Ada Lovelace"] == before["Ada Lovelace"]
    assert after["Grace Hopper"] == before["Grace Hopper"]
    assert after["Alan Turing"] not in before.values()
    conn.execute("DELETE FROM articles WHERE id = 'a'")
    refresh(conn)
    with transaction(conn):
        write_analyses(conn, [article("c", [("Edsger Dijkstra", "five", None)])], "t")
    refresh(conn)
    assert {s["name"]: s["id"] for s in list_speakers(conn)}["Edsger Dijkstra"] not in after.values()


def test_inherit_ids_gives_each_old_id_to_the_group_holding_most_of_its_members() -> None:
    previous = {"a": 1, "b": 1, "c": 2, "d": 2}
    ids, next_id = inherit_ids([["a"], ["b", "c", "d"], ["e"]], previous, 3)
    assert ids == [1, 2, 3] and next_id == 4


# --- export ----------------------------------------------------------------------------------------


def test_export_writes_flat_rows_in_each_format(store: sqlite3.Connection, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    assert export(store, "quotes", "jsonl", tmp_path / "q.jsonl") == 4
    rows = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["article_id"] == "bbc-1" and rows[0]["speaker_name"] == "Svetlana Tikhanovskaïa"
    assert rows[0]["fragments"] == [[1, 33]] and rows[0]["time_value"] == "2022-03"

    assert export(store, "quotes", "csv", tmp_path / "q.csv") == 4
    with open(tmp_path / "q.csv", encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    assert [r["text"] for r in read] == [r["text"] for r in rows]
    assert read[0]["fragments"] == "[[1, 33]]" and read[0]["flags"] == "[]"

    assert export(store, "quotes", "parquet", tmp_path / "q.parquet") == 4
    table = pq.read_table(tmp_path / "q.parquet")
    assert table.column("text").to_pylist() == [r["text"] for r in rows]
    assert table.column("speaker_id").type == "int64"

    assert export(store, "speakers", "parquet", tmp_path / "s.parquet") == 2
    assert pq.read_table(tmp_path / "s.parquet").column("aliases").to_pylist()[0]
    assert export(store, "statements", "csv", tmp_path / "st.csv") == 2
    with open(tmp_path / "st.csv", encoding="utf-8", newline="") as f:
        statement_rows = list(csv.DictReader(f))
    assert [r["article_id"] for r in statement_rows] == ["wire-1", "cnn-1"]  # oldest first
    assert statement_rows[0]["wording_differs"] == "false"


def test_export_is_whole_or_not_at_all(
    store: sqlite3.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import saywho.store.export

    target = tmp_path / "q.jsonl"
    target.write_text("the previous export\n", encoding="utf-8")

    def broken(conn: sqlite3.Connection, min_confidence: float | None = None):
        yield {"article_id": "x"}
        raise OSError("disk gone")

    monkeypatch.setattr(saywho.store.export, "quote_rows", broken)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    for output in (target, link):
        with pytest.raises(OSError):
            export(store, "quotes", "jsonl", output)
        assert target.read_text(encoding="utf-8") == "the previous export\n"
        assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "link.jsonl",
        "q.jsonl",
        "s.db",
        "s.db-shm",
        "s.db-wal",
    ]


def export_command(capsys: pytest.CaptureFixture[str], db: Path, output: Path) -> tuple[int, str]:
    status, _, err = run(
        capsys, "export", "--what", "quotes", "--format", "csv", "--output", output, "--db", db
    )
    return status, err


def test_export_through_a_symlink_writes_its_target_and_keeps_the_link(
    store: sqlite3.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "quotes.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "latest.csv"
    link.symlink_to(Path("real") / "quotes.csv")  # relative, as links often are
    status, err = export_command(capsys, tmp_path / "s.db", link)
    assert status == 0, err
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text(encoding="utf-8").startswith("article_id,")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["quotes.csv"]  # no temporary left
    dangling = tmp_path / "next.csv"
    dangling.symlink_to(tmp_path / "real" / "new.csv")
    assert export_command(capsys, tmp_path / "s.db", dangling)[0] == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "new.csv").read_text(encoding="utf-8")


def test_export_refuses_a_fifo_a_device_and_a_directory_and_leaves_them(
    store: sqlite3.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "folder").mkdir()
    link_to_device = tmp_path / "null-link"
    link_to_device.symlink_to(os.devnull)
    cases = [
        (fifo, "a FIFO (named pipe)"),
        (Path(os.devnull), "a character device"),
        (link_to_device, "a character device"),
        (tmp_path / "folder", "a directory"),
    ]
    for output, kind in cases:
        status, err = export_command(capsys, tmp_path / "s.db", output)
        assert status == 2 and kind in err and len(err.strip().splitlines()) == 1, (output, err)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert link_to_device.is_symlink() and list((tmp_path / "folder").iterdir()) == []
    with pytest.raises(ValueError, match="FIFO"):  # the library refuses as the command does
        export(store, "quotes", "jsonl", fifo)
    status, err = export_command(capsys, tmp_path / "s.db", tmp_path / "nowhere" / "q.csv")
    assert status == 2 and "no folder" in err


# --- the commands ----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_search_speakers_statements_and_export_commands(
    store: sqlite3.Connection,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "s.db"
    status, out, _ = run(capsys, "search", "tax", "--db", db, "--format", "json", "--limit", "1")
    assert status == 0 and [q["article"]["id"] for q in json.loads(out)] == ["cnn-1"]
    status, out, _ = run(capsys, "search", "--speaker", "ivan petrov", "--db", db, "--format", "csv")
    assert status == 0 and [r["article_id"] for r in csv.DictReader(io.StringIO(out))] == ["cnn-1", "wire-1"]
    status, out, _ = run(capsys, "search", "talks", "--db", db)
    assert status == 0 and "Ivan Petrov" in out and "2 of 2 quotes" in out
    assert run(capsys, "search", "--since", "yesterday", "--db", db)[0] == 2
    assert run(capsys, "search", "!!", "--db", db)[0] == 2
    status, out, _ = run(capsys, "speakers", "--db", db, "--format", "json")
    assert status == 0 and {s["name"] for s in json.loads(out)} >= {"Ivan Petrov"}
    status, out, _ = run(capsys, "statements", "--db", db, "--format", "json")
    assert status == 0 and len(json.loads(out)) == 1
    assert "Ivan Petrov" in run(capsys, "statements", "--db", db)[1]
    monkeypatch.chdir(tmp_path)  # where the default ./saywho.db is not
    status, _, err = run(
        capsys, "export", "--what", "speakers", "--format", "jsonl", "--output", tmp_path / "o"
    )
    assert status == 2 and "no store here" in err
    status, _, err = run(
        capsys, "export", "--what", "speakers", "--format", "jsonl", "--output", tmp_path / "o", "--db", db
    )
    assert status == 0 and "wrote 2 speakers rows" in err and (tmp_path / "o").is_file()


# --- faults ----------------------------------------------------------------------------------------


def test_a_corrupt_file_is_refused_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    garbage = bytes(range(256)) * 64
    db.write_bytes(garbage)
    corpus = write_corpus(tmp_path / "corpus", 1)
    for argv in (["ingest", str(corpus)], ["search", "tax"], ["speakers"], ["delete", "a000"]):
        status, _, err = run(capsys, *argv, "--db", db)
        assert status == 1, argv
        assert "not a usable SQLite database" in err and "left as it is" in err
    assert db.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "s.db"]


def test_another_programs_database_or_a_newer_store_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE accounts (id INTEGER)").connection.commit()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a saywho store"):
        connect(other)
    assert other.read_bytes() == before
    newer = tmp_path / "newer.db"
    connect(newer).execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer saywho"):
        connect(newer)


def test_a_locked_store_waits_then_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(saywho.batch, "analyse_chunk", fake_analyse_chunk)
    monkeypatch.setattr(saywho.store.schema, "BUSY_TIMEOUT", 0.2)
    db = tmp_path / "s.db"
    connect(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        status, _, err = run(capsys, "ingest", write_corpus(tmp_path / "corpus", 2), "--db", db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 1 and "locked by another process" in err
    assert connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 0


FULL_DISK_INGEST = """
import sys
sys.path.insert(0, {tests!r})
import saywho.batch, saywho.store.ingest
from test_store_fakes import fake_analyse_chunk
saywho.batch.analyse_chunk = fake_analyse_chunk
saywho.store.ingest.COMMIT_ARTICLES = 4
from saywho.cli import main
sys.exit(main(["ingest", {corpus!r}, "--db", {db!r}]))
"""


def test_a_full_disk_fails_clearly_and_leaves_a_consistent_store(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 40, padding=400)  # 28 kB an article, 1.1 MB in all
    db = tmp_path / "s.db"
    script = FULL_DISK_INGEST.format(tests=str(TESTS), corpus=str(corpus), db=str(db))

    def small_files() -> None:  # as if the disk filled up at 1 MB (Python ignores SIGXFSZ: EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    done = subprocess.run(
        [sys.executable, "-c", script], preexec_fn=small_files, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert "could not write" in done.stderr and "the disk may be full" in done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < stored < 40 and stored % 4 == 0  # whole batches only
    per_article = conn.execute("SELECT count(*) FROM quotes GROUP BY article_id").fetchall()
    assert set(per_article) == {(2,)}  # no partial article
    conn.close()

    conn = connect(db)
    ingest(conn, [str(corpus)], task=fake_analyse_chunk)
    conn.close()
    clean = tmp_path / "clean.db"
    conn = connect(clean)
    ingest(conn, [str(corpus)], task=fake_analyse_chunk)
    conn.close()
    assert store_contents(db) == store_contents(clean)
