"""Which analyser an article was analysed with: saywho's version and its model files' hash."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
HASH_CHARS = 12


def models_hash(models_dir: Path = MODELS_DIR) -> str:
    """A short hash of every file under the models folder (names and bytes): a retrained model
    analyses differently even when the version number stays."""
    digest = hashlib.sha256()
    files = sorted(p for p in models_dir.rglob("*") if p.is_file()) if models_dir.is_dir() else []
    for path in files:
        digest.update(path.relative_to(models_dir).as_posix().encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:HASH_CHARS] if files else "none"


@lru_cache(maxsize=1)
def analyser_version() -> str:
    """`VERSION+MODELHASH`, e.g. `0.1.0+3f2a9c01b2d4`: stored with each article."""
    from saywho import __version__

    return f"{__version__}+{models_hash()}"
