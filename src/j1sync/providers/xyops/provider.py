"""The xyOps provider: its kinds in dependency order, every list read in one call, and the
apply lock kept in a storage bucket."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.providers.client_provider import ClientProvider, connect_provider
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.dead_references import with_dead_references
from j1sync.providers.xyops.kinds import KIND_APIS, XyopsKind, listed
from j1sync.providers.xyops.lock_store import BucketStore
from j1sync.providers.xyops.settings import XyopsSettings
from j1sync.providers.xyops.system import SYSTEM

PLUGINS = "plugins"


class XyopsProvider(ClientProvider[XyopsClient, XyopsKind]):
    """A connected xyOps server (implements `engine.contract.Provider`)."""

    system = SYSTEM

    def __init__(self, client: XyopsClient, managed_tag: str = DEFAULT_MANAGED_TAG) -> None:
        self.account = client.settings.base_url
        self._plugins: dict[str, str] | None = None
        self._plugin_params: dict[str, list[Mapping[str, Any]]] = {}
        self._plugins_lock = threading.Lock()
        kinds = [
            XyopsKind(api, client, managed_tag, self.plugin_types, self.plugin_params)
            for api in KIND_APIS.values()
        ]
        super().__init__(client, kinds)

    @property
    def settings(self) -> XyopsSettings:
        return self.client.settings

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        """Every list asked for, and the plugins events name, in one get_multiple call
        (xyOps list calls return everything: there are no pages)."""
        wanted = list(self._kinds) if kinds is None else [self.kind(k) for k in kinds]
        lists = [k.api.list_name for k in wanted]
        answer = self.client.read("get_multiple", {"lists": [*lists, PLUGINS]})
        self._remember_plugins(listed(answer, PLUGINS, self.client))
        live: list[LiveObject] = []
        for kind in self._kinds:
            if kind in wanted:
                live.extend(kind.live_objects(listed(answer, kind.api.list_name, self.client)))
        # what they name that xyOps deleted since, as far as these lists tell
        return with_dead_references(live, {kind.kind for kind in wanted})

    def plugin_ids(self) -> set[str]:
        """The ids of the server's plugins."""
        return set(self.plugin_types())

    def plugin_types(self) -> dict[str, str]:
        """The server's plugins, id -> type (`event`, `action`, `scheduler`, `monitor`),
        read with the lists, or now when not yet."""
        with self._plugins_lock:
            known = self._plugins
        if known is None:
            answer = self.client.read("get_multiple", {"lists": [PLUGINS]})
            known = self._remember_plugins(listed(answer, PLUGINS, self.client))
        return dict(known)

    def plugin_params(self) -> dict[str, list[Mapping[str, Any]]]:
        """The server's plugins' parameter definitions (id, required, range, ...), plugin
        id -> list, read with the plugins."""
        self.plugin_types()
        with self._plugins_lock:
            return dict(self._plugin_params)

    def _remember_plugins(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        types = {str(r["id"]): str(r.get("type") or "") for r in rows if r.get("id")}
        params = {
            str(r["id"]): [p for p in r.get("params") or [] if isinstance(p, Mapping)]
            for r in rows
            if r.get("id") and isinstance(r.get("params"), list)
        }
        with self._plugins_lock:
            self._plugins = types
            self._plugin_params = params
        return types

    def lock_store(self) -> BucketStore:
        """Where the apply lock lives: j1sync's storage bucket (lock_store.py)."""
        return BucketStore(self.client)


def connect(target: Mapping[str, Any], options: Any = None) -> XyopsProvider:
    """A provider for the server j1sync.yaml's xyops section names, with the command's
    connection options (providers/client_provider.connect_provider). No request is made
    yet."""
    return connect_provider(target, options, XyopsSettings, XyopsClient, XyopsProvider)
