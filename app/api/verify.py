"""Webhook authenticity, checked on the raw body before anything parses it.

Both comparisons are constant-time (``hmac.compare_digest``) so the time an answer takes
says nothing about how much of a guessed signature was right.
"""

from __future__ import annotations

import hashlib
import hmac


def github_signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256`` must be ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    if not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def gitlab_token_valid(secret: str, header: str | None) -> bool:
    """``X-Gitlab-Token`` must equal the configured secret."""
    if not header:
        return False
    return hmac.compare_digest(secret.encode(), header.encode())
