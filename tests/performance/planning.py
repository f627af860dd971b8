"""What the performance tests share: a plan made the one way the commands make it
(`reconcile.connect_and_plan`) with a provider a test has made itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from j1sync import reconcile
from j1sync.engine.contract import Provider
from j1sync.engine.model import Plan
from j1sync.engine.plan import build_plan
from j1sync.manifest.document import ProjectConfig


def plan_with(provider: Provider, paths: str) -> reconcile.PlannedRun:
    """The plan of the manifests under `paths` against `provider` (left open)."""

    @contextmanager
    def connect(project: ProjectConfig) -> Iterator[Provider]:
        yield provider

    with reconcile.connect_and_plan([paths], connect) as (_, run):
        return run


def unprepared_plan(provider: Provider, run: reconcile.PlannedRun) -> Plan:
    """The plan the engine makes of `run`'s objects with nothing worked out beforehand
    (`build_plan`, as the prepared planner must match), with the run's own salt."""
    manifests = run.manifests
    desired = reconcile.desired_objects(manifests, provider)
    return build_plan(
        reconcile.resolve_against_live(provider, desired, run.live),
        run.live,
        {kind.kind: kind.prune for kind in provider.kinds},
        manifests.project.for_system("jupiterone"),
        provider.account,
        manifests.sensitive,
        reconcile.credential_paths(provider),
        pruning={"enabled": manifests.scope.complete, "reason": manifests.scope.reason},
        salt=run.plan.fingerprint_salt,
    )
