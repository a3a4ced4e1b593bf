"""README.md lists every canned query: its name, a one-line question and its example call; and
docs/queries.md documents each one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.canned.registry import load_registry

ROOT = Path(__file__).parent.parent
NAMES = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))
HEADING = "## Canned research queries"


def readme_section() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert HEADING in lines, f"README.md has no '{HEADING}' section"
    start = lines.index(HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


@pytest.mark.parametrize("name", NAMES)
def test_readme_lists_the_query(name: str) -> None:
    query = load_registry(ROOT / "queries").get(name)
    assert query is not None
    rows = [line for line in readme_section() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"README.md: no single table row for `{name}`"
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert len(cells) == 3, f"README.md, `{name}`: expected name | question | example call"
    _, question, example = cells
    assert len(question) > 10, f"README.md, `{name}`: the one-line question is missing"
    assert example == f"`{query.header.example}`", (
        f"README.md, `{name}`: the example call should be the one in its header, "
        f"{query.header.example}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_docs_describe_the_query(name: str) -> None:
    query = load_registry(ROOT / "queries").get(name)
    assert query is not None
    docs = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert f"### `{name}`" in docs, f"docs/queries.md has no section for {name}"
    section = docs.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    assert query.header.example in section
    for parameter in query.header.parameters:
        assert f"`{parameter.name}`" in section, f"docs/queries.md, {name}: `{parameter.name}`"
