"""A real emulator on loopback with the real CLI pointed at it (tests.e2e's Account), and
a record of every GraphQL request the emulator answered: what went over the wire."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

SEED: dict[str, Any] = {
    "integrationDefinitions": [{"type": "aws", "title": "AWS"}],
    "integrationInstances": [
        {"name": "aws-production", "definition": "aws", "pollingInterval": "ONE_DAY"},
    ],
}


class Wire:
    """The GraphQL operations the emulator received, in order (a spy on the emulator's
    service, not on j1sync)."""

    def __init__(self, emu: Any) -> None:
        self.sent: list[dict[str, Any]] = []
        service = emu._server.service
        handle = service.handle

        def recording(payload: Any, base_url: str) -> Any:
            for item in payload if isinstance(payload, list) else [payload]:
                if isinstance(item, dict):
                    self.sent.append(json.loads(json.dumps(item)))
            return handle(payload, base_url)

        service.handle = recording

    def operations(self, name: str) -> list[dict[str, Any]]:
        return [op for op in self.sent if op.get("operationName") == name]

    def clear(self) -> None:
        self.sent.clear()


@contextmanager
def seeded_account(tmp_path: Path, seed: dict[str, Any] | None = None) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=seed or SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)
