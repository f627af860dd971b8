"""An OpenCTI emulator on loopback per test, and a GraphQL poster showing the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator

REFERENCE = Path(__file__).resolve().parent / "reference"


class Poster:
    """POSTs GraphQL to the emulator as one user (its token), or with no token."""

    def __init__(self, emu: OpenCtiEmulator, token: str | None) -> None:
        self.emu = emu
        self.token = token
        self.session = requests.Session()

    def post(self, query: str, variables: dict[str, Any] | None = None) -> requests.Response:
        headers = {} if self.token is None else {"Authorization": f"Bearer {self.token}"}
        body = {"query": query, "variables": variables or {}}
        return self.session.post(self.emu.graphql_url, json=body, headers=headers, timeout=10)

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of a 200 answer without errors (fails the test otherwise)."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def emu() -> Iterator[OpenCtiEmulator]:
    with running_opencti_emulator() as emulator:
        yield emulator


@pytest.fixture
def admin(emu: OpenCtiEmulator) -> Poster:
    return Poster(emu, emu.token)


@pytest.fixture
def analyst(emu: OpenCtiEmulator) -> Poster:
    return Poster(emu, emu.limited_token)
