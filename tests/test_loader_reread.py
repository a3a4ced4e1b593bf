"""The CSV tables are read twice: once for the typed checks and the index, once for the mapping.
The second reading skips the typed checks, so it must see the very bytes the first one checked;
a table changed in between stops the load with an error naming it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from loaders.errors import LoadError
from loaders.pipeline import CHANGED, ProgressCallback, prepare

MINI = Path(__file__).parent / "fixtures" / "mini"


def _study(tmp_path: Path) -> Path:
    study = tmp_path / "mini"
    shutil.copytree(MINI, study)
    return study


def _between_readings(change: Callable[[], None]) -> ProgressCallback:
    def report(stage: str, done: int, total: int | None) -> None:
        # The index reports its total once, when the first reading of the tables is over.
        if stage == "check" and total is not None:
            change()

    return report


def _replace(path: Path, old: str, new: str) -> Callable[[], None]:
    def change() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _append(path: Path, row: str) -> Callable[[], None]:
    def change() -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(row)

    return change


def _refused(study: Path, change: Callable[[], None]) -> list[str]:
    with pytest.raises(LoadError) as caught:
        prepare([study], progress=_between_readings(change))
    return [str(error) for error in caught.value.errors]


def test_an_unchanged_study_loads_with_the_second_reading(tmp_path: Path) -> None:
    study = _study(tmp_path)
    with prepare([study], progress=_between_readings(lambda: None)) as prepared:
        assert prepared.counts["acts"] == 11
        assert prepared.counts["overrides"] == 4


def test_a_cell_changed_in_place_is_caught_by_the_checksum(tmp_path: Path) -> None:
    study = _study(tmp_path)
    acts = study / "acts.csv"
    # Same length, still a valid date-time: only the file's sha256 tells.
    change = _replace(acts, "2024-01-15T10:00:00", "2024-01-15T11:00:00")
    assert _refused(study, change) == [f"{acts}: {CHANGED}"]


def test_a_row_added_in_between_is_refused(tmp_path: Path) -> None:
    study = _study(tmp_path)
    acts = study / "acts.csv"
    change = _append(acts, "X99,A1,i1,c-cat,T1-v1,PJ1,2024-01-15T10:00:00\n")
    assert _refused(study, change) == [f"{acts}: {CHANGED}"]


def test_a_value_made_invalid_in_between_is_refused(tmp_path: Path) -> None:
    study = _study(tmp_path)
    overrides = study / "overrides.csv"
    change = _replace(overrides, ",document,", ",whim,")
    assert _refused(study, change) == [f"{overrides}: {CHANGED}"]


def test_a_table_deleted_in_between_is_refused(tmp_path: Path) -> None:
    study = _study(tmp_path)
    evidence = study / "evidence.csv"
    assert _refused(study, evidence.unlink) == [f"{evidence}: {CHANGED}"]
