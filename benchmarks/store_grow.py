"""Growing a store: the cost of adding one article to stores of 1,000 and 10,000 articles.

The stores are a PolNeAR split's analyses (analysed once: dev's 84 articles, or train's 840 with
--corpus train) stored again and again under new ids, then linked whole (`relink`); the article
added is the founding article (tests/fixtures/seed), stored and linked incrementally, then
deleted (also incremental), REPEATS times: the median of each is reported, and their ratio
between the smallest and the largest store (target: at most 1.25).

Such a store grows by copies of its split's articles: past the split's size, the distinct
wordings a new quote is compared with stay the same. Train's 1,000-article store holds ten times
the distinct wordings of dev's: the two at 1,000 articles show what distinct wordings cost.

Run: .venv/bin/python benchmarks/store_grow.py [--corpus dev|train] [--sizes 1000 10000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from saywho import analyse_documents
from saywho.model import Analysis, Document
from saywho.store import connect, linking
from saywho.store.derived import refresh
from saywho.store.linking import relink
from saywho.store.schema import transaction
from saywho.store.write import delete_articles, write_analyses

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
SEED = ROOT / "tests" / "fixtures" / "seed" / "belarus_volunteers.txt"
RESULTS = ROOT / "benchmarks" / "results"


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


# The parts of an add timed apart: statements, and unnamed groups (found, then linked).
PARTS = {"statements": "relink_statements", "groups": "group_closure", "groups_linked": "link_group_records"}
spent: dict[str, float] = dict.fromkeys(PARTS, 0.0)


def timed(part: str, step: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            spent[part] += time.perf_counter() - start

    return run


for _part, _name in PARTS.items():
    setattr(linking, _name, timed(_part, getattr(linking, _name)))


def add_one(path: Path, article: Analysis, repeats: int) -> tuple[float, float, dict[str, float]]:
    conn = connect(path)
    adds, deletes, parts = [], [], []
    for _ in range(repeats):
        spent.update(dict.fromkeys(PARTS, 0.0))
        start = time.perf_counter()
        with transaction(conn):
            write_analyses(conn, [article], "bench")
        refresh(conn)
        adds.append(time.perf_counter() - start)
        parts.append(dict(spent))
        start = time.perf_counter()
        with transaction(conn):
            delete_articles(conn, [article.document.id])
        refresh(conn)
        deletes.append(time.perf_counter() - start)
    conn.close()
    return (
        statistics.median(adds),
        statistics.median(deletes),
        {p: round(statistics.median(row[p] for row in parts), 3) for p in PARTS},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--corpus", choices=["dev", "train"], default="dev")
    args = parser.parse_args()
    split = POLNEAR / args.corpus
    if not split.is_dir():
        sys.exit(f"PolNeAR {args.corpus} not found at {split}")
    analyses = analyse(sorted(split.glob("*.txt")))
    seed = analyse([SEED])[0]
    out = {"corpus": f"polnear {args.corpus}", "articles_analysed": len(analyses), "sizes": {}}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"store_{size}.db"
            built = build(path, analyses, size)
            add, delete, parts = add_one(path, seed, args.repeats)
            out["sizes"][size] = {
                "build_s": round(built, 1),
                "add_one_s": round(add, 3),
                "delete_one_s": round(delete, 3),
                "add_parts_s": parts,
            }
            print(
                f"{size} articles: built and relinked in {built:.1f} s;"
                f" add one {add:.3f} s ({parts}), delete it {delete:.3f} s"
            )
    small, large = (out["sizes"][s]["add_one_s"] for s in (min(args.sizes), max(args.sizes)))
    out["ratio"] = round(large / small, 2)
    print(f"ratio {max(args.sizes)} / {min(args.sizes)}: {out['ratio']}")
    name = "store_grow.json" if args.corpus == "dev" else f"store_grow_{args.corpus}.json"
    (RESULTS / name).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
