"""saywho: who said what, to whom, and when, in news articles."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from saywho.model import Analysis, Document

__version__ = "0.1.0"
TEXT_CODES = ("empty_text", "not_english")  # the notices reading.text_warnings gives
__all__ = ["Analysis", "Document", "analyse", "analyse_documents", "__version__"]


def analyse_documents(documents: Iterable[Document]) -> Iterator[Analysis]:
    """Analyse documents in order, parsing them in batches: one parse each. Documents are read
    from the iterable as the batches need them, so a long corpus is never held whole."""
    from saywho.nlp import load_pipeline, parse
    from saywho.reading import text_warnings

    nlp = load_pipeline()
    component = nlp.get_pipe("saywho")
    waiting: deque[Document] = deque()

    def texts() -> Iterator[str]:
        for document in documents:
            if not any(w.code in TEXT_CODES for w in document.warnings):
                document.warnings.extend(text_warnings(document.text))  # read from elsewhere than reading.py
            waiting.append(document)
            yield document.text

    for doc in parse(nlp, texts()):
        document = waiting.popleft()
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
