"""`export_account`: the live account -> a folder of manifests, checked like `validate`."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from j1sync.engine.contract import LiveObject, Provider
from j1sync.engine.sensitive import CredentialPaths
from j1sync.errors import J1SyncError, ManifestError
from j1sync.export.documents import ExportDocument, build_documents, selected
from j1sync.export.kept import declared_in_folders, kept_warnings
from j1sync.export.secrets import (
    ENV_EXAMPLE_FILE,
    SecretVariable,
    earlier_env_example,
    env_example_text,
    with_placeholders,
)
from j1sync.export.staging import (
    STAGING_PREFIX,
    FolderState,
    StagedFiles,
    dangling_link,
    folder_state,
    staged,
)
from j1sync.export.yaml_writer import manifest_document, render_manifest
from j1sync.manifest import load_manifests
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.manifest.kind_scan import scan_manifests
from j1sync.providers.registry import (
    all_engine_kinds,
    system_for_api_version,
    system_of_kind,
    systems,
)
from j1sync.reconcile import credential_paths


class OutputNotEmpty(J1SyncError):
    """The export folder already holds files and --force was not given."""


class ExportWriteError(J1SyncError):
    """The export folder cannot be created or written."""


class StoppedOnceWritten(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) once every file had been moved into place: the export is
    complete, only what it checks and says after writing (validation warnings, kept
    files) was not done. `written`: the manifests in place."""

    def __init__(self, out_dir: Path, written: int) -> None:
        super().__init__(out_dir, written)
        self.out_dir = out_dir
        self.written = written


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    kinds: tuple[str, ...]  # the kinds that were asked for, in their system's order
    documents: list[ExportDocument]
    warnings: list[str] = field(default_factory=list)
    # `${env:NAME}` written in place of credentials: the user sets these
    secret_variables: list[SecretVariable] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(doc.kind for doc in self.documents)

    def summary(self, shown_dir: str | None = None) -> str:
        """`Exported 14 objects to manifests/: 5 Question, 6 AlertRule, ...`"""
        where = shown_dir if shown_dir is not None else str(self.out_dir)
        where = where if where.endswith("/") else where + "/"
        counts = self.counts()
        total = len(self.documents)
        noun = "object" if total == 1 else "objects"
        parts = ", ".join(f"{counts[kind]} {kind}" for kind in self.kinds if counts[kind])
        return f"Exported {total} {noun} to {where}" + (f": {parts}" if parts else "")


def check_output_dir(out_dir: Path, force: bool) -> None:
    """Refuse to mix an export into existing files unless asked to (before any request)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputNotEmpty(f"{out_dir} exists and is not a folder")
    link = dangling_link(out_dir)
    if link:
        raise ExportWriteError(f"cannot write the export to {out_dir}: it is {link}")
    _check_writable(out_dir)
    # an export's hidden folder (export/staging.py) is no file of the folder: one still
    # writing is caught when it is done, one killed left it behind
    held = out_dir.is_dir() and any(
        not p.name.startswith(STAGING_PREFIX) for p in out_dir.iterdir()
    )
    if not force and held:
        raise OutputNotEmpty(
            f"{out_dir} is not empty; choose another folder with --out, or pass --force to "
            "write into it (files of the same name are overwritten, others are kept)"
        )


def _check_writable(out_dir: Path) -> None:
    """Before any request: the folder (or its nearest existing parent) must be a folder
    j1sync may write in."""
    existing = out_dir
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise ExportWriteError(f"cannot write the export to {out_dir}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ExportWriteError(f"cannot write the export to {out_dir}: {existing} is not writable")


class ManifestToWrite(Protocol):
    """What `write_documents` writes: a manifest's kind, metadata.name and spec, and its
    file below the output folder (an exported object, an imported pack rule)."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> Mapping[str, Any]: ...
    @property
    def path(self) -> PurePosixPath: ...


