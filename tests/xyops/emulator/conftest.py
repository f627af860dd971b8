"""A real xyOps emulator on loopback for every test that asks for one, and a small caller
that shows exactly what went over the wire."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator


class Api:
    """Calls `/api/app/<name>/v1` with the emulator's key (unless told otherwise)."""

    def __init__(self, emu: XyOpsEmulator) -> None:
        self.emu = emu
        self.session = requests.Session()

    def post(self, name: str, body: Any = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {"X-API-Key": self.emu.api_key})
        return self.session.post(
            self.emu.api_url(name), json=body, headers=headers, timeout=10, **kwargs
        )

    def get(self, name: str, params: Any = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {"X-API-Key": self.emu.api_key})
        return self.session.get(
            self.emu.api_url(name), params=params, headers=headers, timeout=10, **kwargs
        )

    def ok(self, name: str, body: Any = None) -> dict[str, Any]:
        """POST and expect success: HTTP 200 and code 0."""
        response = self.post(name, body)
        answer: dict[str, Any] = response.json()
        assert response.status_code == 200, answer
        assert answer["code"] == 0, answer
        return answer

    def refused(self, name: str, body: Any, status: int, code: str) -> str:
        """POST and expect `{code, description}` with this HTTP status; the description."""
        response = self.post(name, body)
        answer = response.json()
        assert response.status_code == status, answer
        assert set(answer) == {"code", "description"}, answer
        assert answer["code"] == code, answer
        assert isinstance(answer["description"], str) and answer["description"]
        return str(answer["description"])


@pytest.fixture
def emu() -> Iterator[XyOpsEmulator]:
    with running_xyops_emulator() as emulator:
        yield emulator


@pytest.fixture
def api(emu: XyOpsEmulator) -> Api:
    return Api(emu)


# A minimal valid object of each list (the fields a create requires), by API noun.
MINIMAL: dict[str, dict[str, Any]] = {
    "tag": {"title": "Prod"},
    "category": {"title": "Ops"},
    "group": {"title": "Web", "hostname_match": "^web"},
    "web_hook": {"title": "Hook", "url": "https://example.com/hook", "method": "POST"},
    "channel": {"title": "Pager"},
    "role": {"title": "Operators"},
    "monitor": {"title": "Load", "source": "cpu.currentLoad", "data_type": "float"},
    "alert": {"title": "Hot", "expression": "cpu.currentLoad > 90", "message": "hot"},
    "event": {
        "title": "Backup",
        "category": "general",
        "targets": ["main"],
        "algo": "random",
        "plugin": "shellplug",
    },
}
PLURAL = {
    "tag": "tags",
    "category": "categories",
    "group": "groups",
    "web_hook": "web_hooks",
    "channel": "channels",
    "role": "roles",
    "monitor": "monitors",
    "alert": "alerts",
    "event": "events",
}
