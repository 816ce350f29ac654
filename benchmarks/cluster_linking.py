"""Statement linking of a bulk ingest: in this process and on a two-worker Dask LocalCluster.

The quotes of ARTICLES synthetic articles built from PolNeAR train's gold quotes (`synthetic`):
article n draws one of the 840 train articles at random and takes its quotes, each lightly
reworded (synonyms swapped, a word dropped) and its speaker remapped to that speaker in edition
n // 840, so that the distinct wordings and the speakers grow with the articles, the words stay
real English (a word's postings grow with the corpus, as in a real one), and two articles of one
edition drawing one source report its statements twice in slightly different words. The quotes
are linked by link_statements in this process, then by store/cluster.py on a LocalCluster of two
worker processes (one thread each); the statements must be equal (every field). Wall time, and
peak memory (PSS, sampled twice a second) of the process tree, and for the cluster of this
process and of its children (scheduler and workers) apart.

Run: .venv/bin/python benchmarks/cluster_linking.py --articles N [--only here|cluster] (one
process per size). Results: benchmarks/results/cluster_linking.json, the latest run of each size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from saywho.statements import PRONOUN_MENTIONS, QuoteRecord, compared_text, link_statements
from saywho.store import cluster

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "cluster_linking.json"
TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train"
EDITION = 840  # synthetic articles per edition: each edition's speakers are persons of its own
QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
TOKEN = re.compile(r"\S+")
# Speakers that stand for the person named before them: pronouns (the pipeline's `pronoun` flag)
# and relative pronouns ("Trump, who said ...": the pipeline names the antecedent).
RELATIVE = {"who", "which", "that", "whom", "whose", "his", "its", "their", "our"}


def memory(process: psutil.Process) -> tuple[int, int]:
    """PSS of this process, and the sum of its children's (the cluster's scheduler and workers)."""
    sizes = []
    for p in [process, *process.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            sizes.append(getattr(info, "pss", info.rss))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            sizes.append(0)
    return sizes[0], sum(sizes[1:])


def measured(step: Callable[[], Any]) -> tuple[Any, float, dict[str, int]]:
    """step()'s result, wall seconds and the peak memory meanwhile (MB, sampled twice a second): of
    the whole process tree, of this process, of its children."""
    me = psutil.Process()
    peaks = {"peak_mb": 0, "peak_caller_mb": 0, "peak_children_mb": 0}
    done = threading.Event()

    def sample() -> None:
        while True:
            caller, children = memory(me)
            for key, size in (
                ("peak_mb", caller + children),
                ("peak_caller_mb", caller),
                ("peak_children_mb", children),
            ):
                peaks[key] = max(peaks[key], size >> 20)
            if done.wait(0.5):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return result, seconds, peaks


def train_articles() -> list[list[QuoteRecord]]:
    """PolNeAR train's gold quotes, each article's as quote records: a named speaker is the person
    of its last name ("Mr. Trump", "Donald Trump", "Trump": one person, as people.py merges them);
    a pronoun or relative pronoun is the last person named before it in the article (pronoun
    flagged for "he", "she" ...); no speaker, none."""
    articles = []
    for path in sorted(TRAIN.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        records, last = [], None
        for n, q in enumerate(gold["quotes"]):
            speaker = (q.get("speaker") or "").strip()
            lower = speaker.lower()
            if not speaker:
                person, pronoun = None, False
            elif lower in PRONOUN_MENTIONS or lower in RELATIVE:
                person, pronoun = last, lower in PRONOUN_MENTIONS
            else:
                person = last = re.sub(r"[’']s$|\W", "", lower.split()[-1]) or lower
                pronoun = False
            records.append(QuoteRecord(
                path.stem, f"q{n}", person, q["type"], q["content"], q["start"], q["end"],
                pronoun=pronoun, outlet=gold.get("publisher"), published=gold.get("published"),
            ))  # fmt: skip
        articles.append(records)
    return articles


def synonyms() -> dict[str, list[str]]:
    """Word -> the other words of its synonym group (data/synonyms.tsv)."""
    rows = [line.split("\t") for line in (ROOT / "src/saywho/data/synonyms.tsv").read_text().splitlines()]
    return {w: [o for o in row if o != w] for row in rows if not row[0].startswith("#") for w in row}


def perturbed(text: str, rng: random.Random, others: dict[str, list[str]]) -> str:
    """`text` lightly reworded: each word with a synonym swapped for one with odds 0.3, then one word
    (never the first) dropped with odds 0.5, or surely when nothing was swapped."""
    tokens = TOKEN.findall(text)
    swapped = False
    for i, token in enumerate(tokens):
        core = token.strip(".,;:!?\"“”’'()").lower()
        if core in others and rng.random() < 0.3:
            tokens[i] = token.replace(core, rng.choice(others[core])) if core in token else token
            swapped = swapped or tokens[i] != token
    if len(tokens) > 2 and (not swapped or rng.random() < 0.5):
        del tokens[rng.randrange(1, len(tokens))]
    return " ".join(tokens)


def synthetic(count: int, train: list[list[QuoteRecord]]) -> list[QuoteRecord]:
    """The quotes of `count` synthetic articles. Article n (id sNNNNNN) draws one PolNeAR train
    article at random (seed n) and takes its quotes: each lightly reworded (`perturbed`), its speaker
    remapped to the same person in edition n // EDITION (every EDITION articles a new population
    of speakers). Two articles of one edition drawing one source report its statements twice, in
    slightly different words, as two outlets would. An article's persons are its speakers (the
    gold names no other persons)."""
    others = synonyms()
    quotes = []
    for n in range(count):
        rng = random.Random(n)
        edition = n // EDITION
        source = train[rng.randrange(len(train))]
        named = frozenset(f"{q.person}/{edition}" for q in source if q.person is not None)
        for q in source:
            text = perturbed(q.text, rng, others)
            quoted = tuple(QUOTED.findall(text)) if q.type == "direct" else ()
            quotes.append(QuoteRecord(
                f"s{n:06d}", q.quote, None if q.person is None else f"{q.person}/{edition}", q.type,
                text, q.start, q.start + len(text), quoted, q.pronoun, q.outlet, None, None, False,
                q.published, n, named,
            ))  # fmt: skip
    return quotes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--only", choices=["here", "cluster"])
    args = parser.parse_args()
    if not TRAIN.is_dir():
        sys.exit(f"PolNeAR train not found at {TRAIN}")
    quotes = synthetic(args.articles, train_articles())
    wordings = len({compared_text(q) for q in quotes})
    caller, _ = memory(psutil.Process())
    out: dict[str, Any] = {
        "articles": args.articles,
        "quotes": len(quotes),
        "distinct_wordings": wordings,
        "input_mb": caller >> 20,  # this process with the quotes built, before linking
        "load_average_before": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(out), flush=True)
    linked = {}
    if args.only in (None, "here"):
        statements, seconds, peaks = measured(lambda: link_statements(quotes))
        linked["here"] = hashlib.sha256(repr(statements).encode()).hexdigest()
        out["in_process"] = {
            "seconds": round(seconds, 1),
            "peak_mb": peaks["peak_mb"],
            "statements": len(statements),
        }
        del statements
        print(json.dumps(out["in_process"]), flush=True)
    if args.only in (None, "cluster"):
        from distributed import LocalCluster

        def on_cluster() -> list:
            with LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as local:
                return cluster.link_statements_on(quotes, local.scheduler_address)

        statements, seconds, peaks = measured(on_cluster)
        linked["cluster"] = hashlib.sha256(repr(statements).encode()).hexdigest()
        out["two_workers"] = {"seconds": round(seconds, 1), **peaks, "statements": len(statements)}
        print(json.dumps(out["two_workers"]), flush=True)
    if len(linked) == 2:
        out["equal"] = linked["here"] == linked["cluster"]  # every field of every statement
        print(f"equal: {out['equal']}")
    out["load_average_after"] = round(os.getloadavg()[0], 1)
    # One run per size: the file keeps every size's latest run.
    runs = json.loads(RESULTS.read_text(encoding="utf-8")).get("runs", []) if RESULTS.is_file() else []
    runs = sorted([r for r in runs if r["articles"] != args.articles] + [out], key=lambda r: r["articles"])
    RESULTS.write_text(json.dumps({"runs": runs}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
