"""Settings: sources and their precedence, clear errors, and every field documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.settings import REPO_ROOT, Settings, SettingsError, load_settings

README = REPO_ROOT / "README.md"


def _settings_section() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^## Settings\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert found, "README.md has no '## Settings' section"
    return found.group(1)


def _documented_default(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, Path):
        return value.relative_to(REPO_ROOT).as_posix() if value.is_absolute() else str(value)
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme_with_its_default(name: str) -> None:
    rows = [line for line in _settings_section().splitlines() if f"`CDKG_{name.upper()}`" in line]
    assert rows, f"README.md, section Settings: no row for CDKG_{name.upper()}"
    field = Settings.model_fields[name]
    default = field.get_default(call_default_factory=True)
    assert _documented_default(default) in rows[0], f"README.md: default of CDKG_{name.upper()}"


def test_environment_sets_a_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDKG_ROW_LIMIT", "25")
    assert load_settings().row_limit == 25


def test_environment_wins_over_file_and_options_win_over_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "cdkg.toml"
    config.write_text('[cdkg]\nrow_limit = 7\nport = 9000\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("CDKG_PORT", "9100")
    settings = load_settings(config, host="127.0.0.2", store=None)
    assert (settings.row_limit, settings.port, settings.host) == (7, 9100, "127.0.0.2")


def test_config_file_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "cdkg.toml"
    config.write_text("row_limit = 3\n")
    monkeypatch.setenv("CDKG_CONFIG", str(config))
    assert load_settings().row_limit == 3


def test_json_config_file_at_top_level(tmp_path: Path) -> None:
    config = tmp_path / "cdkg.json"
    config.write_text(json.dumps({"query_timeout_s": 2.5}))
    assert load_settings(config).query_timeout_s == 2.5


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDKG_ROW_LIMIT", "lots")
    with pytest.raises(SettingsError, match=r"environment: CDKG_ROW_LIMIT: .*\(got 'lots'\)"):
        load_settings()


def test_out_of_range_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDKG_QUERY_TIMEOUT_S", "0")
    with pytest.raises(SettingsError, match="CDKG_QUERY_TIMEOUT_S: Input should be greater than 0"):
        load_settings()


def test_unknown_key_in_config_file(tmp_path: Path) -> None:
    config = tmp_path / "cdkg.toml"
    config.write_text("row_limits = 3\n")
    with pytest.raises(SettingsError, match="row_limits: Extra inputs are not permitted"):
        load_settings(config)


def test_config_file_that_does_not_parse(tmp_path: Path) -> None:
    config = tmp_path / "cdkg.toml"
    config.write_text("row_limit = = 3\n")
    with pytest.raises(SettingsError, match=r"cdkg\.toml: not a valid TOML config file"):
        load_settings(config)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read the config file"):
        load_settings(tmp_path / "absent.toml")


def test_memory_store_is_recognised() -> None:
    assert Settings(store=Path(":memory:")).in_memory
    assert not Settings(store=Path("data/store")).in_memory
