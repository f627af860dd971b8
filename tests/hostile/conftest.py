"""Fixtures the hostile tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from tests.hostile.xyops_cli import KEY


@pytest.fixture
def xyops_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[XyOpsEmulator]:
    """An xyOps emulator; the test runs in `tmp_path`."""
    monkeypatch.chdir(tmp_path)
    with running_xyops_emulator(api_key=KEY) as emu:
        yield emu
