"""The OpenCTI provider: its kinds in dependency order, each read with one paged list
(kinds read at once, on threads), and the apply lock kept in hidden vocabulary entries
(lock_store.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.http.client import POOL_SIZE
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.providers.client_provider import ClientProvider, connect_provider
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.kinds_base import OpenCtiKind
from j1sync.providers.opencti.kinds_sharing import with_filter_references
from j1sync.providers.opencti.lock_store import VocabularyStore
from j1sync.providers.opencti.models import KIND_CLASSES
from j1sync.providers.opencti.settings import OpenCtiSettings
from j1sync.providers.opencti.system import SYSTEM


class OpenCtiProvider(ClientProvider[OpenCtiClient, OpenCtiKind]):
    """A connected OpenCTI platform (implements `engine.contract.Provider`)."""

    system = SYSTEM

    def __init__(self, client: OpenCtiClient, managed_tag: str = DEFAULT_MANAGED_TAG) -> None:
        self.account = client.settings.base_url
        super().__init__(client, [cls(client, managed_tag) for cls in KIND_CLASSES.values()])

    @property
    def settings(self) -> OpenCtiSettings:
        return self.client.settings

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        """Every object of the kinds asked for (all when None): one paged list per kind,
        the kinds at once; once one read gets no answer for good, the others end with it
        (ApiClient.reading)."""
        wanted = list(self._kinds) if kinds is None else [self.kind(k) for k in kinds]
        ordered = [k for k in self._kinds if k in wanted]
        with self.client.reading():
            if len(ordered) <= 1:
                return self.link([obj for kind in ordered for obj in kind.read_all()])
            workers = min(len(ordered), POOL_SIZE)
            with ThreadPoolExecutor(workers, thread_name_prefix="opencti-read") as pool:
                results = list(pool.map(lambda kind: kind.read_all(), ordered))
        return self.link([obj for found in results for obj in found])

    def link(self, live: Sequence[LiveObject]) -> list[LiveObject]:
        """Collections and feeds referencing the objects among `live` their filters name
        by id (kinds_sharing.with_filter_references): objects read apart (the labels
        pruned, the feeds in a read of their own) are linked alike (reconcile.LinksLive)."""
        return with_filter_references(live)

    def lock_store(self) -> VocabularyStore:
        """Where the apply lock lives: hidden vocabulary entries (lock_store.py)."""
        return VocabularyStore(self.client)


def connect(target: Mapping[str, Any], options: Any = None) -> OpenCtiProvider:
    """A provider for the platform j1sync.yaml's opencti section names, with the command's
    connection options (providers/client_provider.connect_provider). No request is made
    yet."""
    return connect_provider(target, options, OpenCtiSettings, OpenCtiClient, OpenCtiProvider)
