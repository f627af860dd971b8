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
from j1sync.engine.model import Plan, plan_has_changes, section_plan
from j1sync.output.values import section_heading


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
    echo_plan(plan, fmt, title="j1sync drift", emulator=connection.emulator)
    click.echo(verdict(plan, connection.emulator), err=True)
    if drifted:
        sys.exit(2)


def verdict(plan: Plan, emulator: bool = False) -> str:
    """The closing line: whether the target differs from the manifests; over several
    targets, which of them do (as the plan's sections name them: against the emulators,
    `xyOps: emulator`), or that every one matches."""
    if len(plan.sections) < 2:
        if plan_has_changes(plan):
            return "Drift detected: the account differs from the manifests."
        return "In sync: the account matches the manifests."
    differ = [
        section_heading(section, emulator)
        for section in plan.sections
        if plan_has_changes(section_plan(plan, section))
    ]
    if not differ:
        every = "; ".join(section_heading(section, emulator) for section in plan.sections)
        return f"In sync: every target matches the manifests ({every})."
    verb = "differs" if len(differ) == 1 else "differ"
    return (
        f"Drift detected: {'; '.join(differ)} {verb} from the manifests "
        f"({len(differ)} of {len(plan.sections)} targets)."
    )
