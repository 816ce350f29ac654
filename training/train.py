"""Train the role tagger (saywho/attribution/roles.py) on PolNeAR train; keep the best epoch.

Usage: python -m training.train [--polnear DIR] [--work DIR] [--minutes N]     (make train)
Parses the corpus once (training/prepare.py), then trains on 2 cores for about N minutes and writes
src/saywho/models/roles.bin. Deterministic for a given seed and corpus.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy
import spacy
from spacy.tokens import DocBin
from thinc.api import Adam, fix_random_seed

from saywho.attribution.direct import quoted_spans
from saywho.attribution.roles import MODEL_PATH, ROLES, build_model, features, quote_state

HERE = Path(__file__).resolve().parent
HOLDOUT_EVERY = 10


def load(path: Path) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
    nlp = spacy.blank("en")
    out = []
    for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
        roles = numpy.array(doc.user_data["roles"], dtype="i")
        out.append((features(doc, quote_state(doc, quoted_spans(doc.text))), roles))
    return out


def batches(data: list, max_tokens: int) -> list[list]:
    out, cur, n = [], [], 0
    for item in data:
        cur.append(item)
        n += len(item[1])
        if n >= max_tokens:
            out.append(cur)
            cur, n = [], 0
    return out + ([cur] if cur else [])


def evaluate(model, data) -> dict[str, float]:
    """Token-level F1 per role, and their mean over SOURCE, CUE, CONTENT."""
    tp = numpy.zeros(len(ROLES))
    fp = numpy.zeros(len(ROLES))
    fn = numpy.zeros(len(ROLES))
    for batch in batches(data, 20000):
        for (_, gold), probs in zip(batch, model.predict([x for x, _ in batch]), strict=True):
            pred = probs.argmax(axis=1)
            for r in range(1, len(ROLES)):
                tp[r] += ((pred == r) & (gold == r)).sum()
                fp[r] += ((pred == r) & (gold != r)).sum()
                fn[r] += ((pred != r) & (gold == r)).sum()
    f1 = 2 * tp / numpy.maximum(2 * tp + fp + fn, 1)
    out = {ROLES[r]: round(float(f1[r]), 4) for r in range(1, len(ROLES))}
    out["mean"] = round(float(f1[1:].mean()), 4)
    return out


def train(work: Path, minutes: float, seed: int = 0) -> None:
    fix_random_seed(seed)
    # Every tenth training article is held out to choose the epoch: PolNeAR dev stays unseen, for
    # measuring only.
    corpus = load(work / "train.spacy")
    train_data = [d for i, d in enumerate(corpus) if i % HOLDOUT_EVERY]
    dev_data = [d for i, d in enumerate(corpus) if not i % HOLDOUT_EVERY]
    print(
        f"train {len(train_data)} docs, {sum(len(y) for _, y in train_data)} tokens; held out {len(dev_data)}"
    )
    model = build_model()
    model.initialize(
        X=[x for x, _ in train_data[:5]], Y=[numpy.eye(len(ROLES), dtype="f")[y] for _, y in train_data[:5]]
    )
    optimizer = Adam(0.002)
    best, deadline, epoch = -1.0, time.time() + minutes * 60, 0
    rng = random.Random(seed)
    while time.time() < deadline:
        epoch += 1
        rng.shuffle(train_data)
        loss = 0.0
        for batch in batches(train_data, 3000):
            xs = [x for x, _ in batch]
            ys = [numpy.eye(len(ROLES), dtype="f")[y] for _, y in batch]
            yh, backprop = model.begin_update(xs)
            n = sum(len(y) for y in ys)
            grads = [(p - y) / n for p, y in zip(yh, ys, strict=True)]
            loss += sum(float(((p - y) ** 2).sum()) for p, y in zip(yh, ys, strict=True))
            backprop(grads)
            model.finish_update(optimizer)
            if time.time() > deadline:
                break
        scores = evaluate(model, dev_data)
        print(f"epoch {epoch} loss {loss:.0f} held-out {scores}", flush=True)
        if scores["mean"] > best:
            best = scores["mean"]
            MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
            MODEL_PATH.write_bytes(model.to_bytes())
    print(f"best held-out mean token F1 {best}; model in {MODEL_PATH}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", type=Path, default=HERE.parent.parent / "shared" / "data" / "polnear")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--minutes", type=float, default=8.0)
    args = ap.parse_args()
    if not (args.work / "train.spacy").exists():
        from training.prepare import prepare

        prepare(args.polnear, args.work)
    train(args.work, args.minutes)


if __name__ == "__main__":
    main()
