"""saywho's steps as spaCy components, each registered by name (pyproject's spacy_factories entry
points, so `nlp.add_pipe("saywho_attributions")` works without importing saywho first).

Before the English model's parser:

  saywho_lines         sets token.is_sent_start at each line's first word (facts.line_starts)

In order, after the English model's parser and NER (`nlp.analyze_pipes()` checks it):

  saywho_attributions  requires the parse, tags, lemmas, entity types; assigns doc._.attributions
  saywho_entities      requires doc.ents, doc._.attributions;            assigns doc._.entities
  saywho_speakers      requires doc._.attributions, doc._.entities;      assigns doc._.quotes
  saywho_times         requires doc._.quotes (reads doc._.published);    sets each quote's time
  saywho_checks        requires doc._.quotes, doc._.entities;            assigns doc._.warnings

`doc._.published` (an ISO date, set before the pipeline runs) anchors relative times. Only
saywho_attributions holds models: it saves and loads them with `to_disk`/`from_disk`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from saywho import checks, entities, facts, shipped, times
from saywho.attribution import find_attributions
from saywho.attribution.learned import AttributionModels
from saywho.attribution.speakers import to_quotes

# saywho_lines runs with the English model (before its parser), so it is not among these.
LINES = "saywho_lines"
COMPONENTS = ("saywho_attributions", "saywho_entities", "saywho_speakers", "saywho_times", "saywho_checks")

for _name in ("published", "attributions", "entities", "quotes", "warnings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _needed(doc: Doc, attribute: str, component: str) -> list:
    """An earlier component's result, or a clear error where it did not run."""
    value = getattr(doc._, attribute)
    if value is None:
        raise ValueError(f"{component} needs doc._.{attribute}: add the saywho components in order")
    return value


class Attributions:
    """saywho_attributions: the attributions in the Doc (attribution/extract.py), spans of the Doc
    before any name is resolved. Its models are the package's (shipped.MODELS_DIR) unless read
    with `from_disk` or set; `source_model` and `calibrate` (config) leave those two parts out."""

    def __init__(self, name: str, source_model: bool = True, calibrate: bool = True) -> None:
        self.name = name
        self.source_model = source_model
        self.calibrate = calibrate
        self._models: AttributionModels | None = None

    @property
    def models(self) -> AttributionModels:
        """Every model the component holds (and saves): the package's, read on first use."""
        if self._models is None:
            self._models = AttributionModels.from_disk(shipped.MODELS_DIR)
        return self._models

    def check(self) -> None:
        """Raise MissingModel naming a model file the component would read and cannot. (Only
        checked, not read: reading the tagger before the first parse raised the peak memory of
        a batch by 9 MB, BENCHMARKS.md "Speed".)"""
        if self._models is None:
            shipped.check_models(shipped.MODELS_DIR)

    @models.setter
    def models(self, models: AttributionModels) -> None:
        self._models = models

    @property
    def in_use(self) -> AttributionModels:
        """The models it analyses with: its own, less the parts its config turns off."""
        models = self.models
        if not self.source_model:
            models = replace(models, sources=None)
        if not self.calibrate:
            models = replace(models, calibration=None)
        return models

    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = find_attributions(doc, self.in_use)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.models.to_disk(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Attributions:
        self.models = AttributionModels.from_disk(Path(path))
        return self


def _lines(doc: Doc) -> Doc:
    # A headline, a share line or a dateline has no full stop: the parser ran them into the first
    # sentence ("Black Lawmakers Rip Trump ... WASHINGTON ― Trump's obsession ..., lawmakers said"),
    # and the quote with them. A line is a paragraph here (facts.paragraph_starts), so a sentence
    # never crosses one; the parser keeps boundaries set before it.
    for i in facts.line_starts(doc):
        doc[i].is_sent_start = True
    return doc


def _entities(doc: Doc) -> Doc:
    doc._.entities = entities.find_entities(doc, _needed(doc, "attributions", "saywho_entities"))
    return doc


def _speakers(doc: Doc) -> Doc:
    attributions = _needed(doc, "attributions", "saywho_speakers")
    doc._.quotes = to_quotes(doc, attributions, _needed(doc, "entities", "saywho_speakers"))
    return doc


def _times(doc: Doc) -> Doc:
    times.attach_times(doc, _needed(doc, "quotes", "saywho_times"), doc._.published)
    return doc


def _checks(doc: Doc) -> Doc:
    quotes = _needed(doc, "quotes", "saywho_checks")
    doc._.warnings = checks.check(doc, quotes, _needed(doc, "entities", "saywho_checks"))
    return doc


PARSED = ["token.tag", "token.dep", "token.head", "token.lemma", "doc.sents", "token.ent_type"]


@Language.factory(
    "saywho_attributions",
    default_config={"source_model": True, "calibrate": True},
    requires=PARSED,
    assigns=["doc._.attributions"],
)
def make_attributions(nlp: Language, name: str, source_model: bool, calibrate: bool) -> Attributions:
    return Attributions(name, source_model=source_model, calibrate=calibrate)


@Language.factory(LINES, assigns=["token.is_sent_start"])
def make_lines(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return _lines


@Language.factory("saywho_entities", requires=["doc.ents", "doc._.attributions"], assigns=["doc._.entities"])
def make_entities(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return _entities


@Language.factory(
    "saywho_speakers", requires=["doc._.attributions", "doc._.entities"], assigns=["doc._.quotes"]
)
def make_speakers(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return _speakers


@Language.factory("saywho_times", requires=["doc._.quotes"], assigns=["doc._.quotes"])
def make_times(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return _times


@Language.factory("saywho_checks", requires=["doc._.quotes", "doc._.entities"], assigns=["doc._.warnings"])
def make_checks(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return _checks


def add_components(nlp: Language, config: Mapping[str, Mapping[str, Any]] | None = None) -> Language:
    """Add saywho's components a pipeline lacks, in order, each with its `config` entry if any, and
    check their models now (a missing file is one error here, not empty results later)."""
    if LINES not in nlp.pipe_names:
        where = {"before": "parser"} if "parser" in nlp.pipe_names else {"first": True}
        nlp.add_pipe(LINES, **where)
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=dict((config or {}).get(name, {})))
    nlp.get_pipe("saywho_attributions").check()
    return nlp
