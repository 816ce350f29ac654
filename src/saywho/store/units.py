"""Persons linked from units: the records people.py's merging cannot tell apart, counted.

people.merge_people places a PERSON record by its name alone (a full name) or by its name and
its titles' words (a bare surname); merge_organisations places an organisation record by its
keys. Records alike in that are one *unit*, and the store keeps each unit's counts: its names,
types, spellings, titles and title words, all that people.person_from and derived.shown_spellings
read. Persons are then linked from units (one stand-in record each, given to people's own
functions) and named from summed counts, so a record joining a unit whose person stays costs its
own counts, not the person's records, however many articles name the person. A unit whose person
changes (a merge, a split: rare) has its records rewritten.

Some units are no person of their own but one person per record (`single`): a name that is no
name, a title no one of its article holds, an organisation without a key, and a bare surname that
several persons could be ("Clinton") and its titles do not settle.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from saywho import people
from saywho.people import SpeakerRecord, parse_name
from saywho.store import derived
from saywho.store.schema import set_meta
from saywho.store.write import to_json

Key = tuple[str, str]  # (article id, entity id)
Counts = Counter[tuple[str, str]]  # (kind, value) -> count
PER_RECORD_KINDS = ("single", "alone", "keyless")
FEW_RECORDS = 1000  # more records stored anew are looked up in one pass


def unit_of(record: SpeakerRecord, family: str) -> tuple[str, str, str | None]:
    """The unit key of a cleaned record (JSON), its kind, and the name it is looked up by."""
    if family == "alone":
        return to_json(["alone", record.name]), "alone", None
    if family == "organisation":
        keys = sorted(set(people.organisation_keys(record)))
        if not keys:
            return to_json(["keyless", record.name]), "keyless", None
        return to_json(["org", keys]), "org", None
    parsed = parse_name(record.name)
    if parsed is None:
        return to_json(["single", record.name]), "single", None
    if parsed.given:
        return to_json(["full", record.name]), "full", record.name
    words = sorted(people._title_words(record.titles))
    return to_json(["bare", record.name, words]), "bare", record.name


def record_counts(record: SpeakerRecord) -> Counts:
    """What one record adds to its person's naming (people.person_from, derived.preferred_spellings)
    and merging (the title words of a full name, people.merge_people)."""
    counts: Counts = Counter({("name", record.name): 1, ("type", record.type): 1})
    counts.update(("spelling", s) for s in {a.strip() for a in (record.name, *record.aliases)} if s)
    counts.update(("title", t.strip()) for t in record.titles if t.strip())
    counts.update(("title_rec", t) for t in {t.strip() for t in record.titles} if t)
    counts.update(("word", w) for w in people._title_words(record.titles))
    return counts


def add_records(
    conn: sqlite3.Connection, records: dict[Key, tuple[SpeakerRecord, str]], sign: int = 1
) -> set[int]:
    """Count `records` (family not 'group') into their units, made as needed (`sign` -1: count
    them out); each record's unit written to linking_records when added. The units touched."""
    by_unit: dict[str, list[Key]] = defaultdict(list)
    kinds: dict[str, tuple[str, str | None]] = {}
    counts: dict[str, Counts] = defaultdict(Counter)
    for key, (record, family) in records.items():
        if family == "group":
            continue
        unit, kind, name = unit_of(record, family)
        by_unit[unit].append(key)
        kinds[unit] = (kind, name)
        counts[unit].update(record_counts(record))
    touched = set()
    for unit, keys in by_unit.items():
        kind, name = kinds[unit]
        conn.execute(
            "INSERT INTO linking_units (key, kind, name, records) VALUES (?, ?, ?, 0)"
            " ON CONFLICT (key) DO NOTHING",
            (unit, kind, name),
        )
        (uid,) = conn.execute("SELECT id FROM linking_units WHERE key = ?", (unit,)).fetchone()
        touched.add(uid)
        conn.execute("UPDATE linking_units SET records = records + ? WHERE id = ?", (sign * len(keys), uid))
        conn.executemany(
            "INSERT INTO unit_counts (unit, kind, value, count) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (unit, kind, value) DO UPDATE SET count = count + excluded.count",
            [(uid, k, v, sign * n) for (k, v), n in counts[unit].items()],
        )
        if sign > 0:
            conn.executemany(
                "UPDATE linking_records SET unit = ? WHERE article_id = ? AND entity = ?",
                [(uid, *k) for k in keys],
            )
            if kind == "org":
                conn.executemany(
                    "INSERT OR IGNORE INTO unit_keys (key, unit) VALUES (?, ?)",
                    [(k, uid) for k in json.loads(unit)[1]],
                )
    conn.execute(
        "DELETE FROM unit_counts WHERE count <= 0 AND unit IN (SELECT value FROM json_each(?))",
        (to_json(sorted(touched)),),
    )
    return touched


