"""The corpus-wide rows: persons (one per real speaker, whatever the spelling) and statements (one
statement reported by several articles), recomputed from the stored articles after every change.

The decisions are made elsewhere, by `group_speakers` and `group_statements` (people.py and
statements.py, when they land); this module feeds them the stored rows and writes their answer
back. Ids are kept across recomputations: a group takes the id of the old group it shares most
members with, so links such as /speakers/12 survive an ingest; ids are never reused.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from saywho.store.schema import get_meta, set_meta, transaction
from saywho.store.write import NAME_KEY_PREFIX, STALE_KEY, to_json

SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SpeakerSighting:
    """One speaker as one article names it."""

    article: str
    entity: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    gender: str | None = None


@dataclass(frozen=True)
class QuoteRef:
    """One stored quote, as statement linking sees it."""

    article: str
    quote_id: str
    person: int | None
    type: str
    text: str
    outlet: str | None = None


@dataclass
class Statement:
    """Quotes (indices into the list linked) reporting one statement."""

    members: list[int]
    flags: list[str] = field(default_factory=list)
    differences: list[dict] = field(default_factory=list)


def fold(name: str) -> str:
    """A spelling as looked up: case, accents and spacing ignored (Tikhanovskaïa = tikhanovskaia)."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return SPACES.sub(" ", bare).strip().casefold()


# --- the decisions: stand-ins until people.py and statements.py land --------------------------------


def group_speakers(sightings: Sequence[SpeakerSighting]) -> list[list[int]]:
    """Which sightings are one person, as groups of indices. Stand-in: the same folded name."""
    groups: dict[str, list[int]] = {}
    for i, sighting in enumerate(sightings):
        groups.setdefault(fold(sighting.name), []).append(i)
    return list(groups.values())


def group_statements(quotes: Sequence[QuoteRef]) -> list[Statement]:
    """Which quotes in different articles report one statement. Stand-in: one person, the same
    folded words, in two or more articles."""
    groups: dict[tuple, list[int]] = {}
    for i, quote in enumerate(quotes):
        if quote.person is not None:
            groups.setdefault((quote.person, fold(quote.text)), []).append(i)
    return [Statement(m) for m in groups.values() if len({quotes[i].article for i in m}) > 1]


# --- ids that survive recomputation ----------------------------------------------------------------


def inherit_ids(
    groups: Sequence[Sequence[Hashable]], previous: dict[Hashable, int], next_id: int
) -> tuple[list[int], int]:
    """An id per group: the old id most of its members had (each old id to one group, the larger
    groups choosing first), else a new one from `next_id`. Returns the ids and the next free id."""
    order = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), sorted(map(str, groups[g]))))
    ids: list[int] = [0] * len(groups)
    taken: set[int] = set()
    for g in order:
        votes = Counter(previous[m] for m in groups[g] if m in previous)
        choice = next(
            (i for i, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0])) if i not in taken), None
        )
        if choice is None:
            choice, next_id = next_id, next_id + 1
        taken.add(choice)
        ids[g] = choice
    return ids, next_id


def next_free(conn: sqlite3.Connection, key: str, table: str) -> int:
    stored = int(get_meta(conn, key) or 1)
    highest = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
    return max(stored, highest + 1)


# --- persons ---------------------------------------------------------------------------------------


def load_sightings(conn: sqlite3.Connection) -> tuple[list[SpeakerSighting], dict[tuple[str, str], int]]:
    """Every article's speakers, in a stable order, and the person each was last given."""
    sightings, previous = [], {}
    rows = conn.execute(
        "SELECT article_id, entity, name, type, aliases, titles, gender, person_id FROM article_speakers"
        " ORDER BY article_id, entity"
    )
    for article, entity, name, kind, aliases, titles, gender, person in rows:
        sightings.append(
            SpeakerSighting(
                article, entity, name, kind, tuple(json.loads(aliases)), tuple(json.loads(titles)), gender
            )
        )
        if person is not None:
            previous[(article, entity)] = person
    return sightings, previous


def person_record(members: list[SpeakerSighting]) -> tuple[str, str, list[str], list[str]]:
    """Name (the commonest of the longest spellings), type (the commonest), every spelling, titles."""
    names = Counter(s.name for s in members)
    name = max(names, key=lambda n: (len(n.split()), names[n], len(n), n))
    kind = Counter(s.type for s in members).most_common(1)[0][0]
    aliases = sorted({a for s in members for a in (s.name, *s.aliases)}, key=lambda a: (fold(a), a))
    titles = list(dict.fromkeys(t for s in members for t in s.titles))
    return name, kind, aliases, titles


