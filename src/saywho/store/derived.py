"""The corpus-wide rows: persons (one per real speaker, whatever the spelling) and statements (one
statement reported by several articles), written back as linking.py recomputes them.

The decisions are people.py's and statements.py's; this module reads the stored rows they need
and writes their answer back, changing only what changed. Ids are the store's own
integers, kept across recomputations: a group takes the id of the old group it shares most members
with, so links such as /speakers/12 survive an ingest that adds a new spelling; ids are never reused.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence

from saywho.people import SpeakerRecord, ascii_fold
from saywho.statements import PRONOUN_MENTIONS, QuoteRecord, Statement
from saywho.store.schema import get_meta, set_meta
from saywho.store.write import NAME_KEY_PREFIX, STALE_KEY, to_json


def fold(name: str) -> str:
    """A spelling as looked up: case, accents and spacing ignored (Tikhanovskaïa = tikhanovskaia)."""
    return " ".join(ascii_fold(name).split())


# --- ids that survive recomputation ----------------------------------------------------------------


def inherit_ids(
    groups: Sequence[Sequence[Hashable]],
    previous: dict[Hashable, int],
    next_id: int,
    weight: dict[Hashable, int] | None = None,
    taken: set[int] = frozenset(),
) -> tuple[list[int], int]:
    """An id per group: the old id most of its members had (each old id to one group, the larger
    groups choosing first; a member counts `weight` times, default once), else a new one from
    `next_id`; ids `taken` elsewhere are not chosen. Returns the ids and the next free id."""

    def size(g: int) -> int:
        return sum(weight.get(m, 1) for m in groups[g]) if weight else len(groups[g])

    order = sorted(range(len(groups)), key=lambda g: (-size(g), sorted(map(str, groups[g]))))
    ids: list[int] = [0] * len(groups)
    taken = set(taken)
    for g in order:
        votes: Counter[int] = Counter()
        for m in groups[g]:
            if m in previous:
                votes[previous[m]] += weight.get(m, 1) if weight else 1
        choice = next(
            (i for i, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0])) if i not in taken), None
        )
        if choice is None:
            choice, next_id = next_id, next_id + 1
        taken.add(choice)
        ids[g] = choice
    return ids, next_id


class PersonIds:
    """The person ids one relinking writes and those it leaves: a person is deleted only at the
    end (`finish`), once no write of the relinking (persons, then unnamed groups) took its id,
    so that a statement's speaker is never set to NULL by a person deleted and made again."""

    def __init__(self) -> None:
        self.claimed: set[int] = set()
        self.left: set[int] = set()

    def finish(self, conn: sqlite3.Connection) -> None:
        conn.executemany("DELETE FROM persons WHERE id = ?", [(p,) for p in sorted(self.left - self.claimed)])


def next_free(conn: sqlite3.Connection, key: str, table: str) -> int:
    stored = int(get_meta(conn, key) or 1)
    highest = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
    return max(stored, highest + 1)


# --- persons ---------------------------------------------------------------------------------------


def spelling_rank(spelling: str, count: int) -> tuple[int, int, str]:
    """The order spellings of one name (case aside) are preferred in: the most used first, then
    the fewest words in capitals ("Mike Pence" before "Mike PENCE"), then alphabetical."""
    shouted = sum(len(word) > 1 and word.isupper() for word in spelling.split())
    return (-count, shouted, spelling)


def preferred_spellings(values: Sequence[str], counts: Counter[str]) -> list[str]:
    """Each of `values` in its preferred spelling among those `counts` holds for it (case aside),
    order kept, each once: the shown spelling never hangs on which article came first."""
    best: dict[str, str] = {}
    for spelling in sorted(counts, key=lambda s: spelling_rank(s, counts[s])):
        best.setdefault(spelling.lower(), spelling)
    return list(dict.fromkeys(best.get(v.strip().lower(), v) for v in values))


