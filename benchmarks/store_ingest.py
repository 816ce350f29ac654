"""Ingest throughput with 1 and 2 local workers, and peak memory of ingests of 1,000 and 10,000
articles, each `saywho ingest` run as a whole process tree (every worker counted).

    .venv/bin/python benchmarks/store_ingest.py [--train DIR] [--sizes 1000 10000] [--only throughput|memory]

- throughput: the PolNeAR train texts (840 articles) into a new store with `--workers 1`, then
  `--workers 2`, in one run of this script; articles per second of wall time (start-up, pipeline
  loading and the final recomputation of speakers and statements included). Target: 2 workers
  >= 1.7 x 1 worker on a 2-core machine.
- memory: PolNeAR train repeated to 1,000 and to 10,000 articles (each copy's text made unique by
  a line naming the copy), as one JSON Lines file, ingested with `--workers 2`. Memory is sampled
  twice a second over the process and all its children, as PSS (shared pages split between the
  processes that share them, so a pipeline's pages are not counted twice); the peak is kept.
  Target: the 10,000-article peak <= 1.2 x the 1,000-article peak.

Without the PolNeAR texts it says so and stops. Results go to benchmarks/results/store_ingest.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train"
DEFAULT_OUT = Path(__file__).parent / "results" / "store_ingest.json"
SAYWHO = [sys.executable, "-m", "saywho.cli"]
SAMPLE_SECONDS = 0.5


def tree_memory(process: psutil.Process) -> int:
    """Bytes of memory the process and its children hold (PSS where the system gives it)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            info = member.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run_ingest(arguments: list[str]) -> dict:
    """Run `saywho ingest ARGUMENTS`, sampling its memory; wall seconds and peak bytes."""
    started = time.perf_counter()
    child = subprocess.Popen([*SAYWHO, "ingest", *arguments], stderr=subprocess.PIPE, text=True)
    process, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            peak = max(peak, tree_memory(process))
        except psutil.NoSuchProcess:
            break
        time.sleep(SAMPLE_SECONDS)
    stderr = child.communicate()[1]
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        sys.exit(f"saywho ingest {' '.join(arguments[:3])}... failed ({child.returncode}):\n{stderr}")
    return {
        "seconds": round(seconds, 1),
        "peak_mb": round(peak / 2**20),
        "summary": stderr.strip().splitlines(),
    }


def throughput(texts: list[Path], work: Path) -> dict:
    results = {"articles": len(texts)}
    for workers in (1, 2):
        db = work / f"throughput-{workers}.db"
        run = run_ingest([*map(str, texts), "--db", str(db), "--workers", str(workers)])
        run["articles_per_s"] = round(len(texts) / run["seconds"], 2)
        results[f"workers_{workers}"] = run
        print(f"{workers} worker(s): {run['articles_per_s']} articles/s", file=sys.stderr)
    results["speed_up"] = round(
        results["workers_2"]["articles_per_s"] / results["workers_1"]["articles_per_s"], 3
    )
    return results


def repeated_corpus(texts: list[Path], size: int, path: Path) -> Path:
    """`size` records cycling through the texts, each copy's text made unique."""
    with open(path, "w", encoding="utf-8") as out:
        for n in range(size):
            source = texts[n % len(texts)]
            copy = n // len(texts)
            text = source.read_text(encoding="utf-8") + f"\n\nCopy {copy} of this article.\n"
            out.write(json.dumps({"id": f"{source.stem}-{copy}", "text": text}) + "\n")
    return path


def memory(texts: list[Path], sizes: list[int], work: Path) -> dict:
    results = {}
    for size in sizes:
        corpus = repeated_corpus(texts, size, work / f"corpus-{size}.jsonl")
        run = run_ingest([str(corpus), "--db", str(work / f"memory-{size}.db"), "--workers", "2"])
        results[str(size)] = run
        print(f"{size} articles: peak {run['peak_mb']} MB in {run['seconds']} s", file=sys.stderr)
    if len(sizes) == 2:
        results["ratio"] = round(results[str(sizes[1])]["peak_mb"] / results[str(sizes[0])]["peak_mb"], 3)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN, help=f"default {DEFAULT_TRAIN}")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--only", choices=("throughput", "memory"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    texts = sorted(args.train.glob("*.txt"))
    if not texts:
        print(f"no PolNeAR texts in {args.train}: store ingest benchmark skipped", file=sys.stderr)
        return
    # A run of one part keeps the other part's last figures.
    results: dict = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    with tempfile.TemporaryDirectory(prefix="saywho-ingest-bench-") as folder:
        if args.only in (None, "throughput"):
            results["throughput"] = throughput(texts, Path(folder))
        if args.only in (None, "memory"):
            results["memory"] = memory(texts, args.sizes, Path(folder))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
