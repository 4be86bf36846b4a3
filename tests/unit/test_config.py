"""Configuration: ${ENV} interpolation, validation errors that name the key, no leaked secrets."""

from __future__ import annotations

import pytest

from app.config import parse_file_config
from app.errors import ConfigError

VALID = """
forges:
  github:
    token: ${SG_TEST_TOKEN}
    webhook_secret: hush
repositories:
  - forge: github
    name: acme/shop
    targets:
      - name: production
        database_url: postgresql://app:${SG_TEST_DB_PASSWORD}@db/shop
"""


def test_valid_config_with_interpolation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SG_TEST_TOKEN", "ghp_secret")
    monkeypatch.setenv("SG_TEST_DB_PASSWORD", "pw")
    config = parse_file_config(VALID)
    target = config.repositories[0].targets[0]
    assert target.database_url.get_secret_value() == "postgresql://app:pw@db/shop"
    assert (target.schema_dir, target.pending_file, target.approvals_required) == (
        "schema",
        "pending.sql",
        1,
    )
    assert target.drop_gate and target.after_apply == "merge"
    assert config.forges.github is not None
    assert "ghp_secret" not in repr(config)


def test_missing_environment_variable_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SG_TEST_TOKEN", "t")
    monkeypatch.delenv("SG_TEST_DB_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as caught:
        parse_file_config(VALID)
    assert caught.value.key == "repositories[0].targets[0].database_url"
    assert "SG_TEST_DB_PASSWORD" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (
            "repositories:\n  - forge: bitbucket\n    name: a/b\n    targets: []\n",
            "repositories[0].forge",
            "github",
        ),
        (
            "repositories:\n  - forge: github\n    name: a/b\n    targets:\n      - name: p\n",
            "repositories[0].targets[0].database_url",
            "required",
        ),
        (
            "repositories:\n  - forge: github\n    name: a/b\n    targets:\n"
            "      - {name: p, database_url: x, approvals_required: 0}\n",
            "repositories[0].targets[0].approvals_required",
            "greater than or equal to 1",
        ),
        (
            "repositories:\n  - forge: github\n    name: a/b\n    targets:\n"
            "      - {name: p, database_url: x}\n      - {name: p, database_url: y}\n",
            "repositories[0].targets",
            "repeated: p",
        ),
        (
            "forges:\n  github:\n    token: t\n    webhook_secret: s\n    colour: red\n",
            "forges.github.colour",
            "Extra inputs",
        ),
    ],
)
def test_invalid_values_name_the_key(text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_file_config(text)
    assert caught.value.key == key
    assert words in str(caught.value)


def test_not_yaml_is_reported() -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_file_config("forges: [unclosed\n", source="schemagate.yaml")
