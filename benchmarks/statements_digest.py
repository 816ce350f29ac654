"""A digest of link_statements' output on PolNeAR dev, the test fixtures and the synthetic bulk
ingest of cluster_linking.py: a change meant to make statement linking faster or smaller, and to
change nothing else, must leave it equal.

Each corpus's quotes are those of its articles' analyses (the speaker's name standing for the
person); the digest covers every field of every statement (id, person, members, quotes, flags,
differences, origin). The quotes are analysed once and kept in QUOTES (a pickle), so that a
change elsewhere in extraction, meanwhile, does not move them. The linking code compared is
saywho.statements, or `--module` (e.g. a copy of the file before the change, on PYTHONPATH):
  git show HEAD:src/saywho/statements.py > /tmp/old/old_statements.py
  PYTHONPATH=/tmp/old .venv/bin/python benchmarks/statements_digest.py --module old_statements
  .venv/bin/python benchmarks/statements_digest.py    (the two outputs must be equal)
A change meant to change the links is measured with `--against old_statements`: per corpus, the
pairs of quotes linked (two reports of one statement) that only one of the two finds, with
`--show N` the first N of each printed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import pickle
from pathlib import Path

from cluster_linking import ROOT, synthetic, train_articles

from saywho import analyse_documents
from saywho.model import Document
from saywho.statements import QuoteRecord, quote_records

CORPORA = {
    "polnear-dev": ROOT.parent / "shared" / "data" / "polnear" / "dev",
    "seed": ROOT / "tests" / "fixtures" / "seed",
    "variants": ROOT / "tests" / "fixtures" / "variants",
    "retold": ROOT.parent / "shared" / "fixtures" / "retold",
}
SYNTHETIC_ARTICLES = 1000
QUOTES = Path("/tmp/saywho_statements_digest_2.pickle")  # 2: records with their article's persons


def corpus_quotes(folder: Path) -> list[QuoteRecord]:
    documents = [
        Document(text=p.read_text(encoding="utf-8"), id=p.stem) for p in sorted(folder.glob("*.txt"))
    ]
    quotes = []
    for analysis in analyse_documents(documents):
        names = {(analysis.document.id, e.id): e.name for e in analysis.entities}
        quotes += quote_records(analysis, names)
    return quotes


def corpora() -> dict[str, list[QuoteRecord]]:
    """Each corpus's quotes (those absent from this checkout skipped), analysed once (QUOTES)."""
    if QUOTES.is_file():
        return pickle.loads(QUOTES.read_bytes())
    out = {name: corpus_quotes(folder) for name, folder in CORPORA.items() if folder.is_dir()}
    if (ROOT.parent / "shared" / "data" / "polnear" / "train").is_dir():
        out[f"synthetic-{SYNTHETIC_ARTICLES}"] = synthetic(SYNTHETIC_ARTICLES, train_articles())
    QUOTES.write_bytes(pickle.dumps(out))
    return out


def linked_pairs(statements: list) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """Every pair of quotes (article, quote id) that one statement reports together."""
    out = set()
    for s in statements:
        keys = sorted((q.article, q.quote) for q in s.quotes)
        out |= {(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]}
    return out


def show(label: str, pairs: set, quotes: list[QuoteRecord], most: int) -> None:
    by_key = {(q.article, q.quote): q for q in quotes}
    for a, b in sorted(pairs)[:most]:
        print(f"  {label}:")
        for q in (by_key[a], by_key[b]):
            kind = "named" if q.named_person is not None else "pronoun" if q.pronoun else "unsure"
            print(f"    {q.article} {q.quote} {kind} {q.person!r}: {q.text[:120]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", default="saywho.statements", help="where link_statements is")
    parser.add_argument("--against", help="a module whose links to compare with (see above)")
    parser.add_argument("--show", type=int, default=0, help="pairs to print of each difference")
    args = parser.parse_args()
    link_statements = importlib.import_module(args.module).link_statements
    other = importlib.import_module(args.against).link_statements if args.against else None
    for name, quotes in corpora().items():
        statements = link_statements(quotes)
        print(name, len(quotes), len(statements), hashlib.sha256(repr(statements).encode()).hexdigest()[:16])
        if other is not None:
            theirs = other(quotes)
            mine, before = linked_pairs(statements), linked_pairs(theirs)
            print(f"  against {args.against}: {len(theirs)} statements, pairs {len(before)} -> {len(mine)},"
                  f" lost {len(before - mine)}, gained {len(mine - before)}")  # fmt: skip
            show("lost", before - mine, quotes, args.show)
            show("gained", mine - before, quotes, args.show)


if __name__ == "__main__":
    main()
