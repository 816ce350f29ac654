"""saywho: who said what, to whom, and when, in news articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from saywho.model import Analysis, Document

__version__ = "0.1.0"
__all__ = ["Analysis", "Document", "analyse", "analyse_documents", "__version__"]


def analyse_documents(documents: Iterable[Document]) -> Iterator[Analysis]:
    """Analyse documents in order, parsing them in batches: one parse each."""
    from saywho.nlp import load_pipeline, parse

    nlp = load_pipeline()
    component = nlp.get_pipe("saywho")
    pending = list(documents) if not isinstance(documents, list) else documents
    for document, doc in zip(pending, parse(nlp, (d.text for d in pending)), strict=True):
        if any(w.code == "not_english" for w in document.warnings):
            # Rules made for English would invent quotes in another language (see reading.py).
            yield Analysis(document=document, warnings=list(document.warnings))
            continue
        doc._.published = document.published
        component(doc)
        warnings = list(document.warnings) + list(doc._.warnings)
        yield Analysis(document=document, quotes=doc._.quotes, entities=doc._.entities, warnings=warnings)


def analyse(text: str, published: str | None = None) -> Analysis:
    """Analyse one article's text; `published` (ISO date) anchors relative times."""
    return next(analyse_documents([Document(text=text, published=published)]))