def write_documents(
    out_dir: Path,
    documents: Sequence[ManifestToWrite],
    *,
    env_example: str | None = None,
    before: FolderState | None = None,
) -> list[Path]:
    """Write `documents` (and `env_example`, the text of .env.example, when given) into
    `out_dir`, all of them or none (export/staging.py): stopped or failing part way, the
    folder is left as it was; and none when a file in the folder changed since `before`
    (its files when the export checked it; by default, as this call begins): another
    export into it. The manifests' paths, in order."""
    _check_no_other_system(out_dir, documents)
    if before is None:
        before = folder_state(out_dir)
    try:
        staging = staged(out_dir)
    except OSError as exc:
        shown = exc.filename or out_dir
        raise ExportWriteError(f"cannot write {shown}: {exc.strerror or exc}") from exc
    path = out_dir
    try:
        for doc in documents:
            path = out_dir / doc.path
            text = render_manifest(manifest_document(doc.kind, doc.name, doc.spec))
            staging.write(PurePosixPath(doc.path), text)
        if env_example is not None:
            path = out_dir / ENV_EXAMPLE_FILE
            staging.write(PurePosixPath(ENV_EXAMPLE_FILE), env_example, "surrogateescape")
        _check_unchanged_since(staging, before)
        blocked = staging.blocked()
        if blocked:
            shown = "; ".join(blocked[:3])
            raise ExportWriteError(f"cannot write the export: {shown}; nothing was written")
        path = out_dir
        try:
            written = staging.publish()
        except KeyboardInterrupt as stop:  # held until every file was in place
            if len(staging.moved) < len(staging.files):
                raise
            raise StoppedOnceWritten(out_dir, len(documents)) from stop
    except OSError as exc:
        staging.abandon()
        done = len(staging.moved)
        said = "nothing was written"
        if done:
            said = f"only {done} of {len(staging.files)} files were moved into place"
        raise ExportWriteError(f"cannot write {path}: {exc.strerror or exc}; {said}") from exc
    except BaseException:
        staging.abandon()
        raise
    return written[: len(documents)]


