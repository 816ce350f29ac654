"""Train the source model (saywho/attribution/sources.py) on PolNeAR train: which of the candidate
mentions near a cue names its speaker.

Usage: python -m training.sources [--work DIR]     (part of `make train`, before training.keep)
For each candidate attribution of the prepared training articles (the held-out tenth left out) that
matches a gold quote with a speaker mention, every candidate mention of its cue is labelled by
whether it overlaps the gold mention by half (as `saywho eval` counts a speaker right); cues whose
candidates hold no right one teach nothing and are left out. Writes src/saywho/models/sources.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from saywho.attribution import roles as R
from saywho.attribution import sources
from saywho.attribution.direct import quoted_spans
from saywho.attribution.extract import SOURCE, _runs, _subject_of, candidates
from saywho.evaluation import gold_fragments, half_overlap, match_spans, trimmed_spans
from saywho.nlp import load_pipeline
from training.keep import main_for
from training.train import out_of_fold


def labelled(work: Path) -> tuple[list[dict[str, float]], list[int]]:
    """Each candidate mention's signs, and 1 where it is the gold speaker mention."""
    nlp = load_pipeline()
    sources.MODEL_PATH = Path("/nonexistent")  # the assembly's own choice; the model is what we make
    signs, labels = [], []
    for doc, tagger in out_of_fold(work, nlp.vocab):
        gold = [q for q in json.loads(doc.user_data["gold"]) if q.get("speaker_start") is not None]
        found = candidates(doc, tagger)
        found = [a for a in found if a.cue is not None and not a.evidence.get("origin=rule")]
        probs = R.predict(doc, R.quote_state(doc, quoted_spans(doc.text)), tagger)
        runs = _runs(doc, probs.argmax(axis=1), SOURCE)
        golds = [gold_fragments(q, doc.text) for q in gold]
        pairs = match_spans(golds, [trimmed_spans(doc.text, a.fragments) for a in found])
        for g, p in pairs.items():
            cue, mention = found[p].cue, [(gold[g]["speaker_start"], gold[g]["speaker_end"])]
            subject = _subject_of(cue.root)
            spans = sources.candidates(doc, cue, runs, subject)
            right = [half_overlap([(s.start_char, s.end_char)], mention) for s in spans]
            if any(right):
                signs += [sources.signs(doc, probs, cue, s, subject) for s in spans]
                labels += [int(r) for r in right]
    return signs, labels


def main() -> None:
    main_for(__doc__, labelled, sources.MODEL_PATH, "training/sources.py")


if __name__ == "__main__":
    main()
