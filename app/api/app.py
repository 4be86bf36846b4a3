"""Build the FastAPI application around a :class:`~app.wiring.Services`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import routes_health, routes_status, routes_webhooks
from app.api.intake import WebhookIntake
from app.api.publisher import Publisher
from app.api.readiness import broker_alive
from app.config import Settings
from app.wiring import Services, build_services, install_secret_redaction


def create_app(services: Services) -> FastAPI:
    """The API. The publisher thread runs while the app is served (lifespan)."""
    publisher = Publisher(
        services.store, services.tasks.process_deliveries, lambda: broker_alive(services)
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        publisher.start()
        yield
        publisher.stop()

    app = FastAPI(title="schemagate", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.services = services
    app.state.body_limit = services.settings.webhook_body_limit_bytes
    app.state.intake = WebhookIntake(
        config=services.config,
        store=services.store,
        bots=services.bots,
        publisher=publisher,
    )
    for module in (routes_webhooks, routes_health, routes_status):
        app.include_router(module.router)
    return app


def create_app_from_environment() -> FastAPI:
    """uvicorn's factory (``--factory``): each server process builds its own Services."""
    services = build_services(Settings())
    install_secret_redaction(services)
    return create_app(services)
