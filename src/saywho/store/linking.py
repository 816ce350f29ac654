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
  records of the changed articles are relinked, and those of every article of a rare person
  whose other articles changed (a merge, a split) or who stops or starts being rare, with those
  sharing a description and a rare person with them; when the corpus grows past a square
  (the bound itself moves, for every person) the store is relinked whole (every 2 sqrt(N)
  articles: a 10,000 article store, once in 200).
- Statements: components of the graph of the pairs statements.link_statements can link (a
  candidate through shared index keys or a person's embeddings that `linkable` accepts), grown
  from the quotes of the changed articles, the quotes whose person changed, and every report of
  a statement any of them was in. Candidates are read a *wording class* at a time (the quotes
  alike to comparison but for their speaker, `quote_digest`: a syndicated quote's copies are
  one), from tables holding a row per class and key, so what a new quote reads grows with the
  distinct wordings sharing its keys, not with their copies. The best-first order of links and
  the chains it refuses (`_groups`: one quote per article, centres close) act within a component
  only. Words are weighed by a fixed reference (statements.term_weight), not by the store: a
  store-wide weight made every link depend on every quote.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from saywho import people
from saywho.embedding import embed
from saywho.names import _DATELINE_TAG, _EDGE_PUNCTUATION, _word
from saywho.people import SpeakerRecord, parse_name
from saywho.statements import (
    PARAPHRASE_SAME,
    QuoteRecord,
    Statement,
    _Comparer,
    common_keys,
    compared_text,
    index_keys,
    link_statements,
    may_pair,
    text_wording,
)
from saywho.store import derived, units
from saywho.store.derived import chunks
from saywho.store.schema import RELINK_KEY, get_meta, group_speaks, set_meta, transaction
from saywho.store.write import STALE_KEY, to_json

Key = tuple[str, str]  # (article id, entity id)
ARTICLES_KEY = "linked_articles"  # articles naming anyone (people.merge_groups's corpus size)
MEMO_SIZE = 100_000  # comparisons of classes of quotes remembered in one relinking
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
    """Write cleaned records and their names' blocking keys (`persons`: the person each was last in)."""
    rows, names = [], set()
    for key, (r, fam) in records.items():
        gkey = group_key_text(r) if fam == "group" else None
        rows.append((*key, fam, r.name, r.type, to_json(list(r.aliases)), to_json(list(r.titles)), gkey))
        if fam == "person":
            names.add(r.name)
    conn.executemany(
        "INSERT INTO linking_records (article_id, entity, family, name, type, aliases, titles, group_key,"
        " person_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, persons.get(row[:2])) for row in rows],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO name_keys (key, name) VALUES (?, ?)",
        [(k, name) for name in names if (n := parse_name(name)) for k in people.blocking_keys(n)],
    )


def forget_articles(conn: sqlite3.Connection, articles: Iterable[str]) -> None:
    for chunk in chunks(sorted(set(articles))):
        marks = ",".join("?" * len(chunk))
        for table in ("linking_records", "article_places", "article_ngrams"):
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


def quote_digest(quote: QuoteRecord) -> str:
    """What statement comparison reads of a quote besides its speaker (its compared words, the
    fragments its sentences are cut at, its type, whether a pronoun named the speaker): copies of
    one quote share it, are one wording class, and are compared once."""
    seen = [compared_text(quote), list(quote.quoted), quote.type, quote.pronoun]
    return hashlib.sha1(to_json(seen).encode("utf-8")).hexdigest()


def class_ids(conn: sqlite3.Connection, digests: Iterable[str]) -> dict[str, int]:
    out = {}
    for chunk in chunks(sorted(set(digests))):
        sql = f"SELECT digest, id FROM wording_classes WHERE digest IN ({','.join('?' * len(chunk))})"
        out.update(conn.execute(sql, chunk).fetchall())
    return out


def store_quotes(conn: sqlite3.Connection, quotes: dict[int, QuoteRecord]) -> None:
    """Put each quote in its wording class, with its speaker as comparison sees it; a wording not
    stored yet gets its class, keys and embedding (a copy costs a row, not an embedding)."""
    ids = sorted(quotes)
    digests = {i: quote_digest(quotes[i]) for i in ids}
    known = class_ids(conn, digests.values())
    new: dict[str, QuoteRecord] = {}
    for i in ids:
        if digests[i] not in known:
            new.setdefault(digests[i], quotes[i])
    if new:
        order = sorted(new)
        texts = [compared_text(new[d]) for d in order]
        vectors = embed(texts)
        conn.executemany(
            "INSERT INTO wording_classes (digest, vector, terms) VALUES (?, ?, ?)",
            [(d, vectors[n].tobytes(), len(text_wording(texts[n]).terms)) for n, d in enumerate(order)],
        )
        known.update(class_ids(conn, order))
        conn.executemany(
            "INSERT OR IGNORE INTO class_keys (key, class) VALUES (?, ?)",
            [(k, known[d]) for d in order for k in quote_keys(new[d])],
        )
    conn.executemany(
        "INSERT OR REPLACE INTO quote_classes (quote, class, grp, person)"
        f" SELECT q.id, ?, {group_speaks('q')}, coalesce(q.person_id, 0) FROM quotes q WHERE q.id = ?",
        [(known[digests[i]], i) for i in ids],
    )


# --- the whole store --------------------------------------------------------------------------


def rare_bound(articles: int) -> int:
    return math.floor(people.rare_spread(articles or 1))


def relink(conn: sqlite3.Connection, scheduler: str | None = None) -> None:
    """Relink every person and statement of the store from its articles (after a model change,
    or a store made before the linking tables): in one transaction."""
    with transaction(conn):
        for table in (
            "linking_records", "name_keys", "article_places", "article_ngrams", "linking_units",
            "unit_counts", "unit_keys", "quote_classes", "class_keys", "wording_classes",
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
        every_unit = units.add_records(conn, records)
        # Each unit starts in the person most of its records were in: ids survive a relink.
        conn.execute(
            "UPDATE linking_units SET person_id = (SELECT person_id FROM linking_records r"
            " WHERE r.unit = linking_units.id AND r.person_id IS NOT NULL GROUP BY r.person_id"
            " ORDER BY count(*) DESC, r.person_id LIMIT 1)"
        )
        ledger = derived.PersonIds()
        fresh = {k: previous.get(k) for k, (_, fam) in records.items() if fam != "group"}
        units.link_units(conn, every_unit, fresh, set(previous.values()), ledger)
        named = {k[0] for k, (_, fam) in records.items() if fam in ("person", "alone", "group")}
        set_meta(conn, ARTICLES_KEY, str(len(named)))
        groups = {k: r for k, (r, fam) in records.items() if fam == "group"}
        previous_groups = {k: previous[k] for k in groups if k in previous}
        link_group_records(conn, groups, previous_groups, len(named), ledger=ledger)
        ledger.finish(conn)
        quotes = load_quotes(conn)
        store_quotes(conn, quotes)
        old = {row[0] for row in conn.execute("SELECT id FROM statements")}
        derived.write_statements(conn, quotes, linked_statements(quotes, scheduler), old)
        finish(conn)


def linked_statements(quotes: dict[int, QuoteRecord], scheduler: str | None) -> list[Statement]:
    """link_statements over `quotes`, here or on the Dask cluster at `scheduler` (store/cluster.py)."""
    if scheduler:
        from saywho.store.cluster import link_statements_on

        return link_statements_on(list(quotes.values()), scheduler)
    return link_statements(list(quotes.values()))


def finish(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM pending_articles")
    conn.execute("DELETE FROM pending_statements")
    set_meta(conn, STALE_KEY, "0")
    set_meta(conn, RELINK_KEY, "0")


def persons_of(conn: sqlite3.Connection, articles: Iterable[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for chunk in chunks(sorted(set(articles))):
        sql = (
            "SELECT article_id, person_id FROM linking_records"
            " WHERE family IN ('person', 'alone', 'organisation')"
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
    ledger: derived.PersonIds | None = None,
) -> set[Key]:
    """The unnamed groups of `records` (closed under link_groups's rule), written."""
    bound = rare_bound(articles)
    persons = persons_of(conn, {k[0] for k in records})
    rare = {p for ps in persons.values() for p in ps if len(person_articles(conn, p, bound + 1)) <= bound}
    ordered = [records[k] for k in sorted(records)]
    groups = people.link_groups(ordered, persons, rare)
    return derived.write_persons(conn, groups, previous, set(records) | set(previous), rewrite, ledger)


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


def refresh(conn: sqlite3.Connection, scheduler: str | None = None) -> None:
    """Relink what the pending articles reach (everything, when the store asks for it); the
    statements on the Dask cluster at `scheduler` when given."""
    if get_meta(conn, RELINK_KEY) == "1":
        relink(conn, scheduler)
        return
    with transaction(conn):
        if not incremental(conn, scheduler):
            conn.execute("ROLLBACK")
            conn.execute("BEGIN IMMEDIATE")
            set_meta(conn, RELINK_KEY, "1")
    if get_meta(conn, RELINK_KEY) == "1":
        relink(conn, scheduler)


def incremental(conn: sqlite3.Connection, scheduler: str | None = None) -> bool:
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

    # People and organisations: the units the changed records reach, through their names, keys
    # and old persons (units.closure); a unit's other records are not read unless it moves.
    removed = {k: (r, fam) for k, (r, fam, _) in old.items()}
    seeds = units.add_records(conn, removed, -1) | units.add_records(conn, fresh)
    component = units.closure(conn, seeds)
    left = {old_person[k] for k, (_, fam, _) in old.items() if fam != "group" and k in old_person}
    bound_before, bound_after = rare_bound(before_n), rare_bound(after_n)
    # Unnamed groups hang on which rare persons each article names (people.group_edge). The
    # changed articles' groups are relinked, and group_closure follows them to the groups they
    # join or leave; the groups of other articles change only when a rare person's articles
    # other than the changed ones change, or a person stops or starts being rare: then all of
    # its articles, before and after, have their groups relinked. (A person merely named by one
    # more article, rare before and after, leaves its other articles' groups as they were.)
    articles = changed | recleaned
    reached = left | {u.person for u in units.load_units(conn, component).values() if u.person is not None}
    named_before: dict[int, set[str]] = defaultdict(set)
    for (article, _), (_, _, pid) in old.items():
        if pid is not None and article in changed:
            named_before[pid].add(article)
    for pid in reached:
        others = set(person_articles(conn, pid, bound_before + 1 + len(changed))) - changed
        named_before[pid] |= others
    ledger = derived.PersonIds()
    # A changed article's records are stored anew, in no person: each is written.
    fresh_people = {
        k: None if k[0] in changed else old_person.get(k) for k, (_, fam) in fresh.items() if fam != "group"
    }
    moved, after_people = units.link_units(conn, component, fresh_people, left, ledger)
    dropped = [(None, *k) for k in old if k not in fresh and k[0] not in changed]
    derived.set_record_persons(conn, dropped)
    moved |= {k for _, *k in dropped}
    for pid in reached | set(after_people):
        before, after = named_before.get(pid, set()), set(person_articles(conn, pid, bound_after + 1))
        rare_before, rare_after = len(before) <= bound_before, len(after) <= bound_after
        if (rare_before or rare_after) and (rare_before != rare_after or before - changed != after - changed):
            articles |= (before if rare_before else set()) | (after if rare_after else set())
    group_previous = {k: pid for k, (_, fam, pid) in old.items() if fam == "group" and pid is not None}
    group_seeds = {k: r for k, (r, fam) in fresh.items() if fam == "group"}
    for key, (r, _, pid) in rows_in(conn, "article_id", articles, " AND family = 'group'").items():
        group_seeds[key] = r
        if pid is not None:
            group_previous.setdefault(key, pid)
    group_touched = set(group_seeds) | set(group_previous)
    groups = group_closure(conn, group_seeds, group_previous, group_touched, bound_after)
    rewrite = {k for k in fresh if k[0] in changed}
    moved |= link_group_records(
        conn,
        groups,
        {k: group_previous[k] for k in set(groups) | group_touched if k in group_previous},
        after_n,
        rewrite,
        ledger,
    )
    ledger.finish(conn)
    relink_statements(conn, changed, moved, scheduler)
    finish(conn)
    return True


def group_closure(
    conn: sqlite3.Connection,
    seeds: dict[Key, SpeakerRecord],
    previous: dict[Key, int],
    touched: set[Key],
    bound: int,
) -> dict[Key, SpeakerRecord]:
    """The group records linked to `seeds` (people.group_edge), old groups whole. Each article's
    persons and each article's groups of a description are read once, however many records of
    the closure (copies of one story) lead to them."""
    records = dict(seeds)
    rare_cache: dict[int, list[str] | None] = {}
    named: dict[str, set[int]] = {}
    expanded: set[tuple[str, str]] = set()  # (article, description) whose neighbours were read
    read: set[tuple[str, str]] = set()  # (article, description) whose group records were read

    def rare_articles(pid: int) -> list[str] | None:
        if pid not in rare_cache:
            found = person_articles(conn, pid, bound + 1)
            rare_cache[pid] = found if len(found) <= bound else None
        return rare_cache[pid]

    def persons(articles: set[str]) -> dict[str, set[int]]:
        unread = articles - set(named)
        named.update(dict.fromkeys(unread, set()) | persons_of(conn, unread))
        return {a: named[a] for a in articles}

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
        if gkey == "[]" or (key[0], gkey) in expanded:
            continue  # another record of this article and description led here already
        expanded.add((key[0], gkey))
        mine = persons({key[0]})[key[0]]
        rare = {p for p in mine if rare_articles(p) is not None}
        near = {a for p in rare for a in rare_articles(p) or ()} - {key[0]}
        theirs = persons(near)
        for article in near:
            if len(rare & theirs[article]) < people.STORY_SHARED or (article, gkey) in read:
                continue
            read.add((article, gkey))
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


def relink_statements(
    conn: sqlite3.Connection, articles: set[str], moved: set[Key], scheduler: str | None = None
) -> None:
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
    # An unsure speaker's quote may be said by the persons its article names (statements.may_pair):
    # where one of them moved, the article's unsure quotes are seeds too.
    seeds |= unsure_quotes(conn, {article for article, _ in moved})
    old = {row[0] for row in conn.execute("SELECT statement_id FROM pending_statements")}
    # The quotes counted up to twice the seeds only: a small change costs no count of the store.
    stored = conn.execute("SELECT count(*) FROM (SELECT 1 FROM quotes LIMIT ?)", (2 * len(seeds) + 1,))
    if len(seeds) * 2 >= stored.fetchone()[0]:
        # Most of the store changed (a first, bulk ingest): all of it is linked, with no search
        # for what the change reaches, which would cost more.
        quotes = load_quotes(conn)
        old |= {row[0] for row in conn.execute("SELECT id FROM statements")}
        derived.write_statements(conn, quotes, linked_statements(quotes, scheduler), old)
        return
    quotes = load_quotes(conn, seeds)
    old |= statements_of(conn, quotes.values())
    quotes.update(load_quotes(conn, members_of(conn, old)))
    todo = list(quotes)
    seen = Comparisons()
    known = dict(quotes)  # every record read, for linked's check of speakers
    while todo:
        found = set()
        for qid in todo:
            seen.bound()
            found |= {other for other in linked(conn, qid, quotes[qid], seen, known) if other not in quotes}
        more = {qid: known[qid] for qid in found}
        statements = statements_of(conn, more.values()) - old
        old |= statements
        more.update(load_quotes(conn, members_of(conn, statements) - set(quotes) - set(more)))
        quotes.update(more)
        todo = list(more)
    derived.write_statements(conn, quotes, linked_statements(quotes, scheduler), old)


def load_quotes(conn: sqlite3.Connection, ids: Iterable[int] | None = None) -> dict[int, QuoteRecord]:
    """Stored quotes (all, or those of the row ids `ids`) as linking sees them
    (derived.load_quote_records), an unsure speaker's with the persons its article names
    (`persons_of`; statements.may_pair reads them)."""
    records = derived.load_quote_records(conn, ids)
    unsure = {q.article for q in records.values() if q.named_person is None}
    named = {article: frozenset(persons) for article, persons in persons_of(conn, unsure).items()}
    for qid, q in records.items():
        if q.named_person is None and q.article in named:
            records[qid] = replace(q, article_persons=named[q.article])
    return records


def unsure_quotes(conn: sqlite3.Connection, articles: Iterable[str]) -> set[int]:
    """The quotes of `articles` whose speaker is unsure (QuoteRecord.named_person)."""
    ids: set[int] = set()
    for chunk in chunks(sorted(set(articles))):
        sql = f"SELECT id FROM quotes WHERE article_id IN ({','.join('?' * len(chunk))})"
        ids |= {row[0] for row in conn.execute(sql, chunk)}
    return {qid for qid, q in derived.load_quote_records(conn, ids).items() if q.named_person is None}


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


ClassKey = tuple[int, int, int]  # (wording class, group, relation): what comparison sees of a candidate
# A candidate's speaker beside a quote's (person `?2`, -1 for none; `?3`: the same, 0 for none):
# none (0), the same person (1), another (2, the persons below it and above it).
RELATIONS = ((0, "person = 0"), (1, "person = ?2"), (2, "person > 0 AND person < ?2"), (2, "person > ?3"))
# A quote of each (group, relation) of each wording class in `?4` other than the quote `?1`: index
# seeks, however many copies the class holds.
REPRESENTATIVES = "SELECT c.value, " + ", ".join(
    f"(SELECT quote FROM quote_classes WHERE class = c.value AND grp = {group} AND {where} AND quote != ?1"
    " LIMIT 1)"
    for group in (0, 1)
    for _, where in RELATIONS
) + " FROM json_each(?4) c"  # fmt: skip
# The wording classes a person's quotes are in, one index seek each (not a row per copy).
PERSON_CLASSES = (
    "WITH RECURSIVE s(c) AS ("
    "SELECT (SELECT class FROM quote_classes WHERE person = ?1 ORDER BY class LIMIT 1) UNION ALL"
    " SELECT (SELECT class FROM quote_classes WHERE person = ?1 AND class > s.c ORDER BY class LIMIT 1)"
    " FROM s WHERE s.c IS NOT NULL)"
    " SELECT w.id, w.vector FROM s JOIN wording_classes w ON w.id = s.c"
)


class Comparisons:
    """What one relinking remembers (bounded: MEMO_SIZE): each pair of classes compared, and each
    person's wording classes with their embeddings (the candidates close in meaning)."""

    def __init__(self) -> None:
        self.accepted: dict[tuple[tuple, ClassKey], bool] = {}
        self.persons: dict[int, tuple[list[int], np.ndarray]] = {}

    def bound(self) -> None:
        if len(self.accepted) + len(self.persons) > MEMO_SIZE:
            self.accepted.clear()  # memory stays bounded; comparisons are only repeated
            self.persons.clear()

    def person_classes(self, conn: sqlite3.Connection, person: int) -> tuple[list[int], np.ndarray]:
        if person not in self.persons:
            rows = conn.execute(PERSON_CLASSES, (person,)).fetchall()
            vectors = [np.frombuffer(v, dtype=np.float32) for _, v in rows]
            self.persons[person] = ([c for c, _ in rows], np.stack(vectors) if vectors else np.zeros((0, 0)))
        return self.persons[person]


def relation_params(quote: QuoteRecord) -> tuple[int, int]:
    return (-1, 0) if quote.person is None else (quote.person, quote.person)


def representatives(
    conn: sqlite3.Connection, qid: int, quote: QuoteRecord, classes: Iterable[int]
) -> dict[ClassKey, int]:
    """A quote other than `qid` of each (group, relation) of `classes` that has one."""
    out: dict[ClassKey, int] = {}
    same, above = relation_params(quote)
    for chunk in chunks(sorted(set(classes))):
        for cls, *found in conn.execute(REPRESENTATIVES, (qid, same, above, json.dumps(chunk))):
            for n, other in enumerate(found):
                if other is not None:
                    out.setdefault((cls, n // len(RELATIONS), RELATIONS[n % len(RELATIONS)][0]), other)
    return out


def class_members(conn: sqlite3.Connection, quote: QuoteRecord, found: ClassKey) -> set[int]:
    """Every quote of the wording class, group and relation `found`."""
    cls, group, relation = found
    same, above = relation_params(quote)
    out = set()
    for kind, where in RELATIONS:
        if kind == relation:
            sql = f"SELECT quote FROM quote_classes WHERE class = ?1 AND grp = ?4 AND {where}"
            out |= {row[0] for row in conn.execute(sql, (cls, same, above, group))}
    return out


def linked(
    conn: sqlite3.Connection, qid: int, quote: QuoteRecord, seen: Comparisons, known: dict[int, QuoteRecord]
) -> set[int]:
    """The quotes link_statements may link `quote` with: its candidates (shared index keys, a
    copy, or the same person's close embeddings) that statements' own comparison accepts. The
    candidates are wording classes (a quote's copies are one, alike to comparison) read from
    their keys' rows and each person's classes, then split by what comparison sees of their
    speakers (`ClassKey`); each pair is compared once a relinking (`seen`), with the stored
    embeddings; the quotes of a class accepted are then read whole (into `known`, the records
    read so far), and those whose speakers may not be the quote's (statements.may_pair) left out."""
    mine_class, blob = conn.execute(
        "SELECT c.class, w.vector FROM quote_classes c JOIN wording_classes w ON w.id = c.class"
        " WHERE c.quote = ?",
        (qid,),
    ).fetchone()
    mine = np.frombuffer(blob, dtype=np.float32)
    shared: dict[int, int] = defaultdict(int)
    keys = sorted(quote_keys(quote) - {copy_key(quote)})
    for chunk in chunks(keys):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT class, count(*) FROM class_keys WHERE key IN ({marks}) GROUP BY class"
        for cls, n in conn.execute(sql, chunk):
            shared[cls] += n
    copies = {
        row[0] for row in conn.execute("SELECT class FROM class_keys WHERE key = ?", (copy_key(quote),))
    }
    near: set[int] = set()
    if quote.named_person is not None:
        classes, vectors = seen.person_classes(conn, quote.person)
        if classes:
            near = {c for c, score in zip(classes, vectors @ mine, strict=True) if score >= PARAPHRASE_SAME}
    size = len(text_wording(compared_text(quote)).terms)
    # A pair link_statements scores: a copy, three keys shared, two when either quote has at most
    # two terms, or (between named persons) close in meaning. Others are not read.
    two = [c for c, n in shared.items() if n == 2 and c not in copies]
    short = set(two) if size <= 2 else set(class_terms(conn, two, 2))
    scored = copies | {c for c, n in shared.items() if n >= 3 or c in short}
    mine_key = (mine_class, quote.person, int(quote.group))
    found = {
        key: other
        for key, other in representatives(conn, qid, quote, scored | near).items()
        if key[0] in scored or key[2] == 1
    }
    new = {key: other for key, other in found.items() if (mine_key, key) not in seen.accepted}
    for key, ok in accepted(conn, quote, mine, new, scored).items():
        seen.accepted[(mine_key, key)] = ok
    out = set()
    for key in found:
        if seen.accepted[(mine_key, key)]:
            out |= class_members(conn, quote, key) - {qid}
    known.update(load_quotes(conn, [other for other in out if other not in known]))
    return {other for other in out if may_pair(quote, known[other])}


def class_terms(conn: sqlite3.Connection, classes: Iterable[int], most: int) -> list[int]:
    """The wording classes of `classes` with at most `most` terms."""
    out = []
    for chunk in chunks(sorted(set(classes))):
        sql = f"SELECT id FROM wording_classes WHERE terms <= ? AND id IN ({','.join('?' * len(chunk))})"
        out += [row[0] for row in conn.execute(sql, (most, *chunk))]
    return out


def accepted(
    conn: sqlite3.Connection,
    quote: QuoteRecord,
    vector: np.ndarray,
    candidates: dict[ClassKey, int],
    scored: set[int],
) -> dict[ClassKey, bool]:
    """Whether link_statements may link `quote` with each candidate (a class and a quote of it),
    found through its keys, a copy (`scored`), or else close in meaning: statements' own
    comparison, one comparer for them all (each wording read once)."""
    records = derived.load_quote_records(conn, set(candidates.values()))
    out, compared = {}, []
    for key, other in candidates.items():
        record = records[other]
        if (
            quote.person != record.person
            and quote.named_person is not None
            and record.named_person is not None
        ):
            out[key] = False
        elif key[0] not in scored and record.named_person is None:
            out[key] = False  # close in meaning is a candidate between named persons only
        else:
            compared.append(key)
    if compared:
        blobs = dict(class_vectors(conn, {key[0] for key in compared}))
        vectors = np.stack([vector, *(np.frombuffer(blobs[key[0]], dtype=np.float32) for key in compared)])
        comparer = _Comparer([quote, *(records[candidates[key]] for key in compared)], vectors)
        for n, key in enumerate(compared, 1):
            out[key] = comparer.linkable(0, n)[0]
    return out


def class_vectors(conn: sqlite3.Connection, classes: Iterable[int]) -> list[tuple[int, bytes]]:
    out = []
    for chunk in chunks(sorted(set(classes))):
        sql = f"SELECT id, vector FROM wording_classes WHERE id IN ({','.join('?' * len(chunk))})"
        out += conn.execute(sql, chunk).fetchall()
    return out
