"""Training the role tagger: the epoch kept, the fold taggers the keep and source models read, and every
model saved through the saywho_attributions component built from its config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import spacy
from spacy.tokens import DocBin
from training.keep import fit_model
from training.train import FOLDS, HOLDOUT_EVERY, attributions, fit, out_of_fold, save

from saywho.attribution import roles
from saywho.attribution.roles import ROLES, features
from saywho.shipped import MODELS_DIR, REQUIRED_MODELS


def _data(n: int) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
    """Tiny articles where the word after "said" is CONTENT and "said" the CUE."""
    nlp = spacy.blank("en")
    out = []
    for i in range(n):
        doc = nlp(f"Officer {i} said rain falls .")
        out.append((features(doc), numpy.array([1, 1, 2, 3, 3, 0], dtype="i")))
    return out


def test_fit_returns_the_weights_of_an_epoch_it_ran_and_they_load(tmp_path: Path) -> None:
    weights, epoch = fit(_data(6), _data(2), epochs=2)
    assert epoch in (1, 2)
    (tmp_path / "roles.bin").write_bytes(weights)
    model = roles.read_model(tmp_path / "roles.bin")
    probs = model.predict([_data(1)[0][0]])[0]
    assert probs.shape == (6, len(ROLES))


def test_each_training_article_is_tagged_by_the_fold_tagger_that_did_not_learn_from_it(
    tmp_path: Path,
) -> None:
    nlp = spacy.blank("en")
    bin_ = DocBin(store_user_data=True)
    for i in range(2 * HOLDOUT_EVERY + 3):
        doc = nlp(f"Article {i} .")
        doc.user_data["gold"] = json.dumps([])
        bin_.add(doc)
    bin_.to_disk(tmp_path / "train.spacy")
    weights, _ = fit(_data(2), [], epochs=1)
    for k in range(FOLDS):
        (tmp_path / f"fold{k}.bin").write_bytes(weights)
    seen = [(doc.text, tagger) for doc, tagger in out_of_fold(tmp_path, nlp.vocab)]
    held_out = {f"Article {i} ." for i in range(0, 2 * HOLDOUT_EVERY + 3, HOLDOUT_EVERY)}
    assert not held_out & {text for text, _ in seen}
    assert len(seen) == 2 * HOLDOUT_EVERY + 3 - len(held_out)
    # The j-th training article belongs to fold j % FOLDS, as train() split them.
    taggers = [tagger for _, tagger in seen]
    for j, tagger in enumerate(taggers):
        assert tagger is taggers[j % FOLDS]
    assert len({id(t) for t in taggers}) == FOLDS


def test_a_trained_tagger_is_saved_through_the_component_beside_the_other_models(tmp_path: Path) -> None:
    weights, _ = fit(_data(4), [], epochs=1)
    save(tmp_path, tagger=roles.from_bytes(weights))  # an empty folder: the package's models beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(REQUIRED_MODELS)
    assert (tmp_path / roles.FILE).read_bytes() == weights
    assert (tmp_path / "keep.json").read_bytes() == (MODELS_DIR / "keep.json").read_bytes()
    # The next step reads that folder, and replaces only its own part.
    model, _ = fit_model([{"p_content": float(i % 2)} for i in range(40)], [i % 2 for i in range(40)], "test")
    save(tmp_path, keep=model)
    component = attributions(tmp_path)
    assert component.models.keep.weights == model.weights
    assert component.models.tagger.to_bytes() == weights
    doc = spacy.blank("en")("Officer 1 said rain falls .")
    probs = roles.predict(doc, None, component.models.tagger)
    assert probs.shape == (6, len(ROLES))


def test_training_turns_parts_off_by_the_components_config() -> None:
    measuring = attributions(calibrate=False)
    assert measuring.in_use.calibration is None and measuring.models.calibration is not None
    ranking = attributions(source_model=False)
    assert ranking.in_use.sources is None and ranking.in_use.keep is not None
