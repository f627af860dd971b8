"""`j1sync schema`: the JSON Schema of a manifest document, for yaml-language-server."""

from __future__ import annotations

import json

import click

from j1sync.commands._common import handle_errors, kind_of_system, system_option
from j1sync.manifest.json_schema import documents_json_schema
from j1sync.providers.registry import System


@click.command("schema")
@system_option("Whose manifests")
@click.option("--kind", help="Only this kind's document schema (a kind of the system).")
@handle_errors
def command(system: System, kind: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of a j1sync manifest document.

    Save it and point editors at it:  # yaml-language-server: $schema=<path>"""
    kind = None if kind is None else kind_of_system(system, kind)
    own_schema = system.extras.get("json_schema")  # a system's own (its committed titles)
    if own_schema is not None:
        schema = own_schema(kind)
    else:
        models = [system.document_models[k] for k in system.kinds]
        schema = documents_json_schema(f"j1sync {system.title}", models, kind)
    click.echo(json.dumps(schema, indent=2))
