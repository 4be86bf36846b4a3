"""``GET /api/targets`` and ``GET /api/change-requests``: the read models of app.store.status."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from app.store.status import ChangeRequestView, TargetStatus, list_change_requests, target_statuses
from app.store.types import ChangeRequestStatus
from app.wiring import Services

router = APIRouter(prefix="/api")


@router.get("/targets")
async def targets(request: Request) -> list[TargetStatus]:
    return await run_in_threadpool(_targets, request.app.state.services)


@router.get("/change-requests")
async def change_requests(
    request: Request, repository: str | None = None, state: ChangeRequestStatus | None = None
) -> list[ChangeRequestView]:
    return await run_in_threadpool(_change_requests, request.app.state.services, repository, state)


def _targets(services: Services) -> list[TargetStatus]:
    with services.store.session() as session:
        return target_statuses(session, services.config)


def _change_requests(
    services: Services, repository: str | None, state: ChangeRequestStatus | None
) -> list[ChangeRequestView]:
    with services.store.session() as session:
        return list_change_requests(session, repository=repository, state=state)
