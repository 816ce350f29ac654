"""`saywho ingest`: idempotence, updates, ids given twice, --reanalyse, bad records, delete, the
summary and exit statuses, and a run killed with SIGKILL then started again (a real subprocess)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import saywho.batch
import saywho.store.ingest
from saywho.cli import main
from saywho.store import StoreError, connect
from saywho.store.ingest import delete, ingest
from saywho.store.search import search_quotes
from test_store_fakes import fake_analyse_chunk, needs_extraction_model, store_contents, write_corpus

TESTS = Path(__file__).parent


@pytest.fixture(autouse=True)
def fake_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(saywho.batch, "analyse_chunk", fake_analyse_chunk)


def run_ingest(db: Path, *inputs: str | Path, **options) -> saywho.store.ingest.IngestSummary:
    conn = connect(db)
    try:
        return ingest(conn, [str(i) for i in inputs], **options)
    finally:
        conn.close()


def test_a_second_ingest_of_the_same_articles_changes_nothing(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 5)
    first = run_ingest(tmp_path / "s.db", corpus)
    assert (len(first.added), first.quotes, first.totals["articles"], first.totals["quotes"]) == (
        5,
        10,
        5,
        10,
    )
    before = store_contents(tmp_path / "s.db")
    again = run_ingest(tmp_path / "s.db", corpus)
    assert (again.added, again.updated, again.unchanged, again.quotes) == ([], [], 5, 0)
    assert store_contents(tmp_path / "s.db") == before


def test_a_new_text_under_a_stored_id_replaces_its_analysis(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 3)
    run_ingest(tmp_path / "s.db", corpus)
    (corpus / "a001.txt").write_text("“Nothing is as it was,” said Grace Hopper.\n", encoding="utf-8")
    summary = run_ingest(tmp_path / "s.db", corpus)
    assert (summary.updated, summary.unchanged, summary.quotes) == (["a001"], 2, 1)
    conn = connect(tmp_path / "s.db")
    quotes = conn.execute("SELECT speaker_name, content FROM quotes WHERE article_id = 'a001'").fetchall()
    assert quotes == [("Grace Hopper", "Nothing is as it was")]
    assert search_quotes(conn, "engine number 1")[1] == 0  # the old text's quotes left the index too
    assert search_quotes(conn, "nothing")[1] == 1


def test_an_id_given_twice_in_one_run_is_stored_once_from_its_last_record(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "x", "text": "“First,” said Ada Lovelace."},
        {"id": "y", "text": "“Other,” said Ada Lovelace."},
        {"id": "x", "text": "“Second,” said Ada Lovelace."},
        {"id": "y", "text": "“Other,” said Ada Lovelace."},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    said: list[str] = []

    class Listener(saywho.store.ingest.Quiet):
        def say(self, line: str) -> None:
            said.append(line)

    summary = run_ingest(tmp_path / "s.db", feed, reporter=Listener())
    assert sorted(summary.added) == ["x", "y"]
    assert summary.repeated == ["x"]  # y came twice with one text: not a conflict
    assert any(line.startswith("x: given 2 times with different texts") for line in said)
    conn = connect(tmp_path / "s.db")
    assert conn.execute("SELECT content FROM quotes WHERE article_id = 'x'").fetchall() == [("Second",)]


def test_reanalyse_brings_articles_of_an_older_analyser_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus", 3)
    monkeypatch.setattr(saywho.store.ingest, "analyser_version", lambda: "0.0.1+old")
    run_ingest(tmp_path / "s.db", corpus)
    monkeypatch.setattr(saywho.store.ingest, "analyser_version", lambda: "0.0.2+new")
    plain = run_ingest(tmp_path / "s.db", corpus)
    assert (plain.unchanged, plain.outdated, plain.reanalysed) == (3, 3, [])
    # --reanalyse with no inputs at all: every stored article an older analyser analysed.
    summary = run_ingest(tmp_path / "s.db", reanalyse=True)
    assert sorted(summary.reanalysed) == ["a000", "a001", "a002"]
    conn = connect(tmp_path / "s.db")
    assert {r[0] for r in conn.execute("SELECT analyser FROM articles")} == {"0.0.2+new"}
    assert conn.execute("SELECT path FROM articles WHERE id = 'a000'").fetchone()[0] == str(
        corpus / "a000.txt"
    )
    assert run_ingest(tmp_path / "s.db", corpus, reanalyse=True).unchanged == 3


def test_the_analyser_version_names_saywho_and_its_model_files(tmp_path: Path) -> None:
    from saywho.store.version import models_hash

    (tmp_path / "m").mkdir()
    assert models_hash(tmp_path / "m") == "none"
    (tmp_path / "m" / "roles.bin").write_bytes(b"weights")
    first = models_hash(tmp_path / "m")
    (tmp_path / "m" / "roles.bin").write_bytes(b"retrained")
    assert models_hash(tmp_path / "m") not in (first, "none")


def test_a_record_without_text_is_an_error_and_an_empty_one_is_stored_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": "blank", "text": ""},
        {"id": "notext", "title": "no text"},
        {"id": "ok", "text": "“Yes,” said Ada Lovelace."},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    status = main(["ingest", str(feed), "--db", str(tmp_path / "s.db")])
    err = capsys.readouterr().err
    assert status == 2  # an unreadable record: named, the good ones still stored
    assert f'{feed}:2: a record needs "text"' in err
    assert "blank: warning empty_text" in err
    assert "2 added" in err and "unreadable, skipped: 1" in err
    conn = connect(tmp_path / "s.db")
    assert sorted(r[0] for r in conn.execute("SELECT id FROM articles")) == ["blank", "ok"]


def test_the_command_summarises_and_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus(tmp_path / "corpus", 2)
    assert main(["ingest", str(corpus), "--db", str(tmp_path / "s.db")]) == 0
    err = capsys.readouterr().err
    assert "articles: 2 added, 0 updated, 0 re-analysed, 0 unchanged (skipped); 4 quotes stored" in err
    assert "store: 2 articles, 4 quotes, 2 speakers" in err
    assert "linking speakers and statements across the whole store" in err
    assert main(["ingest", str(corpus), "--db", str(tmp_path / "s.db")]) == 0
    again = capsys.readouterr().err  # nothing changed: nothing to link again
    assert "2 unchanged (skipped)" in again and "linking" not in again
    assert main(["ingest", str(tmp_path / "missing"), "--db", str(tmp_path / "s.db")]) == 2
    assert "missing: no such file or directory" in capsys.readouterr().err
    assert main(["ingest", "--db", str(tmp_path / "s.db")]) == 2  # no input, no --reanalyse
    assert main(["ingest", str(corpus), "--workers", "0"]) == 2


def test_nothing_readable_makes_no_store_and_no_command_makes_one_by_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where the default ./saywho.db would appear
    (tmp_path / "empty").mkdir()
    (tmp_path / "none.json").write_text("[]", encoding="utf-8")
    cases = [
        (["ingest", "missing.txt"], 2, ["saywho: missing.txt: no such file or directory"]),
        (["ingest", "missing.txt", "empty"], 2, None),
        (["ingest", "--reanalyse"], 2, None),
        (["ingest", "none.json"], 0, None),  # read, but no record: nothing to store
        (["search", "tax"], 2, None),
        (["speakers"], 2, None),
        (["statements"], 2, None),
        (["export", "--what", "quotes", "--format", "csv", "--output", "q.csv"], 2, None),
        (["delete", "a000"], 2, None),
    ]
    for argv, status, lines in cases:
        assert main(argv) == status, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if lines is not None:
            assert err.strip().splitlines() == lines
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "none.json"], argv
    # One good input among bad ones is still stored (a store made for it), the bad ones named.
    corpus = write_corpus(tmp_path / "corpus", 1)
    assert main(["ingest", "missing.txt", str(corpus)]) == 2
    assert "missing.txt: no such file or directory" in capsys.readouterr().err
    assert stored_articles(tmp_path / "saywho.db") == 1


def test_an_article_whose_analysis_fails_is_reported_and_the_others_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_store_fakes import failing_fake_analyse_chunk

    monkeypatch.setattr(saywho.batch, "analyse_chunk", failing_fake_analyse_chunk)
    corpus = write_corpus(tmp_path / "corpus", 3)
    (corpus / "a001.txt").write_text("FAIL", encoding="utf-8")
    assert main(["ingest", str(corpus), "--db", str(tmp_path / "s.db")]) == 1
    err = capsys.readouterr().err
    assert "a001: not stored: analysis failed: ValueError: cannot analyse this" in err
    conn = connect(tmp_path / "s.db")
    assert sorted(r[0] for r in conn.execute("SELECT id FROM articles")) == ["a000", "a002"]


def test_delete_removes_an_article_and_all_it_gave_the_store(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 2)
    (corpus / "lone.txt").write_text("“Only here,” said Grace Hopper.\n", encoding="utf-8")
    run_ingest(tmp_path / "s.db", corpus)
    conn = connect(tmp_path / "s.db")
    assert search_quotes(conn, speaker="Hopper")[1] == 1
    assert delete(conn, ["lone", "nothere"]) == ["lone"]
    for table in ("quotes", "article_entities"):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE article_id = 'lone'").fetchone()[0] == 0
    assert search_quotes(conn, "only here")[1] == 0
    names = {r[0] for r in conn.execute("SELECT name FROM persons")}
    assert names == {"Ada Lovelace", "Charles Babbage"}  # Grace Hopper spoke only there
    conn.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('integrity-check')")
    assert main(["delete", "a000", "gone", "--db", str(tmp_path / "s.db")]) == 2


def test_a_run_that_stopped_before_recomputing_speakers_is_completed_by_the_next(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 2)
    clean = run_ingest(tmp_path / "clean.db", corpus)
    assert clean.totals["speakers"] == 2
    # As if killed right after its last batch: the articles stored, the persons not yet made.
    from saywho.store.schema import transaction
    from saywho.store.write import write_analyses

    conn = connect(tmp_path / "s.db")
    documents = [
        saywho.store.ingest.stored_document(connect(tmp_path / "clean.db"), i) for i in ("a000", "a001")
    ]
    with transaction(conn):
        write_analyses(conn, fake_analyse_chunk(documents), saywho.store.ingest.analyser_version())
    assert conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
    summary = run_ingest(tmp_path / "s.db", corpus)
    assert summary.unchanged == 2 and summary.totals["speakers"] == 2
    assert store_contents(tmp_path / "s.db") == store_contents(tmp_path / "clean.db")


KILLED_INGEST = """
import sys
sys.path.insert(0, {tests!r})
import saywho.batch, saywho.store.ingest
from test_store_fakes import slow_fake_analyse_chunk
saywho.batch.analyse_chunk = slow_fake_analyse_chunk
saywho.store.ingest.COMMIT_ARTICLES = 3
from saywho.cli import main
sys.exit(main(["ingest", {corpus!r}, "--db", {db!r}, *{extra!r}]))
"""


def stored_articles(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not made yet


@pytest.mark.parametrize("extra", [[], ["--workers", "2"]], ids=["in-process", "two-workers"])
def test_a_run_killed_with_sigkill_then_run_again_gives_the_store_a_clean_run_gives(
    tmp_path: Path, extra: list[str]
) -> None:
    import psutil

    corpus = write_corpus(tmp_path / "corpus", 24)
    run_ingest(tmp_path / "clean.db", corpus)
    db = tmp_path / "s.db"
    script = KILLED_INGEST.format(tests=str(TESTS), corpus=str(corpus), db=str(db), extra=extra)
    process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while stored_articles(db) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    children = psutil.Process(process.pid).children(recursive=True)
    os.kill(process.pid, signal.SIGKILL)  # the ingest alone: its workers must notice and go
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    assert 0 < stored_articles(db) < 24  # killed mid-ingest, some batches in
    for child in children:
        try:
            child.wait(timeout=30)
        except psutil.NoSuchProcess:
            pass
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]

    summary = run_ingest(db, corpus)
    assert summary.unchanged > 0 and len(summary.added) == 24 - summary.unchanged
    assert store_contents(db) == store_contents(tmp_path / "clean.db")
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("extra", [[], ["--workers", "2"]], ids=["in-process", "two-workers"])
def test_ctrl_c_ends_an_ingest_with_one_line_and_status_130_and_a_run_again_resumes(
    tmp_path: Path, extra: list[str]
) -> None:
    import psutil

    corpus = write_corpus(tmp_path / "corpus", 24)
    run_ingest(tmp_path / "clean.db", corpus)
    db = tmp_path / "s.db"
    script = KILLED_INGEST.format(tests=str(TESTS), corpus=str(corpus), db=str(db), extra=extra)
    # A session of its own: Ctrl-C reaches the whole foreground process group, workers included.
    process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while stored_articles(db) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    children = psutil.Process(process.pid).children(recursive=True)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    err = err.decode()
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "saywho: interrupted"
    assert 0 < stored_articles(db) < 24  # stopped mid-ingest, some batches in
    psutil.wait_procs(children, timeout=30)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)

    summary = run_ingest(db, corpus)
    assert summary.unchanged > 0 and len(summary.added) == 24 - summary.unchanged
    assert store_contents(db) == store_contents(tmp_path / "clean.db")


ONE_BY_ONE_INGEST = """
import json, sys
sys.path.insert(0, {tests!r})
from test_store_fakes import fake_analyse_chunk
from saywho.store import connect
from saywho.store.ingest import ingest
from saywho.store.listing import list_speakers
conn = connect({db!r})
for path in {paths!r}:  # a run each, as a run stopped and started again would store them
    ingest(conn, [path], task=fake_analyse_chunk)
