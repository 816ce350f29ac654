"""Incremental linking (store/linking.py): a store grown article by article, in any order, with
articles replaced and deleted on the way, holds the persons and statements of one built at once
and of a relink of everything. The small version runs on tests/fixtures (the seed and the
variants); the large one on PolNeAR dev (skipped when ../shared is absent), analysed once."""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

from saywho import analyse_documents
from saywho.model import Analysis, Document, Entity
from saywho.people import SpeakerRecord
from saywho.store import connect, derived
from saywho.store.derived import PersonIds, refresh
from saywho.store.linking import relink
from saywho.store.schema import transaction
from saywho.store.write import delete_articles, write_analyses
from test_store_fakes import fake_analysis, needs_extraction_model

FIXTURES = Path(__file__).parent / "fixtures"
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polnear" / "dev"


def analyses_of(paths: list[Path]) -> list[Analysis]:
    documents = [Document(text=p.read_text(encoding="utf-8"), id=p.stem, path=str(p)) for p in paths]
    return list(analyse_documents(documents))


@pytest.fixture(scope="session")
def fixture_analyses() -> list[Analysis]:
    return analyses_of(
        sorted((FIXTURES / "seed").glob("*.txt")) + sorted((FIXTURES / "variants").glob("*.txt"))
    )


@pytest.fixture(scope="session")
def dev_analyses() -> list[Analysis]:
    if not DEV.is_dir():
        pytest.skip("PolNeAR dev is not beside the checkout (../shared/data/polnear/dev)")
    return analyses_of(sorted(DEV.glob("*.txt")))


def store(conn: sqlite3.Connection, analyses: list[Analysis]) -> None:
    with transaction(conn):
        write_analyses(conn, analyses, "test")
    refresh(conn)


def snapshot(conn: sqlite3.Connection) -> tuple[set, set, dict]:
    """Persons as their records, names, types, aliases and titles; statements as their reports,
    their speaker (as records) and flags; each quote's speaker: ids left out, as they may differ."""
    records: dict[int, set] = defaultdict(set)
    for article, entity, pid in conn.execute("SELECT article_id, entity, person_id FROM article_entities"):
        if pid is not None:
            records[pid].add((article, entity))
    persons = {
        pid: (frozenset(records[pid]), name, kind, aliases, titles)
        for pid, name, kind, aliases, titles in conn.execute(
            "SELECT id, name, type, aliases, titles FROM persons"
        )
    }
    assert set(records) <= set(persons)  # no record points to a person that is gone
    members: dict[int, set] = defaultdict(set)
    for sid, article, quote in conn.execute(
        "SELECT statement_id, article_id, quote_id FROM statement_quotes"
    ):
        members[sid].add((article, quote))
    statements = {
        (frozenset(members[sid]), persons[pid][0] if pid else None, flags)
        for sid, pid, flags in conn.execute("SELECT id, person_id, flags FROM statements")
    }
    speakers = {
        (article, quote): persons[pid][0] if pid else None
        for article, quote, pid in conn.execute("SELECT article_id, quote_id, person_id FROM quotes")
    }
    return set(persons.values()), statements, speakers


def classes_out_of_step(conn: sqlite3.Connection) -> int:
    """Quotes whose wording class row (linking's candidates) is missing, or says another speaker
    than the quote's person and group (kept in step by the schema's triggers)."""
    sql = (
        "SELECT count(*) FROM quotes q LEFT JOIN quote_classes c ON c.quote = q.id"
        " LEFT JOIN persons p ON p.id = q.person_id WHERE c.quote IS NULL"
        " OR c.person != coalesce(q.person_id, 0)"
        " OR c.grp != (q.speaker_kind = 'group' OR coalesce(p.type IN ('GROUP', 'NORP'), 0))"
    )
    return conn.execute(sql).fetchone()[0]


def grown(path: Path, analyses: list[Analysis], order: list[int]) -> tuple[set, set, dict]:
    conn = connect(path)
    for i in order:
        store(conn, [analyses[i]])
    assert classes_out_of_step(conn) == 0
    shot = snapshot(conn)
    relink(conn)
    assert snapshot(conn) == shot  # relinking everything changes nothing
    conn.close()
    return shot