def write_persons(
    conn: sqlite3.Connection,
    groups: Sequence[Sequence[SpeakerRecord]],
    previous: dict[tuple[str, str], int],
    touched: set[tuple[str, str]],
    rewrite: set[tuple[str, str]] = frozenset(),
    ledger: PersonIds | None = None,
) -> set[tuple[str, str]]:
    """Write the persons `groups` make of the `touched` records (each old person whole among
    them), the ids of the old ones they hold most of kept; the records whose person or its type
    changed are returned (their quotes' statements must be relinked), and those of `rewrite`
    (stored anew, with no person yet). In the caller's transaction; persons left are deleted by
    `ledger.finish` (at once without a ledger)."""
    from saywho.store.units import record_counts, shown  # units builds on this module

    own = ledger or PersonIds()
    groups = [sorted(g, key=lambda r: (r.article, r.entity)) for g in groups]
    keys = [[(r.article, r.entity) for r in group] for group in groups]
    next_id = next_free(conn, "next_person_id", "persons")
    ids, next_id = inherit_ids(keys, previous, next_id, taken=own.claimed)
    wanted = {}
    for pid, group in zip(ids, groups, strict=True):
        counts: Counter = Counter()
        for r in group:
            counts.update(record_counts(r))
        firsts = {}
        for r in group:
            firsts.setdefault(r.type, f"{r.article}\0{r.entity}")
        wanted[pid] = shown(counts, firsts.__getitem__)
    retyped = save_persons(conn, wanted, set(previous.values()), own)
    changed: list[tuple[int | None, str, str]] = [
        (pid, article, entity)
        for pid, group in zip(ids, keys, strict=True)
        for article, entity in group
        if previous.get((article, entity)) != pid or pid in retyped or (article, entity) in rewrite
    ]
    # A page label ("Details:") names nobody: it is in no person.
    placed = {key for group in keys for key in group}
    changed += [(None, article, entity) for article, entity in touched if (article, entity) not in placed]
    set_record_persons(conn, changed)
    set_meta(conn, "next_person_id", str(next_id))
    if ledger is None:
        own.finish(conn)
    return {(article, entity) for _, article, entity in changed}


def save_persons(
    conn: sqlite3.Connection,
    wanted: dict[int, tuple[str, str, list[str], list[str]]],
    before: set[int],
    ledger: PersonIds,
) -> set[int]:
    """Store the persons `wanted` (id -> name, type, aliases, titles) where they changed; the ids
    of `before` not wanted are left to `ledger`. The ids made, left, or of another type now."""
    stored = {}
    for chunk in chunks(sorted(before | set(wanted))):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, name, type, aliases, titles FROM persons WHERE id IN ({marks})", chunk
        ):
            stored[row[0]] = (row[1], row[2], json.loads(row[3]), json.loads(row[4]))
    left = {pid for pid in before if pid not in wanted}
    ledger.claimed |= set(wanted)
    ledger.left |= left
    retyped = set(left)
    for pid, (name, kind, aliases, titles) in wanted.items():
        if stored.get(pid) == (name, kind, aliases, titles):
            continue
        if pid not in stored or stored[pid][1] != kind:
            retyped.add(pid)
        conn.execute(
            "INSERT INTO persons (id, name, type, aliases, titles) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id)"
            " DO UPDATE SET name = excluded.name, type = excluded.type, aliases = excluded.aliases,"
            " titles = excluded.titles",
            (pid, name, kind, to_json(aliases), to_json(titles)),
        )
        conn.execute("DELETE FROM person_aliases WHERE person_id = ?", (pid,))
        spellings = sorted({fold(a) for a in (name, *aliases)})
        conn.executemany(
            "INSERT INTO person_aliases (key, person_id) VALUES (?, ?)", [(k, pid) for k in spellings]
        )
    return retyped


def set_record_persons(conn: sqlite3.Connection, changed: Sequence[tuple[int | None, str, str]]) -> None:
    """Point records (person id, article, entity) and their quotes at their persons."""
    conn.executemany("UPDATE article_entities SET person_id = ? WHERE article_id = ? AND entity = ?", changed)
    conn.executemany("UPDATE linking_records SET person_id = ? WHERE article_id = ? AND entity = ?", changed)
    conn.executemany(
        "UPDATE quotes SET person_id = ? WHERE article_id = ? AND speaker_name IS NOT NULL"
        f" AND coalesce(speaker_entity, '{NAME_KEY_PREFIX}' || speaker_name) = ?",
        changed,
    )