print(json.dumps([[s["name"], s["aliases"], s["quotes"]] for s in list_speakers(conn)]))
"""


def test_speakers_are_spelled_alike_whatever_order_and_process_stored_their_articles(
    tmp_path: Path,
) -> None:
    """One spelling shown per name, case aside, chosen from the articles alone: the most used,
    then the fewest words in capitals, then alphabetical (it once hung on the first article stored
    and on the process's string hashing)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = ["“We won,” said Mike PENCE.", "“We lost,” said Mike Pence.", "“Ask me,” said Ada LOVELACE."]
    texts += ["“Maybe,” said Ada LOVELACE.", "“Later,” said Ada Lovelace."]
    paths = []
    for n, text in enumerate(texts):
        paths.append(corpus / f"a{n}.txt")
        paths[-1].write_text(text + "\n", encoding="utf-8")
    from saywho.store.listing import list_speakers

    listings = []
    for n, order in enumerate([paths, paths[2:] + paths[:2]]):
        for path in order:  # a run each, as a run stopped and started again would store them
            run_ingest(tmp_path / f"s{n}.db", path)
        conn = connect(tmp_path / f"s{n}.db")
        listings.append([[s["name"], s["aliases"], s["quotes"]] for s in list_speakers(conn)])
        conn.close()
    script = ONE_BY_ONE_INGEST.format(
        tests=str(TESTS), db=str(tmp_path / "other.db"), paths=[str(p) for p in reversed(paths)]
    )
    other_hashing = {**os.environ, "PYTHONHASHSEED": "2"}  # another process orders its sets otherwise
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=other_hashing)
    assert done.returncode == 0, done.stderr
    listings.append(json.loads(done.stdout))
    assert listings[1] == listings[0] and listings[2] == listings[0]


