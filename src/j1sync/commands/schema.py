"""`j1sync schema`: the JSON Schema of a manifest document, for yaml-language-server."""

from __future__ import annotations

import json

import click

from j1sync.commands._common import handle_errors
from j1sync.manifest import KINDS, manifest_json_schema


@click.command("schema")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind's document schema.")
@handle_errors
def command(kind: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of a j1sync manifest document.

    Save it and point editors at it:  # yaml-language-server: $schema=<path>"""
    click.echo(json.dumps(manifest_json_schema(kind), indent=2))
