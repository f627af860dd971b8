"""`j1sync unlock`: remove a stuck apply lock (its holder crashed), after showing who held it."""

from __future__ import annotations

import time
from dataclasses import replace

import click

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
from j1sync.providers.registry import System
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
    with connect_with(connection)(replace(project, in_run=(system.name,))) as provider:
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


def _confirm(yes: bool) -> None:
    if not yes:
        ask_yes("Remove this lock?", flag="--yes", refused=UnlockRefused)
