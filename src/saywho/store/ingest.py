"""`saywho ingest`: inputs read, analysed (here, in local workers or on a Dask cluster) and stored.

Idempotent: an article is its id; the same id and text again is skipped, a new text replaces the
old analysis (an update), and an id given twice in one run is stored once, from its last record.
Crash-safe: articles are written in transactions of a few at a time, each article whole, and the
corpus-wide persons and statements are recomputed in one transaction at the end (or by the next
ingest, if this one was killed first): a run killed at any moment and started again ends with the
store one clean run makes.

The inputs are read twice: once to count them and find repeated ids (so the bar has a total and a
repeated id is analysed once), then again as the work streams through, so memory stays flat. URLs
are fetched once, by the first reading, and their articles kept for the second.
"""

from __future__ import annotations

import io
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from saywho.batch import Failure, Task, analyse_stream
from saywho.fetch import Fetcher, is_url, read_url
from saywho.model import Analysis, Document
from saywho.reading import STDIN, ReadError, read_inputs, text_warnings
from saywho.store import derived
from saywho.store.schema import RELINK_KEY, set_meta, transaction
from saywho.store.version import analyser_version
from saywho.store.write import delete_articles, text_hash, write_analyses

Fetched = Mapping[str, Sequence[Document | ReadError]]  # a URL input -> what it gave

COMMIT_ARTICLES = 32  # articles per transaction, at most
COMMIT_SECONDS = 2.0  # and at least this often: a killed run loses little work


class Reporter(Protocol):
    """Where an ingest says how it is going (a progress bar and messages on a terminal)."""

    def start(self, total: int) -> None: ...
    def advance(self, count: int = 1) -> None: ...
    def say(self, line: str) -> None: ...


