"""`j1sync drift`: has anyone changed the account by hand? 0 in sync, 2 drift, 1 error."""

from __future__ import annotations

import sys

import click

from j1sync.commands._common import (
    allow_empty_option,
    connection_options,
    format_option,
    handle_errors,
    paths_argument,
    planning,
)
from j1sync.commands.reporting import echo_plan
from j1sync.connection import ConnectionOptions
from j1sync.engine.plan import plan_has_changes


@click.command("drift")
@paths_argument
@format_option
@allow_empty_option
@connection_options
@handle_errors
def command(
    paths: tuple[str, ...],
    fmt: str,
    allow_empty: bool,
    connection: ConnectionOptions,
) -> None:
    """Report where the live account differs from the manifests (exit 2 on drift)."""
    with planning(paths, connection, allow_empty) as (_, run):
        plan = run.plan
    drifted = plan_has_changes(plan)
    echo_plan(plan, fmt, title="j1sync drift")
    if drifted:
        click.echo("Drift detected: the account differs from the manifests.", err=True)
        sys.exit(2)
    click.echo("In sync: the account matches the manifests.", err=True)