def _check_unchanged_since(staging: StagedFiles, before: FolderState) -> None:
    """Two exports into one folder at once each found it empty (or each was forced) and
    the later one would write over the earlier's files, mixing two accounts: the later
    one writes nothing."""
    foreign = staging.changed_since(before)
    if foreign:
        shown = ", ".join(str(p) for p in foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise OutputNotEmpty(
            f"{shown} changed while this export ran (another export into "
            f"{staging.out_dir}?); nothing was written. Run one export at a time into a "
            "folder, or each into a folder of its own"
        )


def _check_no_other_system(out_dir: Path, documents: Sequence[ManifestToWrite]) -> None:
    """Before any file is written: none of `documents` replaces a file holding another
    system's manifests. Two systems may both have a kind of one name (xyOps's and
    OpenCTI's Role: both `roles/`), and a second export into the first one's folder
    (--force) would silently replace the first system's manifest of the same name, whose
    object the next apply over the project then deletes."""
    clashes = []
    for doc in documents:
        path = out_dir / doc.path
        if not path.is_file():
            continue
        mine = system_of_kind(doc.kind)
        held = [system_for_api_version(v) for v in scan_manifests([path]).api_versions]
        others = sorted({s.title for s in held if s is not None and s is not mine})
        if mine is not None and others:
            clashes.append(f"{path} holds {' and '.join(others)} manifests")
    if clashes:
        shown = "; ".join(clashes[:3]) + (f"; {len(clashes) - 3} more" if len(clashes) > 3 else "")
        raise OutputNotEmpty(
            f"{shown}: this export would replace them; nothing was written. Export each "
            "system into a folder of its own (--out manifests/<system>)"
        )


# What an exported credential variable holds while the written files are validated: the
# user sets the real value. URL-shaped, as a credential field may have to be (an xyOps web
# hook's url begins with https://); any text field takes it.
CREDENTIAL_STAND_IN = "https://set-by-the-user.invalid/"


def validation_warnings(
    files: Sequence[Path],
    variables: Sequence[str] = (),
    *,
    origin: str = "exported as found in the account",
) -> list[str]:
    """What `j1sync validate` would say about the written files, each saying where the
    value came from (`origin`). The environment holds only export's own credential
    variables: other live text holding `${env:NAME}` would be read as a reference."""
    if not files:
        return []
    try:
        load_manifests(list(files), env=dict.fromkeys(variables, CREDENTIAL_STAND_IN))
    except ManifestError as exc:
        return [f"{problem} ({origin})" for problem in exc.problems]
    return []


# Optional, of a system: extras[EXPORT_READS_ALSO]: engine kind -> the kinds its exported
# manifests take names from (read with it, left out of the export unless asked for);
# extras[EXPORT_HINTS](its exported specs, the kinds asked for) -> notes for the user.
EXPORT_READS_ALSO = "export_reads_also"
EXPORT_HINTS = "export_hints"
# extras[EXPORT_NOTES](its live objects export wrote) -> notes on what their specs left out.
EXPORT_NOTES = "export_notes"


def _hints(documents: Sequence[ExportDocument], kinds: Sequence[str]) -> list[str]:
    hints: list[str] = []
    for system in systems():
        hint = system.extras.get(EXPORT_HINTS)
        specs = [doc.spec for doc in documents if system.owns(doc.kind)]
        if hint is not None and specs:
            hints.extend(hint(specs, kinds))
    return hints


def _notes(documents: Sequence[ExportDocument]) -> list[str]:
    notes: list[str] = []
    for system in systems():
        note = system.extras.get(EXPORT_NOTES)
        written = [doc.live for doc in documents if system.owns(doc.kind)]
        if note is not None and written:
            notes.extend(note(written))
    return notes


def read_exported(provider: Provider, kinds: Sequence[str]) -> list[LiveObject]:
    """The live objects of `kinds`, read together with the kinds they take names from
    (left out of the result unless asked for)."""
    extra = [k for kind in kinds for k in _reads_also(kind) if k not in kinds]
    live = provider.read_live([*kinds, *dict.fromkeys(extra)])
    return [obj for obj in live if obj.kind in kinds]


def _reads_also(kind: str) -> tuple[str, ...]:
    system = system_of_kind(kind)
    reads: Mapping[str, tuple[str, ...]] = (
        system.extras.get(EXPORT_READS_ALSO, {}) if system is not None else {}
    )
    return reads.get(kind, ())


def export_account(
    provider: Provider,
    out_dir: Path,
    kinds: Sequence[str] | None = None,
    *,
    force: bool = False,
    managed_only: bool = False,
    managed_tag: str = DEFAULT_MANAGED_TAG,
) -> ExportResult:
    """Write one manifest per live object of `kinds` (all the provider's when None)
    into `out_dir`, in a folder per kind, and report what `validate` would say about them
    as warnings."""
    offered = {kind.kind for kind in provider.kinds}
    wanted = tuple(k for k in all_engine_kinds() if k in offered and (kinds is None or k in kinds))
    check_output_dir(out_dir, force)
    before = folder_state(out_dir)
    live = read_exported(provider, wanted)
    return export_objects(
        live,
        out_dir,
        wanted,
        credential_paths(provider),
        managed_only=managed_only,
        managed_tag=managed_tag,
        before=before,
    )


def export_objects(
    live: Sequence[LiveObject],
    out_dir: Path,
    wanted: tuple[str, ...],
    credentials: Mapping[str, CredentialPaths],
    *,
    managed_only: bool = False,
    managed_tag: str = DEFAULT_MANAGED_TAG,
    before: FolderState | None = None,
) -> ExportResult:
    """Write `live` (read from an account, or from a system's own export file) as
    manifests into `out_dir` (already checked by check_output_dir: its files `before`):
    credentials as ${env:NAME} listed in .env.example (after what it lists of other
    kinds: another system's export into the same folder), what `validate` says about
    them as warnings."""
    read = {(obj.kind, obj.name) for obj in live}
    live = selected([obj for obj in live if obj.kind in wanted], managed_only)
    earlier = earlier_env_example(out_dir, wanted)
    live, variables = with_placeholders(live, credentials, earlier)
    documents, warnings = build_documents(live, managed_tag, declared_in_folders(out_dir, wanted))
    written = {doc.live.address for doc in documents}
    variables = [v for v in variables if v.address in written]  # not a left-out object's
    example = env_example_text(variables, earlier)
    files = write_documents(out_dir, documents, env_example=example, before=before)
    names = [v.name for v in variables]
    try:
        warnings = [
            *warnings,
            *_notes(documents),
            *_hints(documents, wanted),
            *validation_warnings(files, names),
            *kept_warnings(out_dir, documents, read, wanted),
        ]
    except KeyboardInterrupt as stop:
        raise StoppedOnceWritten(out_dir, len(files)) from stop
    return ExportResult(out_dir, wanted, documents, warnings, variables)