def built(path: Path, analyses: list[Analysis]) -> tuple[set, set, dict]:
    conn = connect(path)
    store(conn, analyses)
    shot = snapshot(conn)
    conn.close()
    return shot


@needs_extraction_model
def test_fixtures_grown_in_any_order_equal_built_at_once(
    tmp_path: Path, fixture_analyses: list[Analysis]
) -> None:
    at_once = built(tmp_path / "once.db", fixture_analyses)
    persons, statements, _ = at_once
    assert any(len(records) > 2 for records, *_ in persons)  # spellings merged across articles
    assert statements  # reports linked across articles
    n = len(fixture_analyses)
    for k, order in enumerate([list(range(n)), list(reversed(range(n))), [2, 0, 3, 1][:n]]):
        assert grown(tmp_path / f"grown{k}.db", fixture_analyses, order) == at_once


@needs_extraction_model
def test_deleting_and_replacing_articles_equals_never_having_them(
    tmp_path: Path, fixture_analyses: list[Analysis]
) -> None:
    conn = connect(tmp_path / "s.db")
    for analysis in fixture_analyses:
        store(conn, [analysis])
    gone = fixture_analyses[1].document.id
    with transaction(conn):
        delete_articles(conn, [gone])
    refresh(conn)
    store(conn, [fixture_analyses[0]])  # stored again: replaced by itself
    shot = snapshot(conn)
    conn.close()
    assert shot == built(tmp_path / "once.db", [a for a in fixture_analyses if a.document.id != gone])


@needs_extraction_model
def test_polnear_dev_grown_in_three_orders_equals_built_at_once(
    tmp_path: Path, dev_analyses: list[Analysis]
) -> None:
    at_once = built(tmp_path / "once.db", dev_analyses)
    rng = random.Random(13)
    n = len(dev_analyses)
    orders = [list(range(n)), list(reversed(range(n))), rng.sample(range(n), n)]
    for k, order in enumerate(orders):
        assert grown(tmp_path / f"grown{k}.db", dev_analyses, order) == at_once, f"order {k}"


def test_a_person_left_by_one_write_and_taken_by_the_next_keeps_its_statement(tmp_path: Path) -> None:
    """A record's family changing between group and non-group: the persons write leaves its
    person, the groups write takes the id back. The person is never deleted meanwhile (which
    would set its statements' speaker to NULL), and its records are reported moved (retyped), so
    their statements are relinked."""
    text = "“We will not give up the fight for the river,” said Anna Kowalska on Monday."
    conn = connect(tmp_path / "s.db")
    store(conn, [fake_analysis(Document(text=text, id=name)) for name in ("a", "b")])
    ((pid,),) = conn.execute("SELECT person_id FROM statements").fetchall()
    keys = {
        (a, e)
        for a, e in conn.execute(
            "SELECT article_id, entity FROM article_entities WHERE person_id = ?", (pid,)
        )
    }
    assert {a for a, _ in keys} == {"a", "b"}
    previous = dict.fromkeys(keys, pid)
    ledger = PersonIds()
    with transaction(conn):
        derived.write_persons(conn, [], previous, set(keys), ledger=ledger)
        group = [SpeakerRecord(a, e, "Anna Kowalska", "GROUP") for a, e in sorted(keys)]
        moved = derived.write_persons(conn, [group], previous, set(keys), ledger=ledger)
        ledger.finish(conn)
    assert conn.execute("SELECT person_id FROM statements").fetchall() == [(pid,)]
    assert conn.execute("SELECT type FROM persons WHERE id = ?", (pid,)).fetchone() == ("GROUP",)
    assert keys <= moved
    assert conn.execute("SELECT DISTINCT grp FROM quote_classes").fetchall() == [(1,)]  # now a group's
    assert classes_out_of_step(conn) == 0


