"""Linking the store's persons and statements again after a change, only where the change reaches.

`refresh` (every ingest and delete) relinks the articles in `pending_articles` (filled by triggers
as articles are stored or deleted): it finds, through indexed blocking keys, every record and quote
whose person or statement those articles can change, and runs people.py's and statements.py's own
functions on them alone. The answer equals relinking the whole store (`relink`), because what is
relinked is closed under every rule that decides a person or a statement:

- Cleaning a name (people.clean_article) depends on its own article and on which places two
  articles name: a place that comes to be named by a second article (or no longer is) re-cleans
  the articles with a name word equal to it (`article_ngrams`).
- People: components of the graph whose edges are the pairs people.merge_people can merge or weigh
  against each other (people.names_linked: a full name and the names found under its blocking
  keys that `same_person` accepts, a bare surname and the full names or bare surnames it may
  join). A bare surname joins a full name only when one holder fits: every holder it could fit
  is linked to it, so the whole choice is in one component. Distinct names only (`name_keys`):
  a common given name costs its distinct full names, not its articles.
- Organisations: records sharing an organisation key. Every old person of a record reached is
  reached whole, so a person that splits keeps or gives up its id knowingly.
- Unnamed groups (people.link_groups): two articles' "protesters" merge when the articles name
  two rare persons in common, rare meaning named in at most sqrt(articles) articles. The group
  records of the articles that name a rare person whose grouping changed are relinked, with
  those sharing a description and a rare person with them; when the corpus grows past a square
  (the bound itself moves, for every person) the store is relinked whole (every 2 sqrt(N)
  articles: a 10,000 article store, once in 200).
- Statements: components of the graph of the pairs statements.link_statements can link (a
  candidate through shared index keys or a person's embeddings that `linkable` accepts), grown
  from the quotes of the changed articles, the quotes whose person changed, and every report of
  a statement any of them was in. The best-first order of links and the chains it refuses
  (`_groups`: one quote per article, centres close) act within a component only. Words are
  weighed by a fixed reference (statements.term_weight), not by the store: a store-wide weight
  made every link depend on every quote.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np

from saywho import people
from saywho.embedding import embed
from saywho.names import _DATELINE_TAG, _EDGE_PUNCTUATION, _word
from saywho.people import SpeakerRecord, parse_name
from saywho.statements import (
    PARAPHRASE_SAME,
    QuoteRecord,
    _Comparer,
    common_keys,
    compared_text,
    index_keys,
    link_statements,
    text_wording,
)
from saywho.store import derived
from saywho.store.derived import chunks
from saywho.store.schema import RELINK_KEY, get_meta, set_meta, transaction
from saywho.store.write import STALE_KEY, to_json

Key = tuple[str, str]  # (article id, entity id)
ARTICLES_KEY = "linked_articles"  # articles naming anyone (people.merge_groups's corpus size)
COPY_KEY = "="  # prefix of the key that finds a quote's copies (same compared words)


# --- per-article rows -------------------------------------------------------------------------


def raw_records(conn: sqlite3.Connection, articles: Iterable[str] | None) -> dict[str, list[SpeakerRecord]]:
    """The stored records of `articles` (all when None), each article's in merge_speakers's order."""
    sql = "SELECT article_id, entity, name, type, aliases, titles FROM article_entities"
    rows: list[tuple] = []
    if articles is None:
        rows = conn.execute(sql).fetchall()
    else:
        for chunk in chunks(sorted(set(articles))):
            rows += conn.execute(
                f"{sql} WHERE article_id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
    out: dict[str, list[SpeakerRecord]] = defaultdict(list)
    for article, entity, name, kind, aliases, titles in rows:
        out[article].append(
            SpeakerRecord(article, entity, name, kind, tuple(json.loads(aliases)), tuple(json.loads(titles)))
        )
    for group in out.values():
        group.sort(key=lambda r: (r.entity, r.name, r.type))
    return dict(out)


def name_words(group: Iterable[SpeakerRecord]) -> set[str]:
    """Every word (as names.py compares words) of an article's names and aliases."""
    return {_word(w) for r in group for n in (r.name, *r.aliases) for w in n.split()} - {""}


