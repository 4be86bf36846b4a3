"""schemagate's own username per forge: from the configuration, else asked once per process.

The webhook filter and the flows both need it; one instance lives in the Services."""

from __future__ import annotations

import logging
import threading

from app.config import ForgesConfig, RepositoryConfig
from app.errors import ForgeError
from app.forges.router import ForgeRouter

log = logging.getLogger(__name__)


class BotAccounts:
    """Answers "is this our own account?" for the webhook filter and the flows.

    ``bot_username`` in the forge's configuration wins; otherwise the forge is asked
    (``whoami``) on first need and the answer kept. If the forge cannot be reached the
    answer is None for now (the delivery is accepted; the flows ignore our own actions too)
    and the forge is asked again next time.
    """

    def __init__(self, forges: ForgesConfig, router: ForgeRouter) -> None:
        self._router = router
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()
        for kind in ("github", "gitlab"):
            section = getattr(forges, kind)
            if section is not None and section.bot_username:
                self._known[kind] = section.bot_username

    def username(self, repository: RepositoryConfig) -> str | None:
        """Our username on the forge ``repository`` lives on."""
        forge = repository.forge
        if forge in self._known:
            return self._known[forge]
        with self._lock:
            if forge not in self._known:
                self._ask(repository)
            return self._known.get(forge)

    def _ask(self, repository: RepositoryConfig) -> None:
        try:
            me = self._router.for_repository(repository).whoami()
        except ForgeError as exc:
            log.warning("cannot learn schemagate's %s username yet: %s", repository.forge, exc)
            return
        self._known[repository.forge] = me.username
