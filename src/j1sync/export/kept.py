"""The files an export into a folder that held some (--force) keeps: the manifests in the
folders it wrote into that it did not write. An object is written to the file declaring
it alone (declared_in_folders), so a kept file declaring an object this export wrote is
one declaring others too (a file the user wrote), which makes the first plan fail on a
name declared twice; one declaring an object the system no longer holds (renamed,
deleted) makes it create that object again. Export says so, naming the files."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path, PurePosixPath

from j1sync.export.documents import ExportDocument
from j1sync.export.naming import folder_of
from j1sync.manifest.discovery import is_manifest_name
from j1sync.manifest.yaml_source import read_documents
from j1sync.providers.registry import system_for_api_version, system_of_kind
from j1sync.terminal import visible_controls

Object = tuple[str, str]  # (engine kind, metadata.name)


def kept_warnings(
    out_dir: Path,
    documents: Sequence[ExportDocument],
    live: Collection[tuple[str, str]],
    kinds: Collection[str],
) -> list[str]:
    """A warning per kept file declaring an object of `kinds` that one of `documents`
    declares too, or that the system does not hold (`live`: (engine kind, name) of
    every object read, left out or not): the first plan would fail, or create it."""
    written = {(doc.kind, doc.name): out_dir / doc.path for doc in documents}
    mine = set(written.values())
    warnings = []
    for folder in sorted({path.parent for path in mine}):
        for path in sorted(folder.iterdir()):
            if path in mine or not is_manifest_name(path.name) or not path.is_file():
                continue
            for kind, name in _declared(path):
                if kind not in kinds:
                    continue
                shown = visible_controls(f"{kind}/{name}", one_line=True)
                other = written.get((kind, name))
                if other is not None:
                    why = f"as {other} now does: a plan refuses a name declared twice"
                elif (kind, name) not in live:
                    held = f"which {_title(kind)} does not hold (renamed or deleted?)"
                    why = f"{held}: a plan creates it"
                else:
                    continue
                warnings.append(
                    f"{path}: kept from before (this export did not write it), it declares "
                    f"{shown}, {why}; remove {path.name} unless you wrote it"
                )
    return warnings


def declared_in_folders(out_dir: Path, kinds: Collection[str]) -> dict[PurePosixPath, list[Object]]:
    """Each manifest file directly in a folder of `kinds` (folder_of) and the objects of
    those kinds it declares: exported there before, an export again writes each object
    to the file that declares it alone, and no other object to a file that declares
    others (naming.file_names)."""
    found: dict[PurePosixPath, list[Object]] = {}
    for folder in dict.fromkeys(folder_of(kind) for kind in kinds):
        where = out_dir / folder
        if not where.is_dir() or where.is_symlink():
            continue
        for path in sorted(where.iterdir()):
            if is_manifest_name(path.name) and path.is_file() and not path.is_symlink():
                declared = [each for each in _declared(path) if each[0] in kinds]
                found[PurePosixPath(folder, path.name)] = declared
    return found


def _title(kind: str) -> str:
    system = system_of_kind(kind)
    return system.title if system is not None else "the system"


def _declared(path: Path) -> Iterator[Object]:
    """(engine kind, metadata.name) of each document of a manifest file, read as the
    manifest loader reads it; none when it does not parse (the plan says why)."""
    documents, _ = read_documents(path, str(path))  # its problems are the plan's to report
    for document in (found.root for found in documents):
        if not isinstance(document, dict):
            continue
        system = system_for_api_version(document.get("apiVersion"))
        kind, metadata = document.get("kind"), document.get("metadata")
        if system is None or not isinstance(kind, str) or kind not in system.kinds:
            continue
        if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
            yield system.engine_kind(kind), metadata["name"]
