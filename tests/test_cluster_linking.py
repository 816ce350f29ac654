"""Statement linking on a Dask cluster (store/cluster.py): `relink` and `ingest` with a scheduler
give the persons and statements linking in this process gives, on a real two-worker
distributed.LocalCluster, the pairs scored in one shard a worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from saywho.model import Document
from saywho.statements import QuoteRecord, _candidates, _Comparer, best_first, ordered_classes, quote_records
from saywho.store import cluster as linking_cluster
from saywho.store import connect, derived
from saywho.store.ingest import ingest
from saywho.store.linking import relink
from test_linking import fixture_analyses, snapshot, store  # noqa: F401 (a fixture)
from test_store_fakes import fake_analyse_chunk, fake_analysis, needs_extraction_model, store_contents

# Each wording said twice (one statement of two reports) by one of three speakers, some the same.
SAYINGS = [
    ("We will rebuild the bridge over the river before the winter comes", "Maria Lopez"),
    ("The budget for the schools must grow by a third next year", "Maria Lopez"),
    ("Our farmers cannot sell their grain while the ports stay closed", "Tomas Berg"),
    ("Nobody in this city will pay more for water while I am mayor", "Ines Duarte"),
]


def texts() -> list[str]:
    return [
        f"Report {n}. “{words},” said {speaker}. The meeting ended late."
        for n, (words, speaker) in enumerate(SAYINGS * 2)
    ]


@pytest.fixture(scope="module")
def two_workers() -> Iterator[str]:
    """A real Dask cluster on this machine, two worker processes; its scheduler's address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.fixture
def small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any number of quotes goes to the cluster."""
    monkeypatch.setattr(linking_cluster, "MIN_QUOTES", 0)


def test_the_shards_score_the_pairs_of_all() -> None:
    quotes = [q for n, text in enumerate(texts()) for q in derived_quotes(n, text)]
    order, classes = ordered_classes(quotes)
    first = [quotes[order[c[0]]] for c in classes]
    whole = _candidates(classes, _Comparer(first))
    shards = [linking_cluster.score_shard(first, classes, k, 3) for k in range(3)]
    assert len(whole) == len(SAYINGS)  # each saying's two reports
    assert sum(1 for part in shards if part) >= 2  # the work is spread
    assert best_first(classes, [s for part in shards for s in part]) == whole


def derived_quotes(n: int, text: str) -> list[QuoteRecord]:
    """The article's quotes, each speaker's name standing for its person."""
    analysis = fake_analysis(Document(text=text, id=f"r{n}"))
    persons = {(f"r{n}", e.id): e.name for e in analysis.entities}
    return quote_records(analysis, persons)


def test_ingest_with_a_scheduler_links_as_in_process(
    tmp_path: Path, two_workers: str, small_tasks: None
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n, text in enumerate(texts()):
        (folder / f"r{n}.txt").write_text(text, encoding="utf-8")
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    for path, scheduler in ((here, None), (there, two_workers)):
        conn = connect(path)
        ingest(conn, [str(folder)], scheduler=scheduler, task=fake_analyse_chunk)
        conn.close()
    contents = store_contents(here)
    assert len(contents["statements"]) == len(SAYINGS)
    assert store_contents(there) == contents


@needs_extraction_model
def test_relink_with_a_scheduler_links_as_in_process(
    tmp_path: Path,
    fixture_analyses: list,  # noqa: F811 (test_linking's fixture)
    two_workers: str,
    small_tasks: None,
) -> None:
    conn = connect(tmp_path / "s.db")
    store(conn, fixture_analyses)
    relink(conn)
    here = snapshot(conn)
    assert here[1]  # statements to compare
    relink(conn, two_workers)
    assert snapshot(conn) == here
    derived.refresh(conn, two_workers)  # nothing pending: nothing changes
    assert snapshot(conn) == here
    conn.close()
