"""The reference frequencies statement linking weighs words by: in how many of PolNeAR train's
gold quotes each term and index key appears (src/saywho/data/quote_terms.tsv).

Statement linking once weighed words by their rarity in the store itself, so every new article
moved every weight and could undo a link anywhere: a store grown article by article could not
equal one built at once without relinking it whole. A fixed reference keeps each link a matter
of its two quotes. Run: `.venv/bin/python -m training.quote_terms [POLNEAR_TRAIN]`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from saywho.statements import index_keys, text_wording

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polnear" / "train"
OUT = Path(__file__).resolve().parent.parent / "src" / "saywho" / "data" / "quote_terms.tsv"
MIN_COUNT = 2  # a term in one quote only is as rare as one never seen


def main(folder: Path = DEFAULT) -> None:
    counts: Counter[str] = Counter()
    quotes = 0
    for path in sorted(folder.glob("*.gold.json")):
        for quote in json.loads(path.read_text(encoding="utf-8"))["quotes"]:
            quotes += 1
            w = text_wording(quote["content"])
            counts.update({s for s, _ in w.terms} | index_keys(w))
    rows = sorted((k, n) for k, n in counts.items() if n >= MIN_COUNT)
    lines = [f"<quotes>\t{quotes}", *(f"{k}\t{n}" for k, n in rows)]
    OUT.write_text(
        "# Quotes of PolNeAR train (gold) each stem and index key is in (training/quote_terms.py)\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"{quotes} quotes, {len(rows)} terms -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
