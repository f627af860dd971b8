"""End-to-end fixtures: a real emulator on loopback and the real CLI pointed at it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator

API_KEY = "e2e-Key-7f3a9c1b2d4e"
# The value of the variable secret Parameter manifests of the e2e tests are written with.
PARAMETER_SECRET_VARIABLE = "E2E_PARAMETER_SECRET"
PARAMETER_SECRET = "e2e-secret-3b9d51"


@dataclass
class Account:
    """An emulated account and a way to run j1sync commands against it."""

    emu: Any
    tmp_path: Path

    def env(self) -> dict[str, str]:
        return {
            "JUPITERONE_API_KEY": self.emu.api_key,
            "JUPITERONE_ACCOUNT_ID": self.emu.account,
            "JUPITERONE_API_URL": self.emu.url,
            "NO_COLOR": "1",
            PARAMETER_SECRET_VARIABLE: PARAMETER_SECRET,
        }

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), env={**self.env(), **(env or {})})

    def write(self, relpath: str, text: str) -> Path:
        path = self.tmp_path / "manifests" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    @property
    def manifests(self) -> str:
        return str(self.tmp_path / "manifests")


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


@pytest.fixture
def empty_account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)
