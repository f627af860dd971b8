"""A saved plan's binding: where it was made (account, region, API URL of every target)
and from what (the manifest paths and the `${env:}` names they declare), signed with the
plan.

`plan --out` writes `seal_plan`'s text; `apply --plan` reads it back as a `SavedPlan` and
checks it with `j1sync.plan_trust` before any change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from j1sync import json_input
from j1sync.connection import emulator_state
from j1sync.engine.contract import Provider
from j1sync.engine.model import Plan, malformed_field
from j1sync.env_reference import VALID_ENV_REFERENCE
from j1sync.errors import ConfigError
from j1sync.plan_signature import PlanKey, signed_pieces
from j1sync.providers.registry import System, system_of_kind
from j1sync.providers.targets import providers_of

BINDING_FIELD = "binding"
MANIFESTS_FIELD = "manifests_sha256"  # the binding's digest of the manifests
# A system's own binding: System.extras[PLAN_TARGET](its provider, emulator) -> (account,
# region, API URL), for a system whose targets have more than an account and a URL.
PLAN_TARGET = "plan_target"


@dataclass(frozen=True)
class PlanTarget:
    """The account a plan is about. With --emulator, `api_url` names the emulator's state
    file instead of its (per-run) loopback URL."""

    account: str
    region: str
    api_url: str

    @classmethod
    def of_provider(cls, provider: Provider, *, emulator: bool) -> PlanTarget:
        """The target of one system's provider: its system's extras plan_target when it
        has one, else its account and URL (with --emulator, both its emulator's state
        folder: an emulator's URL, which such a system's account is, changes every run)."""
        settings = provider_settings(provider)
        system = _system(provider)
        own = system.extras.get(PLAN_TARGET) if system is not None else None
        if own is not None:
            account, region, api_url = own(provider, emulator)
            return cls(account, region, api_url)
        name = system.name if system is not None else "unknown"
        state = emulator_state(name)
        if emulator:
            return cls(state, "", state)
        return cls(provider.account, "", str(settings.base_url))

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
    target: PlanTarget  # the first target's
    paths: tuple[str, ...]  # the PATHs `plan` was given; empty: its defaults
    env_references: tuple[str, ...]  # the `${env:}` names the manifests declare
    # a plan over several targets: every target, in plan order (the first is `target`)
    targets: tuple[PlanTarget, ...] = ()
    # the manifests the plan was made from (loader.manifests_digest); "" in a plan file
    # written before j1sync recorded it
    manifests: str = ""

    def to_dict(self) -> dict[str, Any]:
        several = {"targets": [_target_dict(t) for t in self.targets]} if self.targets else {}
        digest = {MANIFESTS_FIELD: self.manifests} if self.manifests else {}
        return {
            "target": _target_dict(self.target),
            "paths": list(self.paths),
            "env_references": list(self.env_references),
            **several,
            **digest,
        }

    def all_targets(self) -> tuple[PlanTarget, ...]:
        return self.targets or (self.target,)

    @classmethod
    def from_dict(cls, data: Any) -> Binding:
        try:
            target = _target(data["target"])
            targets = tuple(_target(t) for t in data.get("targets", []))
            paths, names = data["paths"], data["env_references"]
            manifests = data.get(MANIFESTS_FIELD, "")
        except (KeyError, TypeError, AttributeError) as exc:
            raise malformed_field(BINDING_FIELD, exc) from exc
        if not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in (paths, names)
        ) or not isinstance(manifests, str):
            raise ConfigError("malformed plan (binding: wrong types)")
        return cls(target, tuple(paths), tuple(names), targets, manifests)


def _target_dict(target: PlanTarget) -> dict[str, str]:
    return {"account": target.account, "region": target.region, "api_url": target.api_url}


def _target(data: Any) -> PlanTarget:
    fields = (data["account"], data["region"], data["api_url"])
    if not all(isinstance(v, str) for v in fields):
        raise ConfigError("malformed plan (binding: wrong types)")
    return PlanTarget(*fields)


def bound_targets(provider: Provider, *, emulator: bool) -> tuple[PlanTarget, ...]:
    """The target of each system the provider connects (one, or each of several)."""
    return tuple(PlanTarget.of_provider(p, emulator=emulator) for p in providers_of(provider))


@dataclass(frozen=True)
class SavedPlan:
    """A plan file as read: the plan, its binding (None when absent) and the raw data the
    signature covers."""

    name: str
    plan: Plan
    binding: Binding | None
    data: Mapping[str, Any]


def provider_settings(provider: Provider) -> Any:
    """The connection settings of one system's provider (saved plans are bound to them):
    its `settings`, which name its `base_url` and hold its `api_key`."""
    settings = getattr(provider, "settings", None)
    if settings is None or not hasattr(settings, "api_key") or not hasattr(settings, "base_url"):
        raise ConfigError("saved plans need a provider that names its connection settings")
    return settings


def _system(provider: Provider) -> System | None:
    return system_of_kind(provider.kinds[0].kind) if provider.kinds else None


def plan_key(provider: Provider, env: Mapping[str, str] | None = None) -> PlanKey:
    """J1SYNC_PLAN_KEY, else the API key of the (first) target the plan is bound to."""
    first = providers_of(provider)[0]
    system = _system(first)
    name = "API key"
    if system is not None and system.credential_variables:
        name = f"{system.title} API key ({system.credential_variables[0]})"
    environment = os.environ if env is None else env
    return PlanKey.choose(provider_settings(first).api_key, environment, name)


def env_names(templates: Iterable[str]) -> set[str]:
    return {name for template in templates for name in VALID_ENV_REFERENCE.findall(template)}


def seal_plan(
    plan: Plan,
    provider: Provider,
    *,
    emulator: bool,
    paths: Sequence[str],
    templates: Iterable[str],
) -> list[str]:
    """The plan file's text, in pieces: the plan, bound to the connected account, the
    manifest `paths` (and what the manifests under them hold) and the `${env:}` names in
    the manifests' `templates`, and signed."""
    from j1sync.manifest.loader import manifest_files, manifests_digest

    targets = bound_targets(provider, emulator=emulator)
    # the variables the changes write, as this process resolved them for the plan
    written = env_names(v for c in plan.actionable for v in c.sensitive.values())
    values = {name: os.environ[name] for name in written if name in os.environ}
    binding = Binding(
        target=targets[0],
        paths=tuple(paths),
        env_references=tuple(sorted(env_names(templates))),
        targets=targets if len(targets) > 1 else (),
        manifests=manifests_digest(manifest_files(paths)),
    )
    data = {**plan.to_dict(saved=True), BINDING_FIELD: binding.to_dict()}
    return signed_pieces(data, plan_key(provider), values)


def parse_saved_plan(text: str, name: str) -> SavedPlan:
    """A plan file's text -> SavedPlan; anything malformed is a one-line ConfigError."""
    try:
        data = json_input.loads(text)
    except ValueError as exc:
        detail = "empty file" if not text.strip() else f"not valid JSON: {exc}"
        raise ConfigError(f"{name}: not a j1sync plan file ({detail})") from exc
    try:
        plan = Plan.from_dict(data)
        binding = Binding.from_dict(data[BINDING_FIELD]) if BINDING_FIELD in data else None
    except ConfigError as exc:
        detail = str(exc).removeprefix("plan file: ")
        raise ConfigError(f"{name}: {_one_line(detail)}") from exc
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # (none known)
        raise ConfigError(f"{name}: malformed plan (not the fields a plan file holds)") from exc
    return SavedPlan(name=name, plan=plan, binding=binding, data=data)


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
