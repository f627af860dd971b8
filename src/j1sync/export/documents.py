"""Which live objects become manifests, under which metadata.name and in which file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.export.naming import FileNamer, folder_of, unique_names
from j1sync.export.specs import SpecBuilder, ordered_spec
from j1sync.providers.jupiterone.integration_schedules import KIND as SCHEDULE
from j1sync.providers.registry import all_engine_kinds, system_of_kind

# A system's export spec builders: System.extras[EXPORT_SPECS]() -> engine kind -> builder.
EXPORT_SPECS = "export_specs"


@dataclass(frozen=True)
class ExportDocument:
    """One manifest to write: `name` is its metadata.name, `path` its file below DIR."""

    kind: str
    name: str
    spec: dict[str, Any]
    path: PurePosixPath
    live: LiveObject


def selected(live: Sequence[LiveObject], managed_only: bool) -> list[LiveObject]:
    """Everything but the built-in IAM groups (JupiterOne owns those); with
    `managed_only`, only what carries the managed tag (rules and questions)."""
    chosen = [obj for obj in live if not obj.builtin]
    if managed_only:
        chosen = [obj for obj in chosen if obj.managed]
    order = {kind: index for index, kind in enumerate(all_engine_kinds())}
    return sorted(chosen, key=lambda o: (order.get(o.kind, len(order)), o.name, str(o.id)))


def spec_builder(kind: str) -> SpecBuilder:
    """How a live object of an engine kind becomes a manifest's spec: its system's."""
    system = system_of_kind(kind)
    builders = system.extras.get(EXPORT_SPECS) if system is not None else None
    found: SpecBuilder | None = builders().get(kind) if builders is not None else None
    if found is None:
        raise KeyError(f"no export for the kind {kind!r}")
    return found


def instance_name(schedule: LiveObject) -> str:
    """The instance's own name: a schedule's key adds `(definition)` when names are shared."""
    return str(schedule.raw.get("name", schedule.name))


def schedule_names(schedules: Sequence[LiveObject]) -> list[str]:
    """metadata.name per schedule: the instance name, or `<name>-<definition>` where
    several instances share a name (those documents carry `instance` and `definition`)."""
    counts = Counter(instance_name(obj) for obj in schedules)
    wanted = []
    for obj in schedules:
        definition = obj.state.get("definition")
        shared = counts[instance_name(obj)] > 1
        name = instance_name(obj)
        wanted.append(f"{name}-{definition}" if shared and definition else name)
    return unique_names(wanted)


def build_documents(
    live: Sequence[LiveObject], managed_tag: str
) -> tuple[list[ExportDocument], list[str]]:
    """The documents to write (in KINDS order, then by name) and notes for the user."""
    namer = FileNamer()
    schedules = [obj for obj in live if obj.kind == SCHEDULE]
    names = schedule_names(schedules)
    warnings: list[str] = []
    metadata_names = {id(obj): name for obj, name in zip(schedules, names, strict=True)}
    documents = []
    for obj in live:
        spec = spec_builder(obj.kind)(obj, managed_tag)
        name = metadata_names.get(id(obj), obj.name)
        if obj.kind == SCHEDULE and name != instance_name(obj):
            spec = ordered_spec(SCHEDULE, {**spec, "instance": instance_name(obj)})
        folder = folder_of(obj.kind)
        file_name = namer.file_name(folder, name, fallback=obj.kind.lower())
        documents.append(
            ExportDocument(obj.kind, name, spec, PurePosixPath(folder, file_name), obj)
        )
    return documents, warnings
