"""Checks across the documents of a run: duplicate kind/name (every system), then each
system's own (references between its manifests, its query language...), which the loader
reaches through the registry: a system's extras["document_problems"] takes the run's
manifests of that system, in load order, and returns their problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from j1sync.errors import ManifestProblem
from j1sync.manifest.document import Manifest
from j1sync.manifest.yaml_source import FieldPath, YamlDocument, format_field_path, locate
from j1sync.providers.registry import systems

DocumentProblems = Callable[[Sequence["LoadedManifest"]], list[ManifestProblem]]


@dataclass(frozen=True)
class LoadedManifest:
    manifest: Manifest
    # To point at fields of the manifest in its file: the document, or (for manifests
    # that were loaded without positions) how to read it again, only when a problem
    # must be located.
    source: YamlDocument | Callable[[], YamlDocument]

    @property
    def document(self) -> YamlDocument:
        return self.source if isinstance(self.source, YamlDocument) else self.source()


def problem_at(loaded: LoadedManifest, path: FieldPath, message: str) -> ManifestProblem:
    """A problem of one manifest at the field `path` (its nearest written ancestor)."""
    located = locate(loaded.document, path, at_value=True)
    return ManifestProblem(
        located.location,
        message,
        loaded.manifest.address,
        format_field_path(located.path) or None,
    )


def duplicate_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """A kind/name defined twice: reported at the second place, naming the first."""
    first_seen: dict[str, LoadedManifest] = {}
    problems = []
    for item in loaded:
        address = item.manifest.address
        if address in first_seen:
            where = locate(first_seen[address].document, ("metadata", "name"), at_value=True)
            problems.append(
                problem_at(
                    item,
                    ("metadata", "name"),
                    f"duplicate {address}: also defined at {where.location}",
                )
            )
        else:
            first_seen[address] = item
    return problems


def system_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """Each system's own checks (extras["document_problems"]) over its manifests, systems
    in registry order."""
    problems: list[ManifestProblem] = []
    for system in systems():
        check: DocumentProblems | None = system.extras.get("document_problems")
        if check is None:
            continue
        own = [item for item in loaded if item.manifest.api_version in system.api_versions]
        if own:
            problems.extend(check(own))
    return problems
