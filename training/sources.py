"""Train the source model (saywho/attribution/sources.py) on PolNeAR train: which of the candidate
mentions near a cue names its speaker.

Usage: python -m training.sources [--work DIR] [--models DIR]  (part of `make train`, before training.keep)
For each candidate attribution of the prepared training articles (the held-out tenth left out) that
matches a gold quote with a speaker mention, every candidate mention of its cue is labelled by
whether it overlaps the gold mention by half (as `saywho eval` counts a speaker right); cues whose
candidates hold no right one teach nothing and are left out. The candidates come from the
saywho_attributions component built without its source model (config `source_model: false`: the
assembly's own choice; the model is what we make). Saves src/saywho/models/sources.json (or in
--models DIR) through the component.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from saywho.attribution import sources
from saywho.attribution.extract import candidates, role_probabilities, source_runs, subject_of
from saywho.evaluation import gold_fragments, half_overlap, match_spans, trimmed_spans
from saywho.nlp import load_pipeline
from training.keep import main_for
from training.train import attributions, out_of_fold


def labelled(work: Path, models: Path) -> tuple[list[dict[str, float]], list[int]]:
    """Each candidate mention's signs, and 1 where it is the gold speaker mention."""
    nlp = load_pipeline()
    component = attributions(models, source_model=False)
    signs, labels = [], []
    for doc, tagger in out_of_fold(work, nlp.vocab):
        gold = [q for q in json.loads(doc.user_data["gold"]) if q.get("speaker_start") is not None]
        found = candidates(doc, replace(component.in_use, tagger=tagger))
        found = [a for a in found if a.cue is not None and not a.evidence.get("origin=rule")]
        probs = role_probabilities(doc, tagger)
        runs = source_runs(doc, probs)
        golds = [gold_fragments(q, doc.text) for q in gold]
        pairs = match_spans(golds, [trimmed_spans(doc.text, a.fragments) for a in found])
        for g, p in pairs.items():
            cue, mention = found[p].cue, [(gold[g]["speaker_start"], gold[g]["speaker_end"])]
            subject = subject_of(cue.root)
            spans = sources.candidates(doc, cue, runs, subject)
            right = [half_overlap([(s.start_char, s.end_char)], mention) for s in spans]
            if any(right):
                signs += [sources.signs(doc, probs, cue, s, subject) for s in spans]
                labels += [int(r) for r in right]
    return signs, labels


def main() -> None:
    main_for(__doc__, labelled, "sources", "training/sources.py")


if __name__ == "__main__":
    main()
