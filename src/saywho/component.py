"""The `saywho` spaCy component: add it last to a pipeline, read `doc._.quotes`."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from saywho import checks, entities, times
from saywho.attribution import find_attributions
from saywho.attribution.speakers import to_quotes
from saywho.shipped import check_models

for _name in ("quotes", "entities", "warnings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)  # ISO date; relative times resolve against it


class Saywho:
    """Fills `doc._.quotes`, `doc._.entities` and `doc._.warnings` from the Doc's parse."""

    def __init__(self, nlp: Language, name: str = "saywho") -> None:
        check_models()  # a broken installation fails here, naming the file, not with empty results
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        attributions = find_attributions(doc)
        found = entities.find_entities(doc, attributions)
        quotes = to_quotes(doc, attributions, found)
        times.attach_times(doc, quotes, doc._.published)
        doc._.quotes = quotes
        doc._.entities = found
        doc._.warnings = checks.check(doc, quotes, found)
        return doc


@Language.factory("saywho")
def make_saywho(nlp: Language, name: str) -> Saywho:
    return Saywho(nlp, name)
