"""The store's SQLite schema, and opening a store safely.

One file: WAL (readers never wait for the writer), foreign keys on (deleting an article deletes
everything derived from it), FTS5 over quote text and speaker names. A file that is not a saywho
store is refused without a byte written to it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from saywho.quote_fields import column_definitions

DEFAULT_DB = "saywho.db"
SCHEMA_VERSION = 5
BUSY_TIMEOUT = 10.0  # seconds a writer waits for another one before giving up
RETRY_DELAYS = (0.005, 0.2)  # first and longest pause between tries of a statement SQLite will not wait for

T = TypeVar("T")


def group_speaks(quote: str) -> str:
    """Whether a group speaks the quote row `quote` (an alias): a group speaker, or a person of type
    GROUP or NORP, as statement linking reads it (derived.QUOTE_SELECT)."""
    return (
        f"({quote}.speaker_kind = 'group' OR coalesce((SELECT type IN ('GROUP', 'NORP') FROM persons"
        f" WHERE id = {quote}.person_id), 0))"
    )


TABLES = (
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID""",
    # analysis: the contract's JSON of the article, its document.text left out (it is `text`),
    # zlib-compressed (a quarter of the size; articles.get_analysis reads it back whole).
    # analyser: saywho's version and the model files' hash when it was analysed (--reanalyse).
    """CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT, outlet TEXT, published TEXT, url TEXT, path TEXT,
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        analyser TEXT NOT NULL,
        analysis BLOB NOT NULL
    )""",
    "CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE)",
    "CREATE INDEX articles_analyser ON articles(analyser)",
    # Corpus-wide speakers, recomputed after every change (derived.py); aliases and titles are JSON.
    """CREATE TABLE persons (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        aliases TEXT NOT NULL,
        titles TEXT NOT NULL
    )""",
    # Every spelling of a person, folded (case, accents, spacing): --speaker looks names up here.
    """CREATE TABLE person_aliases (
        key TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        PRIMARY KEY (key, person_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX person_aliases_person ON person_aliases(person_id)",
    # Every named entity of an article (and each speaker named without one, under "~NAME"), as
    # people.speaker_records gives them: what merge_speakers makes persons of.
    """CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        aliases TEXT NOT NULL,
        titles TEXT NOT NULL,
        person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
        PRIMARY KEY (article_id, entity)
    ) WITHOUT ROWID""",
    # One row per quote, its columns saywho.quote_fields'. date: the quote's day for --since/--until
    # and ordering (time.value's first day, else the article's published). flags and fragments are JSON.
    f"""CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
{column_definitions()},
        UNIQUE (article_id, quote_id)
    )""",
    "CREATE INDEX quotes_date ON quotes(date)",
    "CREATE INDEX quotes_person_date ON quotes(person_id, date)",
    # External content: the index holds no second copy of the text (bytes per quote).
    """CREATE VIRTUAL TABLE quotes_fts USING fts5(
        content, speaker_name, content='quotes', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
        INSERT INTO quotes_fts(rowid, content, speaker_name) VALUES (new.id, new.content, new.speaker_name);
    END""",
    """CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
        INSERT INTO quotes_fts(quotes_fts, rowid, content, speaker_name)
        VALUES ('delete', old.id, old.content, old.speaker_name);
    END""",
    """CREATE TRIGGER quotes_fts_update AFTER UPDATE OF content, speaker_name ON quotes BEGIN
        INSERT INTO quotes_fts(quotes_fts, rowid, content, speaker_name)
        VALUES ('delete', old.id, old.content, old.speaker_name);
        INSERT INTO quotes_fts(rowid, content, speaker_name) VALUES (new.id, new.content, new.speaker_name);
    END""",
    # Quotes in two or more articles that report one statement (statements.py links them).
    """CREATE TABLE statements (
        id INTEGER PRIMARY KEY,
        person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
        flags TEXT NOT NULL,
        differences TEXT NOT NULL
    )""",
    """CREATE TABLE statement_quotes (
        statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        quote_id TEXT NOT NULL,
        PRIMARY KEY (statement_id, position),
        FOREIGN KEY (article_id, quote_id) REFERENCES quotes(article_id, quote_id) ON DELETE CASCADE
    ) WITHOUT ROWID""",
    "CREATE INDEX statement_quotes_quote ON statement_quotes(article_id, quote_id)",
)

# Schema 2: what incremental linking (linking.py) needs to recompute only what a change can touch.
LINKING_TABLES = (
    # Articles added, replaced or deleted since persons and statements were last linked.
    "CREATE TABLE pending_articles (article_id TEXT PRIMARY KEY) WITHOUT ROWID",
    """CREATE TRIGGER articles_pending_insert AFTER INSERT ON articles BEGIN
        INSERT OR IGNORE INTO pending_articles (article_id) VALUES (new.id);
    END""",
    """CREATE TRIGGER articles_pending_delete AFTER DELETE ON articles BEGIN
        INSERT OR IGNORE INTO pending_articles (article_id) VALUES (old.id);
    END""",
    # Statements that lost a report (its article deleted or replaced): relinked with the rest.
    "CREATE TABLE pending_statements (statement_id INTEGER PRIMARY KEY)",
    """CREATE TRIGGER statement_quotes_pending AFTER DELETE ON statement_quotes BEGIN
        INSERT OR IGNORE INTO pending_statements (statement_id) VALUES (old.statement_id);
    END""",
    # Each article's records as people.clean_article left them (family: person, alone,
    # organisation, group), and the person each is in. No foreign key: a deleted article's rows
    # say, until it is relinked, which persons it was in.
    """CREATE TABLE linking_records (
        article_id TEXT NOT NULL,
        entity TEXT NOT NULL,
        family TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        aliases TEXT NOT NULL,
        titles TEXT NOT NULL,
        group_key TEXT,
        person_id INTEGER,
        unit INTEGER,
        PRIMARY KEY (article_id, entity)
    ) WITHOUT ROWID""",
    "CREATE INDEX linking_records_name ON linking_records(name, family)",
    "CREATE INDEX linking_records_person ON linking_records(person_id, article_id)",
    "CREATE INDEX linking_records_unit ON linking_records(unit, type, article_id, entity)",
    # Blocking keys: a person's name under each of people.blocking_keys (distinct names only, so
    # a common given name costs its distinct names, not its articles); organisations' keys.
    "CREATE TABLE name_keys (key TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (key, name)) WITHOUT ROWID",
    # Records that merging cannot tell apart (store/units.py), their person (NULL: one per record,
    # `single`), their counts (names, types, spellings, titles, title words) and organisation keys.
    """CREATE TABLE linking_units (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, name TEXT,
        records INTEGER NOT NULL, person_id INTEGER, single INTEGER
    )""",
    "CREATE INDEX linking_units_name ON linking_units(name)",
    "CREATE INDEX linking_units_person ON linking_units(person_id)",
    """CREATE TABLE unit_counts (
        unit INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (unit, kind, value)
    ) WITHOUT ROWID""",
    "CREATE TABLE unit_keys (key TEXT NOT NULL, unit INTEGER NOT NULL, "
    " PRIMARY KEY (key, unit)) WITHOUT ROWID",
    # The places each article names, and every run of words of its names a place may be (a
    # place named by a second article changes how names beginning with it are cleaned).
    """CREATE TABLE article_places (
        place TEXT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (place, article_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX article_places_article ON article_places(article_id)",
    """CREATE TABLE article_ngrams (
        ngram TEXT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (ngram, article_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX article_ngrams_article ON article_ngrams(article_id)",
)
# Schema 5: statement candidates a class of identical quotes at a time. A *wording class* is what
# comparison reads of a quote besides its speaker (linking.quote_digest): its copies, however many
# articles carry them, are one class, with one embedding and one row per wording key, so that a
# key's rows are its distinct wordings. Each quote's class is kept with what comparison sees of its
# speaker (its person, 0 for none; whether a group speaks), kept in step by triggers as persons are
# linked: candidates are found by index seeks, never by reading a wording's every copy.
CLASS_TABLES = (
    """CREATE TABLE wording_classes (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,
        vector BLOB NOT NULL,
        terms INTEGER NOT NULL
    )""",
    """CREATE TABLE class_keys (
        key TEXT NOT NULL,
        class INTEGER NOT NULL REFERENCES wording_classes(id) ON DELETE CASCADE,
        PRIMARY KEY (key, class)
    ) WITHOUT ROWID""",
    "CREATE INDEX class_keys_class ON class_keys(class)",
    """CREATE TABLE quote_classes (
        quote INTEGER PRIMARY KEY REFERENCES quotes(id) ON DELETE CASCADE,
        class INTEGER NOT NULL,
        grp INTEGER NOT NULL,
        person INTEGER NOT NULL
    )""",
    "CREATE INDEX quote_classes_class ON quote_classes(class, grp, person)",
    "CREATE INDEX quote_classes_person ON quote_classes(person, class, grp)",
    # A class no quote holds any more goes, with its keys.
    """CREATE TRIGGER quote_classes_last AFTER DELETE ON quote_classes
    WHEN NOT EXISTS (SELECT 1 FROM quote_classes WHERE class = old.class) BEGIN
        DELETE FROM wording_classes WHERE id = old.class;
    END""",
    # A quote's speaker as statement linking reads it, after its person or its person's type changes.
    f"""CREATE TRIGGER quote_classes_speaker AFTER UPDATE OF person_id, speaker_kind ON quotes BEGIN
        UPDATE quote_classes SET person = coalesce(new.person_id, 0), grp = {group_speaks("new")}
        WHERE quote = new.id;
    END""",
    *(
        f"""CREATE TRIGGER persons_class_{event.split()[0].lower()} AFTER {event} ON persons BEGIN
        UPDATE quote_classes SET grp = (SELECT {group_speaks("q")} FROM quotes q
            WHERE q.id = quote_classes.quote) WHERE person = new.id;
    END"""
        for event in ("INSERT", "UPDATE OF type")
    ),
)
# Schema 5 too: deleting a person sets its records' and statements' person to NULL, found here
# rather than by reading every record of the store (a delete took 0.57 s at 3,000 articles).
PERSON_INDEXES = (
    "CREATE INDEX article_entities_person ON article_entities(person_id)",
    "CREATE INDEX statements_person ON statements(person_id)",
)
# Schema 3: --min-confidence. Counting the quotes at or above a confidence (with a date range) reads
# this index alone; a page of the few above a high one is sorted from it (search.newest_page).
CONFIDENCE_INDEX = ("CREATE INDEX quotes_confidence ON quotes(confidence, date)",)
LINKING_OBJECTS = [
    "articles_pending_insert", "articles_pending_delete", "statement_quotes_pending", "pending_articles",
    "pending_statements", "linking_records", "name_keys", "organisation_keys", "article_places",
    "article_ngrams",
]  # fmt: skip
OLD_QUOTE_TABLES = ["quote_keys", "quote_vectors"]  # schemas 2 to 4: a row per quote and key
# Set when the linking tables must be rebuilt whole (a store made by schema 1, a relink).
RELINK_KEY = "relink_needed"


class StoreError(Exception):
    """The store cannot be used: a clear, one-line reason naming the file."""


def is_locked(error: sqlite3.Error) -> bool:
    message = str(error)
    return "locked" in message or "busy" in message


def explain(error: sqlite3.Error, path: str | Path) -> StoreError:
    """An SQLite error as the user should read it."""
    message = str(error)
    if is_locked(error):
        return StoreError(f"{path}: the store is locked by another process (waited, then gave up)")
    if "full" in message or "disk I/O" in message:
        return StoreError(
            f"{path}: could not write ({message}: the disk may be full); "
            "the batch being written was not stored, the store keeps what was stored before it"
        )
    if "not a database" in message or "malformed" in message or "encrypted" in message:
        return StoreError(f"{path}: not a usable SQLite database ({message}); the file was left as it is")
    return StoreError(f"{path}: {message}")


@contextmanager
def store_errors(path: str | Path) -> Iterator[None]:
    """Raise SQLite's errors as StoreErrors that say what happened to the store."""
    try:
        yield
    except sqlite3.Error as error:
        raise explain(error, path) from error


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back whole on any error (a failed COMMIT included)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def check_schema(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether the store still needs its tables; StoreError if the file is another database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return True
    if "meta" not in tables or "quotes" not in tables:
        raise StoreError(f"{path}: an SQLite database, but not a saywho store; the file was left as it is")
    version = int(get_meta(conn, "schema_version") or 0)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: made by a newer saywho (store schema {version}); upgrade saywho to use it")
    return False


def create_tables(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return  # another process made them while this one waited
        for statement in TABLES + LINKING_TABLES + CLASS_TABLES + PERSON_INDEXES + CONFIDENCE_INDEX:
            conn.execute(statement)
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))


def migrate(conn: sqlite3.Connection) -> None:
    """Bring an older store to this schema, its linking built whole by the next ingest (RELINK_KEY):
    from 2 and 3, the linking tables made anew (schema 4 links persons from units); from 4, the
    statement candidates' tables (schema 5: a row per wording class, not per quote) and the indexes
    of persons' rows; from 1 and 2, the confidence index."""
    with transaction(conn):
        version = int(get_meta(conn, "schema_version") or 0)
        if version >= SCHEMA_VERSION:
            return  # another process migrated it while this one waited
        dropped = OLD_QUOTE_TABLES + (LINKING_OBJECTS if version < 4 else [])
        if version >= 2:
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN"
                " (SELECT value FROM json_each(?))",
                (json.dumps(dropped),),
            ).fetchall():
                conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
        for statement in (LINKING_TABLES if version < 4 else ()) + CLASS_TABLES + PERSON_INDEXES:
            conn.execute(statement)
        set_meta(conn, RELINK_KEY, "1")
        if version < 3:
            for statement in CONFIDENCE_INDEX:
                conn.execute(statement)
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))


