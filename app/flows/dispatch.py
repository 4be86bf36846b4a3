"""Route a stored webhook delivery to the flow it calls for."""

from __future__ import annotations

import logging

from app.flows.commands import HELP, CommandKind, parse_commands
from app.flows.context import number, target_context, targets_of
from app.flows.events import EventKind, FlowEvent, parse_event
from app.flows.publish import publish
from app.flows.review import evaluate_change_request
from app.store import deliveries
from app.store.changes import change_request_by_number, change_requests_on_branch
from app.wiring import Services

log = logging.getLogger(__name__)


def handle_delivery(services: Services, *, delivery_id: int) -> None:
    """Process one delivery (the worker's ``process_delivery`` task)."""
    with services.store.session() as session:
        delivery = deliveries.get_delivery(session, delivery_id)
        if delivery is None:
            return
        event = parse_event(delivery.forge.value, delivery.event, delivery.payload)
    log.info("delivery %s: %s on %s", delivery_id, event.kind.value, event.repository)
    handle_event(services, event)


def handle_event(services: Services, event: FlowEvent) -> None:
    if event.kind is EventKind.PUSH_DEFAULT:
        for ctx in targets_of(services, event.repository):
            with ctx.locked():
                publish(ctx, trigger="push")
    elif event.kind is EventKind.PUSH_CHANGE_BRANCH:
        for request_number in _requests_on_branch(services, event):
            evaluate_change_request(
                services, repository=event.repository, request_number=request_number
            )
    elif event.kind is EventKind.COMMENT and event.number is not None:
        _comment(services, event, event.number)
    elif event.number is not None and event.kind is not EventKind.OTHER:
        evaluate_change_request(
            services,
            repository=event.repository,
            request_number=event.number,
            actor=event.actor,
        )


def _comment(services: Services, event: FlowEvent, request_number: int) -> None:
    """Comment commands on a request schemagate opened; other comments are conversation."""
    commands = parse_commands(event.body)
    target = _target_of(services, event.repository, request_number)
    if not commands or target is None:
        return
    ctx = target_context(services, repository=event.repository, target=target)
    kinds = {c.kind for c in commands}
    if CommandKind.PLAN in kinds:
        with ctx.locked():
            publish(ctx, trigger="comment", reason=f"/schemagate plan by {event.actor}")
    if kinds & {CommandKind.CONFIRM_DROP, CommandKind.APPLY, CommandKind.PLAN}:
        evaluate_change_request(
            services, repository=event.repository, request_number=request_number
        )
    unknown = [c.text for c in commands if c.kind is CommandKind.UNKNOWN]
    if unknown:
        ctx.forge.post_comment(
            ctx.repo, number(request_number), body=f"`{unknown[0]}` is not a command I know. {HELP}"
        )


def _target_of(services: Services, repository: str, request_number: int) -> str | None:
    with services.store.session() as session:
        record = change_request_by_number(session, repository=repository, number=request_number)
        return record.target if record is not None else None


def _requests_on_branch(services: Services, event: FlowEvent) -> list[int]:
    with services.store.session() as session:
        records = change_requests_on_branch(
            session, repository=event.repository, branch=event.branch
        )
        return [r.number for r in records]
