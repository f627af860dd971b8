"""`j1sync schema`: the JSON Schema of a manifest document, for yaml-language-server."""

from __future__ import annotations

import json

import click

from j1sync.commands._common import handle_errors
from j1sync.manifest import manifest_json_schema
from j1sync.manifest.models.documents import documents_json_schema
from j1sync.providers.registry import UNQUALIFIED_SYSTEM, closest, system_named, systems


@click.command("schema")
@click.option(
    "--system",
    "system_name",
    default=UNQUALIFIED_SYSTEM,
    show_default=True,
    help="Whose manifests: jupiterone, xyops, ... (a registered system).",
)
@click.option("--kind", help="Only this kind's document schema (a kind of the system).")
@handle_errors
def command(system_name: str, kind: str | None) -> None:
    """Print the JSON Schema (draft 2020-12) of a j1sync manifest document.

    Save it and point editors at it:  # yaml-language-server: $schema=<path>"""
    system = system_named(system_name)
    if system is None:
        names = [s.name for s in systems()]
        near = closest(system_name, names)
        hint = f"did you mean '{near}'?" if near else f"one of {', '.join(names)}"
        raise click.BadParameter(f"no system {system_name!r}; {hint}", param_hint="'--system'")
    if kind is not None and kind not in system.kinds:
        near = closest(kind, list(system.kinds))
        hint = f"did you mean '{near}'?" if near else f"one of {', '.join(system.kinds)}"
        raise click.BadParameter(
            f"{kind!r} is not a kind of {system.title}; {hint}", param_hint="'--kind'"
        )
    if system.name == UNQUALIFIED_SYSTEM:  # the committed schema/j1sync-manifest.schema.json
        schema = manifest_json_schema(kind)
    else:
        models = [system.document_models[k] for k in system.kinds]
        schema = documents_json_schema(f"j1sync {system.title}", models, kind)
    click.echo(json.dumps(schema, indent=2))
