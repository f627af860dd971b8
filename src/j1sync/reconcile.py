"""The pipeline behind plan, apply and drift: manifests + live account -> plan.

Kept out of the CLI so commands stay thin and the pipeline can be driven from tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from j1sync.engine.contract import DesiredObject, LiveObject, Provider, ResolvesAgainstLive
from j1sync.engine.plan import Plan, build_plan
from j1sync.errors import ResolutionError
from j1sync.manifest import load_manifests
from j1sync.manifest.document import ManifestSet


@dataclass(frozen=True)
class PlannedRun:
    """A plan together with the live objects it was made from (apply needs both)."""

    manifests: ManifestSet
    plan: Plan
    live: list[LiveObject]


def load(paths: Sequence[str]) -> ManifestSet:
    return load_manifests(list(paths))


def desired_objects(manifests: ManifestSet, provider: Provider) -> list[DesiredObject]:
    return [provider.kind(m.kind).desired(m, manifests.project) for m in manifests.manifests]


def make_plan(manifests: ManifestSet, provider: Provider) -> PlannedRun:
    desired = desired_objects(manifests, provider)
    live = provider.read_live()
    desired = resolve_against_live(provider, desired, live)
    kinds = {kind.kind: kind.prune for kind in provider.kinds}
    plan = build_plan(
        desired,
        live,
        kinds,
        manifests.project,
        provider.account,
        manifests.sensitive,
    )
    return PlannedRun(manifests=manifests, plan=plan, live=live)


def resolve_against_live(
    provider: Provider, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
) -> list[DesiredObject]:
    """Manifests that can only match existing objects are resolved before any plan exists."""
    resolved: list[DesiredObject] = []
    problems: list[str] = []
    for kind in provider.kinds:
        wanted = [d for d in desired if d.kind == kind.kind]
        if isinstance(kind, ResolvesAgainstLive):
            wanted, found = kind.resolve_desired(wanted, [o for o in live if o.kind == kind.kind])
            problems += found
        resolved += wanted
    if problems:
        raise ResolutionError("\n".join(problems))
    return resolved
