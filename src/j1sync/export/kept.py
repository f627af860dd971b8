"""The files an export into a folder that held some (--force) keeps: the manifests in the
folders it wrote into that it did not write. A kept file declaring an object this export
wrote under another file name (the account's `Foo` and `foo` were exported as foo.yaml
and foo-2.yaml; `Foo` renamed `Bar` since, `foo` now goes to foo.yaml) makes the first
plan fail on a name declared twice; one declaring an object the system no longer holds
(`Foo`, renamed) makes it create that object again. Export says so, naming the files."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from j1sync.export.documents import ExportDocument
from j1sync.manifest.discovery import is_manifest_name
from j1sync.manifest.yaml_source import read_documents
from j1sync.providers.registry import system_for_api_version, system_of_kind
from j1sync.terminal import visible_controls


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


def _title(kind: str) -> str:
    system = system_of_kind(kind)
    return system.title if system is not None else "the system"


def _declared(path: Path) -> Iterator[tuple[str, str]]:
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
