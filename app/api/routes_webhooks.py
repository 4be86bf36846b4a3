"""``POST /webhooks/github`` and ``POST /webhooks/gitlab``: read, hand to the intake, answer."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from app.api.intake import WebhookIntake

router = APIRouter()


@router.post("/webhooks/github")
async def github_webhook(request: Request) -> PlainTextResponse:
    intake: WebhookIntake = request.app.state.intake
    body = await read_body(request, request.app.state.body_limit)
    answer = await run_in_threadpool(intake.github, request.headers, body)
    return PlainTextResponse(answer.text, status_code=answer.status)


@router.post("/webhooks/gitlab")
async def gitlab_webhook(request: Request) -> PlainTextResponse:
    intake: WebhookIntake = request.app.state.intake
    body = await read_body(request, request.app.state.body_limit)
    answer = await run_in_threadpool(intake.gitlab, request.headers, body)
    return PlainTextResponse(answer.text, status_code=answer.status)


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body; 413 as soon as the declared or the actual size passes ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
