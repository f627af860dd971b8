"""What the loader hands to the rest of j1sync: validated manifests with their origin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from j1sync.errors import SourceLocation


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
SAFETY_MIN_OBJECTS = 10  # below this many managed objects in a kind, no share rule
SAFETY_MAX_CHANGE_PERCENT = 30.0  # block when strictly more than this share would change


@dataclass(frozen=True)
class ProjectConfig:
    """The optional j1sync.yaml at the manifests' root (never holds the API key)."""

    managed_tag: str = DEFAULT_MANAGED_TAG
    account: str | None = None
    region: str | None = None
    prune: dict[str, bool] = field(default_factory=dict)  # kind -> prune enabled (IamGroup)
    safety_min_objects: int = SAFETY_MIN_OBJECTS
    safety_max_change_fraction: float = SAFETY_MAX_CHANGE_PERCENT / 100
    paths: tuple[str, ...] = ()


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

    def by_kind(self, kind: str) -> list[Manifest]:
        return [m for m in self.manifests if m.kind == kind]
