"""`j1sync plan`: what apply would change, as text, Markdown or JSON."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import click

from j1sync.commands._common import (
    allow_empty_option,
    connection_options,
    format_option,
    handle_errors,
    paths_argument,
    planning,
    redact,
    system_options,
)
from j1sync.commands.reporting import echo_plan, load_renderer, write_plan_file
from j1sync.connection import ConnectionOptions
from j1sync.engine.plan import plan_has_changes
from j1sync.errors import ConfigError
from j1sync.providers.registry import systems

# A system's own `plan` flags: System.extras[PLAN_OPTIONS]() (commands/_common.py
# system_options); its checks of a plan against its target besides the plan:
# extras[PLAN_CHECKS](provider, planned run, its flags' values) raises ManifestError.
PLAN_OPTIONS = "plan_options"
PLAN_CHECKS = "plan_checks"


@click.command("plan")
@paths_argument
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Save the plan (JSON).")
@format_option
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes, 0 when none."
)
@system_options(PLAN_OPTIONS)
@allow_empty_option
@connection_options
@handle_errors
def command(
    paths: tuple[str, ...],
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    allow_empty: bool,
    connection: ConnectionOptions,
    system_flags: Mapping[str, Mapping[str, Any]],
) -> None:
    """Show what apply would change in the account."""
    if out:
        _refuse_an_input(paths, Path(out))
    sealed = None
    renderer = partial(load_renderer, fmt)  # loaded while the account is read
    with planning(paths, connection, allow_empty, renderer) as (provider, run):
        run_plan_checks(provider, run, system_flags)
        if out:
            # a saved plan is bound to this account and these manifests, and signed
            # (plan_binding loaded only then, not before a plan's first request)
            from j1sync.plan_binding import seal_plan

            sealed = seal_plan(
                run.plan,
                provider,
                emulator=connection.emulator,
                paths=paths,
                templates=run.manifests.sensitive.values(),
            )
    plan = run.plan
    echo_plan(plan, fmt, title="j1sync plan", emulator=connection.emulator)
    if out and sealed is not None:
        from j1sync.executor.resolution import literal_secret_warning

        write_plan_file(sealed, Path(out))
        click.echo(f"Plan saved to {out}.", err=True)
        warning = literal_secret_warning(plan)
        if warning:
            click.echo(redact(f"Warning: {warning}"), err=True)
    if plan.safety.get("blocked"):
        sys.exit(3)
    if detailed_exitcode and plan_has_changes(plan):
        sys.exit(2)


def run_plan_checks(provider: Any, run: Any, system_flags: Mapping[str, Mapping[str, Any]]) -> None:
    """Each system's checks of the planned run against its target (ManifestError), with
    its `plan` flags' values (none given: their defaults)."""
    for system in systems():
        check = system.extras.get(PLAN_CHECKS)
        if check is not None:
            check(provider, run, system_flags.get(system.name, {}))


def _refuse_an_input(paths: tuple[str, ...], out: Path) -> None:
    """`--out` naming a file the plan reads (a manifest, j1sync.yaml) or a manifest file
    name in its folders: the plan would replace it, or the next run read the plan as a
    manifest. Said before anything is read."""
    from j1sync.manifest.discovery import read_by_a_run
    from j1sync.manifest.project import run_roots

    if read_by_a_run(run_roots(paths), out):
        raise ConfigError(
            f"--out {out}: a file the plan reads, or would read the next time (a manifest, "
            "j1sync.yaml); save the plan elsewhere, e.g. --out plan.json"
        )
