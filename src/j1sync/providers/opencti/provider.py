"""The OpenCTI provider: its kinds in dependency order, each read with one paged list
(kinds read at once, on threads), and the apply lock kept in hidden vocabulary entries
(lock_store.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from j1sync.engine.contract import LiveObject, ResourceKind
from j1sync.errors import ConfigError
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.providers.opencti.client import POOL_SIZE, OpenCtiClient
from j1sync.providers.opencti.kinds_base import OpenCtiKind
from j1sync.providers.opencti.lock_store import VocabularyStore
from j1sync.providers.opencti.models import KIND_CLASSES
from j1sync.providers.opencti.settings import OpenCtiSettings
from j1sync.providers.opencti.system import SYSTEM


class OpenCtiProvider:
    """A connected OpenCTI platform (implements `engine.contract.Provider`)."""

    def __init__(self, client: OpenCtiClient, managed_tag: str = DEFAULT_MANAGED_TAG) -> None:
        self.client = client
        self.account = client.settings.base_url
        kinds: list[OpenCtiKind] = [cls(client, managed_tag) for cls in KIND_CLASSES.values()]
        self._kinds = kinds
        self.kinds: Sequence[ResourceKind] = tuple(kinds)
        self._by_name: dict[str, OpenCtiKind] = {k.kind: k for k in kinds}

    @property
    def settings(self) -> OpenCtiSettings:
        return self.client.settings

    @property
    def managed_tag(self) -> str:
        return self._kinds[0].managed_tag if self._kinds else DEFAULT_MANAGED_TAG

    @managed_tag.setter
    def managed_tag(self, tag: str) -> None:
        """j1sync.yaml may set `managedTag`: it decides which live objects are managed."""
        for kind in self._kinds:
            kind.managed_tag = tag

    def kind(self, name: str) -> OpenCtiKind:
        """A kind by engine name (`opencti.Label`); the bare manifest name works too."""
        found = self._by_name.get(name) or self._by_name.get(SYSTEM.engine_kind(name))
        if found is None:
            known = ", ".join(self._by_name)
            raise ConfigError(f"unknown kind {name!r}; kinds: {known}")
        return found

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        """Every object of the kinds asked for (all when None): one paged list per kind,
        the kinds at once."""
        wanted = list(self._kinds) if kinds is None else [self.kind(k) for k in kinds]
        ordered = [k for k in self._kinds if k in wanted]
        if len(ordered) <= 1:
            return [obj for kind in ordered for obj in kind.read_all()]
        workers = min(len(ordered), POOL_SIZE)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="opencti-read") as pool:
            results = list(pool.map(lambda kind: kind.read_all(), ordered))
        return [obj for found in results for obj in found]

    def lock_store(self) -> VocabularyStore:
        """Where the apply lock lives: hidden vocabulary entries (lock_store.py)."""
        return VocabularyStore(self.client)

    def abandon(self) -> None:
        self.client.abandon()

    def stop_retries(self) -> None:
        self.client.stop_retries()

    def resume_retries(self) -> None:
        self.client.resume_retries()

    def close(self) -> None:
        self.client.close()


def connect(target: Mapping[str, Any], options: Any = None) -> OpenCtiProvider:
    """A provider for the platform j1sync.yaml's opencti section names (`target`: `url`,
    `managedTag`; when an emulator serves, also its `apiKey`), with the command's
    connection options (`retry_budget_s`, `rate_limit`, `concurrency`) when given. No
    request is made yet."""
    settings = OpenCtiSettings.from_env(
        target=target,
        timeout=_option(options, "timeout"),
        retry_budget_s=_option(options, "retry_budget_s", "retry_budget"),
    )
    in_flight = max(POOL_SIZE, int(_option(options, "concurrency") or 0))
    client = OpenCtiClient(
        settings, rate_limit=_option(options, "rate_limit"), max_in_flight=in_flight
    )
    managed_tag = target.get("managedTag") or DEFAULT_MANAGED_TAG
    return OpenCtiProvider(client, str(managed_tag))


def _option(options: Any, *names: str) -> Any:
    for name in names:
        mapping = isinstance(options, Mapping)
        value = options.get(name) if mapping else getattr(options, name, None)
        if value is not None:
            return value
    return None
