"""The account's parameter store (graphql area) as the engine's LockStore.

parameters.md: `parameter(name)`, `setParameter(name, value, secret)` (create or update)
and `deleteParameter(name)`, served from the public /graphql endpoint. Values j1sync
keeps here are plain strings and never secret (a secret's value cannot be read back). A
missing parameter may come back as null or as a NOT_FOUND error; both mean "none".
"""

from __future__ import annotations

from typing import Any

from j1sync.canonical import canonical_json
from j1sync.engine.lock import settle_time
from j1sync.errors import ApiError, NotFound
from j1sync.providers.jupiterone.client import JupiterOneClient

GET_PARAMETER = """
query J1SyncGetParameter($name: String!) {
  parameter(name: $name) { name value secret lastUpdatedOn }
}
"""

SET_PARAMETER = """
mutation J1SyncSetParameter($name: String!, $value: ParameterValue!, $secret: Boolean) {
  setParameter(name: $name, value: $value, secret: $secret) { success }
}
"""

LIST_PARAMETERS = """
query J1SyncListParameters($cursor: String) {
  parameterList(cursor: $cursor) { items { name } pageInfo { endCursor hasNextPage } }
}
"""

LIST_PARAMETER_VALUES = """
query J1SyncListParameterValues($cursor: String) {
  parameterList(cursor: $cursor) {
    items { name value secret lastUpdatedOn }
    pageInfo { endCursor hasNextPage }
  }
}
"""

DELETE_PARAMETER = """
mutation J1SyncDeleteParameter($name: String!) {
  deleteParameter(name: $name) { success }
}
"""

# How long after a write every reader is sure to see it, with room for a racing writer's
# round trip. JupiterOne does not document its parameter store's consistency; the
# emulator (loopback) commits each request before it answers.
SETTLE_S = 2.0


class ParameterStore:
    """Named string values in the account (implements `engine.contract.LockStore`)."""

    def __init__(self, client: JupiterOneClient) -> None:
        self._client = client
        self.settle_s = settle_time(client.settings.base_url, SETTLE_S)

    def last_requests(self) -> None:
        """After an interrupt: the lock's release is sent, each request once (lock.py)."""
        self._client.last_requests()

    def get(self, name: str) -> dict[str, Any] | None:
        """The parameter as the API returns it (a secret's value redacted), or None."""
        try:
            data = self._client.execute("graphql", GET_PARAMETER, {"name": name})
        except NotFound:
            return None
        parameter = data.get("parameter")
        return parameter if isinstance(parameter, dict) else None

    def entries(self) -> list[dict[str, Any]]:
        """Every parameter with its value (a secret's redacted), every page."""
        return self._client.collect(
            "graphql", LIST_PARAMETER_VALUES, {}, ("parameterList",), "items"
        )

    def read(self, name: str) -> str | None:
        parameter = self.get(name)
        if not parameter:
            return None
        if parameter.get("secret"):  # not one j1sync wrote; its value cannot be read
            return "(a secret parameter)"
        value = parameter.get("value")
        return value if isinstance(value, str) else canonical_json(value)

    def names(self) -> set[str]:
        """The name of every parameter in the account (parameterList, every page)."""
        names: set[str] = set()
        cursor: str | None = None
        while True:
            data = self._client.execute("graphql", LIST_PARAMETERS, {"cursor": cursor})
            page = data.get("parameterList") or {}
            names.update(item["name"] for item in page.get("items") or [] if item)
            info = page.get("pageInfo") or {}
            cursor = info.get("endCursor")
            if not info.get("hasNextPage") or not cursor:
                return names

    def write(self, name: str, value: str) -> None:
        self.set(name, value, secret=False)

    def set(self, name: str, value: Any, *, secret: bool) -> None:
        """setParameter: create or replace (a value of any ParameterValue type)."""
        variables = {"name": name, "value": value, "secret": secret}
        data = self._client.execute("graphql", SET_PARAMETER, variables)
        if not (data.get("setParameter") or {}).get("success"):
            raise ApiError(f"JupiterOne API: setParameter {name} did not succeed")

    def delete(self, name: str) -> None:
        try:
            self._client.execute("graphql", DELETE_PARAMETER, {"name": name})
        except NotFound:
            return
