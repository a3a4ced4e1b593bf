"""One typed settings object, read from `CDKG_*` environment variables or a config file.

Nothing here runs at import time: callers build `Settings()` (or `load_settings()`) explicitly.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "CDKG_"
CONFIG_ENV = "CDKG_CONFIG"


class SettingsError(ValueError):
    """A setting has a value cdkg cannot use; the message names the setting and the source."""


class Settings(BaseSettings):
    """Every knob cdkg has. Each field is documented in README.md ("Settings")."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    store: Path = Field(
        default=Path("./data/store"),
        description="Path of the persistent Oxigraph store; ':memory:' for an in-memory store.",
    )
    host: str = Field(default="127.0.0.1", description="Address `cdkg serve` listens on.")
    port: int = Field(
        default=8000, ge=0, le=65535, description="Port `cdkg serve` listens on (0: any free)."
    )
    query_timeout_s: float = Field(
        default=30.0, gt=0, description="Wall-clock limit for one query, in seconds."
    )
    row_limit: int = Field(
        default=10_000, gt=0, description="Most result rows an anonymous request receives."
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

    # Bounded work, access and operations (docs/operations.md, docs/security.md).
    query_workers: int = Field(
        default=2,
        ge=1,
        description="Worker processes that run queries; a timed-out worker is killed and replaced.",
    )
    max_queued_queries: int = Field(
        default=8,
        ge=0,
        description="Queries that may wait for a free worker; beyond that the answer is 503.",
    )
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1,
        description="Largest request body accepted, in bytes; larger bodies get 413.",
    )
    cors_origins: list[str] = Field(
        default=["*"],
        description="Origins allowed to read through CORS (JSON list); [] turns CORS off.",
    )
    query_log: Path | None = Field(
        default=None,
        description="JSON-lines request log (time, route, status, duration, bytes, role); "
        "unset means no log.",
    )
    query_log_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Size at which the query log is rotated to <file>.1, <file>.2, ...",
    )
    query_log_backups: int = Field(
        default=5, ge=0, description="Rotated query-log files kept beside the current one."
    )
    warm_projections: bool = Field(
        default=True,
        description="Build the path projections of every access level in the background at "
        "start-up, so the first path, analytics or datasheet request does not wait for them.",
    )
    tokens_file: Path | None = Field(
        default=None,
        description="JSON file of hashed bearer tokens; unset means tokens.json beside the store.",
    )

    @property
    def in_memory(self) -> bool:
        return str(self.store) == ":memory:"


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Build settings from the environment, an optional TOML/JSON config file, and overrides.

    The file is `config_file`, else the one the environment variable CDKG_CONFIG names, if any.
    Explicit overrides (for example CLI flags) win over the environment, which wins over the file.
    Raises SettingsError naming the setting and where its bad value came from.
    """
    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    values: dict[str, object] = {}
    if config_file is not None:
        values.update(_read_config_file(config_file))
    try:
        env = Settings()
    except ValidationError as exc:
        raise SettingsError(describe_error(exc, "environment")) from exc
    merged = {**values, **{k: v for k, v in env.model_dump().items() if k in env.model_fields_set}}
    merged.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        origin = f"{config_file} or the command line" if config_file else "the command line"
        raise SettingsError(describe_error(exc, origin)) from exc


def describe_error(exc: ValidationError, origin: str) -> str:
    """One line per bad setting: its environment variable name, the problem and the value."""
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "settings"
        name = f"{ENV_PREFIX}{field.upper()}" if field in Settings.model_fields else field
        given = error.get("input")
        shown = "" if isinstance(given, dict) else f" (got {given!r})"
        problems.append(f"{name}: {error['msg']}{shown}")
    return f"bad settings from {origin}: " + "; ".join(problems)


def _read_config_file(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read the config file ({exc.strerror})") from exc
    try:
        data: object = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except ValueError as exc:
        raise SettingsError(f"{path}: not a valid {_kind(path)} config file: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: the config file must hold a table of settings")
    section = data.get("cdkg", data)
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [cdkg] must be a table of settings")
    return dict(section)


def _kind(path: Path) -> str:
    return "TOML" if path.suffix == ".toml" else "JSON"
