"""Manifests with different names that would manage one live object: found offline.

A kind's live identity is usually its `metadata.name` (duplicates of that are
manifest/cross_checks.duplicate_problems). An IntegrationSchedule's is the instance it schedules:
`spec.instance` (default `metadata.name`) and, when given, `spec.definition`. Two
schedules of one instance would fight over it on every apply; two schedules of a name
where one says no definition could both match the same instance. Each is reported at the
second manifest, naming the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from j1sync.errors import ManifestProblem
from j1sync.manifest.cross_checks import LoadedManifest
from j1sync.manifest.yaml_source import Located, YamlDocument, format_field_path, locate
from j1sync.providers.jupiterone.models.integration_schedule import IntegrationScheduleSpec


def conflict_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    problems: list[ManifestProblem] = []
    # the schedules kept so far, by instance (set from metadata.name when not written):
    # each is compared with those of its own instance only, not with every one before it
    by_instance: dict[str | None, list[tuple[LoadedManifest, IntegrationScheduleSpec]]] = {}
    for item in loaded:
        spec = item.manifest.spec
        if not isinstance(spec, IntegrationScheduleSpec):
            continue
        schedules = by_instance.setdefault(spec.instance, [])
        earlier = next((e for e, s in schedules if _same_instance(s, spec)), None)
        if earlier is None:
            schedules.append((item, spec))
            continue
        instance = spec.instance or item.manifest.name
        problems.append(
            _problem(
                item,
                f"schedules integration instance '{instance}'"
                f"{_of_type(spec)}, as {earlier.manifest.address} at "
                f"{_instance_location(earlier)} does; an instance has one schedule",
            )
        )
    return problems


def _same_instance(first: IntegrationScheduleSpec, second: IntegrationScheduleSpec) -> bool:
    if first.instance != second.instance:
        return False
    return (
        first.definition is None
        or second.definition is None
        or (first.definition == second.definition)
    )


def _of_type(spec: IntegrationScheduleSpec) -> str:
    return f" (definition '{spec.definition}')" if spec.definition else ""


def _instance_location(item: LoadedManifest) -> str:
    return str(_instance_field(item)[1].location)


def instance_field(document: YamlDocument, field: str = "instance") -> tuple[str, str]:
    """Where a schedule's manifest says its spec's `field`: the instance (or its type,
    `definition`) at `spec.<field>`, else at `metadata.name` (the instance's default)."""
    if locate(document, ("spec", field), at_value=True).path == ("spec", field):
        return ("spec", field)
    return ("metadata", "name")


def _instance_field(item: LoadedManifest) -> tuple[tuple[str, ...], Located]:
    """Where the instance is said: `spec.instance`, else `metadata.name` (its default)."""
    path = instance_field(item.document)
    return path, locate(item.document, path, at_value=True)


def _problem(item: LoadedManifest, message: str) -> ManifestProblem:
    path, located = _instance_field(item)
    return ManifestProblem(
        located.location,
        message,
        item.manifest.address,
        format_field_path(path),
    )