class Unit:
    """A unit as stored: its key, kind, records, person (None: per record, or new) and counts."""

    def __init__(self, row: tuple) -> None:
        self.id, self.key, self.kind, self.name, self.records, self.person, self.single = row

    @property
    def parsed(self) -> list:
        return json.loads(self.key)


def load_units(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Unit]:
    rows = conn.execute(
        "SELECT id, key, kind, name, records, person_id, single FROM linking_units"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (to_json(sorted(set(ids))),),
    )
    return {row[0]: Unit(row) for row in rows}


def unit_counts(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Counts]:
    out: dict[int, Counts] = defaultdict(Counter)
    rows = conn.execute(
        "SELECT unit, kind, value, count FROM unit_counts WHERE unit IN (SELECT value FROM json_each(?))",
        (to_json(sorted(set(ids))),),
    )
    for unit, kind, value, count in rows:
        out[unit][(kind, value)] = count
    return out


def group_units(units: dict[int, Unit], counts: dict[int, Counts]) -> tuple[list[list[int]], set[int]]:
    """The persons `units` make (closed under people's rules), as lists of units, and the units
    that are a person per record."""
    single = {u for u, unit in units.items() if unit.kind in PER_RECORD_KINDS or unit.records <= 0}
    stand_ins: list[SpeakerRecord] = []
    for u, unit in sorted(units.items()):
        if u in single:
            continue
        if unit.kind == "full":
            words = tuple(sorted(v for (k, v), n in counts[u].items() if k == "word" and n > 0))
            stand_ins.append(SpeakerRecord("", f"{u}", unit.name, "PERSON", (), words))
        elif unit.kind == "bare":
            # Two stand-ins: apart after merging, the surname was not settled (a person per record).
            words = tuple(unit.parsed[2])
            stand_ins += [SpeakerRecord("", f"{u}", unit.name, "PERSON", (), words) for _ in "ab"]
    groups: list[list[int]] = []
    for group in people.merge_people(stand_ins):
        members = sorted({int(r.entity) for r in group})
        if len(group) == 1 and units[members[0]].kind == "bare":
            single.add(members[0])
        else:
            groups.append(members)
    groups += organisation_groups(
        {u: unit for u, unit in units.items() if unit.kind == "org" and u not in single}
    )
    return groups, single


def organisation_groups(units: dict[int, Unit]) -> list[list[int]]:
    """Units sharing an organisation key are one (people.merge_organisations's rule)."""
    order = sorted(units)
    clusters = people._Clusters(len(order))
    owner: dict[str, int] = {}
    for i, u in enumerate(order):
        for key in units[u].parsed[1]:
            if key in owner:
                clusters.union(owner[key], i)
            else:
                owner[key] = i
    return [[order[i] for i in members] for members in clusters.members.values()]


def most_common(counts: Counter[str]) -> list[str]:
    """people._most_common over a multiset: distinct values case aside, most frequent first, then
    longest, then alphabetical, each in its least spelling."""
    folded: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for value, n in counts.items():
        v = value.strip()
        if v and n > 0:
            folded[v.lower()] += n
            spelling[v.lower()] = min(spelling.get(v.lower(), v), v)
    return [spelling[k] for k in sorted(folded, key=lambda k: (-folded[k], -len(k), k))]


