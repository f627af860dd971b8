"""`j1sync export`: the live account as manifests, one file per object."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic_core import PydanticCustomError

from j1sync.commands._common import (
    connection_options,
    handle_errors,
    kind_of_system,
    out_dir_option,
    redact,
    system_option,
    write_into_nonempty_option,
)
from j1sync.connection import ConnectionOptions, open_system
from j1sync.entry import INTERRUPTED
from j1sync.errors import ManifestError
from j1sync.export import export_account
from j1sync.export.run import ExportResult, StoppedOnceWritten
from j1sync.export.secrets import ENV_EXAMPLE_FILE
from j1sync.manifest import ProjectConfig, load_project_file
from j1sync.manifest.model_base import check_object_name
from j1sync.manifest.project import find_project_file
from j1sync.providers.registry import System, systems

# A system that reads its own export files offers System.extras[EXPORT_FILE]:
# (file, out dir, engine kinds or None, force=, managed_only=, managed_tag=) -> ExportResult
EXPORT_FILE = "export_file"
# ... and says what that file is in System.extras[EXPORT_FILE_FORMAT] (--from-file's help)
EXPORT_FILE_FORMAT = "export_file_format"


def export_file_formats() -> str:
    """The export files the systems read, for --from-file's help."""
    formats = [
        f"{s.title}: {s.extras[EXPORT_FILE_FORMAT]}."
        for s in systems()
        if EXPORT_FILE_FORMAT in s.extras
    ]
    return " ".join(formats) or "No system reads one yet."


def _checked_tag(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """The tag by j1sync.yaml's rule for managedTag (an object name's: not empty, no
    whitespace around it, no control characters): a tag it refuses would match no object
    (`--managed-only` exported nothing) or be taken for no tag at all."""
    if value is None:
        return None
    try:
        return check_object_name(value)
    except PydanticCustomError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("export")
@system_option("Whose objects")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="Export only this kind of the system (repeatable). Default: every kind.",
)
@out_dir_option("Folder to write into (a sub-folder per kind).")
@write_into_nonempty_option
@click.option(
    "--include-unmanaged/--managed-only",
    default=True,
    show_default=True,
    help="Every object (adoption), or only those that carry the ownership marker.",
)
@click.option(
    "--managed-tag",
    callback=_checked_tag,
    help="The ownership marker j1sync writes (a tag, a line of notes...); left out of "
    "the exported objects. Default: the system's managedTag of ./j1sync.yaml, else j1sync.",
)
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(dir_okay=False),
    help="Read the objects from the system's own export file instead of the live "
    "target (no connection is made). " + export_file_formats(),
)
@connection_options
@handle_errors
def command(
    system: System,
    kinds: tuple[str, ...],
    out: str,
    force: bool,
    include_unmanaged: bool,
    managed_tag: str | None,
    from_file: str | None,
    connection: ConnectionOptions,
) -> None:
    """Write the live objects of a system's target as manifests (folder per kind, file per
    object).

    The system's built-in objects (e.g. its default groups) are left out. Exported manifests are
    checked like `j1sync validate`; live values that would fail are written anyway and
    reported as warnings."""
    wanted = [system.engine_kind(kind_of_system(system, kind)) for kind in kinds]
    project = current_project().for_system(system.name)
    tag = project.managed_tag if managed_tag is None else managed_tag
    try:
        if from_file is not None:
            options = {"force": force, "managed_only": not include_unmanaged, "managed_tag": tag}
            result = _export_file(system, Path(from_file), Path(out), wanted, options)
        else:
            with open_system(system, replace(project, managed_tag=tag), connection) as provider:
                result = export_account(
                    provider,
                    Path(out),
                    wanted or None,
                    force=force,
                    managed_only=not include_unmanaged,
                    managed_tag=tag,
                )
    except StoppedOnceWritten as stop:
        _stopped_once_written(stop, out)
    for warning in result.warnings:
        click.echo(redact(f"Warning: {warning}"), err=True)
    _list_secret_variables(result, out, system.title)
    click.echo(result.summary(out))


def _stopped_once_written(stop: StoppedOnceWritten, out: str) -> NoReturn:
    """Ctrl-C once every file was in place: the export is done, not `Interrupted.` (as
    apply says all changes were made when the signal came once they had all started)."""
    noun = "manifest" if stop.written == 1 else "manifests"
    click.echo(
        f"Interrupted once every file was in place: the export completed ({stop.written} "
        f"{noun} in {out}); its check of them was not run: `j1sync validate {out}` runs it.",
        err=True,
    )
    sys.exit(INTERRUPTED)


def _export_file(
    system: System, source: Path, out: Path, wanted: list[str], options: dict[str, Any]
) -> ExportResult:
    exporter = system.extras.get(EXPORT_FILE)
    if exporter is None:
        readers = [f"{s.title} (--system {s.name})" for s in systems() if EXPORT_FILE in s.extras]
        raise click.BadParameter(
            f"j1sync reads no export file of {system.title}; it reads those of "
            f"{' and '.join(readers) or 'no system'}",
            param_hint="'--from-file'",
        )
    result: ExportResult = exporter(source, out, wanted or None, **options)
    return result


def _list_secret_variables(result: ExportResult, out: str, title: str) -> None:
    """The variables to set: their names and what they stand for, never their values."""
    variables = result.secret_variables
    if not variables:
        return
    example = Path(out) / ENV_EXAMPLE_FILE
    count = len(variables)
    these = "this variable to the value" if count == 1 else f"these {count} variables to the values"
    click.echo(
        f"Credentials were written as ${{env:NAME}}, never as values: set {these} in "
        f"{title} where plan and apply run (listed in {example}):",
        err=True,
    )
    for variable in variables:
        click.echo(f"  {variable.name}  ({variable.address} {variable.path})", err=True)


def current_project() -> ProjectConfig:
    """./j1sync.yaml when there is one (account, region, managedTag), else the defaults."""
    path = find_project_file(Path("."))
    if path is None:
        return ProjectConfig()
    project, problems = load_project_file(path, paths_must_exist=False)  # --out may be one
    if problems:
        raise ManifestError(problems)
    return project
