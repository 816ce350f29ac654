"""Many documents analysed in this process, in N local worker processes, or on a Dask cluster.

Whichever runs them, `analyse_stream` yields one outcome per document in the order given (an
Analysis, or a Failure saying why there is none), so that one writer in the calling process stores
the same thing every way. Documents go out in chunks, a bounded number in flight, so memory stays
flat however long the stream. Each worker process loads the spaCy pipeline once (saywho.nlp caches
it per process).

Ctrl-C is the calling process's alone: workers ignore SIGINT (else each would print its own
traceback), and a stream left early (interrupted, or its consumer failed) ends its local workers at
once rather than wait for the chunks in flight, whose results nobody would take.

A worker that dies takes its chunk with it: the documents in flight are then run again one at a
time, so that the one that kills its worker is found; it is retried once, then reported. Nothing is
lost and nothing is yielded twice, since results are only taken from a finished chunk.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from saywho.model import Analysis, Document

CHUNK_SIZE = 8  # documents per task: enough to amortise the trip, few enough to keep workers even
CHUNKS_PER_WORKER = 2  # in flight: one running, one waiting, so no worker idles between chunks
MAX_ATTEMPTS = 2  # a document whose worker dies this many times is reported, not retried again
PARENT_CHECK_SECONDS = 1.0

Task = Callable[[list[Document]], list[Analysis]]
_analysis_lock = threading.Lock()


@dataclass
class Failure:
    """A document that could not be analysed, and why."""

    document: Document
    reason: str


Outcome = Analysis | Failure


def analyse_chunk(documents: list[Document]) -> list[Analysis]:
    """The task a worker runs: one analysis per document, in order."""
    from saywho import analyse_documents

    # A Dask worker may run tasks in several threads: the pipeline is used by one at a time.
    with _analysis_lock:
        return list(analyse_documents(documents))


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored meanwhile in this process, and so in the processes it starts (an ignored
    signal stays ignored across exec, and Python then leaves it so): a worker is spared Ctrl-C
    from its first instruction, before its initialiser could say so."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change signal handlers
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def exit_with_parent(parent: int) -> None:
    """Worker initialiser: Ctrl-C left to the parent; and end this process when the one that
    started it is gone (killed, say), rather than linger as an orphan holding a pipeline's memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


# --- who runs the chunks ---------------------------------------------------------------------------


class InlineRunner:
    """In this process, one chunk at a time."""

    window = 1

    def submit(self, task: Task, chunk: list[Document]) -> Future:
        future: Future = Future()
        try:
            future.set_result(task(chunk))
        except Exception as error:
            future.set_exception(error)
        return future

    def died(self, error: BaseException) -> bool:
        return False

    def restart(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class LocalRunner:
    """N worker processes on this machine (started fresh: spawned, not forked from a process that
    may hold threads and an open database)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.window = workers * CHUNKS_PER_WORKER
        self.pool = self.new_pool()

    def new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=exit_with_parent,
            initargs=(os.getpid(),),
        )

    def submit(self, task: Task, chunk: list[Document]) -> Future:
        with sigint_ignored():  # the pool starts its worker processes as work is submitted
            return self.pool.submit(task, chunk)

    def died(self, error: BaseException) -> bool:
        return isinstance(error, BrokenProcessPool)

    def restart(self) -> bool:
        """A new pool after a worker died; True: every chunk in flight was lost with the old one."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self.new_pool()
        return True

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        """End the workers now, their chunks unfinished (the executor has no public way to)."""
        workers = list((self.pool._processes or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)


class DaskRunner:
    """The workers of a Dask distributed cluster, reached through its scheduler's address."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address, set_as_default=False)
        threads = sum(self.client.nthreads().values()) or 1
        self.window = threads * CHUNKS_PER_WORKER

    def submit(self, task: Task, chunk: list[Document]) -> Any:
        return self.client.submit(task, chunk, pure=False)

    def died(self, error: BaseException) -> bool:
        from distributed import KilledWorker

        # The scheduler already re-ran a dead worker's tasks elsewhere; this is its giving up.
        return isinstance(error, KilledWorker)

    def restart(self) -> bool:
        return False  # the other tasks in flight are unharmed

    def close(self) -> None:
        self.client.close()

    def abort(self) -> None:
        self.client.close()  # the scheduler forgets this client's tasks


Runner = InlineRunner | LocalRunner | DaskRunner


def make_runner(workers: int = 0, scheduler: str | None = None) -> Runner:
    """A Dask cluster's workers when given its address; else `workers` local processes; else this one."""
    if scheduler:
        return DaskRunner(scheduler)
    if workers > 0:
        return LocalRunner(workers)
    return InlineRunner()


# --- outcomes in order -----------------------------------------------------------------------------


def chunked(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def run_alone(runner: Runner, task: Task, document: Document) -> Outcome:
    """One document on its own, so that a failure is its own; retried when its worker dies."""
    for _ in range(MAX_ATTEMPTS):
        try:
            return runner.submit(task, [document]).result()[0]
        except Exception as error:
            if not runner.died(error):
                return Failure(document, f"analysis failed: {describe(error)}")
            runner.restart()
    return Failure(document, f"the worker analysing it died ({MAX_ATTEMPTS} attempts)")


@dataclass
class Job:
    documents: list[Document]
    future: Any


def analyse_stream(
    documents: Iterable[Document],
    workers: int = 0,
    scheduler: str | None = None,
    task: Task | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Outcome]:
    """An Analysis or a Failure for each document, in the documents' order, computed in this
    process (the default), in `workers` local processes, or on the Dask cluster at `scheduler`
    (`tcp://host:8786`). `task` analyses a chunk (default: analyse_chunk); the workers must be
    able to import it."""
    runner = make_runner(workers, scheduler)
    finished = False
    try:
        yield from ordered_outcomes(runner, task or analyse_chunk, chunked(documents, chunk_size))
        finished = True
    finally:
        if finished:
            runner.close()
        else:  # interrupted, or closed early: the work in flight is wanted no more
            runner.abort()


def ordered_outcomes(runner: Runner, task: Task, chunks: Iterator[list[Document]]) -> Iterator[Outcome]:
    pending: deque[Job] = deque()

    def refill() -> None:
        while len(pending) < runner.window:
            chunk = next(chunks, None)
            if chunk is None:
                return
            pending.append(Job(chunk, runner.submit(task, chunk)))

    refill()
    while pending:
        job = pending.popleft()
        try:
            analyses = job.future.result()
        except Exception as error:
            suspects = [job]
            if runner.died(error) and runner.restart():
                suspects += pending  # their worker pool went down with the dead worker
                pending.clear()
            for suspect in suspects:
                for document in suspect.documents:
                    yield run_alone(runner, task, document)
        else:
            yield from analyses
        refill()