def tested_places(group: Iterable[SpeakerRecord]) -> set[str]:
    """Every string names.clean_name may look up among the places for this article's names: each
    run of words, joined as `_place` and `clean_name` join them."""
    out = set()
    for r in group:
        for name in (r.name, *r.aliases):
            for text in (name, _DATELINE_TAG.sub("", name.strip(_EDGE_PUNCTUATION))):
                words = text.split()
                for i in range(len(words)):
                    for j in range(i + 1, len(words) + 1):
                        out.add(" ".join(_word(w) for w in words[i:j]))
                        out.add(_word(" ".join(words[i:j]).strip(_EDGE_PUNCTUATION)))
    return out


def is_corpus_place(conn: sqlite3.Connection, place: str) -> bool:
    """Named as a place by two articles or more (people._clean's corpus places)."""
    sql = "SELECT count(*) FROM (SELECT 1 FROM article_places WHERE place = ? LIMIT 2)"
    return conn.execute(sql, (place,)).fetchone()[0] > 1


def family(record: SpeakerRecord, alone: bool) -> str:
    return "alone" if alone else people.family_of(record.type)


def clean(
    raw: dict[str, list[SpeakerRecord]], is_place: Callable[[str], bool]
) -> dict[Key, tuple[SpeakerRecord, str]]:
    """Each article's records cleaned (people.clean_article) with their family."""
    out = {}
    for group in raw.values():
        places = {p for p in tested_places(group) if is_place(p)}
        kept, alone = people.clean_article(group, places)
        for records, lone in ((kept, False), (alone, True)):
            for r in records:
                out[(r.article, r.entity)] = (r, family(r, lone))
    return out


def store_articles(conn: sqlite3.Connection, raw: dict[str, list[SpeakerRecord]]) -> None:
    for article, group in raw.items():
        conn.executemany(
            "INSERT OR IGNORE INTO article_places (place, article_id) VALUES (?, ?)",
            [(p, article) for p in people.article_places(group)],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_ngrams (ngram, article_id) VALUES (?, ?)",
            [(w, article) for w in name_words(group)],
        )


def group_key_text(record: SpeakerRecord) -> str:
    return to_json(sorted(people.group_key(record.name)))


def store_records(
    conn: sqlite3.Connection, records: dict[Key, tuple[SpeakerRecord, str]], persons: dict[Key, int]
) -> None:
    """Write cleaned records and their blocking keys (`persons`: the person each was last in)."""
    rows, names, orgs = [], set(), []
    for key, (r, fam) in records.items():
        gkey = group_key_text(r) if fam == "group" else None
        rows.append((*key, fam, r.name, r.type, to_json(list(r.aliases)), to_json(list(r.titles)), gkey))
        if fam == "person":
            names.add(r.name)
        elif fam == "organisation":
            orgs += [(k, *key) for k in people.organisation_keys(r)]
    conn.executemany(
        "INSERT INTO linking_records (article_id, entity, family, name, type, aliases, titles, group_key,"
        " person_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, persons.get(row[:2])) for row in rows],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO name_keys (key, name) VALUES (?, ?)",
        [(k, name) for name in names if (n := parse_name(name)) for k in people.blocking_keys(n)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO organisation_keys (key, article_id, entity) VALUES (?, ?, ?)", orgs
    )


def forget_articles(conn: sqlite3.Connection, articles: Iterable[str]) -> None:
    for chunk in chunks(sorted(set(articles))):
        marks = ",".join("?" * len(chunk))
        for table in ("linking_records", "organisation_keys", "article_places", "article_ngrams"):
            conn.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)


LINKING_SELECT = (
    "SELECT article_id, entity, family, name, type, aliases, titles, person_id FROM linking_records"
)


