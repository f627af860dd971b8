"""An OpenCTI emulator on loopback per test, and the project folder the CLI runs in
(tests/opencti/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import running_opencti_emulator
from tests.opencti.helpers import Platform


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emu:
        yield Platform(emu, tmp_path)
