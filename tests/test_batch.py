"""batch.analyse_stream: outcomes in input order from local worker processes and a Dask cluster, a
worker that dies mid-batch, a failing document; and the same store from the real analysis whichever
way it ran (in this process, two local workers, a real distributed.LocalCluster)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import saywho.batch
from saywho.batch import Failure, analyse_stream
from saywho.model import Analysis, Document
from saywho.store import connect
from saywho.store.ingest import ingest
from test_store_fakes import (
    article_text,
    failing_fake_analyse_chunk,
    fake_analyse_chunk,
    needs_extraction_model,
    store_contents,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def documents(folder: Path, count: int) -> list[Document]:
    folder.mkdir(exist_ok=True)
    out = []
    for n in range(count):
        path = folder / f"d{n}.txt"
        path.write_text(article_text(n), encoding="utf-8")
        out.append(Document(text=article_text(n), id=f"d{n}", path=str(path)))
    return out


def test_outcomes_come_in_input_order_from_two_worker_processes(tmp_path: Path) -> None:
    docs = documents(tmp_path, 11)
    outcomes = list(analyse_stream(docs, workers=2, task=fake_analyse_chunk, chunk_size=2))
    assert [o.document.id for o in outcomes] == [d.id for d in docs]
    assert all(isinstance(o, Analysis) and len(o.quotes) == 2 for o in outcomes)


def test_a_worker_that_dies_mid_batch_loses_and_doubles_nothing(tmp_path: Path) -> None:
    docs = documents(tmp_path, 9)
    Path(docs[4].path).write_text("KILL", encoding="utf-8")
    docs[4] = Document(text="KILL", id="d4", path=docs[4].path)  # its worker dies the first time
    outcomes = list(analyse_stream(docs, workers=2, task=fake_analyse_chunk, chunk_size=3))
    assert [o.document.id for o in outcomes] == [d.id for d in docs]
    assert all(isinstance(o, Analysis) for o in outcomes)
    assert Path(docs[4].path + ".died").exists()  # it did die


def test_a_document_whose_worker_always_dies_is_reported(tmp_path: Path) -> None:
    docs = documents(tmp_path, 4)
    docs[1] = Document(text="KILL_ALWAYS", id="d1")
    outcomes = list(analyse_stream(docs, workers=1, task=fake_analyse_chunk, chunk_size=4))
    assert [o.document.id for o in outcomes] == ["d0", "d1", "d2", "d3"]
    assert isinstance(outcomes[1], Failure) and "died" in outcomes[1].reason
    assert all(isinstance(o, Analysis) for i, o in enumerate(outcomes) if i != 1)


def test_a_failing_document_fails_alone(tmp_path: Path) -> None:
    docs = documents(tmp_path, 5)
    docs[2] = Document(text="FAIL", id="d2")
    for workers in (0, 1):
        outcomes = list(analyse_stream(docs, workers=workers, task=failing_fake_analyse_chunk, chunk_size=5))
        kinds = [type(o).__name__ for o in outcomes]
        assert kinds == ["Analysis", "Analysis", "Failure", "Analysis", "Analysis"]
        assert outcomes[2].reason == "analysis failed: ValueError: cannot analyse this"


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A real Dask cluster on this machine (one worker process); its scheduler's address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def test_outcomes_come_in_order_from_a_dask_cluster_whose_worker_dies(tmp_path: Path, cluster: str) -> None:
    docs = documents(tmp_path, 7)
    Path(docs[3].path).write_text("KILL", encoding="utf-8")
    docs[3] = Document(text="KILL", id="d3", path=docs[3].path)
    outcomes = list(analyse_stream(docs, scheduler=cluster, task=fake_analyse_chunk, chunk_size=2))
    assert [o.document.id for o in outcomes] == [d.id for d in docs]
    assert all(isinstance(o, Analysis) for o in outcomes)
    assert Path(docs[3].path + ".died").exists()  # the scheduler ran its task again elsewhere


@pytest.fixture(scope="module")
def serial_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples, analysed for real in this process: the store the other ways must give."""
    db = tmp_path_factory.mktemp("serial") / "s.db"
    conn = connect(db)
    summary = ingest(conn, [str(SAMPLES)])
    conn.close()
    assert summary.quotes > 10 and not summary.failed
    return db


@needs_extraction_model
def test_two_local_workers_give_the_store_one_process_gives(tmp_path: Path, serial_store: Path) -> None:
    conn = connect(tmp_path / "w.db")
    summary = ingest(conn, [str(SAMPLES)], workers=2)
    conn.close()
    assert not summary.failed
    assert store_contents(tmp_path / "w.db") == store_contents(serial_store)


@needs_extraction_model
def test_a_dask_local_cluster_gives_the_store_one_process_gives(
    tmp_path: Path, serial_store: Path, cluster: str
) -> None:
    conn = connect(tmp_path / "d.db")
    summary = ingest(conn, [str(SAMPLES)], scheduler=cluster)
    conn.close()
    assert not summary.failed
    assert store_contents(tmp_path / "d.db") == store_contents(serial_store)


@needs_extraction_model
def test_the_default_task_is_the_real_analysis() -> None:
    assert saywho.batch.analyse_chunk([Document(text="“Yes,” said Ada Lovelace.")])[0].quotes