def until_unlocked(step: Callable[[], T], timeout: float) -> T:
    """`step()`, tried again while SQLite says the database is locked, for up to `timeout` seconds.

    busy_timeout makes most statements wait for another connection, but not all: switching the
    journal to WAL fails at once, unwaited, while another connection holds the file's write lock
    (two ingests making one new store at the same moment: about one run in fifty failed), so the
    store's setup is retried. `step` must be safe to repeat.
    """
    deadline = time.monotonic() + timeout
    delay, longest = RETRY_DELAYS
    while True:
        try:
            return step()
        except sqlite3.OperationalError as error:
            if not is_locked(error) or time.monotonic() >= deadline:
                raise
        time.sleep(min(delay, max(deadline - time.monotonic(), 0)))
        delay = min(delay * 2, longest)


def use_wal(conn: sqlite3.Connection) -> None:
    """Put the store in WAL mode (a no-op once it is: the mode is kept in the file)."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":  # SQLite answers with the mode kept when it cannot change it
        raise sqlite3.OperationalError(f"database is locked (journal mode stayed {mode})")


def set_up(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    """Check the file is a store (or empty, to be made one when `create`), then WAL and tables;
    every step repeatable, for `until_unlocked`."""
    new = check_schema(conn, path)  # reads the header first: a corrupt file fails here, unwritten
    if new and not create:
        raise StoreError(f"{path}: an empty database, not a saywho store yet (saywho ingest makes one)")
    use_wal(conn)
    if new:
        create_tables(conn)
    elif int(get_meta(conn, "schema_version") or 0) < SCHEMA_VERSION:
        migrate(conn)


def connect(
    path: str | Path = DEFAULT_DB, create: bool = True, timeout: float | None = None
) -> sqlite3.Connection:
    """An open store (made, with its tables, when `create` and the file is new or empty).

    In autocommit mode: writers group their statements with `transaction`. StoreError when the file
    is missing (and not `create`), not a database, another program's database, or locked too long.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path}: a directory, not a store file")
    if not create and not path.is_file():
        raise StoreError(f"{path}: no store here (saywho ingest makes one)")
    timeout = BUSY_TIMEOUT if timeout is None else timeout
    # The busy timeout is set as the connection opens, before any statement can meet a lock.
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        with store_errors(path):
            conn.execute("PRAGMA foreign_keys = ON")
            # In WAL mode NORMAL is safe against a crashed or killed process (power loss may lose
            # the last commits, never consistency), and much faster than FULL.
            conn.execute("PRAGMA synchronous = NORMAL")
            until_unlocked(lambda: set_up(conn, path, create), timeout)
    except BaseException:
        conn.close()
        raise
    return conn
