"""Sentence embeddings for paraphrase: "zero chance of being liberated" near "no chance to break free".

A static model distilled from all-MiniLM-L6-v2 (training/embedding.py) ships in
saywho/models/paraphrase/ and runs under model2vec: a sentence is the mean of its tokens' vectors,
numpy only, read from the package (never from a hub), about 0.5 ms a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "models" / "paraphrase"
FILES = ("config.json", "model.safetensors", "tokenizer.json")


class MissingEmbedding(RuntimeError):
    """The paraphrase model the package should carry is missing: the installation is broken."""


@lru_cache(maxsize=1)
def _model() -> Any:
    for name in FILES:
        if not (MODEL_DIR / name).is_file():
            raise MissingEmbedding(f"model file missing: {MODEL_DIR / name}; reinstall saywho")
    from model2vec import StaticModel  # imported here: only statement linking needs it

    return StaticModel.from_pretrained(MODEL_DIR, normalize=True)


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit-length float32 row per text (a text of no known token gives a row of zeros)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.asarray(_model().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