def linking_rows(
    conn: sqlite3.Connection, where: str, params: Iterable
) -> dict[Key, tuple[SpeakerRecord, str, int]]:
    out = {}
    for article, entity, fam, name, kind, aliases, titles, pid in conn.execute(
        f"{LINKING_SELECT} WHERE {where}", list(params)
    ):
        record = SpeakerRecord(
            article, entity, name, kind, tuple(json.loads(aliases)), tuple(json.loads(titles))
        )
        out[(article, entity)] = (record, fam, pid)
    return out


def rows_in(conn: sqlite3.Connection, column: str, values: Iterable, extra: str = "") -> dict:
    out = {}
    for chunk in chunks(sorted(set(values))):
        out.update(linking_rows(conn, f"{column} IN ({','.join('?' * len(chunk))}){extra}", chunk))
    return out


# --- quotes' keys -----------------------------------------------------------------------------


def copy_key(quote: QuoteRecord) -> str:
    return COPY_KEY + compared_text(quote)


def quote_keys(quote: QuoteRecord) -> set[str]:
    """The keys a quote is found under: its wording's index keys (the common ones left out, as
    statements._candidates leaves them) and its compared words whole, for its copies."""
    return (index_keys(text_wording(compared_text(quote))) - common_keys()) | {copy_key(quote)}


