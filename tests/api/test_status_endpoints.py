"""Health, readiness, metrics and the status API over real HTTP."""

from __future__ import annotations

from app.store.models import ApplyRun, ChangeRequestRecord
from app.store.types import ApplyOutcome, ChangeRequestStatus, ForgeName, utcnow
from tests.api.conftest import Api, encode, github_headers, github_push


def test_health_and_readiness(api: Api) -> None:
    assert (api.client.get("/healthz").text, api.client.get("/readyz").text) == ("ok", "ready")


def test_metrics_count_what_the_store_holds(api: Api) -> None:
    body = encode(github_push())
    api.client.post("/webhooks/github", content=body, headers=github_headers(body))
    ignored = encode(github_push(ref="refs/heads/feature"))
    api.client.post(
        "/webhooks/github", content=ignored, headers=github_headers(ignored, delivery="i")
    )
    api.wait_for(lambda: api.queued() != [])
    started = utcnow()
    with api.services.store.session() as s:
        s.add(
            ApplyRun(
                plan_id="p" * 64,
                repository="acme/shop",
                target="prod",
                started_at=started,
                finished_at=started,
                outcome=ApplyOutcome.APPLIED,
            )
        )
    text = api.client.get("/metrics").text
    assert 'schemagate_webhook_deliveries{forge="github",event="push",outcome="ignored"} 1' in text
    assert 'schemagate_webhook_deliveries{forge="github",event="push",outcome="enqueued"} 1' in text
    assert 'schemagate_applies{outcome="applied"} 1' in text
    assert "schemagate_apply_duration_seconds_count 1" in text
    assert "# TYPE schemagate_apply_duration_seconds summary" in text


def test_targets_and_change_requests_as_json(api: Api) -> None:
    with api.services.store.session() as s:
        s.add(
            ChangeRequestRecord(
                repository="acme/shop",
                target="prod",
                forge=ForgeName.GITHUB,
                number=4,
                branch="change-schema-1",
                url="http://f/pull/4",
                state=ChangeRequestStatus.OPEN,
                plan_id=None,
                head_sha="c" * 40,
            )
        )
    targets = api.client.get("/api/targets").json()
    assert [(t["repository"], t["target"], t["state"]) for t in targets] == [
        ("acme/shop", "prod", "change_pending"),
        ("acme/billing", "prod", "in_sync"),
    ]
    assert targets[0]["change_request"]["url"] == "http://f/pull/4"
    listed = api.client.get("/api/change-requests", params={"state": "open"}).json()
    assert [(c["number"], c["state"]) for c in listed] == [(4, "open")]
    assert api.client.get("/api/change-requests", params={"state": "bogus"}).status_code == 422
