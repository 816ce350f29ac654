"""Fixtures shared by the test modules: one loaded pipeline and one parse of the founding article
per session (loading the pipeline takes seconds, and so does parsing the article)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from saywho.nlp import load_pipeline, parse

SEED = Path(__file__).parent / "fixtures" / "seed" / "belarus_volunteers"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_pipeline()


@pytest.fixture(scope="session")
def parsed(nlp: Language) -> Callable[[str], Doc]:
    """A text parsed as saywho parses it, before saywho's own steps."""
    return lambda text: next(parse(nlp, [text]))


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The founding article exactly as written (nothing normalised: gold offsets point into it)."""
    with open(f"{SEED}.txt", encoding="utf-8", newline="") as f:
        return f.read()


@pytest.fixture(scope="session")
def seed_gold() -> dict[str, Any]:
    return json.loads(Path(f"{SEED}.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_doc(parsed: Callable[[str], Doc], seed_text: str) -> Doc:
    return parsed(seed_text)
