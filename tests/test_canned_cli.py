"""`cdkg ask`: the canned queries from the command line over a store on disk (the mini study)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

MINI = Path(__file__).parent / "fixtures" / "mini"
M = "https://example.org/mini/"


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ask") / "store"
    store = OxigraphStore(path)
    with prepare([MINI]) as prepared:
        publish(prepared, store)
    store.close()
    return path


def ask(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["ask", *args, "--store", str(store)])
    return result.exit_code, result.stdout, result.stderr


def test_list(mini_store: Path) -> None:
    code, out, _ = ask(mini_store, "--list")
    assert code == 0
    for name in ("residual-share", "imposition-chain", "evidence-for"):
        assert name in out
    assert "version* (iri)" in out
    assert "min_vendors=2 (integer)" in out


def test_csv(mini_store: Path) -> None:
    code, out, _ = ask(mini_store, "residual-share", "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["dataset", "datasetLabel", "labelledItems", "residualItems", "residualShare"],
        [M + "dataset/DS1", "Pet photo set", "6", "2", "0.3333"],
        [M + "dataset/DS2", "Portrait set", "2", "0", "0.0"],
    ]


def test_json_with_parameters_and_paging(mini_store: Path) -> None:
    code, out, _ = ask(
        mini_store,
        "imposition-chain",
        "--param",
        f"version={M}version/T1-v1",
        "-p",
        f"person={M}person/A1",
        "--format",
        "json",
        "--offset",
        "1",
        "--limit",
        "1",
    )
    assert code == 0
    body = json.loads(out)
    assert body["parameters"] == {"version": M + "version/T1-v1", "person": M + "person/A1"}
    assert [r["imposition"] for r in body["rows"]] == [M + "imposition/IM2"]
    assert body["truncated"] is True


def test_table(mini_store: Path) -> None:
    code, out, _ = ask(mini_store, "excluded-proposals", "-p", "label=non-binary")
    assert code == 0
    assert "Excluded proposals" in out
    assert "cdo:TeamLeadLevel" in out
    assert "1 row" in out


def test_the_local_owner_sees_everything_unless_told_otherwise(mini_store: Path) -> None:
    subject = f"subject={M}proposal/PP2"
    code, out, _ = ask(mini_store, "evidence-for", "-p", subject, "--format", "csv")
    assert code == 0
    assert f"{M}evidence/EV4" in out
    code, out, _ = ask(
        mini_store, "evidence-for", "-p", subject, "--format", "csv", "--level", "public"
    )
    assert code == 0
    assert out.strip() == "subject,evidence,type,text,speaker,speakerRole,date,codes,access"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-query",), "no canned query named 'no-such-query'"),
        ((), "name a query to run"),
        (("imposition-chain",), "'version' is required"),
        (("residual-share", "-p", "dataset"), "write it as NAME=VALUE"),
        (("residual-share", "-p", "dataset=DS1"), "'dataset': 'DS1' is not valid"),
        (("residual-share", "-p", "who=x"), "unknown parameter 'who'"),
    ],
)
def test_mistakes_are_one_line_errors(
    mini_store: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = ask(mini_store, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_a_missing_store(tmp_path: Path) -> None:
    code, _, err = ask(tmp_path / "nothing", "residual-share")
    assert code == 1
    assert "no store at" in err
