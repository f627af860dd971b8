"""What the performance tests share: a plan made the one way the commands make it
(`reconcile.connect_and_plan`) with a provider a test has made itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from j1sync import reconcile
from j1sync.engine.contract import Provider
from j1sync.manifest.document import ProjectConfig


def plan_with(provider: Provider, paths: str) -> reconcile.PlannedRun:
    """The plan of the manifests under `paths` against `provider` (left open)."""

    @contextmanager
    def connect(project: ProjectConfig) -> Iterator[Provider]:
        yield provider

    with reconcile.connect_and_plan([paths], connect) as (_, run):
        return run