def store_quotes(conn: sqlite3.Connection, quotes: dict[int, QuoteRecord]) -> None:
    ids = sorted(quotes)
    vectors = embed([compared_text(quotes[i]) for i in ids])
    conn.executemany(
        "INSERT OR REPLACE INTO quote_vectors (quote, vector) VALUES (?, ?)",
        [(i, vectors[n].tobytes()) for n, i in enumerate(ids)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO quote_keys (key, quote) VALUES (?, ?)",
        [(k, i) for i in ids for k in quote_keys(quotes[i])],
    )


# --- the whole store --------------------------------------------------------------------------


def rare_bound(articles: int) -> int:
    return math.floor(people.rare_spread(articles or 1))


def relink(conn: sqlite3.Connection, scheduler: str | None = None) -> None:
    """Relink every person and statement of the store from its articles (after a model change,
    or a store made before the linking tables): in one transaction."""
    with transaction(conn):
        for table in (
            "linking_records", "name_keys", "organisation_keys", "article_places", "article_ngrams",
            "quote_keys", "quote_vectors",
        ):  # fmt: skip
            conn.execute(f"DELETE FROM {table}")
        raw = raw_records(conn, None)
        store_articles(conn, raw)
        counts: dict[str, int] = defaultdict(int)
        for group in raw.values():
            for p in people.article_places(group):
                counts[p] += 1
        records = clean(raw, lambda p: counts.get(p, 0) > 1)
        previous = {
            (a, e): pid
            for a, e, pid in conn.execute("SELECT article_id, entity, person_id FROM article_entities")
            if pid is not None
        }
        store_records(conn, records, previous)
        everyone = set(previous) | set(records)
        link_people(conn, records, previous, everyone)
        named = {k[0] for k, (_, fam) in records.items() if fam in ("person", "alone", "group")}
        set_meta(conn, ARTICLES_KEY, str(len(named)))
        groups = {k: r for k, (r, fam) in records.items() if fam == "group"}
        link_group_records(conn, groups, {k: previous[k] for k in groups if k in previous}, len(named))
        quotes = derived.load_quote_records(conn)
        store_quotes(conn, quotes)
        old = {row[0] for row in conn.execute("SELECT id FROM statements")}
        derived.write_statements(conn, quotes, link_statements(list(quotes.values())), old)
        finish(conn)


def finish(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM pending_articles")
    conn.execute("DELETE FROM pending_statements")
    set_meta(conn, STALE_KEY, "0")
    set_meta(conn, RELINK_KEY, "0")


def link_people(
    conn: sqlite3.Connection,
    records: dict[Key, tuple[SpeakerRecord, str]],
    previous: dict[Key, int],
    touched: set[Key],
    rewrite: set[Key] = frozenset(),
) -> set[Key]:
    """Persons and organisations of `records` (closed under people's rules), written."""
    by_family: dict[str, list[SpeakerRecord]] = defaultdict(list)
    for key in sorted(records):
        r, fam = records[key]
        by_family[fam].append(r)
    groups = people.merge_people(by_family["person"]) + [[r] for r in by_family["alone"]]
    groups += people.merge_organisations(by_family["organisation"])
    # Group records are linked after (link_group_records): they need these persons.
    mine = {k for k in touched if k not in records or records[k][1] != "group"}
    return derived.write_persons(
        conn, groups, {k: v for k, v in previous.items() if k in mine}, mine, rewrite
    )


def persons_of(conn: sqlite3.Connection, articles: Iterable[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for chunk in chunks(sorted(set(articles))):
        sql = (
            "SELECT article_id, person_id FROM linking_records WHERE family IN ('person', 'alone')"
            f" AND person_id IS NOT NULL AND article_id IN ({','.join('?' * len(chunk))})"
        )
        for article, pid in conn.execute(sql, chunk):
            out[article].add(pid)
    return out


def person_articles(conn: sqlite3.Connection, pid: int, limit: int | None = None) -> list[str]:
    sql = "SELECT DISTINCT article_id FROM linking_records WHERE person_id = ?"
    if limit is not None:
        return [r[0] for r in conn.execute(sql + " LIMIT ?", (pid, limit))]
    return [r[0] for r in conn.execute(sql, (pid,))]


def link_group_records(
    conn: sqlite3.Connection,
    records: dict[Key, SpeakerRecord],
    previous: dict[Key, int],
    articles: int,
    rewrite: set[Key] = frozenset(),
) -> set[Key]:
    """The unnamed groups of `records` (closed under link_groups's rule), written."""
    bound = rare_bound(articles)
    persons = persons_of(conn, {k[0] for k in records})
    rare = {p for ps in persons.values() for p in ps if len(person_articles(conn, p, bound + 1)) <= bound}
    ordered = [records[k] for k in sorted(records)]
    groups = people.link_groups(ordered, persons, rare)
    return derived.write_persons(conn, groups, previous, set(records) | set(previous), rewrite)


# --- what a change reaches --------------------------------------------------------------------


def name_component(conn: sqlite3.Connection, seeds: Iterable[str], seen: set[str]) -> set[str]:
    """The names reachable from `seeds` through people.names_linked (`seen`: names already had)."""
    found = set()
    todo = [s for s in seeds if s not in seen]
    seen.update(todo)
    while todo:
        name = todo.pop()
        found.add(name)
        parsed = parse_name(name)
        if parsed is None:
            continue
        for key in people.blocking_keys(parsed):
            for (other,) in conn.execute("SELECT name FROM name_keys WHERE key = ?", (key,)):
                if other in seen:
                    continue
                theirs = parse_name(other)
                if theirs is not None and people.names_linked(parsed, theirs):
                    seen.add(other)
                    todo.append(other)
    return found


def refresh(conn: sqlite3.Connection) -> None:
    """Relink what the pending articles reach (everything, when the store asks for it)."""
    if get_meta(conn, RELINK_KEY) == "1":
        relink(conn)
        return
    with transaction(conn):
        if not incremental(conn):
            conn.execute("ROLLBACK")
            conn.execute("BEGIN IMMEDIATE")
            set_meta(conn, RELINK_KEY, "1")
    if get_meta(conn, RELINK_KEY) == "1":
        relink(conn)


def incremental(conn: sqlite3.Connection) -> bool:
    """Relink what the pending articles reach; False when the whole store must be relinked."""
    changed = {row[0] for row in conn.execute("SELECT article_id FROM pending_articles")}
    # Places: a place named by a second article (or no longer) re-cleans names with its words.
    old_places = set()
    for chunk in chunks(sorted(changed)):
        sql = f"SELECT place FROM article_places WHERE article_id IN ({','.join('?' * len(chunk))})"
        old_places |= {row[0] for row in conn.execute(sql, chunk)}
    raw = raw_records(conn, changed)
    new_places = {p for group in raw.values() for p in people.article_places(group)}
    before = {p: is_corpus_place(conn, p) for p in old_places | new_places}
    old = rows_in(conn, "article_id", changed)
    forget_articles(conn, changed)
    store_articles(conn, raw)
    flipped = {p for p, was in before.items() if is_corpus_place(conn, p) != was}
    recleaned = set()
    for p in flipped:
        first = p.split()[0] if p.split() else p
        recleaned |= {
            r[0] for r in conn.execute("SELECT article_id FROM article_ngrams WHERE ngram = ?", (first,))
        }
    recleaned -= changed
    old.update(rows_in(conn, "article_id", recleaned))
    raw.update(raw_records(conn, recleaned))
    forget_articles(conn, recleaned)
    store_articles(conn, {a: raw[a] for a in recleaned if a in raw})
    fresh = clean(raw, lambda p: is_corpus_place(conn, p))
    old_person = {k: pid for k, (_, _, pid) in old.items() if pid is not None}
    store_records(conn, fresh, old_person)

    # The corpus size merge_groups bounds rarity by: relink whole when the bound moves.
    named_families = ("person", "alone", "group")
    had = {k[0] for k, (_, fam, _) in old.items() if fam in named_families}
    has = {k[0] for k, (_, fam) in fresh.items() if fam in named_families}
    before_n = int(get_meta(conn, ARTICLES_KEY) or 0)
    after_n = before_n - len(had) + len(has)
    if rare_bound(before_n) != rare_bound(after_n):
        return False
    set_meta(conn, ARTICLES_KEY, str(after_n))

    # People and organisations: the components the changed records reach, old persons whole.
    records: dict[Key, tuple[SpeakerRecord, str]] = {}
    previous: dict[Key, int] = dict(old_person)
    group_seeds: dict[Key, SpeakerRecord] = {}
    names_seen: set[str] = set()
    orgs_seen: set[str] = set()
    pids_seen: set[int] = set()

    def take(rows: dict[Key, tuple[SpeakerRecord, str, int]]) -> None:
        for key, (r, fam, pid) in rows.items():
            if fam == "group":
                group_seeds[key] = r
            else:
                records[key] = (r, fam)
            if pid is not None:
                previous.setdefault(key, pid)

    take({k: (r, fam, old_person.get(k)) for k, (r, fam) in fresh.items()})
    names = {r.name for r, fam, _ in old.values() if fam == "person"}
    orgs = {k for r, fam, _ in old.values() if fam == "organisation" for k in people.organisation_keys(r)}
    while True:
        names |= {r.name for r, fam in records.values() if fam == "person"}
        orgs |= {
            k for r, fam in records.values() if fam == "organisation" for k in people.organisation_keys(r)
        }
        size = len(records) + len(group_seeds)
        for name in name_component(conn, names, names_seen):
            take(linking_rows(conn, "name = ? AND family = 'person'", (name,)))
        for key in sorted(orgs - orgs_seen):
            orgs_seen.add(key)
            rows = conn.execute("SELECT article_id, entity FROM organisation_keys WHERE key = ?", (key,))
            take(rows_in_keys(conn, rows.fetchall()))
        pids = {pid for k, pid in previous.items() if k in records or k in old} - pids_seen
        pids_seen |= pids
        take(rows_in(conn, "person_id", pids))
        if len(records) + len(group_seeds) == size and not pids:
            break
        names = names - names_seen
        orgs = orgs - orgs_seen
    touched = set(records) | {k for k, (_, fam, _) in old.items() if fam != "group"}
    before_people = {pid for k, pid in previous.items() if k in touched}
    rewrite = {k for k in fresh if k[0] in changed}
    moved = link_people(conn, records, previous, touched, rewrite)

    # Unnamed groups: those in the articles of a rare person whose grouping changed.
    bound_before, bound_after = rare_bound(before_n), rare_bound(after_n)
    articles = {k[0] for k in touched}
    for pid in before_people:
        members = {k[0] for k, p in previous.items() if p == pid and k in touched}
        if len(members) <= bound_before:
            articles |= members
    after_people = {pid for k in records for pid in [person_id(conn, k)] if pid is not None}
    for pid in after_people:
        members = person_articles(conn, pid, bound_after + 1)
        if len(members) <= bound_after:
            articles |= set(members)
    take(rows_in(conn, "article_id", articles, " AND family = 'group'"))
    group_touched = set(group_seeds) | {k for k, (_, fam, _) in old.items() if fam == "group"}
    groups = group_closure(conn, group_seeds, previous, group_touched, bound_after)
    moved |= link_group_records(
        conn, groups, {k: previous[k] for k in set(groups) | group_touched if k in previous}, after_n, rewrite
    )
    relink_statements(conn, changed, moved)
    finish(conn)
    return True


def person_id(conn: sqlite3.Connection, key: Key) -> int | None:
    row = conn.execute(
        "SELECT person_id FROM linking_records WHERE article_id = ? AND entity = ?", key
    ).fetchone()
    return row[0] if row else None


def rows_in_keys(conn: sqlite3.Connection, keys: Iterable[Key]) -> dict:
    out = {}
    for key in keys:
        out.update(linking_rows(conn, "article_id = ? AND entity = ?", key))
    return out


def group_closure(
    conn: sqlite3.Connection,
    seeds: dict[Key, SpeakerRecord],
    previous: dict[Key, int],
    touched: set[Key],
    bound: int,
) -> dict[Key, SpeakerRecord]:
    """The group records linked to `seeds` (people.group_edge), old groups whole."""
    records = dict(seeds)
    rare_cache: dict[int, list[str] | None] = {}

    def rare_articles(pid: int) -> list[str] | None:
        if pid not in rare_cache:
            found = person_articles(conn, pid, bound + 1)
            rare_cache[pid] = found if len(found) <= bound else None
        return rare_cache[pid]

    todo = list(records)
    pids_seen: set[int] = set()
    while todo:
        key = todo.pop()
        record = records[key]
        pids = {previous[key]} if key in previous else set()
        for pid in pids - pids_seen:
            pids_seen.add(pid)
            for k, (r, _, _) in rows_in(conn, "person_id", [pid], " AND family = 'group'").items():
                if k not in records:
                    records[k] = r
                    todo.append(k)
        gkey = group_key_text(record)
        if gkey == "[]":
            continue
        mine = persons_of(conn, [key[0]])[key[0]]
        rare = {p for p in mine if rare_articles(p) is not None}
        near = {a for p in rare for a in rare_articles(p) or ()} - {key[0]}
        theirs = persons_of(conn, near)
        for article in near:
            if len(rare & theirs[article]) < people.STORY_SHARED:
                continue
            for k, (r, _, pid) in linking_rows(
                conn, "article_id = ? AND family = 'group' AND group_key = ?", (article, gkey)
            ).items():
                if k not in records:
                    records[k] = r
                    if pid is not None:
                        previous.setdefault(k, pid)
                    todo.append(k)
    return records


# --- statements -------------------------------------------------------------------------------


def relink_statements(conn: sqlite3.Connection, articles: set[str], moved: set[Key]) -> None:
    """Relink the statements the changed articles' quotes and the quotes whose person changed reach."""
    seeds: set[int] = set()
    for chunk in chunks(sorted(articles)):
        sql = f"SELECT id FROM quotes WHERE article_id IN ({','.join('?' * len(chunk))})"
        seeds |= {row[0] for row in conn.execute(sql, chunk)}
    new = derived.load_quote_records(conn, seeds)
    store_quotes(conn, new)
    for article, entity in moved:
        rows = conn.execute(
            "SELECT id FROM quotes WHERE article_id = ? AND speaker_name IS NOT NULL"
            " AND coalesce(speaker_entity, '~' || speaker_name) = ?",
            (article, entity),
        )
        seeds |= {row[0] for row in rows}
    old = {row[0] for row in conn.execute("SELECT statement_id FROM pending_statements")}
    quotes = derived.load_quote_records(conn, seeds)
    old |= statements_of(conn, quotes.values())
    quotes.update(derived.load_quote_records(conn, members_of(conn, old)))
    todo = list(quotes)
    while todo:
        found = set()
        for qid in todo:
            found |= linked(conn, qid, quotes[qid]) - set(quotes)
        more = derived.load_quote_records(conn, found)
        statements = statements_of(conn, more.values()) - old
        old |= statements
        more.update(derived.load_quote_records(conn, members_of(conn, statements) - set(quotes) - set(more)))
        quotes.update(more)
        todo = list(more)
    derived.write_statements(conn, quotes, link_statements(list(quotes.values())), old)


def statements_of(conn: sqlite3.Connection, quotes: Iterable[QuoteRecord]) -> set[int]:
    out = set()
    for q in quotes:
        rows = conn.execute(
            "SELECT statement_id FROM statement_quotes WHERE article_id = ? AND quote_id = ?",
            (q.article, q.quote),
        )
        out |= {row[0] for row in rows}
    return out


def members_of(conn: sqlite3.Connection, statements: Iterable[int]) -> set[int]:
    out = set()
    for chunk in chunks(sorted(set(statements))):
        sql = (
            "SELECT q.id FROM statement_quotes s JOIN quotes q ON q.article_id = s.article_id"
            f" AND q.quote_id = s.quote_id WHERE s.statement_id IN ({','.join('?' * len(chunk))})"
        )
        out |= {row[0] for row in conn.execute(sql, chunk)}
    return out


def linked(conn: sqlite3.Connection, qid: int, quote: QuoteRecord) -> set[int]:
    """The quotes link_statements may link `quote` with: its candidates (shared index keys, a
    copy, or the same person's close embeddings) that statements' own comparison accepts."""
    keys = quote_keys(quote)
    shared: dict[int, int] = defaultdict(int)
    copies = set()
    for key in keys:
        for (other,) in conn.execute("SELECT quote FROM quote_keys WHERE key = ?", (key,)):
            if other == qid:
                continue
            if key.startswith(COPY_KEY):
                copies.add(other)
            else:
                shared[other] += 1
    candidates = copies | {o for o, n in shared.items() if n >= 2}
    near = set()
    if quote.named_person is not None:
        (blob,) = conn.execute("SELECT vector FROM quote_vectors WHERE quote = ?", (qid,)).fetchone()
        mine = np.frombuffer(blob, dtype=np.float32)
        rows = conn.execute(
            "SELECT v.quote, v.vector FROM quotes q JOIN quote_vectors v ON v.quote = q.id"
            " WHERE q.person_id = ?",
            (quote.person,),
        )
        for other, vector in rows:
            if other != qid and float(np.frombuffer(vector, dtype=np.float32) @ mine) >= PARAPHRASE_SAME:
                near.add(other)
    others = derived.load_quote_records(conn, candidates | near)
    out = set()
    size = len(text_wording(compared_text(quote)).terms)
    for other, record in others.items():
        if (
            quote.person != record.person
            and quote.named_person is not None
            and record.named_person is not None
        ):
            continue
        n = shared.get(other, 0)
        found = (
            other in copies
            or n >= 3
            or (n == 2 and min(size, len(text_wording(compared_text(record)).terms)) <= 2)
            or (other in near and record.named_person is not None)
        )
        if found and _Comparer([quote, record]).linkable(0, 1)[0]:
            out.add(other)
    return out