@needs_extraction_model
def test_a_schema_4_store_is_migrated_and_relinked_to_the_same_statements(
    tmp_path: Path, fixture_analyses: list[Analysis]
) -> None:
    """Schema 4 kept a row per quote and wording key; schema 5 a row per wording class. The old
    tables go, the new ones are made, and the next refresh relinks the store whole."""
    path = tmp_path / "s.db"
    conn = connect(path)
    store(conn, fixture_analyses)
    before = snapshot(conn)
    with transaction(conn):
        for trigger in ("quote_classes_speaker", "persons_class_insert", "persons_class_update"):
            conn.execute(f"DROP TRIGGER {trigger}")
        for table in ("quote_classes", "class_keys", "wording_classes"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP INDEX article_entities_person")
        conn.execute("DROP INDEX statements_person")
        conn.execute("CREATE TABLE quote_keys (key TEXT NOT NULL, quote INTEGER NOT NULL)")
        conn.execute("CREATE TABLE quote_vectors (quote INTEGER PRIMARY KEY, vector BLOB, digest TEXT)")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.close()
    conn = connect(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"quote_classes", "class_keys", "wording_classes"} <= tables
    assert not {"quote_keys", "quote_vectors"} & tables
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"article_entities_person", "statements_person"} <= indexes
    assert conn.execute("SELECT count(*) FROM quote_classes").fetchone() == (0,)
    refresh(conn)
    assert classes_out_of_step(conn) == 0
    assert snapshot(conn) == before


def story(article: str, *names: str) -> Analysis:
    """An article naming persons and "protesters" (a group: one across articles naming two rare
    persons in common), no quotes."""
    entities = [Entity(f"e{n}", name, "PERSON", [name]) for n, name in enumerate(names)]
    group = [Entity("g", "protesters", "GROUP", ["protesters"])]
    return Analysis(Document(text=" ".join(names) + " and protesters.", id=article), [], entities + group, [])


def test_a_person_no_longer_rare_splits_the_groups_it_joined(tmp_path: Path) -> None:
    """Five articles naming someone: a person named in three is not rare (sqrt(5) -> at most 2).
    Adding the third article naming Anna Kowalska unjoins the protesters of the two articles
    that shared her and Piotr Nowak; deleting it joins them again, as built at once."""
    two = [story(a, "Anna Kowalska", "Piotr Nowak") for a in ("a", "b")]
    others = [story(f"f{n}", f"Jan Zielinski{n}") for n in range(2)]
    third = story("c", "Anna Kowalska", "Marek Wojcik")
    joined = built(tmp_path / "joined.db", two + others)
    apart = built(tmp_path / "apart.db", two + others + [third])

    def protesters(shot: tuple[set, set, dict]) -> list[set[str]]:
        return sorted(
            sorted({a for a, _ in records}) for records, name, *_ in shot[0] if name == "protesters"
        )

    assert protesters(joined) == [["a", "b"], ["f0"], ["f1"]]
    assert protesters(apart) == [["a"], ["b"], ["c"], ["f0"], ["f1"]]
    assert grown(tmp_path / "grown.db", [*two, *others, third], [0, 1, 2, 3, 4]) == apart
    conn = connect(tmp_path / "grown.db")
    with transaction(conn):
        delete_articles(conn, ["c"])
    refresh(conn)
    assert snapshot(conn) == joined


def test_an_article_of_a_story_joins_its_groups_whose_persons_stay_rare(tmp_path: Path) -> None:
    """Ten articles naming someone (a rare person: in at most 3, as in nine): a third naming Anna
    Kowalska and Piotr Nowak, both still rare, joins the protesters of the two that name them;
    only its own groups are followed (group_closure), as the others' stay as they were."""
    two = [story(a, "Anna Kowalska", "Piotr Nowak") for a in ("a", "b")]
    others = [story(f"f{n}", f"Jan Zielinski{n}") for n in range(7)]
    third = story("c", "Anna Kowalska", "Piotr Nowak")
    at_once = built(tmp_path / "once.db", [*two, *others, third])
    assert ["a", "b", "c"] in [sorted({a for a, _ in records}) for records, *_ in at_once[0]]
    assert grown(tmp_path / "grown.db", [*two, *others, third], list(range(10))) == at_once
