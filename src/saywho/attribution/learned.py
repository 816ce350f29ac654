"""What the attribution step has learned, as one value read from and written to one folder.

The folder is the package's models (shipped.MODELS_DIR: the component's defaults, where `make train`
saves) or a saved pipeline's `saywho_attributions/`. A part set to None is left to the rules: no
tagger finds nothing, no keep model keeps on the assembly's own score, no source model takes the
assembly's choice of speaker, no calibration gives the raw score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from thinc.api import Model

from saywho.attribution import calibration, keep, roles, sources
from saywho.attribution.calibration import Calibration
from saywho.attribution.keep import Logistic
from saywho.shipped import check_models


@dataclass(frozen=True)
class AttributionModels:
    tagger: Model | None  # roles.py: SOURCE / CUE / CONTENT per token
    keep: Logistic | None  # keep.py: which candidate attributions are attributions
    sources: Logistic | None  # sources.py: which mention names a cue's speaker
    calibration: Calibration | None  # calibration.py: raw score -> confidence

    @classmethod
    def from_disk(cls, folder: Path) -> AttributionModels:
        """The four models of `folder`; MissingModel names the first file missing or empty."""
        check_models(folder)
        return cls(
            tagger=roles.read_model(folder / roles.FILE),
            keep=Logistic.read(folder / keep.FILE),
            sources=Logistic.read(folder / sources.FILE),
            calibration=Calibration.read(folder / calibration.FILE),
        )

    def to_disk(self, folder: Path) -> None:
        """Write every part held (a part set to None writes nothing)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.tagger is not None:
            (folder / roles.FILE).write_bytes(self.tagger.to_bytes())
        if self.keep is not None:
            self.keep.write(folder / keep.FILE)
        if self.sources is not None:
            self.sources.write(folder / sources.FILE)
        if self.calibration is not None:
            self.calibration.write(folder / calibration.FILE)
