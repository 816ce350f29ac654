"""Is `confidence` what it says? Predicted confidence against measured precision, in bins, with the
shipped pipeline, on PolNeAR dev and on the held-out tenth of PolNeAR train (BENCHMARKS.md,
Confidence).

    .venv/bin/python benchmarks/reliability.py [--polnear DIR] [--out FILE]

The held-out tenth is every tenth article of train in sorted order (the first, the eleventh, ...):
the articles training/train.py holds out and training/calibrate.py calibrates on. A quote is right
when its span matches a gold quote and it names that quote's speaker (`right_predictions`, the
scorer's attribution definition: what a quote's `confidence` estimates). Each bin gives the quotes
in it, their mean confidence, the share right and its 95% Wilson interval: a bin whose mean
confidence falls outside the interval is miscalibrated beyond noise. Then the scorer's attribution
precision, recall and F1 with the quotes under each minimum dropped, as `saywho extract
--min-confidence P` would give them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from saywho import analyse_documents
from saywho.evaluation import GoldDocument, read_gold_dir, right_predictions, score_document, summarise
from saywho.model import Document

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
RESULTS = ROOT / "benchmarks" / "results" / "reliability.json"
HOLDOUT_EVERY = 10  # training/train.py's: its held-out tenth is train's articles [::10]
EDGES = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
MINIMUMS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)
Z = 1.96  # 95%


def wilson(right: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a share right of n (0..1 for n = 0)."""
    if n == 0:
        return 0.0, 1.0
    p = right / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def predictions(golds: list[GoldDocument]) -> list[dict[str, Any]]:
    """The shipped pipeline's JSON for each gold article (with the gold's publication date, as
    `saywho eval` runs it)."""
    documents = [
        Document(text=g.text, id=g.name, title=g.gold.get("title"), published=g.gold.get("published"))
        for g in golds
    ]
    return [analysis.to_dict() for analysis in analyse_documents(documents)]


def bins(scored: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    out = []
    for low, high in zip(EDGES, EDGES[1:], strict=False):
        inside = [(c, r) for c, r in scored if low <= c < high or (high == EDGES[-1] and c == high)]
        n, right = len(inside), sum(r for _, r in inside)
        lower, upper = wilson(right, n)
        mean = sum(c for c, _ in inside) / n if n else None
        out.append(
            {
                "bin": f"{low:.1f}-{high:.1f}",
                "quotes": n,
                "mean_confidence": round(mean, 3) if mean is not None else None,
                "precision": round(right / n, 3) if n else None,
                "interval": [round(lower, 3), round(upper, 3)],
                "outside": mean is not None and not lower <= mean <= upper,
            }
        )
    return out


def at_minimums(golds: list[GoldDocument], predicted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scorer's figures with the quotes under each minimum dropped."""
    out = []
    for minimum in MINIMUMS:
        scores = {}
        for g, prediction in zip(golds, predicted, strict=True):
            kept = {**prediction, "quotes": [q for q in prediction["quotes"] if q["confidence"] >= minimum]}
            scores[g.name] = score_document(g.gold, kept, g.text)
        s = summarise(scores)
        out.append(
            {"min_confidence": minimum, "quotes": s["pred"], "gold": s["gold"], "attributed": s["attributed"]}
            | {k: s[k] for k in ("attribution_p", "attribution_r", "attribution_f1", "extraction_p")}
        )
    return out


def measure(name: str, golds: list[GoldDocument]) -> dict[str, Any]:
    started = time.process_time()
    predicted = predictions(golds)
    scored = []
    for g, prediction in zip(golds, predicted, strict=True):
        rights = right_predictions(g.gold, prediction, g.text)
        scored += [(q["confidence"], r) for q, r in zip(prediction["quotes"], rights, strict=True)]
    n = len(scored)
    table = bins(scored)
    # Expected calibration error: each bin's |mean confidence - share right|, weighed by its quotes.
    ece = sum(b["quotes"] * abs(b["mean_confidence"] - b["precision"]) for b in table if b["quotes"]) / n
    return {
        "set": name,
        "articles": len(golds),
        "quotes": n,
        "mean_confidence": round(sum(c for c, _ in scored) / n, 3),
        "precision": round(sum(r for _, r in scored) / n, 3),
        "expected_calibration_error": round(ece, 3),
        "brier": round(sum((c - r) ** 2 for c, r in scored) / n, 3),
        "bins": table,
        "minimums": at_minimums(golds, predicted),
        "cpu_seconds": round(time.process_time() - started, 1),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"{result['set']}: {result['articles']} articles, {result['quotes']} quotes; mean confidence "
        f"{result['mean_confidence']}, share right {result['precision']}; ECE "
        f"{result['expected_calibration_error']}, Brier {result['brier']}",
        "",
        "| confidence | quotes | mean confidence | precision (95% interval) | |",
        "|---|---:|---:|---:|---|",
    ]
    for b in result["bins"]:
        if not b["quotes"]:
            lines.append(f"| {b['bin']} | 0 | | | |")
            continue
        low, high = b["interval"]
        mark = "outside" if b["outside"] else ""
        lines.append(
            f"| {b['bin']} | {b['quotes']} | {b['mean_confidence']:.3f} | "
            f"{b['precision']:.3f} ({low:.2f}-{high:.2f}) | {mark} |"
        )
    lines += [
        "",
        "| --min-confidence | quotes kept | attribution P | R | F1 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for m in result["minimums"]:
        lines.append(
            f"| {m['min_confidence']} | {m['quotes']} | {m['attribution_p']:.3f} | "
            f"{m['attribution_r']:.3f} | {m['attribution_f1']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", type=Path, default=POLNEAR, help="PolNeAR's folder (dev/ and train/)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if not (args.polnear / "dev").is_dir() or not (args.polnear / "train").is_dir():
        sys.exit(f"reliability: no PolNeAR dev/ and train/ under {args.polnear}")
    sets = {
        "PolNeAR dev": read_gold_dir(args.polnear / "dev"),
        "PolNeAR train, held-out tenth": read_gold_dir(args.polnear / "train")[::HOLDOUT_EVERY],
    }
    results = []
    for name, golds in sets.items():
        result = measure(name, golds)
        results.append(result)
        print(markdown(result) + "\n", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
