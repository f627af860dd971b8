"""Which live objects become manifests, under which metadata.name and in which file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.export.naming import WantedFile, file_names, folder_of
from j1sync.export.specs import SpecBuilder
from j1sync.manifest.names import name_problem
from j1sync.providers.registry import all_engine_kinds, manifest_kind, system_of_kind, systems
from j1sync.terminal import visible_controls

# A system's export spec builders: System.extras[EXPORT_SPECS]() -> engine kind -> builder.
EXPORT_SPECS = "export_specs"
# Optional: System.extras[EXPORT_DOCUMENTS](its live objects, managed tag) -> a
# (metadata.name, spec) per object, in order, for a system whose names are not simply
# the objects' (objects named after what they configure).
EXPORT_DOCUMENTS = "export_documents"

NamedSpecs = Callable[[Sequence[LiveObject], str], list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class ExportDocument:
    """One manifest to write: `name` is its metadata.name, `path` its file below DIR."""

    kind: str
    name: str
    spec: dict[str, Any]
    path: PurePosixPath
    live: LiveObject


def selected(live: Sequence[LiveObject], managed_only: bool) -> list[LiveObject]:
    """Everything but the system's built-in objects (the system owns those); with
    `managed_only`, only what carries the ownership marker."""
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


def named_specs(
    live: Sequence[LiveObject], managed_tag: str
) -> dict[int, tuple[str, dict[str, Any]]]:
    """(metadata.name, spec) by id() of each live object: its system's export_documents
    when it has one, else the object's name and its kind's spec builder."""
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    for system in systems():
        own = [obj for obj in live if system.owns(obj.kind)]
        documents: NamedSpecs | None = system.extras.get(EXPORT_DOCUMENTS)
        if own and documents is not None:
            found.update(zip(map(id, own), documents(own, managed_tag), strict=True))
    for obj in live:
        if id(obj) not in found:
            found[id(obj)] = (obj.name, spec_builder(obj.kind)(obj, managed_tag))
    return found


def _system_title(obj: LiveObject) -> str:
    system = system_of_kind(obj.kind)
    return system.title if system is not None else "the account"


def left_out(obj: LiveObject, name: str, why: str) -> str:
    """The warning for an object export leaves out: a manifest of it would not load, or
    would not plan."""
    return f"{obj.kind}/{visible_controls(name, one_line=True)}: left out of the export: {why}"


def undeclarable(obj: LiveObject, problem: str) -> str:
    return (
        f"metadata.name: {problem}; j1sync cannot manage it under this name (rename it in "
        f"{_system_title(obj)} to manage it)"
    )


def unloadable(obj: LiveObject, problem: str) -> str:
    return (
        f"{problem}; no manifest can say so, and the plan never deletes it (change it in "
        f"{_system_title(obj)} to manage it)"
    )


def shared_name(shared: Sequence[LiveObject]) -> str:
    """The planner leaves alone live objects that share a name (engine/plan.py): a
    manifest of that name would be an error, matching them all."""
    ids = ", ".join(str(each.id) for each in shared)
    return (
        f"{len(shared)} objects share this name (ids {ids}); a manifest would match them all "
        f"and j1sync never guesses which (rename all but one in {_system_title(shared[0])} "
        "to manage it)"
    )


def build_documents(
    live: Sequence[LiveObject],
    managed_tag: str,
    existing: Mapping[PurePosixPath, Sequence[tuple[str, str]]] | None = None,
) -> tuple[list[ExportDocument], list[str]]:
    """The documents to write (in the order of `live`) and notes for the user. An object
    whose name no manifest may have, whose values its manifest model refuses
    (LiveObject.undeclarable), or that shares its name with another of its kind, is left
    out with a warning naming it: every file export writes must load and plan no change
    (the plan never touches such objects). `existing`: the manifests in the kinds'
    folders and what each declares (kept.declared_in_folders): an object goes to the
    file that declares it alone, none to a file declaring another."""
    named = named_specs(live, managed_tag)
    sharing: dict[tuple[str, str], list[LiveObject]] = {}
    for obj in live:
        sharing.setdefault((obj.kind, named[id(obj)][0]), []).append(obj)
    warnings: list[str] = []
    chosen: list[tuple[LiveObject, str, dict[str, Any]]] = []
    for obj in live:
        name, spec = named[id(obj)]
        problem = name_problem(obj.kind, name)
        shared = sharing[(obj.kind, name)]
        if problem is not None:
            warnings.append(left_out(obj, name, undeclarable(obj, problem)))
            continue
        if obj.undeclarable is not None:
            warnings.append(left_out(obj, name, unloadable(obj, obj.undeclarable)))
            continue
        if len(shared) > 1:
            if obj is shared[0]:  # one warning for them all
                warnings.append(left_out(obj, name, shared_name(shared)))
            continue
        chosen.append((obj, name, spec))
    paths = _paths([(obj.kind, name) for obj, name, _ in chosen], existing or {})
    documents = [
        ExportDocument(obj.kind, name, spec, path, obj)
        for (obj, name, spec), path in zip(chosen, paths, strict=True)
    ]
    return documents, warnings


def _paths(
    objects: Sequence[tuple[str, str]], existing: Mapping[PurePosixPath, Sequence[tuple[str, str]]]
) -> list[PurePosixPath]:
    """The file of each (engine kind, metadata.name), named per folder (naming.file_names).
    A name with nothing left as a slug (all CJK, emoji) is filed under its kind: label.yaml."""
    by_folder: dict[str, list[int]] = {}
    for index, (kind, _) in enumerate(objects):
        by_folder.setdefault(folder_of(kind), []).append(index)
    paths: dict[int, PurePosixPath] = {}
    for folder, indexes in by_folder.items():
        held = {  # the folder's files that declare objects, and which
            path.name: declared
            for path, declared in existing.items()
            if declared and path.parent == PurePosixPath(folder)
        }
        alone = {declared[0]: name for name, declared in held.items() if len(declared) == 1}
        wanted = [
            WantedFile(name, manifest_kind(kind).lower(), alone.get((kind, name)))
            for kind, name in (objects[index] for index in indexes)
        ]
        for index, file_name in zip(indexes, file_names(wanted, held), strict=True):
            paths[index] = PurePosixPath(folder, file_name)
    return [paths[index] for index in range(len(objects))]
