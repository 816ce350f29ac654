"""Search latency over a big store, measured in-process through the one library call the CLI and
the web app use (store.search.search_quotes, default limit 50, with its total count), and the
store's bytes per quote.

    .venv/bin/python benchmarks/store_build.py            # once: a synthetic store of 1M quotes
    .venv/bin/python benchmarks/store_search.py [--db FILE] [--queries N] [--out FILE]

Query sets, drawn from the store itself with a fixed seed:
- text: half of them one word drawn uniformly from the ranks 50 to 20,000 of the words by the
  number of quotes holding them (the 50 commonest, "the", "said", are not what people look for;
  the very commonest is timed apart as the worst case), half two words of one stored quote (what
  someone who remembers a quote types);
- speaker: a speaker drawn in proportion to how often they are quoted (the popular are looked up
  most), by a random one of their spellings (full name or bare surname).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from saywho.store import connect
from saywho.store.search import search_quotes

DEFAULT_DB = Path("/tmp/saywho-bench/store_1m.db")
DEFAULT_OUT = Path(__file__).parent / "results" / "store_search.json"
COMMONEST_SKIPPED = 50
RANKS = 20_000
WARM_UP = 20


def text_queries(conn, count: int, rng: random.Random) -> tuple[list[str], str]:
    """`count` text queries, and the commonest word (the worst case)."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocabulary USING fts5vocab(main, quotes_fts, 'row')"
    )
    words = [
        r[0] for r in conn.execute("SELECT term FROM temp.vocabulary ORDER BY doc DESC LIMIT ?", (RANKS,))
    ]
    common, pool = set(words[:COMMONEST_SKIPPED]), words[COMMONEST_SKIPPED:]
    highest = conn.execute("SELECT max(id) FROM quotes").fetchone()[0]
    queries = []
    while len(queries) < count:
        if len(queries) % 2 == 0:
            queries.append(rng.choice(pool))
            continue
        row = conn.execute(
            "SELECT content FROM quotes WHERE id >= ? LIMIT 1", (rng.randint(1, highest),)
        ).fetchone()
        found = [w for w in dict.fromkeys(row[0].lower().split()) if w not in common]
        if len(found) >= 2:
            queries.append(" ".join(rng.sample(found, 2)))
    return queries, words[0]


def speaker_queries(conn, count: int, rng: random.Random) -> list[str]:
    rows = conn.execute(
        "SELECT p.aliases, count(*) FROM quotes q JOIN persons p ON p.id = q.person_id GROUP BY p.id"
    ).fetchall()
    spellings = [json.loads(aliases) for aliases, _ in rows]
    chosen = rng.choices(spellings, weights=[n for _, n in rows], k=count)
    return [rng.choice(aliases) for aliases in chosen]


def timed(run: Callable[[], tuple[list, int]]) -> tuple[float, int]:
    started = time.perf_counter()
    _, total = run()
    return (time.perf_counter() - started) * 1000, total


def percentiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(statistics.fmean(times), 2),
    }


def queries(conn, count: int, seed: int) -> tuple[int, list[str], str, list[str]]:
    """The store's number of quotes, `count` text queries with the commonest word among them, and
    `count` speaker queries, drawn with `seed` (this benchmark and web_search.py ask the same)."""
    rng = random.Random(seed)
    quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    texts, commonest = text_queries(conn, count, rng)
    return quotes, texts, commonest, speaker_queries(conn, count, rng)


def measure(db: Path, count: int, seed: int) -> dict:
    conn = connect(db, create=False)
    quotes, texts, commonest, speakers = queries(conn, count, seed)
    for query in texts[:WARM_UP]:  # the first touches of a cold file say more about the disk
        search_quotes(conn, query)
    results: dict = {"db": str(db), "quotes": quotes, "queries_each": count}
    for kind, runs in (
        ("text", [lambda q=q: search_quotes(conn, q) for q in texts]),
        ("speaker", [lambda s=s: search_quotes(conn, speaker=s) for s in speakers]),
    ):
        measured = [timed(run) for run in runs]
        results[kind] = percentiles([ms for ms, _ in measured])
        results[kind]["median_matches"] = statistics.median(total for _, total in measured)
    ms, total = timed(lambda: search_quotes(conn, commonest))
    results["worst_text"] = {"query": commonest, "matches": total, "ms": round(ms, 1)}
    conn.close()
    size = sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())
    results["bytes"] = size
    results["bytes_per_quote"] = round(size / quotes)
    return results


def run(description: str, measure: Callable[[Path, int, int], dict], default_out: Path) -> None:
    """The command line of this benchmark and of web_search.py: measure a store, write the JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"default {DEFAULT_DB}")
    parser.add_argument("--queries", type=int, default=300, help="queries of each kind (default 300)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=default_out, help=f"default {default_out}")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db}: no store; build one with benchmarks/store_build.py")
    results = measure(args.db, args.queries, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


def main() -> None:
    run(__doc__.split("\n\n")[0], measure, DEFAULT_OUT)


if __name__ == "__main__":
    main()
