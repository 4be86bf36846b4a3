"""The deployment files only use commands, options and settings that exist in the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.api import routes_health
from app.cli import SERVICE_COMMANDS, build_parser
from app.config import Settings, parse_file_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _kustomization() -> dict[str, Any]:
    return _documents(DEPLOY / "kustomization.yaml")[0]


def _manifests() -> list[dict[str, Any]]:
    return [doc for name in _kustomization()["resources"] for doc in _documents(DEPLOY / name)]


def _deployments() -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _manifests() if d["kind"] == "Deployment"}


def _containers() -> list[dict[str, Any]]:
    return [c for d in _deployments().values() for c in d["spec"]["template"]["spec"]["containers"]]


def _compose_services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _documents(ROOT / "docker-compose.yml")[0]["services"]
    return {name: s for name, s in services.items() if s.get("image") == "schemagate:latest"}


def _commands() -> list[list[str]]:
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = yaml.safe_load(re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)[1])  # type: ignore[index]
    return (
        [c["args"] for c in _containers()]
        + [s["command"] for s in _compose_services().values()]
        + [cmd]
    )


def _settings_variables() -> set[str]:
    return {f"SCHEMAGATE_{name.upper()}" for name in Settings.model_fields}


def _config_variables() -> set[str]:
    lines = (DEPLOY / "example-config.yaml").read_text().splitlines()
    return {
        name
        for line in lines
        if not line.lstrip().startswith("#")
        for name in ENV_REFERENCE.findall(line)
    }


def test_the_image_runs_the_schemagate_command() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["schemagate"]' in dockerfile
    assert "USER 10001" in dockerfile
    assert 'schemagate = "app.cli:main"' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c))
def test_every_command_parses_with_the_cli(command: list[str]) -> None:
    assert command[0] in SERVICE_COMMANDS
    build_parser().parse_args(command)  # SystemExit (a failure) on an unknown option


def test_kubernetes_and_compose_run_api_worker_and_beat() -> None:
    parts = sorted(c["args"][0] for c in _containers())
    assert parts == ["api", "beat", "worker"]
    assert sorted(s["command"][0] for s in _compose_services().values()) == parts


def test_every_schemagate_variable_is_a_setting_and_every_config_secret_is_provided() -> None:
    k8s = [{e["name"] for e in c["env"]} for c in _containers()]
    compose = [set(s["environment"]) for s in _compose_services().values()]
    for names in k8s + compose:
        assert {n for n in names if n.startswith("SCHEMAGATE_")} <= _settings_variables()
        assert _config_variables() <= names


def test_secrets_come_from_one_secret_and_the_config_from_the_generated_configmap() -> None:
    generated = {g["name"] for g in _kustomization()["configMapGenerator"]}
    for deployment in _deployments().values():
        spec = deployment["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert volumes["config"]["configMap"]["name"] in generated
        for container in spec["containers"]:
            refs = [e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e]
            assert {r["name"] for r in refs} == {"schemagate-secrets"}
            secret_names = {"TOKEN", "SECRET", "URL"}
            plain = [e["name"] for e in container["env"] if "value" in e]
            assert not [n for n in plain if any(word in n for word in secret_names)]


def test_probes_point_at_real_endpoints_and_beat_is_a_singleton() -> None:
    paths = {route.path for route in routes_health.router.routes}  # type: ignore[attr-defined]
    (api,) = [c for c in _containers() if c["args"][0] == "api"]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"/readyz", "/healthz"} <= paths
    beat = _deployments()["schemagate-beat"]["spec"]
    assert (beat["replicas"], beat["strategy"]["type"]) == (1, "Recreate")
    services = [d for d in _manifests() if d["kind"] == "Service"]
    assert [s["spec"]["selector"] for s in services] == [{"app.kubernetes.io/component": "api"}]


def test_the_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _config_variables():
        monkeypatch.setenv(name, "postgresql://u:p@db/x" if "URL" in name else "value-123456")
    config = parse_file_config((DEPLOY / "example-config.yaml").read_text())
    assert config.repositories[0].targets[0].name == "production"
