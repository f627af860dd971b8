"""Problems as GitHub Actions workflow commands, so they show up on the pull request's
changed lines."""

from __future__ import annotations

from j1sync.errors import ManifestProblem


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github_annotation(problem: ManifestProblem) -> str:
    """`::error file=F,line=L,col=C::Kind/name: field: message` (escaped per GitHub's rules)."""
    properties = []
    if problem.location is not None:
        properties = [
            f"file={_escape_property(problem.location.file)}",
            f"line={problem.location.line}",
            f"col={problem.location.column}",
        ]
    parts = [p for p in (problem.document, problem.field) if p]
    message = ": ".join([*parts, problem.message])
    head = f"::error {','.join(properties)}" if properties else "::error"
    return f"{head}::{_escape_data(message)}"
