"""Growing a store: the cost of adding one article to stores of 1,000 and 10,000 articles.

The stores are PolNeAR dev's analyses (analysed once) stored again and again under new ids, then
linked whole (`relink`); the article added is the founding article (tests/fixtures/seed), stored
and linked incrementally, then deleted (also incremental), REPEATS times: the median of each is
reported, and their ratio between the two stores (target: at most 1.25).

Run: .venv/bin/python benchmarks/store_grow.py [--sizes 1000 10000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from saywho import analyse_documents
from saywho.model import Analysis, Document
from saywho.store import connect
from saywho.store.derived import refresh
from saywho.store.linking import relink
from saywho.store.schema import transaction
from saywho.store.write import delete_articles, write_analyses

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev"
SEED = ROOT / "tests" / "fixtures" / "seed" / "belarus_volunteers.txt"
RESULTS = ROOT / "benchmarks" / "results" / "store_grow.json"


def analyse(paths: list[Path]) -> list[Analysis]:
    documents = [Document(text=p.read_text(encoding="utf-8"), id=p.stem, path=str(p)) for p in paths]
    return list(analyse_documents(documents))


def renamed(analysis: Analysis, n: int) -> Analysis:
    return replace(analysis, document=replace(analysis.document, id=f"{analysis.document.id}#{n}"))


def build(path: Path, analyses: list[Analysis], size: int) -> float:
    conn = connect(path)
    start = time.perf_counter()
    for first in range(0, size, 500):
        with transaction(conn):
            write_analyses(
                conn,
                [renamed(analyses[i % len(analyses)], i) for i in range(first, min(size, first + 500))],
                "bench",
            )
    relink(conn)
    conn.close()
    return time.perf_counter() - start


def add_one(path: Path, article: Analysis, repeats: int) -> tuple[float, float]:
    conn = connect(path)
    adds, deletes = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        with transaction(conn):
            write_analyses(conn, [article], "bench")
        refresh(conn)
        adds.append(time.perf_counter() - start)
        start = time.perf_counter()
        with transaction(conn):
            delete_articles(conn, [article.document.id])
        refresh(conn)
        deletes.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(adds), statistics.median(deletes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not DEV.is_dir():
        sys.exit(f"PolNeAR dev not found at {DEV}")
    analyses = analyse(sorted(DEV.glob("*.txt")))
    seed = analyse([SEED])[0]
    out = {"articles_analysed": len(analyses), "sizes": {}}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"store_{size}.db"
            built = build(path, analyses, size)
            add, delete = add_one(path, seed, args.repeats)
            out["sizes"][size] = {
                "build_s": round(built, 1),
                "add_one_s": round(add, 3),
                "delete_one_s": round(delete, 3),
            }
            print(
                f"{size} articles: built and relinked in {built:.1f} s;"
                f" add one {add:.3f} s, delete it {delete:.3f} s"
            )
    small, large = (out["sizes"][s]["add_one_s"] for s in (min(args.sizes), max(args.sizes)))
    out["ratio"] = round(large / small, 2)
    print(f"ratio {max(args.sizes)} / {min(args.sizes)}: {out['ratio']}")
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