def shown(counts: Counts, first_of_type: Callable[[str], str]) -> tuple[str, str, list[str], list[str]]:
    """A person's name, type, aliases and titles as stored, from its records' summed counts: what
    people.person_from makes of the records, each spelling shown as most of them write it.
    `first_of_type`: the least (article, entity) of its records of a type (a tie of types goes
    to the first)."""
    of = defaultdict(Counter)
    for (kind, value), n in counts.items():
        if n > 0:
            of[kind][value] += n
    names = of["name"]
    full = Counter({n: c for n, c in names.items() if len(n.split()) > 1}) or names
    name = most_common(full)[0]
    types = of["type"]
    top = max(types.values())
    tied = sorted(t for t, n in types.items() if n == top)
    kind = tied[0] if len(tied) == 1 else min(tied, key=first_of_type)
    spellings = of["spelling"]
    shown_name = derived.preferred_spellings([name], spellings)[0]
    aliases = sorted(derived.preferred_spellings(sorted(spellings), spellings), key=lambda a: (a.lower(), a))
    titles = derived.preferred_spellings(most_common(of["title"]), of["title_rec"])
    return shown_name, kind, aliases, titles


# --- what a change reaches ---------------------------------------------------------------------


def closure(conn: sqlite3.Connection, seeds: Iterable[int]) -> set[int]:
    """The units whose persons `seeds` can change: through people.names_linked (distinct names,
    linking.name_component), shared organisation keys, and the units of every old person reached."""
    from saywho.store.linking import name_component  # linking builds on this module

    found: set[int] = set()
    names_seen: set[str] = set()
    keys_seen: set[str] = set()
    persons_seen: set[int] = set()
    todo = set(seeds)
    while todo:
        found |= todo
        units = load_units(conn, todo)
        more: set[int] = set()
        for name in name_component(conn, {u.name for u in units.values() if u.name}, names_seen):
            more |= {r[0] for r in conn.execute("SELECT id FROM linking_units WHERE name = ?", (name,))}
        keys = {k for u in units.values() if u.kind == "org" for k in u.parsed[1]} - keys_seen
        keys_seen |= keys
        for key in keys:
            more |= {r[0] for r in conn.execute("SELECT unit FROM unit_keys WHERE key = ?", (key,))}
        pids = {u.person for u in units.values() if u.person is not None} - persons_seen
        persons_seen |= pids
        for pid in pids:
            more |= {r[0] for r in conn.execute("SELECT id FROM linking_units WHERE person_id = ?", (pid,))}
        todo = more - found
    return found


# --- persons written -------------------------------------------------------------------------


Token = tuple  # ("u", unit) or ("r", article, entity): what a person is made of


def unit_records(conn: sqlite3.Connection, unit: int) -> dict[Key, tuple[SpeakerRecord, int | None]]:
    out = {}
    for article, entity, name, kind, aliases, titles, pid in conn.execute(
        "SELECT article_id, entity, name, type, aliases, titles, person_id FROM linking_records"
        " WHERE unit = ?",
        (unit,),
    ):
        record = SpeakerRecord(
            article, entity, name, kind, tuple(json.loads(aliases)), tuple(json.loads(titles))
        )
        out[(article, entity)] = (record, pid)
    return out


