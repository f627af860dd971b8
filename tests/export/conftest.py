"""Fixtures: a real emulator on loopback and the real CLI pointed at it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator

API_KEY = "export-Key-5e1d7c9a3b"


@dataclass
class Account:
    """An emulated account, a scratch folder, and the j1sync CLI aimed at both."""

    emu: Emulator
    tmp_path: Path

    @property
    def out(self) -> Path:
        return self.tmp_path / "manifests"

    def env(self) -> dict[str, str]:
        return {
            "JUPITERONE_API_KEY": self.emu.api_key,
            "JUPITERONE_ACCOUNT_ID": self.emu.account,
            "JUPITERONE_API_URL": self.emu.url,
            "NO_COLOR": "1",
        }

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env={**self.env(), **(env or {})})

    def export(self, *args: str) -> Result:
        return self.run("export", "--out", str(self.out), *args)

    def plan_changes(self, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """address -> change, from `plan --format json` of the exported folder."""
        result = self.run("plan", str(self.out), "--format", "json", "--allow-empty", env=env)
        assert result.exit_code == 0, result.output
        return {c["address"]: c for c in json.loads(result.stdout)["changes"]}

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.out).as_posix() for p in self.out.rglob("*.yaml"))


def account_with(seed: str | dict[str, Any], tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=seed, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Account]:
    yield from account_with("demo", tmp_path)


# The parts of an account every seed needs: users to be members, definitions to type
# integration instances.
BASE_SEED: dict[str, Any] = {
    "users": [
        {"email": "alice@example.com"},
        {"email": "bob@example.com"},
        {"email": "carol@example.com"},
        {"email": "dave@example.com"},
    ],
    "integrationDefinitions": [
        {"type": "aws", "title": "AWS", "name": "AWS"},
        {"type": "github", "title": "GitHub", "name": "GitHub"},
        {"type": "jira", "title": "Jira", "name": "Jira"},
    ],
}


@pytest.fixture
def base(tmp_path: Path) -> Iterator[Account]:
    yield from account_with(BASE_SEED, tmp_path)
