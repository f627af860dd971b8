"""A real emulator on loopback for every test that asks for one, and a tiny GraphQL
poster that shows exactly what went over the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator

# copies of ../shared/reference/jupiterone/*.graphql, so a clone alone runs the tests
REFERENCE = Path(__file__).resolve().parent / "reference"


class Poster:
    """POSTs GraphQL to the emulator with the right headers (unless told otherwise)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.session = requests.Session()

    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.emu.api_key}",
            "JupiterOne-Account": self.emu.account,
        }

    # "/" is the gateway, which serves every operation (endpoints.py); per-area paths
    # refuse what the docs place on another area's path (tests/live_ready/test_routing.py)
    def raw(self, body: Any, path: str = "/", **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", None) or self.headers()
        return self.session.post(
            self.emu.url + path, json=body, headers=headers, timeout=10, **kwargs
        )

    def __call__(self, query: str, path: str = "/", **variables: Any) -> dict[str, Any]:
        response = self.raw({"query": query, "variables": variables}, path=path)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, path: str = "/", **variables: Any) -> dict[str, Any]:
        body = self(query, path=path, **variables)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running_emulator(page_size=2) as emulator:
        yield emulator


@pytest.fixture
def empty_emu() -> Iterator[Emulator]:
    with running_emulator(seed="none", page_size=2) as emulator:
        yield emulator


@pytest.fixture
def gql(emu: Emulator) -> Poster:
    return Poster(emu)
