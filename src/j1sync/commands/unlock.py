"""`j1sync unlock`: remove a stuck apply lock (its holder crashed), after showing who held it."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import replace

import click
from click.core import ParameterSource

from j1sync.commands._common import (
    ask_yes,
    connection_options,
    handle_errors,
    paths_argument,
    system_option,
)
from j1sync.connection import ConnectionOptions
from j1sync.engine.lock import lock_target, read_lock, remove_lock
from j1sync.errors import ConfigError, J1SyncError
from j1sync.manifest import load_project_config
from j1sync.manifest.kind_scan import scan_manifests
from j1sync.providers.registry import System, system_for_api_version
from j1sync.providers.targets import lock_named
from j1sync.reconcile import connect_with


class UnlockRefused(J1SyncError):
    """Not confirmed, or the lock changed while the user was asked."""


@click.command("unlock")
@paths_argument
@click.option(
    "--yes",
    "--auto-approve",
    "yes",
    is_flag=True,
    help="Remove the lock without asking.",
)
@system_option("Whose target's lock")
@connection_options
@handle_errors
def command(
    paths: tuple[str, ...], yes: bool, system: System, connection: ConnectionOptions
) -> None:
    """Remove the account's apply lock, left by an apply that crashed.

    PATHS locate j1sync.yaml (its account and region, or the system's section), as for
    apply. Only for a lock whose holder is gone: removing the lock of a running apply
    lets another one start."""
    project = load_project_config(paths)
    if project is None:
        raise ConfigError("j1sync.yaml has problems; `j1sync validate` lists them")
    with ExitStack() as stack:
        try:
            connected = connect_with(connection)(replace(project, in_run=(system.name,)))
            provider = stack.enter_context(connected)
        except ConfigError as exc:  # "No JupiterOne API key" in an xyOps project
            hint = _other_systems_hint(paths, system)
            if hint is None:
                raise
            raise ConfigError(f"{exc}\n{hint}") from exc
        store = provider.lock_store()
        held = read_lock(store)
        target = lock_target(provider.account, lock_named(provider))
        if held is None:
            click.echo(f"No apply lock on {target}.")
            return
        click.echo(f"Apply lock on {target}: {held.describe(time.time())}.")
        running = held.running_pid()
        if running is not None:  # not a crashed apply: its lock still guards its changes
            raise UnlockRefused(
                f"the apply holding it still runs on this machine (pid {running}); removing "
                "its lock would let another apply change the account at the same time: let "
                f"it finish, or stop it first (kill {running})"
            )
        _confirm(yes)
        changed = remove_lock(store, held)
        if changed is not None:
            raise UnlockRefused(
                f"the lock changed meanwhile, nothing removed: now {changed.describe(time.time())}"
            )
        click.echo("Lock removed.")


def _other_systems_hint(paths: tuple[str, ...], system: System) -> str | None:
    """When --system was left to its default and the manifests under `paths` name other
    systems only: which --system unlocks their targets."""
    ctx = click.get_current_context()
    if ctx.get_parameter_source("system") is not ParameterSource.DEFAULT:
        return None
    named = {
        found.name: found
        for version in scan_manifests(paths).api_versions
        if (found := system_for_api_version(version)) is not None
    }
    if not named or system.name in named:
        return None
    options = " or ".join(f"--system {name}" for name in named)
    titles = " and ".join(s.title for s in named.values())
    return (
        f"The manifests there are {titles}'s, and unlock reads {system.title}'s lock "
        f"unless told otherwise: {options}"
    )


def _confirm(yes: bool) -> None:
    if not yes:
        ask_yes("Remove this lock?", flag="--yes", refused=UnlockRefused)
