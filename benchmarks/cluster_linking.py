"""Statement linking of a bulk ingest: in this process and on a two-worker Dask LocalCluster.

The quotes of ARTICLES articles, synthetic from PolNeAR dev's analyses (84 articles, analysed
once): copy n of an article is its analysis under a new id, with every content word of its quotes
and every speaker's name marked as the copy's (word -> word + "q" + n): each copy is a corpus of
its own, as distinct as real articles, rather than syndicated copies of one (which would make a
statement of every copy). The quotes are linked by link_statements in this process, then by
store/cluster.py on a LocalCluster of two worker processes (one thread each); the statements must
be equal. Wall time, and peak memory (PSS of this process and every child, sampled twice a
second) of each.

Run: .venv/bin/python benchmarks/cluster_linking.py [--articles 100000] [--only here|cluster]
Results: benchmarks/results/cluster_linking.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from saywho import analyse_documents
from saywho.model import Document
from saywho.statements import QuoteRecord, link_statements, quote_records
from saywho.store import cluster

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev"
RESULTS = ROOT / "benchmarks" / "results" / "cluster_linking.json"
WORD = re.compile(r"[A-Za-z]{3,}")


def tree_memory(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measured(step: Callable[[], Any]) -> tuple[Any, float, int]:
    """step()'s result, wall seconds and the peak memory of this process tree meanwhile."""
    me = psutil.Process()
    peak = [tree_memory(me)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], tree_memory(me))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return result, seconds, peak[0]


def dev_quotes() -> list[list[QuoteRecord]]:
    """Each dev article's quotes, the speaker's name standing for the person."""
    documents = [Document(text=p.read_text(encoding="utf-8"), id=p.stem) for p in sorted(DEV.glob("*.txt"))]
    out = []
    for analysis in analyse_documents(documents):
        names = {(analysis.document.id, e.id): e.name for e in analysis.entities}
        out.append(quote_records(analysis, names))
    return out


def copied(quote: QuoteRecord, n: int) -> QuoteRecord:
    def mark(text: str) -> str:
        return WORD.sub(lambda m: f"{m[0]}q{n}", text)

    return QuoteRecord(
        f"{quote.article}#{n}", quote.quote, f"{quote.person}#{n}" if quote.person else None, quote.type,
        mark(quote.text), quote.start, quote.end, tuple(mark(q) for q in quote.quoted), quote.pronoun,
        ingested=n,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--only", choices=["here", "cluster"])
    args = parser.parse_args()
    if not DEV.is_dir():
        sys.exit(f"PolNeAR dev not found at {DEV}")
    articles = dev_quotes()
    quotes = [copied(q, i) for i in range(args.articles) for q in articles[i % len(articles)]]
    out: dict[str, Any] = {"articles": args.articles, "quotes": len(quotes)}
    print(f"{args.articles} articles, {len(quotes)} quotes", flush=True)
    linked = {}
    if args.only in (None, "here"):
        statements, seconds, peak = measured(lambda: link_statements(quotes))
        linked["here"] = sorted(sorted(s.members) for s in statements)
        out["in_process"] = {
            "seconds": round(seconds, 1),
            "peak_mb": peak >> 20,
            "statements": len(statements),
        }
        print(f"in process: {seconds:.1f} s, peak {peak >> 20} MB, {len(statements)} statements", flush=True)
    if args.only in (None, "cluster"):
        from distributed import LocalCluster

        def on_cluster() -> list:
            with LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as local:
                return cluster.link_statements_on(quotes, local.scheduler_address)

        statements, seconds, peak = measured(on_cluster)
        linked["cluster"] = sorted(sorted(s.members) for s in statements)
        out["two_workers"] = {
            "seconds": round(seconds, 1),
            "peak_mb": peak >> 20,
            "statements": len(statements),
        }
        print(f"two workers: {seconds:.1f} s, peak {peak >> 20} MB, {len(statements)} statements")
    if len(linked) == 2:
        out["equal"] = linked["here"] == linked["cluster"]
        print(f"equal: {out['equal']}")
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
