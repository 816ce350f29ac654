"""The model and data files the package must carry, and the check that they are there.

A wheel built without them once installed a saywho that found no quotes and said nothing of why;
the pipeline now refuses to start instead, naming the file. The same check guards a pipeline read
back with `spacy.load(DIR)`: its models are the files its `saywho_attributions` folder holds.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The saywho_attributions component's defaults: the folder its to_disk writes (training saves here).
MODELS_DIR = PACKAGE_DIR / "models"
# Everything extraction reads: the role tagger, the keep and source models, the calibration table.
REQUIRED_MODELS = ("roles.bin", "keep.json", "sources.json", "confidence.json")


class MissingModel(RuntimeError):
    """A file the package should carry is missing or unreadable: the installation is broken."""


def check_models(folder: Path | None = None, names: tuple[str, ...] = REQUIRED_MODELS) -> None:
    """Raise MissingModel naming the first required file of `folder` (default: the package's
    models) that is absent, empty or unreadable."""
    folder = MODELS_DIR if folder is None else folder
    for name in names:
        path = folder / name
        try:
            with path.open("rb") as handle:
                readable = bool(handle.read(1))
        except OSError as error:
            reason = error.strerror or type(error).__name__
            message = f"model file missing or unreadable: {path} ({reason}); reinstall saywho"
            raise MissingModel(message) from None
        if not readable:
            raise MissingModel(f"model file empty: {path}; reinstall saywho")