def chunks(values: Sequence, size: int = 500) -> Iterator[list]:
    """`values` in lists of at most `size` (SQLite's bound on an IN list's parameters)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- statements ------------------------------------------------------------------------------------


QUOTE_SELECT = (
    "SELECT q.id, a.rowid, a.id, a.text, a.outlet, a.url, a.path, a.published, q.quote_id, q.person_id,"
    " q.type, q.content, q.content_start, q.content_end, q.fragments, q.mention_text,"
    " q.speaker_kind = 'group' OR coalesce(p.type IN ('GROUP', 'NORP'), 0)"
    " FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN persons p ON p.id = q.person_id"
)


def quote_record(row: tuple) -> tuple[int, QuoteRecord]:
    """A row of QUOTE_SELECT as statement linking sees it. A speaker that is a group or a
    nationality ("the California Democrat" -> Democrat) is no one person; the article's row order
    is the order it was stored in, which orders reports of one date."""
    rowid, ingested, article, text, outlet, url, path, published = row[:8]
    quote_id, person, kind, content, start, end, fragments, mention, group = row[8:]
    quoted = ()
    if kind in ("direct", "mixed"):  # the words inside the quotation marks, fragment by fragment
        quoted = tuple(text[s:e] for s, e in json.loads(fragments))
    pronoun = (mention or "").lower() in PRONOUN_MENTIONS
    record = QuoteRecord(
        article, quote_id, person, kind, content, start, end, quoted, pronoun, outlet, url, path,
        group=bool(group), published=published, ingested=ingested,
    )  # fmt: skip
    return rowid, record


def load_quote_records(conn: sqlite3.Connection, ids: Iterable[int] | None = None) -> dict[int, QuoteRecord]:
    """Stored quotes (all, or those of the quote row ids `ids`) by row id, as linking sees them."""
    if ids is None:
        return dict(quote_record(row) for row in conn.execute(QUOTE_SELECT))
    out = {}
    for chunk in chunks(sorted(set(ids))):
        rows = conn.execute(f"{QUOTE_SELECT} WHERE q.id IN ({','.join('?' * len(chunk))})", chunk)
        out.update(quote_record(row) for row in rows)
    return out


def write_statements(
    conn: sqlite3.Connection, quotes: dict[int, QuoteRecord], statements: Sequence[Statement], old: set[int]
) -> None:
    """Replace the statements `old` (every one with a report among `quotes`) by `statements`, linked
    from `quotes`, each keeping the id of the old one it holds most reports of."""
    previous = {}
    for chunk in chunks(sorted(old)):
        marks = ",".join("?" * len(chunk))
        sql = (
            f"SELECT statement_id, article_id, quote_id FROM statement_quotes WHERE statement_id IN ({marks})"
        )
        previous.update({(article, quote_id): sid for sid, article, quote_id in conn.execute(sql, chunk)})
    keys = [[(q.article, q.quote) for q in s.quotes] for s in statements]
    ids, next_id = inherit_ids(keys, previous, next_free(conn, "next_statement_id", "statements"))
    conn.executemany("DELETE FROM statements WHERE id = ?", [(sid,) for sid in sorted(old)])
    for sid, statement, members in sorted(zip(ids, statements, keys, strict=True), key=lambda t: t[0]):
        conn.execute(
            "INSERT INTO statements (id, person_id, flags, differences) VALUES (?, ?, ?, ?)",
            (sid, statement.person, to_json(statement.flags), to_json(statement.differences)),
        )
        conn.executemany(
            "INSERT INTO statement_quotes (statement_id, position, article_id, quote_id) VALUES (?, ?, ?, ?)",
            [(sid, position, article, quote_id) for position, (article, quote_id) in enumerate(members)],
        )
    set_meta(conn, "next_statement_id", str(next_id))


def refresh(conn: sqlite3.Connection, scheduler: str | None = None) -> None:
    """Relink the persons and statements the stored changes reach (linking.refresh); the
    statements on the Dask cluster at `scheduler` when given."""
    from saywho.store import linking  # linking builds on this module

    linking.refresh(conn, scheduler)


def is_stale(conn: sqlite3.Connection) -> bool:
    return get_meta(conn, STALE_KEY) == "1"
