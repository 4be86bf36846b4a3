"""Secrets never reach a message."""

from __future__ import annotations

import logging

import pytest

from app.redact import describe_database, install_log_redaction, mask_url, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://app:s3cret@db:5432/shop", "postgresql://app:***@db:5432/shop"),
        ("postgresql+psycopg://u:p%40ss@h/db", "postgresql+psycopg://u:***@h/db"),
        ("redis://:token@cache:6379/0", "redis://:***@cache:6379/0"),
        ("postgresql://app@db/shop", "postgresql://app@db/shop"),
        ("host=db password=hunter2 dbname=x", "host=db password=*** dbname=x"),
        (
            "failed for https://x:ghp_abc@github.com/o/r.git",
            "failed for https://x:***@github.com/o/r.git",
        ),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_named_secrets() -> None:
    assert redact("token glpat-123 rejected", ("glpat-123",)) == "token *** rejected"


def test_mask_url_and_describe() -> None:
    assert mask_url("postgresql://a:b@h/d") == "postgresql://a:***@h/d"
    assert describe_database("postgresql://a:b@db.internal:6543/shop") == "db.internal:6543/shop"
    assert describe_database("postgresql://postgres:@/x?host=/tmp/pg") == "/tmp/pg/x"


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("schemagate.test")
    handler = logging.StreamHandler()
    logging.getLogger().addHandler(handler)
    try:
        install_log_redaction()
        with caplog.at_level(logging.INFO):
            logger.info("connecting to %s", "postgresql://app:pw123@db/shop")
        formatted = [handler.format(r) for r in caplog.records]
    finally:
        logging.getLogger().removeHandler(handler)
    assert formatted and all("pw123" not in line for line in formatted)
