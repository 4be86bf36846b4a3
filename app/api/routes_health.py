"""``/healthz`` (the process answers), ``/readyz`` (store and broker reachable), ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from app.api.readiness import check_ready, metrics_text

router = APIRouter()


@router.get("/healthz")
async def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/readyz")
async def readyz(request: Request) -> PlainTextResponse:
    problems = await run_in_threadpool(check_ready, request.app.state.services)
    return PlainTextResponse("\n".join(problems) or "ready", status_code=503 if problems else 200)


@router.get("/metrics")
async def metrics(request: Request) -> PlainTextResponse:
    text = await run_in_threadpool(metrics_text, request.app.state.services)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")