def link_units(
    conn: sqlite3.Connection,
    component: set[int],
    fresh: dict[Key, int | None],
    gone: set[int],
    ledger: derived.PersonIds,
) -> tuple[set[Key], set[int]]:
    """Link and write the persons of the `component` units (closed under people's rules).
    `fresh`: the records stored anew since, with the person they are stored in (None: none yet,
    rewritten whatever their person); `gone`: the persons of records removed. Returns the
    records whose person (or its type) changed, and the persons before and after (for unnamed
    groups, which hang on them). Persons left go to `ledger`."""
    units = load_units(conn, component)
    counts = unit_counts(conn, units)
    groups, single = group_units(units, counts)
    fresh_by_unit: dict[int, list[Key]] = defaultdict(list)
    if len(fresh) > FEW_RECORDS:  # a relink: every record, read at once
        rows = conn.execute("SELECT article_id, entity, unit FROM linking_records WHERE unit IS NOT NULL")
        found = [((a, e), u) for a, e, u in rows if (a, e) in fresh]
    else:
        sql = "SELECT unit FROM linking_records WHERE article_id = ? AND entity = ? AND unit IS NOT NULL"
        found = [(key, row[0]) for key in fresh for row in conn.execute(sql, key)]
    for key, u in found:
        fresh_by_unit[u].append(key)
    members: list[list[Token]] = [[("u", u) for u in g] for g in groups]
    previous: dict[Token, int] = {("u", u): units[u].person for g in groups for u in g if units[u].person}
    weight: dict[Token, int] = {("u", u): units[u].records for g in groups for u in g}
    records: dict[Token, SpeakerRecord] = {}
    before = set(gone) | {u.person for u in units.values() if u.person is not None}
    for u in sorted(single):
        if units[u].records <= 0:
            continue
        if units[u].single:  # a person per record already: only the new records need one
            rows = {k: (r, p) for k in fresh_by_unit.get(u, []) for r, p in unit_records_of(conn, k)}
        else:
            rows = unit_records(conn, u)
        for (article, entity), (record, pid) in sorted(rows.items()):
            token = ("r", article, entity)
            members.append([token])
            records[token] = record
            weight[token] = 1
            if pid is not None:
                previous[token] = pid
                before.add(pid)
    for u in component - single:
        if units[u].single:  # was a person per record: those persons are gone
            before |= {p for _, p in unit_records(conn, u).values() if p is not None}
    ids, next_id = derived.inherit_ids(
        members, previous, derived.next_free(conn, "next_person_id", "persons"), weight
    )
    wanted = {}
    for pid, group in zip(ids, members, strict=True):
        total: Counts = Counter()
        for token in group:
            total.update(counts[token[1]] if token[0] == "u" else record_counts(records[token]))
        wanted[pid] = shown(total, first_of_type(conn, group))
    retyped = derived.save_persons(conn, wanted, before, ledger)
    changed: list[tuple[int | None, str, str]] = []
    for pid, group in zip(ids, members, strict=True):
        for token in group:
            if token[0] == "r":
                if previous.get(token) != pid or pid in retyped or token[1:] in fresh:
                    changed.append((pid, token[1], token[2]))
                continue
            u = token[1]
            if units[u].person != pid or pid in retyped or units[u].single:
                changed += [(pid, *key) for key in unit_records(conn, u)]
            else:
                changed += [(pid, *key) for key in fresh_by_unit.get(u, []) if fresh[key] != pid]
            conn.execute("UPDATE linking_units SET person_id = ?, single = 0 WHERE id = ?", (pid, u))
    conn.executemany(
        "UPDATE linking_units SET person_id = NULL, single = 1 WHERE id = ?", [(u,) for u in sorted(single)]
    )
    empty = [(u,) for u in sorted(component) if units[u].records <= 0]
    for table, column in (("unit_keys", "unit"), ("unit_counts", "unit"), ("linking_units", "id")):
        conn.executemany(f"DELETE FROM {table} WHERE {column} = ?", empty)
    derived.set_record_persons(conn, changed)
    set_meta(conn, "next_person_id", str(next_id))
    return {(article, entity) for _, article, entity in changed}, before | set(ids)


def unit_records_of(conn: sqlite3.Connection, key: Key) -> list[tuple[SpeakerRecord, int | None]]:
    row = conn.execute(
        "SELECT name, type, aliases, titles, person_id FROM linking_records"
        " WHERE article_id = ? AND entity = ?",
        key,
    ).fetchone()
    if row is None:
        return []
    name, kind, aliases, titles, pid = row
    return [(SpeakerRecord(*key, name, kind, tuple(json.loads(aliases)), tuple(json.loads(titles))), pid)]


def first_of_type(conn: sqlite3.Connection, group: list[Token]) -> Callable[[str], str]:
    """The least (article, entity) of a person's records of a type, as one string that sorts alike."""

    def first(kind: str) -> str:
        keys = [f"{t[1]}\0{t[2]}" for t in group if t[0] == "r"]
        units = [t[1] for t in group if t[0] == "u"]
        row = conn.execute(
            "SELECT min(article_id || char(0) || entity) FROM linking_records"
            " WHERE unit IN (SELECT value FROM json_each(?)) AND type = ?",
            (to_json(units), kind),
        ).fetchone()
        return min([k for k in (*keys, row[0]) if k is not None])

    return first
