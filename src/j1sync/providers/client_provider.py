"""A provider that owns one API client and a fixed list of kinds (xyOps's, OpenCTI's):
what such a provider does the same way whatever its system.

- its kinds, by engine name or bare manifest name (`kind`);
- the managed tag every kind marks and reads its objects by (`managed_tag`, which
  j1sync.yaml's section may set);
- abandon, stop_retries, resume_retries, stop_reading, resume_reading, give_way and
  close: its client's (engine.contract.Provider, interrupts.StoppableRetries,
  providers.targets, http.pacing.GivesWay);
- `connect_provider`: j1sync.yaml's section and the command's connection options made into
  settings, a client and the provider.

A system's provider subclasses ClientProvider[its client, its kind], names its System and
reads the live objects its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from j1sync.engine.contract import ResourceKind
from j1sync.errors import ApiError, ConfigError
from j1sync.http.client import ClientOptions
from j1sync.http.pacing import Pace
from j1sync.http.ratelimit import RateLimit
from j1sync.http.server_settings import ServerSettings
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.providers.registry import System


class ManagedKind(ResourceKind, Protocol):
    """A kind whose managed objects carry `managed_tag`."""

    managed_tag: str


class _Client(Protocol):
    pace: Pace

    def abandon(self) -> None: ...

    def stop_retries(self) -> None: ...

    def resume_retries(self) -> None: ...

    def stop_reading(self, error: ApiError) -> None: ...

    def resume_reading(self) -> None: ...

    def close(self) -> None: ...


C = TypeVar("C", bound=_Client)
C_co = TypeVar("C_co", bound=_Client, covariant=True)
K = TypeVar("K", bound=ManagedKind)
P = TypeVar("P")


class ClientStops(Generic[C]):
    """A provider's abandon, stop_retries, resume_retries and close: its `client`'s
    (every system's provider, JupiterOne's included)."""

    client: C

    def abandon(self) -> None:
        """Stop a read_live() running on another thread soon (its requests fail)."""
        self.client.abandon()

    def stop_retries(self) -> None:
        """An interrupted apply gives up retrying its changes in flight (see interrupts)."""
        self.client.stop_retries()

    def resume_retries(self) -> None:
        self.client.resume_retries()

    def stop_reading(self, error: ApiError) -> None:
        """Another target's read failed: this one's read ends at once (see the client's)."""
        self.client.stop_reading(error)

    def resume_reading(self) -> None:
        self.client.resume_reading()

    def give_way(self) -> None:
        """Other work gives way to the client's chain of pages (http/pacing.py)."""
        self.client.pace.give_way()

    def close(self) -> None:
        self.client.close()


class ClientProvider(ClientStops[C], Generic[C, K]):
    """One connected target: `client` and the kinds read and changed through it."""

    system: ClassVar[System]  # the kinds' system (kind() takes its bare kind names)

    def __init__(self, client: C, kinds: Sequence[K]) -> None:
        self.client = client
        self._kinds = list(kinds)
        self.kinds: Sequence[ResourceKind] = tuple(kinds)
        self._by_name = {k.kind: k for k in kinds}

    @property
    def managed_tag(self) -> str:
        return self._kinds[0].managed_tag if self._kinds else DEFAULT_MANAGED_TAG

    @managed_tag.setter
    def managed_tag(self, tag: str) -> None:
        """j1sync.yaml may set `managedTag`: it decides which live objects are managed."""
        for kind in self._kinds:
            kind.managed_tag = tag

    def kind(self, name: str) -> K:
        """A kind by engine name (`xyops.Event`); the bare manifest name works too."""
        found = self._by_name.get(name) or self._by_name.get(self.system.engine_kind(name))
        if found is None:
            known = ", ".join(self._by_name)
            raise ConfigError(f"unknown kind {name!r}; kinds: {known}")
        return found


class _ClientType(Protocol[C_co]):
    """A client class: its settings, the client-side rate limit and requests in flight."""

    def __call__(
        self, settings: Any, *, rate_limit: RateLimit | str | None = ..., max_in_flight: int = ...
    ) -> C_co: ...


def connect_provider(
    target: Mapping[str, Any],
    options: Any,
    settings: type[ServerSettings],
    client: _ClientType[C],
    provider: Callable[[C, str], P],
) -> P:
    """A provider for the server j1sync.yaml's section names (`target`: `url`,
    `managedTag`; when an emulator serves, also its `apiKey`), with the command's
    connection options (`timeout`, `retry_budget_s`, `rate_limit`, `concurrency`;
    ClientOptions.of) when given. No request is made yet."""
    given = ClientOptions.of(options)
    found = settings.from_env(
        target=target, timeout=given.timeout, retry_budget_s=given.retry_budget_s
    )
    connected = client(found, rate_limit=given.rate_limit, max_in_flight=given.max_in_flight)
    return provider(connected, str(target.get("managedTag") or DEFAULT_MANAGED_TAG))
