"""The HTTP API: webhooks in, health and status out. Routers only verify, record, enqueue
and answer; the decisions are in verify.py, relevance.py and intake.py."""

from app.api.app import create_app

__all__ = ["create_app"]
