"""`j1sync validate`: offline checks of the manifests; exit 0 or 1."""

from __future__ import annotations

import os
import sys
from collections import Counter

import click

from j1sync.commands._common import allow_empty_option, handle_errors, redact, redacted_problem
from j1sync.errors import ManifestError, count_problems
from j1sync.manifest import ManifestSet, format_github_annotation, load_manifests
from j1sync.manifest.kind_scan import check_systems_scanned, scan_manifests
from j1sync.providers.registry import all_engine_kinds


def summary_line(manifests: ManifestSet) -> str:
    """`12 manifests valid: 4 Question, 5 AlertRule, ..., 2 xyops.Tag` (kinds in their
    systems' order, none at 0)."""
    counts = Counter(m.kind for m in manifests.manifests)
    total = sum(counts.values())
    noun = "manifest" if total == 1 else "manifests"
    parts = [f"{counts[kind]} {kind}" for kind in all_engine_kinds() if counts[kind]]
    return f"{total} {noun} valid" + (f": {', '.join(parts)}" if parts else "")


def _report(error: ManifestError) -> None:
    problems = [redacted_problem(problem) for problem in error.problems]
    for problem in problems:
        click.echo(redact(str(problem), values=False), err=True)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            # j1sync's own workflow command: its text redacted, the command left to act
            # (redact shows a line's leading `::` as `\u003a:`: terminal.visible_controls)
            annotation = format_github_annotation(problem, os.environ.get("GITHUB_WORKSPACE"))
            click.echo(annotation[:2] + redact(annotation[2:], values=False))
    click.echo(count_problems(error.problems), err=True)


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@allow_empty_option
@handle_errors
def command(paths: tuple[str, ...], allow_empty: bool) -> None:
    """Check manifests offline: YAML, schema, references, environment variables.

    PATH is a manifest file or a folder (searched recursively for *.yaml and *.yml);
    without PATH, the `paths` of ./j1sync.yaml, else the current folder."""
    if "" in paths:  # `j1sync validate "$UNSET"`: never the current folder in its place
        raise click.BadParameter("Path '' does not exist.", param_hint="'[PATHS]...'")
    scanned = scan_manifests(paths)  # the files, found and read once, as plan does
    try:
        manifests = load_manifests(
            list(paths), allow_empty=allow_empty, discovery=scanned.discovery
        )
        in_run = manifests.project.run_systems(scanned.api_versions)
        check_systems_scanned(in_run, manifests, scanned.discovery.files)  # as plan's
    except ManifestError as exc:
        _report(exc)
        sys.exit(1)
    click.echo(summary_line(manifests))