def refresh_persons(conn: sqlite3.Connection) -> None:
    """Recompute the persons and write only what changed (in the caller's transaction)."""
    sightings, previous = load_sightings(conn)
    groups = group_speakers(sightings)
    keys = [[(sightings[i].article, sightings[i].entity) for i in group] for group in groups]
    ids, next_id = inherit_ids(keys, previous, next_free(conn, "next_person_id", "persons"))
    wanted = {
        pid: person_record([sightings[i] for i in group]) for pid, group in zip(ids, groups, strict=True)
    }

    stored = {
        row[0]: (row[1], row[2], json.loads(row[3]), json.loads(row[4]))
        for row in conn.execute("SELECT id, name, type, aliases, titles FROM persons")
    }
    gone = [(pid,) for pid in stored if pid not in wanted]
    conn.executemany("DELETE FROM persons WHERE id = ?", gone)
    for pid, (name, kind, aliases, titles) in wanted.items():
        if stored.get(pid) == (name, kind, aliases, titles):
            continue
        conn.execute(
            "INSERT INTO persons (id, name, type, aliases, titles) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id)"
            " DO UPDATE SET name = excluded.name, type = excluded.type, aliases = excluded.aliases,"
            " titles = excluded.titles",
            (pid, name, kind, to_json(aliases), to_json(titles)),
        )
        conn.execute("DELETE FROM person_aliases WHERE person_id = ?", (pid,))
        keys_of = sorted({fold(a) for a in (name, *aliases)})
        conn.executemany(
            "INSERT INTO person_aliases (key, person_id) VALUES (?, ?)", [(k, pid) for k in keys_of]
        )

    changed = [
        (pid, article, entity)
        for pid, group in zip(ids, keys, strict=True)
        for article, entity in group
        if previous.get((article, entity)) != pid
    ]
    conn.executemany("UPDATE article_speakers SET person_id = ? WHERE article_id = ? AND entity = ?", changed)
    conn.executemany(
        "UPDATE quotes SET person_id = ? WHERE article_id = ? AND speaker_name IS NOT NULL"
        f" AND coalesce(speaker_entity, '{NAME_KEY_PREFIX}' || speaker_name) = ?",
        changed,
    )
    set_meta(conn, "next_person_id", str(next_id))


# --- statements ------------------------------------------------------------------------------------


def load_quote_refs(conn: sqlite3.Connection) -> list[QuoteRef]:
    """The attributed quotes, in a stable order (those without a person cannot be one statement)."""
    rows = conn.execute(
        "SELECT q.article_id, q.quote_id, q.person_id, q.type, q.content, a.outlet"
        " FROM quotes q JOIN articles a ON a.id = q.article_id"
        " WHERE q.person_id IS NOT NULL ORDER BY q.article_id, q.position"
    )
    return [QuoteRef(*row) for row in rows]


def refresh_statements(conn: sqlite3.Connection) -> None:
    """Recompute the statements, keeping the ids of those that remain (in the caller's transaction)."""
    quotes = load_quote_refs(conn)
    statements = group_statements(quotes)
    previous = {
        (article, quote_id): sid
        for sid, article, quote_id in conn.execute(
            "SELECT statement_id, article_id, quote_id FROM statement_quotes"
        )
    }
    keys = [[(quotes[i].article, quotes[i].quote_id) for i in s.members] for s in statements]
    ids, next_id = inherit_ids(keys, previous, next_free(conn, "next_statement_id", "statements"))
    conn.execute("DELETE FROM statements")
    for sid, statement, members in sorted(zip(ids, statements, keys, strict=True), key=lambda t: t[0]):
        person = quotes[statement.members[0]].person
        conn.execute(
            "INSERT INTO statements (id, person_id, flags, differences) VALUES (?, ?, ?, ?)",
            (sid, person, to_json(statement.flags), to_json(statement.differences)),
        )
        conn.executemany(
            "INSERT INTO statement_quotes (statement_id, position, article_id, quote_id) VALUES (?, ?, ?, ?)",
            [(sid, position, article, quote_id) for position, (article, quote_id) in enumerate(members)],
        )
    set_meta(conn, "next_statement_id", str(next_id))


def refresh(conn: sqlite3.Connection) -> None:
    """Recompute persons, then statements (which need the persons), in one transaction."""
    with transaction(conn):
        refresh_persons(conn)
        refresh_statements(conn)
        set_meta(conn, STALE_KEY, "0")


def is_stale(conn: sqlite3.Connection) -> bool:
    return get_meta(conn, STALE_KEY) == "1"
