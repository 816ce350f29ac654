"""Analysing pasted text for the analyse page and POST /api/analyse, off the request path.

Each analysis runs in a worker process (spawned: its own interpreter, so a long parse holds its
own GIL, never the server's) for at most `timeout` seconds: a worker that overruns is killed, so it
does not go on burning a core, and a fresh one is started in its place. At most `queue` analyses
wait for a worker; past that a request is refused at once (AnalysisRefused: a 503 with Retry-After)
rather than held for minutes. The pages and the JSON reads never touch any of this, so they answer
however busy the workers are.

    analyser = Analyser(workers=1, timeout=60, queue=4)
    result = await asyncio.wrap_future(analyser.submit(text, published, title))
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import threading
import traceback
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from queue import Empty, Queue
from typing import Any

from saywho.reading import Fields, make_document

PASTED_ID = "pasted"
# Analysed by a new worker before it takes work, so that loading the pipeline and what it loads on
# first use (date parsing) is not counted against the first analysis's time: seconds on a busy machine.
WARM_UP = (
    "“We will see next week,” she told the Herald on 5 March 2023. “We are ready,” Anna Berg, the "
    "council's spokeswoman, said on Monday, according to Marta Quillan."
)
WARM_UP_PUBLISHED = "2024-03-07"
START_SECONDS = 300.0  # loading the pipeline on a busy machine; past this the worker is given up
log = logging.getLogger("saywho.web")


def analyse_text(text: str, published: str | None = None, title: str | None = None) -> dict[str, Any]:
    """The analysed document (CONTRACT.md's JSON) of pasted text, with the warnings a file of the
    same text would get (empty, not English). Run in a worker process."""
    from saywho import analyse_documents  # the pipeline loads in the worker, not in the server

    document = make_document(text, None, Fields(id=PASTED_ID, title=title), published)
    return next(analyse_documents([document])).to_dict()


class AnalysisRefused(Exception):
    """An analysis the server will not give: too busy, or over its time. A 503 saying so."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AnalysisFailed(Exception):
    """The analysis raised an error in its worker (a bug): the worker's traceback, as text."""


def serve_analyses(conn: Connection, parent: int) -> None:
    """A worker process's life: load the pipeline, say so, then analyse each text it is sent."""
    from saywho.batch import exit_with_parent

    exit_with_parent(parent)  # a server killed outright leaves no worker behind
    analyse_text(WARM_UP, WARM_UP_PUBLISHED)
    conn.send(("ready", None))
    while True:
        try:
            text, published, title = conn.recv()
        except EOFError:  # the server closed its end: stop
            return
        try:
            conn.send(("done", analyse_text(text, published, title)))
        except Exception:
            conn.send(("failed", traceback.format_exc()))


class Worker:
    """One worker process and the server's end of the pipe to it."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # the server has threads: never fork it
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=serve_analyses, args=(child, os.getpid()), name="saywho-analyse", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def run(self, text: str, published: str | None, title: str | None, timeout: float) -> dict[str, Any]:
        """The analysis of one text. AnalysisRefused when it takes over `timeout` seconds (the
        worker is then useless: the caller kills it) or the worker could not start or died."""
        try:
            if not self.ready:
                if not self.conn.poll(START_SECONDS):
                    raise AnalysisRefused(f"the analyser did not start within {START_SECONDS:g} s; try again")
                self.conn.recv()
                self.ready = True
            self.conn.send((text, published, title))
            if not self.conn.poll(timeout):
                raise AnalysisRefused(
                    f"the analysis took longer than this server allows ({timeout:g} s) and was stopped: "
                    "send a shorter text"
                )
            kind, value = self.conn.recv()
        except (EOFError, OSError):
            raise AnalysisRefused("the analysis stopped: its worker process ended (out of memory?)") from None
        if kind == "failed":
            raise AnalysisFailed(value)
        return value

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


@dataclass
class Job:
    text: str
    published: str | None
    title: str | None
    future: Future


class Analyser:
    """`workers` worker processes taking analyses from one queue, each at most `timeout` seconds,
    with at most `queue` waiting. The processes start with the first analysis."""

    def __init__(self, workers: int = 1, timeout: float = 60.0, queue: int = 4) -> None:
        self.workers, self.timeout, self.queue = workers, timeout, queue
        self.jobs: Queue[Job | None] = Queue()
        self.lock = threading.Lock()
        self.pending = 0  # accepted and not yet answered: running or waiting
        self.threads: list[threading.Thread] = []
        self.running: dict[int, Worker] = {}  # by slot, for close() and the tests
        self.closed = False

    def submit(self, text: str, published: str | None = None, title: str | None = None) -> Future:
        """The analysis to come, as a Future; AnalysisRefused at once when the queue is full."""
        with self.lock:
            if self.closed:
                raise AnalysisRefused("the server is shutting down")
            if self.pending >= self.workers + self.queue:
                raise AnalysisRefused(
                    f"the server is busy with {self.pending} analyses; try again shortly",
                    retry_after=max(1, math.ceil(self.timeout)),  # by then a running one has ended
                )
            self.pending += 1
            if not self.threads:
                for slot in range(self.workers):
                    thread = threading.Thread(target=self.serve, args=(slot,), daemon=True, name="analyse")
                    thread.start()
                    self.threads.append(thread)
        future: Future = Future()
        future.add_done_callback(self.answered)  # also when cancelled: a client that went away
        self.jobs.put(Job(text, published, title, future))
        return future

    def answered(self, future: Future) -> None:
        with self.lock:
            self.pending -= 1

    def start(self, slot: int) -> Worker | None:
        """A new worker process for this slot; None once closing, or when none could be started."""
        with self.lock:  # so that close() sees every worker it must end
            if self.closed:
                return None
            try:
                worker = self.running[slot] = Worker()
            except OSError as error:  # out of processes or memory: this job is refused, not the server
                log.error("could not start an analysis worker: %s", error)
                return None
            return worker

    def serve(self, slot: int) -> None:
        """One slot: a worker process, and the jobs it runs one after another."""
        worker = self.start(slot)
        while (job := self.jobs.get()) is not None:
            if not job.future.set_running_or_notify_cancel():
                continue  # cancelled while it waited
            worker = worker or self.start(slot)
            if worker is None:
                job.future.set_exception(AnalysisRefused("no analysis worker could start; try again later"))
                continue
            try:
                result = worker.run(job.text, job.published, job.title, self.timeout)
            except AnalysisRefused as error:
                worker.kill()  # overran or broken: killed now, not left to finish in the background
                worker = self.start(slot)  # loads while the next job waits
                job.future.set_exception(error)
            except Exception as error:  # AnalysisFailed (the worker is fine), or a bug here
                job.future.set_exception(error)
            else:
                job.future.set_result(result)
        if worker is not None:
            worker.kill()

    def close(self) -> None:
        """Stop the workers: those analysing are killed, waiting jobs are refused."""
        with self.lock:
            self.closed = True
            workers = list(self.running.values())
        while True:
            try:
                job = self.jobs.get_nowait()
            except Empty:
                break
            if job is not None and job.future.set_running_or_notify_cancel():
                job.future.set_exception(AnalysisRefused("the server is shutting down"))
        for _ in self.threads:
            self.jobs.put(None)
        for worker in workers:
            worker.process.kill()  # ends a running analysis now; its slot then stops
        for thread in self.threads:
            thread.join()
