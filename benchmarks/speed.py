"""How fast saywho is beside the spaCy pipeline it is built on, and how much memory it takes.

Usage: python benchmarks/speed.py [--dev DIR] [--runs N] [--out FILE]      (`make bench`)

Runs, alternately and N times each (default 3), two whole processes over the PolNeAR dev texts:
  saywho    `saywho extract --format jsonl FILE...`
  pipeline  benchmarks/spacy_baseline.py FILE...: the shipped en_core_web_sm, nlp.pipe, no saywho
and measures each process from start-up: CPU time (user + system, from os.wait4) and peak RSS.
Prints medians, words per CPU second and the ratio pipeline CPU / saywho CPU (target >= 0.8,
saywho's peak memory < 600 MB), and writes them to benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEV_CANDIDATES = (ROOT.parent / "shared" / "data" / "polnear" / "dev", Path("/work/shared/data/polnear/dev"))
TARGET_RATIO = 0.8
TARGET_PEAK_MB = 600


@dataclass
class Run:
    cpu_s: float
    wall_s: float
    peak_mb: float
    output: str


def measure(argv: list[str]) -> Run:
    """Run one process to its end; its own CPU time and peak RSS, from the kernel's account of it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:  # files: no pipe to fill up
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, errors = (f.read().decode("utf-8", errors="replace") for f in (out, err))
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} ... exited {proc.returncode}:\n{errors[-2000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss * 1024 / 1e6, output)


def summary(runs: list[Run], words: int) -> dict:
    cpu = statistics.median(r.cpu_s for r in runs)
    return {
        "cpu_s": round(cpu, 2),
        "wall_s": round(statistics.median(r.wall_s for r in runs), 2),
        "peak_mb": round(statistics.median(r.peak_mb for r in runs), 1),
        "words_per_cpu_s": round(words / cpu),
        "runs": [{k: round(v, 2) for k, v in asdict(r).items() if k != "output"} for r in runs],
    }


def saywho_command() -> str:
    script = Path(sys.executable).with_name("saywho")
    if not script.exists():
        sys.exit(f"{script} not found: run `make install` first")
    return str(script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, help="folder of PolNeAR dev texts (default: ../shared/...)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "speed.json")
    args = parser.parse_args()

    dev = args.dev or next((d for d in DEV_CANDIDATES if d.is_dir()), None)
    if dev is None or not dev.is_dir():
        print("benchmark skipped: no PolNeAR dev texts (shared/data/polnear/dev); give one with --dev DIR")
        return
    files = sorted(str(p) for p in dev.glob("*.txt"))
    words = sum(len(Path(f).read_text(encoding="utf-8").split()) for f in files)
    commands = {
        "saywho": [saywho_command(), "extract", "--format", "jsonl", *files],
        "pipeline": [sys.executable, str(HERE / "spacy_baseline.py"), *files],
    }
    print(
        f"{len(files)} texts, {words} words, {args.runs} runs of each process, alternating", file=sys.stderr
    )

    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for i in range(args.runs):
        for name, argv in commands.items():
            runs[name].append(measure(argv))
            print(f"  run {i + 1} {name}: {runs[name][-1].cpu_s:.1f} s CPU", file=sys.stderr)
    if (lines := len(runs["saywho"][0].output.splitlines())) != len(files):
        sys.exit(f"saywho wrote {lines} JSON lines for {len(files)} texts")

    baseline = json.loads(runs["pipeline"][0].output)
    results = {
        "texts": len(files),
        "words": words,
        "pipeline": baseline["pipeline"],
        "components": baseline["components"],
        "batch_size": baseline["batch_size"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "saywho": summary(runs["saywho"], words),
        "spacy_pipeline": summary(runs["pipeline"], words),
    }
    results["ratio_pipeline_cpu_to_saywho_cpu"] = round(
        results["spacy_pipeline"]["cpu_s"] / results["saywho"]["cpu_s"], 3
    )
    report(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


def report(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{results['texts']} PolNeAR dev texts, {results['words']} words (medians)")
    for column in ("process", "CPU s", "wall s", "words / CPU s", "peak MB"):
        table.add_column(column, justify="left" if column == "process" else "right")
    for name, label in (("saywho", "saywho extract"), ("spacy_pipeline", results["pipeline"])):
        r = results[name]
        table.add_row(
            label, f"{r['cpu_s']:.2f}", f"{r['wall_s']:.2f}", str(r["words_per_cpu_s"]), f"{r['peak_mb']:.0f}"
        )
    console = Console()
    console.print(table)
    ratio, peak = results["ratio_pipeline_cpu_to_saywho_cpu"], results["saywho"]["peak_mb"]
    console.print(
        f"pipeline CPU / saywho CPU = {ratio:.3f} (target >= {TARGET_RATIO}: {ok(ratio >= TARGET_RATIO)})"
    )
    console.print(
        f"saywho peak memory = {peak:.0f} MB (target < {TARGET_PEAK_MB}: {ok(peak < TARGET_PEAK_MB)})"
    )


def ok(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
