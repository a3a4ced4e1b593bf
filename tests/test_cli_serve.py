"""`cdkg serve`'s options reach uvicorn: the per-request access log is off unless asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from app.cli import cli


@pytest.mark.parametrize(
    ("flags", "access_log"), [((), False), (("--access-log",), True), (("--no-access-log",), False)]
)
def test_access_log_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], access_log: bool
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    store = tmp_path / "store"
    result = CliRunner().invoke(
        cli,
        ["serve", "--store", str(store), "--port", "8123", *flags],
        env={"CDKG_CONFIG": "", "CDKG_STORE": str(store)},
    )
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    assert calls[0]["access_log"] is access_log
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8123)
