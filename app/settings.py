"""One typed settings object, read from `CDKG_*` environment variables or a config file.

Nothing here runs at import time: callers build `Settings()` (or `load_settings()`) explicitly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob cdkg has. Each field is documented in README.md ("Settings")."""

    model_config = SettingsConfigDict(env_prefix="CDKG_", extra="forbid")

    store: Path = Field(
        default=Path("./data/store"),
        description="Path of the persistent Oxigraph store; ':memory:' for an in-memory store.",
    )
    host: str = Field(default="127.0.0.1", description="Address `cdkg serve` listens on.")
    port: int = Field(default=8000, description="Port `cdkg serve` listens on.")
    query_timeout_s: float = Field(
        default=30.0, description="Wall-clock limit for one query, in seconds."
    )
    row_limit: int = Field(
        default=10_000, description="Most result rows an anonymous request receives."
    )
    public_base_url: str | None = Field(
        default=None,
        description="Public address of this server, used to map study base IRIs to URLs.",
    )
    ontology_dir: Path = Field(
        default=REPO_ROOT / "ontology", description="Folder holding cdo.ttl and shapes.ttl."
    )
    queries_dir: Path = Field(
        default=REPO_ROOT / "queries", description="Folder holding the canned .rq queries."
    )

    @property
    def in_memory(self) -> bool:
        return str(self.store) == ":memory:"


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Build settings from the environment, an optional TOML/JSON config file, and overrides.

    Explicit overrides (for example CLI flags) win over the environment, which wins over the file.
    """
    values: dict[str, object] = {}
    if config_file is not None:
        values.update(_read_config_file(config_file))
    env = Settings()
    merged = {**values, **{k: v for k, v in env.model_dump().items() if k in env.model_fields_set}}
    merged.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.model_validate(merged)


def _read_config_file(path: Path) -> dict[str, object]:
    import json
    import tomllib

    text = path.read_text(encoding="utf-8")
    data: object = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config file must hold a table of settings")
    section = data.get("cdkg", data)
    if not isinstance(section, dict):
        raise ValueError(f"{path}: [cdkg] must be a table of settings")
    return dict(section)
