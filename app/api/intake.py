"""Webhook intake: verify, parse, judge, record, enqueue, answer (DESIGN.md "Webhooks").

The order matters: the signature or token is checked on the raw bytes before any parsing
(401, nothing stored); only then is the JSON read (400 if malformed); the delivery is stored
before the answer (202), deduplicated on the forge's delivery id (a repeat gets 200
"duplicate"); processing is enqueued after storing, by the :class:`Publisher` thread.
Signed deliveries schemagate does not act on are stored as ``ignored`` (for the metrics
and for dedupe) and answered 200 "ignored: <reason>".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.api.publisher import Publisher
from app.api.relevance import BotName, MalformedPayload, Verdict, judge_github, judge_gitlab
from app.api.verify import github_signature_valid, gitlab_token_valid
from app.config import FileConfig
from app.forges.bots import BotAccounts
from app.store import Store, deliveries
from app.store.types import DeliveryStatus, ForgeName

Judge = Callable[[str, Any, FileConfig, BotName], Verdict]


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


class WebhookIntake:
    def __init__(
        self, *, config: FileConfig, store: Store, bots: BotAccounts, publisher: Publisher
    ) -> None:
        self._config = config
        self._store = store
        self._bots = bots
        self._publisher = publisher

    def github(self, headers: Mapping[str, str], body: bytes) -> Answer:
        section = self._config.forges.github
        if section is None:
            return Answer(404, "github is not configured")
        secret = section.webhook_secret.get_secret_value()
        if not github_signature_valid(secret, body, headers.get("x-hub-signature-256")):
            return Answer(401, "invalid or missing X-Hub-Signature-256")
        event, delivery_id = headers.get("x-github-event"), headers.get("x-github-delivery")
        if not event or not delivery_id:
            return Answer(400, "missing X-GitHub-Event or X-GitHub-Delivery")
        return self._accept(ForgeName.GITHUB, event, delivery_id, body, judge_github)

    def gitlab(self, headers: Mapping[str, str], body: bytes) -> Answer:
        section = self._config.forges.gitlab
        if section is None:
            return Answer(404, "gitlab is not configured")
        if not gitlab_token_valid(
            section.webhook_secret.get_secret_value(), headers.get("x-gitlab-token")
        ):
            return Answer(401, "invalid or missing X-Gitlab-Token")
        event = headers.get("x-gitlab-event")
        delivery_id = headers.get("idempotency-key") or headers.get("x-gitlab-event-uuid")
        if not event or not delivery_id:
            return Answer(400, "missing X-Gitlab-Event or Idempotency-Key/X-Gitlab-Event-UUID")
        return self._accept(ForgeName.GITLAB, event, delivery_id, body, judge_gitlab)

    def _accept(
        self, forge: ForgeName, event: str, delivery_id: str, body: bytes, judge: Judge
    ) -> Answer:
        try:
            text = body.decode("utf-8")
            verdict = judge(event, json.loads(text), self._config, self._bots.username)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return Answer(400, "the body is not JSON")
        except MalformedPayload as exc:
            return Answer(400, f"malformed {event} payload: {exc}")
        status = DeliveryStatus.IGNORED if verdict.ignored else DeliveryStatus.RECEIVED
        row_id, new = self._store.single_statement(
            lambda conn: deliveries.record_delivery(
                conn,
                forge=forge,
                delivery_id=delivery_id,
                event=event,
                repository=verdict.repository,
                payload=text,
                status=status,
                error=verdict.ignored,
            )
        )
        if not new:
            return Answer(200, "duplicate")
        if verdict.ignored:
            return Answer(200, f"ignored: {verdict.ignored}")
        self._publisher.submit(row_id)
        return Answer(202, "accepted")
