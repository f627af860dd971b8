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


def alike_name_warnings(loaded: Sequence[LoadedManifest]) -> list[str]:
    """Two manifests of one kind whose names read the same printed but differ (`café` as
    one code point and as `e` + U+0301, a Cyrillic letter for a Latin one, two spaces for
    one): no duplicate, so JupiterOne gets two objects, and plans show both alike but for
    the escapes. Most likely a mistake, said as a warning (it may be meant) at both
    documents. An ASCII name without two spaces in a row reads as itself: only the others
    are worked out (a run of 20,000 plain names costs a test each, and loads no output
    module: a plan's first request may not have left yet)."""
    names: dict[tuple[str, str], LoadedManifest] = {}
    readings: dict[tuple[str, str], list[LoadedManifest]] = {}
    for item in loaded:
        kind, name = item.manifest.kind, item.manifest.name
        names.setdefault((kind, name), item)
        if not name.isascii() or "  " in name:
            readings.setdefault((kind, _reading(name)), []).append(item)
    warnings = []
    for (kind, reading), items in readings.items():
        plain = names.get((kind, reading))
        alike = [plain, *items] if plain is not None else items
        spelt = {item.manifest.name: item for item in alike}
        if len(spelt) < 2:
            continue
        from j1sync.output.text_diff import exact

        (first, *others) = spelt.values()
        for other in others:
            warnings.append(
                f"{other.manifest.source}: {kind}/{exact(other.manifest.name)[1:-1]} reads like "
                f"{kind}/{exact(first.manifest.name)[1:-1]} ({first.manifest.source}): the "
                "names differ only in how Unicode spells a letter, a letter of another script "
                "or white space; they are two objects"
            )
    return warnings


def _reading(name: str) -> str:
    """How a name reads printed (output/text_diff.read_alike's rule; loaded only for a
    name that is not plain ASCII, see alike_name_warnings)."""
    from j1sync.output.text_diff import reading

    return reading(name)