@needs_extraction_model
def test_the_variants_fixture_through_the_store_merges_every_spelling_and_links_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real analysis, people.merge_speakers and statements.link_statements, wired by the store."""
    monkeypatch.undo()  # the real analysis
    fixtures = TESTS / "fixtures"
    gold = json.loads((fixtures / "variants" / "variants.gold.json").read_text(encoding="utf-8"))
    conn = connect(tmp_path / "s.db")
    ingest(conn, [str(fixtures / "seed" / "belarus_volunteers.txt"), str(fixtures / "variants")])
    from saywho.store.listing import list_speakers, list_statements

    speakers = list_speakers(conn)
    for person in gold["people"]:
        spellings = {s.lower() for s in person["spellings"]}
        holders = [s for s in speakers if spellings & {a.lower() for a in s["aliases"]}]
        assert len(holders) == 1, person
        assert spellings <= {a.lower() for a in holders[0]["aliases"]}, person
    statements = list_statements(conn)
    assert statements and all(len({q["article"] for q in s["quotes"]}) >= 2 for s in statements)
    assert any("wording_differs" in s["flags"] and s["differences"] for s in statements)


def test_a_terminal_shows_a_progress_bar_with_rate_and_eta(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from saywho.store.report import TerminalReporter

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with TerminalReporter(console=console) as reporter:
        run_ingest(tmp_path / "s.db", write_corpus(tmp_path / "corpus", 3), reporter=reporter)
        reporter.progress.refresh()
        shown = screen.getvalue()
    assert "ingesting" in shown and "articles/s" in shown and "ETA" in shown and "3/3" in shown


def ingest_rounds(corpus: str, dbs: list[str], barrier: Any, results: Any) -> None:
    """One process of the race below: each round, wait for the others, then ingest into that
    round's new store."""
    for db in dbs:
        barrier.wait()
        # Spin to a moment all the racers share: waking from the barrier alone staggers them.
        go = (time.monotonic() // 0.02 + 2) * 0.02
        while time.monotonic() < go:
            pass
        try:
            conn = connect(db)
            try:
                ingest(conn, [corpus], task=fake_analyse_chunk)
            finally:
                conn.close()
            results.put((db, None))
        except (StoreError, sqlite3.Error) as error:
            results.put((db, str(error)))


def test_ingests_creating_one_new_store_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    """Two ingests starting together on a new --db: one used to fail ("locked ... gave up":
    switching to WAL does not wait for a reader), 1 to 5 rounds in 100 on two cores."""
    corpus = write_corpus(tmp_path / "corpus", 2)
    processes, rounds = 2, 100
    dbs = [str(tmp_path / f"s{n}.db") for n in range(rounds)]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    racers = [
        context.Process(target=ingest_rounds, args=(str(corpus), dbs, barrier, results))
        for _ in range(processes)
    ]
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=120) for _ in range(processes * rounds)]
    for racer in racers:
        racer.join(timeout=30)
    assert [failure for _, failure in outcomes if failure] == []
    for db in dbs:
        conn = sqlite3.connect(db)
        stored = conn.execute("SELECT article_id, count(*) FROM quotes GROUP BY article_id").fetchall()
        assert sorted(stored) == [("a000", 2), ("a001", 2)]
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        conn.close()


def test_a_new_store_another_process_is_setting_up_is_waited_for(tmp_path: Path) -> None:
    """The race above, made certain: another connection holds the new file's write lock (as the
    other ingest does while it switches the file to WAL) just as this one wants it: SQLite refuses
    that switch at once, without waiting, so the store's setup must wait itself."""
    db = tmp_path / "s.db"
    db.touch()  # as the other ingest leaves it a moment after creating it
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        conn = connect(db)
    finally:
        release.join()
        other.close()
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    assert run_ingest(db, write_corpus(tmp_path / "corpus", 2)).totals["articles"] == 2