class Quiet:
    """A Reporter that keeps everything to itself."""

    def start(self, total: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def say(self, line: str) -> None:
        pass


@dataclass
class IngestSummary:
    """What one ingest did: article ids by outcome, and the store's totals at the end."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reanalysed: list[str] = field(default_factory=list)
    unchanged: int = 0
    outdated: int = 0  # unchanged, but analysed by an older analyser (--reanalyse updates them)
    repeated: list[str] = field(default_factory=list)  # ids given more than once with different texts
    quotes: int = 0  # quotes stored by this run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)
    errors: list[ReadError] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (article id, warning code)
    totals: dict[str, int] = field(default_factory=dict)  # articles, quotes, speakers, statements

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.reanalysed)


@dataclass
class Sighting:
    where: str
    hash: str


@dataclass
class Census:
    """The first reading: how many records, where each id last appears, what could not be read."""

    ids: list[str] = field(default_factory=list)
    last: dict[str, int] = field(default_factory=dict)
    sightings: dict[str, list[Sighting]] = field(default_factory=dict)
    errors: list[ReadError] = field(default_factory=list)


def take_census(
    inputs: Sequence[str], published: str | None, stdin: bytes | None, fetched: Fetched
) -> Census:
    census = Census()
    for item in read_inputs(inputs, published, io.BytesIO(stdin or b""), fetched):
        if isinstance(item, ReadError):
            census.errors.append(item)
            continue
        census.last[item.id] = len(census.ids)
        census.ids.append(item.id)
        where = item.path or "standard input"
        census.sightings.setdefault(item.id, []).append(Sighting(where, text_hash(item.text)))
    return census


@dataclass
class Survey:
    """The inputs of a run as first read: standard input's bytes (read once, for both readings)
    and the census. Taken before the store is opened, so that nothing to store makes no store."""

    inputs: Sequence[str]
    published: str | None
    stdin: bytes | None
    census: Census
    fetched: Fetched = field(default_factory=dict)


def survey(
    inputs: Sequence[str],
    published: str | None = None,
    stdin: BinaryIO | None = None,
    known: Callable[[str], bool] = lambda _: False,
    fetcher: Fetcher | None = None,
) -> Survey:
    """Read the inputs a first time (CONTRACT.md's inputs; `-` is standard input, or `stdin`).
    URLs are fetched here, once: the articles of a feed or sitemap that `known` holds are not."""
    data = (stdin or sys.stdin.buffer).read() if STDIN in inputs else None
    urls = [name for name in dict.fromkeys(inputs) if is_url(name)]
    fetcher = fetcher or Fetcher() if urls else None
    fetched = {url: list(read_url(url, fetcher, published, known)) for url in urls}
    return Survey(list(inputs), published, data, take_census(inputs, published, data, fetched), fetched)


def repeated_ids(census: Census) -> dict[str, str]:
    """Ids given more than once with different texts: the message saying which record wins."""
    out = {}
    for article_id, sightings in census.sightings.items():
        if len({s.hash for s in sightings}) > 1:
            places = ", ".join(s.where for s in sightings)
            out[article_id] = (
                f"{article_id}: given {len(sightings)} times with different texts ({places}); "
                f"the last ({sightings[-1].where}) is stored"
            )
    return out


def stored_document(conn: sqlite3.Connection, article_id: str) -> Document | None:
    """A stored article as a Document again, to be re-analysed."""
    row = conn.execute(
        "SELECT text, title, published, outlet, url, path FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    text, title, published, outlet, url, path = row
    return Document(text, article_id, title, published, outlet, url, path, warnings=text_warnings(text))


class Ingest:
    """One run: plans which documents need analysis, then stores the outcomes as they stream back."""

    def __init__(self, conn: sqlite3.Connection, reporter: Reporter, reanalyse: bool) -> None:
        self.conn = conn
        self.reporter = reporter
        self.reanalyse = reanalyse
        self.analyser = analyser_version()
        self.summary = IngestSummary()
        self.intent: dict[str, str] = {}  # id -> added | updated | reanalysed

    def plan(
        self,
        inputs: Sequence[str],
        published: str | None,
        stdin: bytes | None,
        census: Census,
        fetched: Fetched,
    ) -> Iterator[Document]:
        """The documents to analyse, in input order, then (--reanalyse) the stored articles an older
        analyser analysed; each skipped one counted and advanced past."""
        index = -1
        for item in read_inputs(inputs, published, io.BytesIO(stdin or b""), fetched):
            if isinstance(item, ReadError):
                continue  # reported by the census
            index += 1
            counted = index < len(census.ids) and census.ids[index] == item.id  # unless the file changed
            if counted and census.last[item.id] != index:
                self.reporter.advance()  # a later record of this id wins
                continue
            row = self.conn.execute(
                "SELECT text_hash, analyser FROM articles WHERE id = ?", (item.id,)
            ).fetchone()
            if row is None:
                self.intent[item.id] = "added"
            elif row[0] != text_hash(item.text):
                self.intent[item.id] = "updated"
            elif row[1] != self.analyser and self.reanalyse:
                self.intent[item.id] = "reanalysed"
            else:
                self.summary.unchanged += 1
                self.summary.outdated += row[1] != self.analyser
                self.reporter.advance()
                continue
            yield item
        for article_id in self.outdated_ids(census):
            document = stored_document(self.conn, article_id)
            if document is not None:
                self.intent[article_id] = "reanalysed"
                yield document

    def outdated_ids(self, census: Census) -> list[str]:
        """With --reanalyse: stored articles not among the inputs that an older analyser analysed."""
        if not self.reanalyse:
            return []
        rows = self.conn.execute("SELECT id FROM articles WHERE analyser != ? ORDER BY id", (self.analyser,))
        return [r[0] for r in rows if r[0] not in census.last]

    def store(self, analyses: list[Analysis]) -> None:
        """One transaction; the summary counts the articles only once they are committed."""
        if not analyses:
            return
        with transaction(self.conn):
            write_analyses(self.conn, analyses, self.analyser)
        for analysis in analyses:
            article_id = analysis.document.id
            getattr(self.summary, self.intent[article_id]).append(article_id)
            self.summary.quotes += len(analysis.quotes)
            if self.intent[article_id] == "updated":
                self.reporter.say(f"{article_id}: a new text: its analysis replaces the stored one")

    def record_outcome(self, outcome: Analysis | Failure) -> Analysis | None:
        document = outcome.document
        for warning in document.warnings:
            self.summary.warnings.append((document.id, warning.code))
            self.reporter.say(f"{document.id}: warning {warning.code}: {warning.message}")
        self.reporter.advance()
        if isinstance(outcome, Failure):
            self.summary.failed.append((document.id, outcome.reason))
            self.reporter.say(f"{document.id}: not stored: {outcome.reason}")
            return None
        return outcome

    def totals(self) -> dict[str, int]:
        queries = {
            "articles": "SELECT count(*) FROM articles",
            "quotes": "SELECT count(*) FROM quotes",
            "speakers": "SELECT count(DISTINCT person_id) FROM quotes",
            "statements": "SELECT count(*) FROM statements",
        }
        return {key: self.conn.execute(sql).fetchone()[0] for key, sql in queries.items()}


def ingest(
    conn: sqlite3.Connection,
    inputs: Sequence[str],
    published: str | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    reanalyse: bool = False,
    reporter: Reporter | None = None,
    stdin: BinaryIO | None = None,
    task: Task | None = None,
    surveyed: Survey | None = None,
) -> IngestSummary:
    """Read, analyse and store `inputs` (CONTRACT.md, `saywho ingest`). sqlite3 errors propagate,
    after the last whole batch was committed; `task` analyses a chunk (batch.analyse_chunk);
    `surveyed`: the inputs' survey, when taken already (then `inputs`, `published`, `stdin` unused)."""
    reporter = reporter or Quiet()
    surveyed = surveyed or survey(inputs, published, stdin)
    census = surveyed.census
    run = Ingest(conn, reporter, reanalyse)
    run.summary.errors = census.errors
    for error in census.errors:
        reporter.say(f"{error} (skipped)")
    repeats = repeated_ids(census)
    run.summary.repeated = list(repeats)
    for message in repeats.values():
        reporter.say(message)
    reporter.start(len(census.ids) + len(run.outdated_ids(census)))

    # A first ingest links the whole store at the end: asked for at once, the incremental pass
    # (which would find the rarity bound moved, roll back and relink anyway) is not run first.
    first = conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None
    documents = run.plan(surveyed.inputs, surveyed.published, surveyed.stdin, census, surveyed.fetched)
    batch: list[Analysis] = []
    last_commit = time.monotonic()
    # closing: on any error here (Ctrl-C included) the stream ends its workers at once.
    with closing(analyse_stream(documents, workers, scheduler, task)) as outcomes:
        for outcome in outcomes:
            analysis = run.record_outcome(outcome)
            if analysis is not None:
                batch.append(analysis)
            if len(batch) >= COMMIT_ARTICLES or time.monotonic() - last_commit >= COMMIT_SECONDS:
                run.store(batch)
                batch, last_commit = [], time.monotonic()
    run.store(batch)
    if first and run.summary.changed:
        with transaction(conn):
            set_meta(conn, RELINK_KEY, "1")
    if run.summary.changed or derived.is_stale(conn):
        # The serial end of a run, growing with the store: say what the finished bar waits for.
        reporter.say("linking speakers and statements across the whole store")
        derived.refresh(conn, scheduler)
    run.summary.totals = run.totals()
    return run.summary


def delete(conn: sqlite3.Connection, ids: Sequence[str]) -> list[str]:
    """Delete articles and everything derived from them, then recompute persons and statements;
    the ids that were in the store."""
    with transaction(conn):
        found = delete_articles(conn, ids)
    if found or derived.is_stale(conn):
        derived.refresh(conn)
    return found
