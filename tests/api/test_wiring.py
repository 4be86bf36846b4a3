"""build_services: validated at start-up with errors naming the key; embedded fallbacks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.config import Settings, parse_file_config
from app.errors import ConfigError
from app.redact import install_log_redaction
from app.wiring import build_services, configured_secrets
from tests.api.conftest import CONFIG_YAML, make_services
from tests.support.databases import DatabaseFactory


def test_a_missing_config_file_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SCHEMAGATE_CONFIG: not set"):
        build_services(Settings(data_dir=tmp_path))


def test_a_repository_on_an_unconfigured_forge_names_its_key(tmp_path: Path) -> None:
    config = parse_file_config(
        "forges: {github: {token: t, webhook_secret: s}}\n"
        "repositories:\n"
        "  - {forge: github, name: a/b, targets: [{name: p, database_url: 'postgresql://x/y'}]}\n"
        "  - {forge: gitlab, name: c/d, targets: [{name: p, database_url: 'postgresql://x/y'}]}\n"
    )
    with pytest.raises(ConfigError, match=r"repositories\[1\]\.forge: c/d is on gitlab"):
        build_services(Settings(data_dir=tmp_path), file_config=config)


def test_an_unreachable_state_store_is_named_without_its_password(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, state_store_url="postgresql://sg:hunter2-secret@127.0.0.1:1/state"
    )
    with pytest.raises(ConfigError, match="SCHEMAGATE_STATE_STORE_URL") as raised:
        build_services(settings, file_config=parse_file_config(CONFIG_YAML))
    assert "hunter2-secret" not in str(raised.value)


def test_embedded_defaults_when_no_urls_are_given(tmp_path: Path) -> None:
    services = build_services(
        Settings(data_dir=tmp_path), file_config=parse_file_config(CONFIG_YAML)
    )
    try:
        assert services.store.dialect == "sqlite"
        assert (tmp_path / "state.db").exists()
        assert services.broker_url.startswith("redis+socket://")
        assert services.redis.ping()
    finally:
        services.close()


def test_lookups_and_the_engine_session_use_the_configured_shadow_server(
    tmp_path: Path, broker_url: str, postgres_url: str, databases: DatabaseFactory
) -> None:
    services = make_services(
        tmp_path, f"sqlite:///{tmp_path / 's.db'}", broker_url, shadow_url=postgres_url
    )
    target = services.target("acme/shop", "prod")
    assert services.repository("acme/billing").forge == "gitlab"
    with pytest.raises(ConfigError, match="no target named 'staging'"):
        services.target("acme/shop", "staging")
    with pytest.raises(ConfigError, match="no repository named 'evil/repo'"):
        services.repository("evil/repo")
    moved = target.model_copy(update={"database_url": SecretStr(databases.create())})
    with services.engine_session(moved) as session:
        assert session.shadow.url == postgres_url
    services.close()


def test_configured_secrets_are_masked_in_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = parse_file_config(CONFIG_YAML)
    secrets = configured_secrets(Settings(broker_url="redis://:brokerpw@h/0"), config)
    assert {
        "gh-token",
        "github-hook-secret-0123",
        "gitlab-hook-secret-4567",
        "pw",
        "brokerpw",
    } <= set(secrets)
    caplog.set_level(logging.INFO)
    install_log_redaction(secrets)
    logging.getLogger("schemagate.test").info("token gh-token and secret github-hook-secret-0123")
    assert "gh-token" not in caplog.text and "github-hook-secret-0123" not in caplog.text
