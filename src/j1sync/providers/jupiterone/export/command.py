"""`j1sync import-rule-pack`: a JupiterOne alert rule pack as AlertRule manifests (a
command JupiterOne adds to the command line: its system's extras["commands"])."""

from __future__ import annotations

from pathlib import Path

import click

from j1sync.commands._common import (
    handle_errors,
    out_dir_option,
    redact,
    write_into_nonempty_option,
)
from j1sync.providers.jupiterone.export.rule_pack import import_rule_pack


@click.command("import-rule-pack")
@click.argument("file", type=click.Path(dir_okay=False))
@out_dir_option("Folder to write into (the rules go in its alert-rules/ folder, as export's).")
@click.option(
    "--prefix",
    help="Put before every rule's name, joined with '-' (--prefix aws: rule x becomes "
    "aws-x); no '-' is added after a prefix ending in punctuation or a space.",
)
@write_into_nonempty_option
@handle_errors
def command(file: str, out: str, prefix: str | None, force: bool) -> None:
    """Write one AlertRule manifest per rule of a JupiterOne alert rule pack FILE (a JSON
    list of rules, as in github.com/JupiterOne/jupiterone-alert-rules rule-packs/).

    Each rule keeps its queries inline and alerts, at the pack's alertLevel, when its
    query returns anything, as JupiterOne's own rule-pack provisioning does. The written
    manifests are checked like `j1sync validate` (J1QL included): problems are shown as
    warnings."""
    result = import_rule_pack(Path(file), Path(out), prefix=prefix, force=force)
    for warning in result.warnings:
        click.echo(redact(f"Warning: {warning}"), err=True)
    click.echo(result.summary(out))
