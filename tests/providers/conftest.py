"""Provider fixtures: a real emulator on loopback, a provider connected to it, and real
manifests loaded by the real loader."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from j1sync.engine.contract import DesiredObject, LiveObject, comparable_live_state
from j1sync.manifest import load_manifests
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.settings import Settings

API_KEY = "providers-Key-5be1c0ffee"

USERS_AND_INTEGRATIONS: dict[str, Any] = {
    "users": [
        {"email": "alice@example.com"},
        {"email": "bob@example.com"},
        {"email": "carol@example.com"},
        {"email": "dave@example.com"},
    ],
    "integrationDefinitions": [{"type": "aws", "title": "AWS"}, {"type": "github"}],
    "integrationInstances": [
        {"name": "aws-production", "definition": "aws", "pollingInterval": "ONE_WEEK"},
        {"name": "aws-staging", "definition": "aws", "pollingInterval": "ONE_DAY"},
        {"name": "github-org", "definition": "github", "pollingInterval": "ONE_DAY"},
        {"name": "shared", "definition": "aws", "pollingInterval": "ONE_DAY"},
        {"name": "shared", "definition": "github", "pollingInterval": "ONE_DAY"},
    ],
}


@dataclass
class DictResolver:
    """The executor's resolver: ids of live objects and of objects created in this run."""

    ids: dict[str, str] = field(default_factory=dict)

    def id_of(self, address: str) -> str:
        return self.ids[address]


@dataclass
class Account:
    emu: Any
    provider: JupiterOneProvider
    tmp_path: Path
    resolver: DictResolver = field(default_factory=DictResolver)

    def desired(self, yaml_text: str) -> list[DesiredObject]:
        """Load manifests from YAML text with the real loader and normalize them."""
        path = self.tmp_path / f"manifest-{len(list(self.tmp_path.iterdir()))}.yaml"
        path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
        loaded = load_manifests([path], env={})
        return [self.provider.kind(m.kind).desired(m, loaded.project) for m in loaded.manifests]

    def one(self, yaml_text: str) -> DesiredObject:
        (desired,) = self.desired(yaml_text)
        return desired

    def live(self, kind: str, name: str) -> LiveObject:
        matches = [o for o in self.provider.read_live([kind]) if o.name == name]
        assert len(matches) == 1, [o.address for o in matches]
        return matches[0]

    def create(self, desired: DesiredObject) -> str:
        new_id = self.provider.kind(desired.kind).create(desired, self.resolver)
        self.resolver.ids[desired.address] = new_id
        return new_id

    def update(self, desired: DesiredObject) -> None:
        live = self.live(desired.kind, desired.name)
        self.provider.kind(desired.kind).update(live, desired, self.resolver)

    def comparable(self, desired: DesiredObject) -> dict[str, Any]:
        """The live state as the engine compares it with `desired`."""
        return comparable_live_state(self.live(desired.kind, desired.name), desired)


def settings_for(emu: Any, **overrides: Any) -> Settings:
    values = {"api_key": emu.api_key, "account": emu.account, "api_url": emu.url}
    return Settings(**{**values, **overrides})


def fast_client(emu: Any, **overrides: Any) -> JupiterOneClient:
    return JupiterOneClient(
        settings_for(emu, **overrides), backoff_initial_s=0.01, backoff_max_s=0.05
    )


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    """An account with users and integration instances only; small pages."""
    with running_emulator(seed=USERS_AND_INTEGRATIONS, api_key=API_KEY, page_size=2) as emu:
        provider = JupiterOneProvider(fast_client(emu, retry_budget_s=5.0))
        yield Account(emu=emu, provider=provider, tmp_path=tmp_path)
        provider.close()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Account]:
    """The demo account (names.md)."""
    with running_emulator(seed="demo", api_key=API_KEY, page_size=3) as emu:
        provider = JupiterOneProvider(fast_client(emu, retry_budget_s=5.0))
        yield Account(emu=emu, provider=provider, tmp_path=tmp_path)
        provider.close()
