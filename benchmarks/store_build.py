"""Build a synthetic store of a million quotes or more, fast: generated rows inserted directly
(no analysis), in the store's own schema, for benchmarks/store_search.py.

    .venv/bin/python benchmarks/store_build.py [--db FILE] [--quotes N] [--seed N]

The corpus imitates news: ~10 quotes an article; 20,000 speakers whose popularity follows a Zipf
law (a few quoted thousands of times, most a handful), each with a full name and a bare surname
as spellings; words drawn from a 40,000-word vocabulary by a Zipf law; 40 outlets; six years of
dates, a fifth of the quotes carrying a resolved time of their own. Each article's text holds its
quotes and a paragraph more, and its analysis JSON is stored as ingest stores it.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

from saywho.store import connect
from saywho.store.derived import fold
from saywho.store.schema import set_meta, transaction
from saywho.store.write import QUOTE_COLUMNS

DEFAULT_DB = Path("/tmp/saywho-bench/store_1m.db")
PERSONS = 20_000
VOCABULARY = 40_000
OUTLETS = 40
ARTICLES_PER_TRANSACTION = 5_000
FIRST_DAY = date(2019, 1, 1)
DAYS = 6 * 365
COMMON = """the of and to a in that is for it on with as was be by at this have from are not
but they we he she has will said would more had their been were about an our there can which one
all new people also so what when no up after if time year could government country two first who
over them us than into some other its president last only years just war""".split()
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["an", "el", "or", "is", "un"]


def pseudo_words(rng: random.Random, count: int, syllables: tuple[int, int], taken: set[str]) -> list[str]:
    """`count` distinct made-up words of a few syllables each, none of them in `taken`."""
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*syllables)))
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def zipf_weights(count: int, exponent: float) -> list[float]:
    """Cumulative weights of ranks 1..count under a Zipf law."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class Corpus:
    """The generators of names, words, outlets and dates, from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        taken = set(COMMON)
        self.vocabulary = COMMON + pseudo_words(self.rng, VOCABULARY - len(COMMON), (2, 4), taken)
        self.word_weights = zipf_weights(len(self.vocabulary), 1.05)
        given = [w.capitalize() for w in pseudo_words(self.rng, 400, (2, 3), taken)]
        surnames = [w.capitalize() for w in pseudo_words(self.rng, 6_000, (3, 4), taken)]
        self.people = [f"{self.rng.choice(given)} {self.rng.choice(surnames)}" for _ in range(PERSONS)]
        self.people = list(dict.fromkeys(self.people))  # a rare repeat dropped
        self.person_weights = zipf_weights(len(self.people), 1.0)
        kinds = itertools.cycle(["Times", "Post", "Herald", "News"])
        self.outlets = [
            f"The {w.capitalize()} {next(kinds)}" for w in pseudo_words(self.rng, OUTLETS, (2, 3), taken)
        ]

    def words(self, count: int) -> str:
        return " ".join(self.rng.choices(self.vocabulary, cum_weights=self.word_weights, k=count))

    def speaker(self) -> int:
        return self.rng.choices(range(len(self.people)), cum_weights=self.person_weights)[0]


def article_rows(corpus: Corpus, number: int, quotes: int) -> tuple[tuple, list[tuple], list[tuple]]:
    """One article's row, its entities' rows and its quotes' rows."""
    rng = corpus.rng
    article_id = f"art{number:07d}"
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    outlet = rng.choice(corpus.outlets)
    text, quote_rows, quote_json, entities = "", [], [], {}
    for position in range(quotes):
        person = corpus.speaker()
        name = corpus.people[person]
        entity = entities.setdefault(person, f"e{len(entities) + 1}")
        words = corpus.words(rng.randint(6, 40))
        start = len(text) + 1
        text += f"“{words},” said {name}. "
        end, mention = start + len(words), text.rindex(name)
        value = (published - timedelta(days=rng.randrange(7))).isoformat() if rng.random() < 0.2 else None
        time_cols = ("last week", end + 2, end + 11, value) if value else (None, None, None, None)
        quote_rows.append((
            article_id, f"q{position + 1}", position, "direct", words, start, end, f"[[{start},{end}]]",
            name, entity, "person", name, mention, mention + len(name),
            "said", "say", mention - 5, mention - 1, None, None, None,
            *time_cols, value or published.isoformat(), 0.9, "[]", person + 1,
        ))  # fmt: skip
        quote_json.append({
            "id": f"q{position + 1}", "type": "direct",
            "content": {"text": words, "start": start, "end": end, "fragments": [[start, end]]},
            "speaker": {"name": name, "entity": entity, "kind": "person",
                        "mention": {"text": name, "start": mention, "end": mention + len(name)}},
            "cue": {"text": "said", "lemma": "say", "start": mention - 5, "end": mention - 1},
            "addressee": None, "time": None, "confidence": 0.9, "flags": [],
        })  # fmt: skip
    text += "\n\n" + corpus.words(rng.randint(40, 120)) + ".\n"
    entity_rows, entity_json = [], []
    for person, entity in entities.items():
        name = corpus.people[person]
        aliases = [name, name.split()[-1]]
        entity_rows.append((article_id, entity, name, "PERSON", json.dumps(aliases), "[]", person + 1))
        entity_json.append({"id": entity, "name": name, "type": "PERSON", "aliases": aliases, "titles": []})
    document = {"id": article_id, "title": None, "published": published.isoformat(), "outlet": outlet,
                "url": f"https://example.org/{article_id}", "path": None}  # fmt: skip
    analysis = {"document": document, "quotes": quote_json, "entities": entity_json, "warnings": []}
    packed = zlib.compress(json.dumps(analysis, ensure_ascii=False, separators=(",", ":")).encode())
    row = (
        article_id, None, outlet, published.isoformat(), document["url"], None, text,
        hashlib.sha256(text.encode()).hexdigest(), "synthetic", packed,
    )  # fmt: skip
    return row, entity_rows, quote_rows


