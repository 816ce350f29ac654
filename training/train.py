"""Train the role tagger (saywho/attribution/roles.py) on PolNeAR train; keep the best epoch.

Usage: python -m training.train [--polnear DIR] [--work DIR] [--epochs N] [--models DIR]  (make train)
Parses the corpus once (training/prepare.py), trains for N epochs and saves the best (on the
held-out tenth) as the saywho_attributions component's tagger, in src/saywho/models/ (roles.bin)
or --models DIR; then trains one tagger per fold of the rest for as many epochs (work/fold*.bin),
for training/sources.py and keep.py. Deterministic for a given seed and corpus.

Every step of `make train` saves what it learns the same way (`save`): the component built from
its config, its models those of the folder, the one part trained replaced, all written with
`to_disk` to the folder the pipeline reads its defaults from.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab
from thinc.api import Adam, Model, fix_random_seed

from saywho.attribution.roles import ROLES, build_model, features, from_bytes, quote_state, read_model
from saywho.components import Attributions
from saywho.facts import quoted_spans
from saywho.shipped import MODELS_DIR

HERE = Path(__file__).resolve().parent
HOLDOUT_EVERY = 10
EPOCHS = 6  # the held-out score peaks by epoch 3 and falls after
FOLDS = 5


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


def fit(train_data: list, dev_data: list, epochs: int, seed: int = 0) -> tuple[bytes, int]:
    """Train a tagger for `epochs` epochs; the weights of the epoch best on `dev_data` (of the last
    where there is none) and that epoch's number."""
    fix_random_seed(seed)
    train_data = list(train_data)  # shuffled in place below
    model = build_model()
    model.initialize(
        X=[x for x, _ in train_data[:5]], Y=[numpy.eye(len(ROLES), dtype="f")[y] for _, y in train_data[:5]]
    )
    optimizer = Adam(0.002)
    best, best_bytes, best_epoch = -1.0, b"", 0
    rng = random.Random(seed)
    for epoch in range(1, epochs + 1):
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
        scores = evaluate(model, dev_data) if dev_data else None
        print(f"  epoch {epoch} loss {loss:.0f}" + (f" held-out {scores}" if scores else ""), flush=True)
        if scores is None or scores["mean"] > best:
            best, best_bytes, best_epoch = scores["mean"] if scores else best, model.to_bytes(), epoch
    return best_bytes, best_epoch


def attributions(models: Path = MODELS_DIR, **config: Any) -> Attributions:
    """The saywho_attributions component built from its config, holding the models of the folder
    `models` (the package's where that folder is empty or absent: a first step writes them all)."""
    component = spacy.blank("en").add_pipe("saywho_attributions", config=config)
    if models.is_dir() and any(models.iterdir()):
        component.from_disk(models)
    return component


def save(models: Path, **parts: Any) -> None:
    """Save trained parts (tagger=, keep=, sources=, calibration=: the fields of
    attribution.learned.AttributionModels) with the rest of the folder's models, as the
    component writes them."""
    component = attributions(models)
    component.models = replace(component.models, **parts)
    component.to_disk(models)


def train(work: Path, epochs: int, models: Path = MODELS_DIR) -> None:
    # Every tenth training article is held out to choose the epoch: PolNeAR dev stays unseen, for
    # measuring only.
    corpus = load(work / "train.spacy")
    train_data = [d for i, d in enumerate(corpus) if i % HOLDOUT_EVERY]
    dev_data = [d for i, d in enumerate(corpus) if not i % HOLDOUT_EVERY]
    print(
        f"train {len(train_data)} docs, {sum(len(y) for _, y in train_data)} tokens; held out {len(dev_data)}"
    )
    weights, best_epoch = fit(train_data, dev_data, epochs)
    save(models, tagger=from_bytes(weights))
    print(f"best epoch {best_epoch}; model in {models}")
    # The keep and source models learn from the tagger's output on these same articles; the
    # shipped tagger has seen them and is surer of them than of new text, so each article's
    # output comes from a tagger trained, as long, on the other folds.
    for k in range(FOLDS):
        print(f"fold {k + 1} of {FOLDS}")
        rest = [d for j, d in enumerate(train_data) if j % FOLDS != k]
        weights, _ = fit(rest, [], best_epoch)
        (work / f"fold{k}.bin").write_bytes(weights)


def out_of_fold(work: Path, vocab: Vocab) -> Iterator[tuple[Doc, Model]]:
    """The prepared training articles but the held-out tenth, each with the fold tagger (written by
    train()) that did not learn from it."""
    taggers = [read_model(work / f"fold{k}.bin") for k in range(FOLDS)]
    j = 0
    for i, doc in enumerate(DocBin().from_disk(work / "train.spacy").get_docs(vocab)):
        if i % HOLDOUT_EVERY:
            yield doc, taggers[j % FOLDS]
            j += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polnear", type=Path, default=HERE.parent.parent / "shared" / "data" / "polnear")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train; the best is kept")
    ap.add_argument("--models", type=Path, default=MODELS_DIR, help="where the models are saved")
    args = ap.parse_args()
    if not (args.work / "train.spacy").exists():
        from training.prepare import prepare

        prepare(args.polnear, args.work)
    train(args.work, args.epochs, args.models)


if __name__ == "__main__":
    main()
