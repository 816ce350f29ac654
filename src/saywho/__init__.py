"""saywho: who said what, to whom, and when, in news articles."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from saywho.model import Analysis, Document

if TYPE_CHECKING:
    from spacy.language import Language

__version__ = "0.1.0"
__all__ = ["Analysis", "Document", "analyse", "analyse_documents", "load", "__version__"]


def load(name: str | None = None) -> Language:
    """A spaCy pipeline: the English model (`name`, else SAYWHO_PIPELINE, else en_core_web_sm) with
    saywho's components after it, their models read from the package. Give it Docs from
    `nlp.make_doc(text)` with `doc._.published` set; read `doc._.quotes`, `doc._.entities`,
    `doc._.warnings`."""
    from saywho.nlp import load as load_nlp

    return load_nlp(name)


def analyse_documents(documents: Iterable[Document], nlp: Language | None = None) -> Iterator[Analysis]:
    """Analyse documents in order through one pipeline (`nlp`, else the process's own), in
    batches: one parse each. Documents are read from the iterable as the batches need them, so a
    long corpus is never held whole."""
    from saywho.facts import TEXT_CODES, text_warnings
    from saywho.nlp import analyse, load_pipeline

    waiting: deque[Document] = deque()

    def items() -> Iterator[tuple[str, dict[str, str | None]]]:
        for document in documents:
            if not any(w.code in TEXT_CODES for w in document.warnings):
                document.warnings.extend(text_warnings(document.text))  # read from elsewhere than reading.py
            waiting.append(document)
            yield document.text, {"published": document.published}  # relative times resolve against it

    for doc in analyse(nlp or load_pipeline(), items()):
        document = waiting.popleft()
        # Its attributions hold Spans of the Doc, a cycle that would keep the Doc (and its
        # tensor) alive until the garbage collector runs: let it go as soon as it is read.
        doc._.attributions = None
        if any(w.code == "not_english" for w in document.warnings):
            # Rules made for English would invent quotes in another language (see reading.py).
            yield Analysis(document=document, warnings=list(document.warnings))
            continue
        warnings = list(document.warnings) + list(doc._.warnings)
        yield Analysis(document=document, quotes=doc._.quotes, entities=doc._.entities, warnings=warnings)


def analyse(text: str, published: str | None = None) -> Analysis:
    """Analyse one article's text; `published` (ISO date) anchors relative times."""
    return next(analyse_documents([Document(text=text, published=published)]))