def insert_persons(conn, corpus: Corpus) -> None:
    for pid, name in enumerate(corpus.people, 1):
        aliases = [name, name.split()[-1]]
        conn.execute(
            "INSERT INTO persons (id, name, type, aliases, titles) VALUES (?, ?, 'PERSON', ?, '[]')",
            (pid, name, json.dumps(aliases)),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO person_aliases (key, person_id) VALUES (?, ?)",
            [(fold(a), pid) for a in aliases],
        )
    set_meta(conn, "next_person_id", str(len(corpus.people) + 1))


def build(db: Path, quotes: int, seed: int) -> dict:
    if db.exists():
        sys.exit(f"{db} exists: remove it first (or give another --db)")
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    corpus = Corpus(seed)
    conn = connect(db)
    insert_quote = f"INSERT INTO quotes ({QUOTE_COLUMNS}, person_id) VALUES ({', '.join('?' * 29)})"
    with transaction(conn):
        insert_persons(conn, corpus)
    made, number = 0, 0
    while made < quotes:
        with transaction(conn):
            for _ in range(ARTICLES_PER_TRANSACTION):
                if made >= quotes:
                    break
                count = min(corpus.rng.randint(5, 15), quotes - made)
                article, entity_rows, quote_rows = article_rows(corpus, number, count)
                conn.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", article)
                conn.executemany("INSERT INTO article_entities VALUES (?, ?, ?, ?, ?, ?, ?)", entity_rows)
                conn.executemany(insert_quote, quote_rows)
                made += count
                number += 1
        print(f"\r{made:,} quotes, {number:,} articles", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with transaction(conn):
        set_meta(conn, "derived_stale", "0")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {
        "db": str(db),
        "quotes": made,
        "articles": number,
        "persons": len(corpus.people),
        "bytes": db.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"default {DEFAULT_DB}")
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(build(args.db, args.quotes, args.seed)))


if __name__ == "__main__":
    main()
