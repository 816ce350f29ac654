"""A broken installation (a model file missing or unreadable) is one clear error, never an empty result."""

from __future__ import annotations

from pathlib import Path

import pytest

from saywho import cli, shipped
from saywho.attribution.learned import AttributionModels
from saywho.nlp import load_pipeline


def test_the_package_carries_every_required_model() -> None:
    shipped.check_models()  # raises on a checkout or an installation without them


@pytest.fixture
def broken_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A models folder where keep.json is missing: the others copied from the package."""
    for name in shipped.REQUIRED_MODELS:
        if name != "keep.json":
            (tmp_path / name).write_bytes((shipped.MODELS_DIR / name).read_bytes())
    monkeypatch.setattr(shipped, "MODELS_DIR", tmp_path)
    load_pipeline.cache_clear()
    yield tmp_path
    load_pipeline.cache_clear()


def test_a_missing_model_names_the_file(broken_models: Path) -> None:
    with pytest.raises(shipped.MissingModel, match="keep.json"):
        shipped.check_models()


def test_an_empty_model_file_is_an_error(broken_models: Path) -> None:
    (broken_models / "keep.json").write_bytes(b"")
    with pytest.raises(shipped.MissingModel, match="empty: .*keep.json"):
        shipped.check_models()


def test_extract_without_a_model_fails_in_one_line_with_exit_1(
    broken_models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("“We are ready,” said Anna Berg on Monday.\n", encoding="utf-8")
    status = cli.main(["extract", str(article)])
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""  # no "no quotes found", no empty document
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "keep.json" in lines[0], err


def test_a_saved_models_folder_without_a_file_is_the_same_error(tmp_path: Path) -> None:
    AttributionModels.from_disk(shipped.MODELS_DIR).to_disk(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(shipped.REQUIRED_MODELS)
    (tmp_path / "sources.json").unlink()
    with pytest.raises(shipped.MissingModel, match=f"{tmp_path}.*sources.json"):
        AttributionModels.from_disk(tmp_path)


def test_the_models_written_are_the_files_read(tmp_path: Path) -> None:
    """What the component saves is byte for byte what it read: training saves every model through
    it, so the parts it did not retrain stay as they were."""
    AttributionModels.from_disk(shipped.MODELS_DIR).to_disk(tmp_path)
    for name in shipped.REQUIRED_MODELS:
        assert (tmp_path / name).read_bytes() == (shipped.MODELS_DIR / name).read_bytes(), name
