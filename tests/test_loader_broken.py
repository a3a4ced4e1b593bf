"""Every study in tests/broken/ is refused with the error its expected.txt names, and nothing in
the store changes.

Each folder is one broken study; expected.txt lists text fragments (one per line) that the
error report must contain: file, line, record, field and what was expected. A folder with a
shapes.ttl is checked against those shapes instead of ontology/shapes.ttl.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from app.store.oxigraph_store import OxigraphStore
from loaders.errors import LoadError
from loaders.pipeline import SHAPES, prepare, publish

BROKEN = Path(__file__).parent / "broken"
WORKED = Path(__file__).parent / "fixtures" / "loader" / "worked"
CASES = sorted(path for path in BROKEN.iterdir() if path.is_dir())


def _expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line]


def _refused(case: Path) -> LoadError:
    shapes = case / "shapes.ttl"
    with pytest.raises(LoadError) as caught:
        prepare([case], shapes=shapes if shapes.exists() else SHAPES)
    return caught.value


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert all((case / "expected.txt").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_study_is_refused_with_its_error(case: Path) -> None:
    report = str(_refused(case))
    for fragment in _expected(case):
        assert fragment in report


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_errors_are_located_in_a_file_of_the_study(case: Path) -> None:
    error = _refused(case)
    assert error.errors
    for item in error.errors:
        assert item.file
        assert str(item).startswith(item.file)


def test_a_failed_load_leaves_the_store_as_it_was(store: OxigraphStore) -> None:
    with prepare([WORKED]) as prepared:
        publish(prepared, store)
    before = _dump(store)
    for case in CASES:
        with pytest.raises(LoadError):
            shapes = case / "shapes.ttl"
            prepared = prepare([case], shapes=shapes if shapes.exists() else SHAPES)
            publish(prepared, store)
    assert _dump(store) == before


def test_a_failed_load_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    for name in ("16-act-category-not-in-version", "23-shape-violation", "24-qc-violation"):
        case = BROKEN / name
        _refused(case)
    assert list(tmp_path.iterdir()) == []


def _dump(store: OxigraphStore) -> bytes:
    import io

    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return b"".join(sorted(out.getvalue().splitlines(keepends=True)))
