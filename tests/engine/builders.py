"""Small builders of desired and live objects for engine, executor and output tests."""

from __future__ import annotations

from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy
from j1sync.manifest.document import ProjectConfig

KINDS: dict[str, PrunePolicy] = {
    "Question": "tagged",
    "AlertRule": "tagged",
    "IamGroup": "opt-in",
    "IntegrationSchedule": "never",
}
PROJECT = ProjectConfig()


def want(kind: str, name: str, depends_on: tuple[str, ...] = (), **state: Any) -> DesiredObject:
    return DesiredObject(kind=kind, name=name, state=dict(state), depends_on=depends_on)


def have(
    kind: str,
    name: str,
    id: str,
    *,
    managed: bool = False,
    builtin: bool = False,
    references: tuple[str, ...] = (),
    **state: Any,
) -> LiveObject:
    return LiveObject(
        kind=kind,
        name=name,
        id=id,
        state=dict(state),
        managed=managed,
        builtin=builtin,
        references=references,
    )
