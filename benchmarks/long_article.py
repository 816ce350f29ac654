"""Whether saywho's cost grows linearly with an article's length (issue 11).

Usage: python benchmarks/long_article.py [--runs N] [--no-huge] [--out FILE]      (`make bench`)

The founding article (tests/fixtures/seed/belarus_volunteers.txt) repeated, a blank line between
copies, to 50 KB, 500 KB and 5 MB of UTF-8. Each analysis runs in a process of its own that loads
the pipeline, analyses the article once unrepeated (so that loading and first-use costs are paid
before the clock starts), then times `saywho.analyse` on the long text: parse and component, CPU
time (the process's own, steadier than wall time on a shared machine) and wall time. The peak RSS
of each process comes from os.wait4.

Targets: 500 KB takes at most 12 times as long (CPU) as 50 KB (the median of N runs, default 3)
with a peak under 1.5 GB; 5 MB finishes (time and peak reported). Results go to
benchmarks/results/long_article.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from speed import measure, ok

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "tests" / "fixtures" / "seed" / "belarus_volunteers.txt"
SMALL, LARGE, HUGE = 50_000, 500_000, 5_000_000  # bytes
TARGET_RATIO = 12  # 10 times the text: linear, with some room
TARGET_PEAK_MB = 1500


def repeated(size: int) -> str:
    """The founding article repeated to at most `size` bytes, whole paragraphs only."""
    article = SEED.read_text(encoding="utf-8").strip() + "\n\n"
    text = article * (size // len(article.encode("utf-8")) + 1)
    while len(text.encode("utf-8")) > size:
        text = text[: text.rstrip("\n").rfind("\n\n") + 2]
    return text


def child(path: Path) -> None:
    """Analyse the text in `path`, after one analysis of the unrepeated article; print the timings."""
    import saywho

    text = path.read_text(encoding="utf-8")
    saywho.analyse(SEED.read_text(encoding="utf-8"))
    cpu, wall = time.process_time(), time.perf_counter()
    analysis = saywho.analyse(text)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"cpu_s": cpu, "wall_s": wall, "quotes": len(analysis.quotes)}))


def run(size: int) -> dict:
    """One analysis of the article repeated to `size` bytes, in a process of its own."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"seed_{size}.txt"
        path.write_text(repeated(size), encoding="utf-8")
        process = measure([sys.executable, __file__, "--child", str(path)])
    timings = json.loads(process.output)
    return {
        "bytes": size,
        "cpu_s": round(timings["cpu_s"], 2),
        "wall_s": round(timings["wall_s"], 2),
        "quotes": timings["quotes"],
        "peak_mb": round(process.peak_mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the 50 KB article (median)")
    parser.add_argument("--no-huge", action="store_true", help="skip the 5 MB article (minutes)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "long_article.json")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    small = []
    for i in range(args.runs):
        small.append(run(SMALL))
        print(f"  50 KB run {i + 1}: {small[-1]['cpu_s']:.1f} s CPU", file=sys.stderr)
    large = run(LARGE)
    print(f"  500 KB: {large['cpu_s']:.1f} s CPU", file=sys.stderr)
    huge = None if args.no_huge else run(HUGE)
    if huge is not None:
        print(f"  5 MB: {huge['cpu_s']:.1f} s CPU", file=sys.stderr)

    base_cpu = statistics.median(r["cpu_s"] for r in small)
    base_wall = statistics.median(r["wall_s"] for r in small)
    results = {
        "small_runs": small,
        "small_median_cpu_s": base_cpu,
        "large": large,
        "huge": huge,
        "ratio_cpu": round(large["cpu_s"] / base_cpu, 2),
        "ratio_wall": round(large["wall_s"] / base_wall, 2),
    }
    ratio, peak = results["ratio_cpu"], large["peak_mb"]
    print(f"50 KB: {base_cpu:.2f} s CPU, {base_wall:.2f} s wall (median of {args.runs} runs)")
    print(f"500 KB: {large['cpu_s']:.2f} s CPU, {large['wall_s']:.2f} s wall")
    met = ok(ratio <= TARGET_RATIO)
    print(f"ratio 500 KB / 50 KB = {ratio:.2f} CPU, {results['ratio_wall']:.2f} wall", end=" ")
    print(f"(target <= {TARGET_RATIO}: {met})")
    print(f"peak memory: 50 KB {small[0]['peak_mb']} MB, 500 KB {peak} MB", end=" ")
    print(f"(target < {TARGET_PEAK_MB}: {ok(peak < TARGET_PEAK_MB)})")
    if huge is not None:
        print(f"5 MB: finished, {huge['cpu_s']:.1f} s CPU, {huge['wall_s']:.1f} s wall", end=", ")
        print(f"peak {huge['peak_mb']} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
