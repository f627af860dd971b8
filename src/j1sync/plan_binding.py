"""A saved plan's binding: where it was made (account, region, API URL) and from what
(the manifest paths and the `${env:}` names they declare), signed with the plan.

`plan --out` writes `seal_plan`'s data; `apply --plan` reads it back as a `SavedPlan` and
checks it with `j1sync.plan_trust` before any change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from j1sync.connection import EMULATOR_STATE
from j1sync.engine.contract import Provider
from j1sync.engine.model import Plan
from j1sync.env_reference import VALID_ENV_REFERENCE
from j1sync.errors import ConfigError
from j1sync.plan_signature import PlanKey, sign
from j1sync.settings import Settings

BINDING_FIELD = "binding"


@dataclass(frozen=True)
class PlanTarget:
    """The account a plan is about. With --emulator, `api_url` names the emulator's state
    file instead of its (per-run) loopback URL."""

    account: str
    region: str
    api_url: str

    @classmethod
    def of(cls, settings: Settings, *, emulator: bool) -> PlanTarget:
        api_url = f"emulator:{EMULATOR_STATE.resolve()}" if emulator else settings.base_url
        return cls(settings.account, settings.region, api_url)

    def differences(self, other: PlanTarget) -> list[str]:
        """'field: plan X, here Y' for each field that differs."""
        return [
            f"{name}: the plan's is {mine!r}, this apply's is {theirs!r}"
            for name, mine, theirs in (
                ("account", self.account, other.account),
                ("region", self.region, other.region),
                ("API URL", self.api_url, other.api_url),
            )
            if mine != theirs
        ]


@dataclass(frozen=True)
class Binding:
    target: PlanTarget
    paths: tuple[str, ...]  # the PATHs `plan` was given; empty: its defaults
    env_references: tuple[str, ...]  # the `${env:}` names the manifests declare

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": {
                "account": self.target.account,
                "region": self.target.region,
                "api_url": self.target.api_url,
            },
            "paths": list(self.paths),
            "env_references": list(self.env_references),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Binding:
        try:
            target = data["target"]
            fields = (target["account"], target["region"], target["api_url"])
            paths, names = data["paths"], data["env_references"]
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"malformed plan (binding: missing {exc})") from exc
        if not all(isinstance(v, str) for v in fields) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in (paths, names)
        ):
            raise ConfigError("malformed plan (binding: wrong types)")
        return cls(PlanTarget(*fields), tuple(paths), tuple(names))


@dataclass(frozen=True)
class SavedPlan:
    """A plan file as read: the plan, its binding (None when absent) and the raw data the
    signature covers."""

    name: str
    plan: Plan
    binding: Binding | None
    data: Mapping[str, Any]


def provider_settings(provider: Provider) -> Settings:
    """The connection settings of a JupiterOne provider (saved plans are bound to them)."""
    settings = getattr(provider, "settings", None)
    if not isinstance(settings, Settings):
        raise ConfigError("saved plans need a JupiterOne connection")
    return settings


def plan_key(provider: Provider, env: Mapping[str, str] | None = None) -> PlanKey:
    return PlanKey.choose(provider_settings(provider).api_key, os.environ if env is None else env)


def env_names(templates: Iterable[str]) -> set[str]:
    return {name for template in templates for name in VALID_ENV_REFERENCE.findall(template)}


def seal_plan(
    plan: Plan,
    provider: Provider,
    *,
    emulator: bool,
    paths: Sequence[str],
    templates: Iterable[str],
) -> dict[str, Any]:
    """The plan file's data: the plan, bound to the connected account, the manifest
    `paths` and the `${env:}` names in the manifests' `templates`, and signed."""
    binding = Binding(
        target=PlanTarget.of(provider_settings(provider), emulator=emulator),
        paths=tuple(paths),
        env_references=tuple(sorted(env_names(templates))),
    )
    return sign({**plan.to_dict(), BINDING_FIELD: binding.to_dict()}, plan_key(provider))


def parse_saved_plan(text: str, name: str) -> SavedPlan:
    """A plan file's text -> SavedPlan; anything malformed is a one-line ConfigError."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        detail = "empty file" if not text.strip() else f"not valid JSON: {exc}"
        raise ConfigError(f"{name}: not a j1sync plan file ({detail})") from exc
    try:
        plan = Plan.from_dict(data)
        binding = Binding.from_dict(data[BINDING_FIELD]) if BINDING_FIELD in data else None
    except ConfigError as exc:
        detail = str(exc).removeprefix("plan file: ")
        raise ConfigError(f"{name}: {_one_line(detail)}") from exc
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ConfigError(f"{name}: malformed plan ({_one_line(repr(exc))})") from exc
    return SavedPlan(name=name, plan=plan, binding=binding, data=data)


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
