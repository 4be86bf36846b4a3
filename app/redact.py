"""Keep secrets out of everything schemagate prints.

Database URLs carry passwords, and people paste them into config files; anything we log,
comment or raise goes through :func:`mask_url` or :func:`redact` first, and the logging
filter installed by :func:`install_log_redaction` catches what slips through.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

MASK = "***"

# Userinfo of any URL: scheme://user:password@host. This is URL text, never SQL.
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@]*:)(?P<pw>[^@\s/]+)@")
# libpq keyword/value strings: password=secret
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'[^']*'|\S+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """Return ``url`` with its password (if any) replaced by ``***``."""
    return redact(url)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Mask URL passwords, ``password=`` pairs and any of the given secret values in ``text``."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text)
    text = _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def describe_database(url: str) -> str:
    """Say which server and database a URL points at, for messages: ``host:port/db``."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or "(default database)"
    host = parts.hostname or ""
    if not host:
        socket_dir = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair).get(
            "host", "local socket"
        )
        return f"{socket_dir}/{database}"
    port = parts.port or 5432
    return f"{host}:{port}/{database}"


class _RedactingFilter(logging.Filter):
    """Rewrites each record's message so no password reaches a handler."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction(secrets: tuple[str, ...] = ()) -> None:
    """Attach the redacting filter to every handler of the root logger."""
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(_RedactingFilter(secrets))
