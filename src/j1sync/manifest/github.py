"""Problems as GitHub Actions workflow commands, so they show up on the pull request's
changed lines."""

from __future__ import annotations

import os

from j1sync.errors import ManifestProblem


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github_annotation(problem: ManifestProblem, workspace: str | None = None) -> str:
    """`::error file=F,line=L,col=C::Kind/name: field: message` (escaped per GitHub's rules).
    `workspace`: the checkout (GITHUB_WORKSPACE), which GitHub reads a relative `file`
    against; a file in it is named from there (`workspace_path`)."""
    properties = []
    if problem.location is not None:
        properties = [
            f"file={_escape_property(workspace_path(problem.location.file, workspace))}",
            f"line={problem.location.line}",
            f"col={problem.location.column}",
        ]
    parts = [p for p in (problem.document, problem.field) if p]
    message = ": ".join([*parts, problem.message])
    head = f"::error {','.join(properties)}" if properties else "::error"
    return f"{head}::{_escape_data(message)}"


def workspace_path(file: str, workspace: str | None) -> str:
    """`file` (as the run names it: relative to the current folder) relative to
    `workspace`, when it lies there. GitHub places an annotation's relative `file` from
    the repository's root, not from where j1sync ran: `j1sync validate manifests` run in
    the repository's `infra/` folder (a step's `working-directory`) must annotate
    `infra/manifests/x.yaml`, and `../shared/x.yaml` names no file at all. Elsewhere (or
    with no workspace) as the run names it."""
    if not workspace:
        return file
    for resolve in (os.path.abspath, os.path.realpath):
        try:
            full, root = resolve(file), resolve(workspace)
            if os.path.commonpath([full, root]) == root:
                return os.path.relpath(full, root).replace(os.sep, "/")
        except (OSError, ValueError):  # another drive (Windows), an unreadable folder
            continue
    return file
