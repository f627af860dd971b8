"""What the loader hands to the rest of j1sync: validated manifests with their origin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from j1sync.errors import SourceLocation
from j1sync.providers.registry import (
    UNQUALIFIED_SYSTEM,
    System,
    system_for_api_version,
    systems,
)


@dataclass(frozen=True)
class Manifest:
    """One validated document.

    `spec` is the kind's pydantic model (field names are the YAML's camelCase names, API
    defaults filled in); `${env:NAME}` already resolved. `source` is where the document
    starts. `sensitive` maps each resolved string that came from `${env:…}` to its
    unresolved template (e.g. "Bearer s3cr3t" -> "Bearer ${env:HOOK_TOKEN}").
    """

    api_version: str
    kind: str
    name: str
    spec: BaseModel
    source: SourceLocation
    sensitive: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.kind}/{self.name}"

    def spec_data(self) -> dict[str, Any]:
        """The spec as plain JSON-like data with defaults filled in."""
        return self.spec.model_dump(mode="json")


# j1sync.yaml's defaults, the one statement of each.
DEFAULT_MANAGED_TAG = "j1sync"  # the tag that marks a live rule or question as j1sync's


# What an object carries when j1sync manages it, as messages name it: a system whose
# objects hold something other than a tag (a marker line in a description) says what,
# System.extras[OWNERSHIP_MARK](the managed tag, or None for the j1sync.yaml setting) -> a
# noun phrase, so that a refusal names what the user's data actually holds.
OWNERSHIP_MARK = "ownership_mark"


def ownership_mark(system: System | None, tag: str | None = None) -> str:
    """What `system`'s managed objects carry: "the managed tag 'j1sync'" unless the system
    says otherwise (`tag` None: the setting, "the managed tag (managedTag)")."""
    mark = system.extras.get(OWNERSHIP_MARK) if system is not None else None
    if mark is not None:
        return str(mark(tag))
    return "the managed tag (managedTag)" if tag is None else f"the managed tag '{tag}'"


SAFETY_MIN_OBJECTS = 10  # below this many managed objects in a kind, no share rule
SAFETY_MAX_CHANGE_PERCENT = 30.0  # block when strictly more than this share would change


@dataclass(frozen=True)
class ProjectConfig:
    """The optional j1sync.yaml at the manifests' root (never holds the API key).

    The top-level keys are the first system's target (e.g. `account`, `region`);
    each other system's section (`xyops: {url: ..., prune: ..., safety: ...}`) is a
    ProjectConfig of its own in `systems`, by system name (`for_system`). `prune` is keyed
    by engine kind (`IamGroup`, `xyops.Event`); `target` holds a section's connection keys
    as j1sync.yaml writes them (`url`), which the system's `connect` reads."""

    managed_tag: str = DEFAULT_MANAGED_TAG
    account: str | None = None
    region: str | None = None
    prune: dict[str, bool] = field(default_factory=dict)  # kind -> prune enabled (IamGroup)
    safety_min_objects: int = SAFETY_MIN_OBJECTS
    safety_max_change_fraction: float = SAFETY_MAX_CHANGE_PERCENT / 100
    paths: tuple[str, ...] = ()
    target: Mapping[str, Any] = field(default_factory=dict)
    systems: Mapping[str, ProjectConfig] = field(default_factory=dict)
    # The systems a run covers, by name, in registry order (reconcile.run_systems decides
    # from the manifests and the sections; empty: the first system alone).
    in_run: tuple[str, ...] = ()

    def for_system(self, name: str) -> ProjectConfig:
        """The settings of one system's target: the top level for the unqualified system
        (the first system), else its section (the defaults when j1sync.yaml has none)."""
        if name == UNQUALIFIED_SYSTEM:
            return self
        return self.systems.get(name) or ProjectConfig(paths=self.paths)

    def run_systems(self, api_versions: Iterable[object]) -> tuple[str, ...]:
        """The systems a run covers, in registry order: those whose apiVersion its
        manifests write (`api_versions`) and those this file gives a section; when
        neither, the first system alone (a run of no manifests is about its
        account, as it always was)."""
        named = {s.name for v in api_versions if (s := system_for_api_version(v)) is not None}
        named |= set(self.systems)
        found = tuple(s.name for s in systems() if s.name in named)
        return found or (systems()[0].name,)

    def target_settings(self) -> dict[str, Any]:
        """What a system's `connect` is given: the section's connection keys, its
        `managedTag`, and (top level) `account` and `region` when set."""
        extra = {"account": self.account, "region": self.region}
        return {
            **self.target,
            **{k: v for k, v in extra.items() if v is not None},
            "managedTag": self.managed_tag,
        }


@dataclass(frozen=True)
class RunScope:
    """Whether a run reads the whole project, and so may delete live objects that no
    manifest declares (pruning); `reason` says why it does not."""

    complete: bool = True
    reason: str | None = None


@dataclass(frozen=True)
class ManifestSet:
    """Everything loaded in one run."""

    manifests: tuple[Manifest, ...]
    project: ProjectConfig
    sensitive: dict[str, str] = field(default_factory=dict)  # union over manifests
    scope: RunScope = field(default_factory=RunScope)
