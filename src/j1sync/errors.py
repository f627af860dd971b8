"""One exception tree for j1sync. The CLI alone maps these to exit codes and messages.

No message built from these classes may contain the API key: callers pass only
what the user needs to see, and `redact()` is applied again by the CLI before printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from j1sync.terminal import visible_controls


class J1SyncError(Exception):
    """Base of every error j1sync raises on purpose. Exit code 1 unless overridden."""

    exit_code = 1


@dataclass(frozen=True)
class SourceLocation:
    """Where a value came from in a manifest file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class ManifestProblem:
    """One problem found in the manifests: where, which document, which field, what."""

    location: SourceLocation | None
    message: str
    document: str | None = None  # "AlertRule/foo"
    field: str | None = None  # "spec.operations[0].when"
    excerpt: str | None = None  # the source line(s) with a caret under the spot

    def __str__(self) -> str:
        return self.line() + (f"\n{self.excerpt}" if self.excerpt else "")

    def line(self) -> str:
        """The problem on one line, without the excerpt: a line break in a name, a file
        name or a quoted value is shown (␊), not sent, so that one problem is one line."""
        parts = []
        if self.location is not None:
            parts.append(f"{self.location}:")
        if self.document:
            parts.append(f"{self.document}:")
        if self.field:
            parts.append(f"{self.field}:")
        parts.append(self.message)
        return visible_controls(" ".join(parts), one_line=True)


class ManifestError(J1SyncError):
    """Manifests are invalid. Carries every problem found in the run, not just the first."""

    def __init__(self, problems: list[ManifestProblem]) -> None:
        self.problems = problems
        super().__init__(count_problems(problems) + "\n" + "\n".join(str(p) for p in problems))


def count_problems(problems: Sequence[ManifestProblem]) -> str:
    """'3 manifest errors'; where j1sync.yaml holds some, said apart: '1 error in
    j1sync.yaml', '3 errors: 1 in j1sync.yaml, 2 in manifests'."""
    from j1sync.manifest.project import PROJECT_FILE_NAMES

    names = [PurePath(p.location.file).name for p in problems if p.location is not None]
    project = [name for name in names if name in PROJECT_FILE_NAMES]
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    if not project:
        return f"{count} manifest {noun}"
    if len(project) == count:
        return f"{count} {noun} in {project[0]}"
    return f"{count} {noun}: {len(project)} in {project[0]}, {count - len(project)} in manifests"


class ConfigError(J1SyncError):
    """Connection settings or j1sync.yaml are missing or wrong."""


class ApiError(J1SyncError):
    """A system's API answered with an error (GraphQL errors[], an error code or an HTTP
    error)."""

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        self.code = code
        self.status = status
        super().__init__(message)


class ReadGivenUp(ApiError):
    """A read stopped because another target's read failed (providers/targets.py): never
    the run's error where a read failed for a reason of its own."""


class NotFound(ApiError):
    """extensions.code NOT_FOUND."""


class BadUserInput(ApiError):
    """extensions.code BAD_USER_INPUT (or a GraphQL validation failure)."""


class AuthError(ApiError):
    """HTTP 401/403: the key or account is wrong."""


class IamUnavailable(AuthError):
    """An IAM API request was refused: the account has no IAM API (SSO, enabled by
    support) or the key lacks accessAdmin; the rest of the API may work."""


class RateLimited(ApiError):
    """HTTP 429 (or a rate limit inside a 200). `headers`: the response's rate-limit
    headers (RateLimit-*, Retry-After), empty when it had none."""

    def __init__(
        self,
        message: str,
        code: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.headers = dict(headers or {})
        super().__init__(message, code=code, status=status)


class TransientError(ApiError):
    """5xx or a dropped connection: the request may or may not have happened."""


class RetryBudgetExceeded(ApiError):
    """Retries ran out of their total time budget."""


class Unreachable(ApiError):
    """The API could not be reached at all (connection refused, a host name that does not
    resolve, no route): nothing was sent, and waiting does not help, so it is not retried."""


class ResolutionError(J1SyncError):
    """A manifest refers to a live object that is missing or ambiguous."""


class UnsafePlan(J1SyncError):
    """The plan exceeds a safety threshold. Exit 3; apply refuses without --force."""

    exit_code = 3


class StalePlan(J1SyncError):
    """A saved plan no longer matches the live account."""


class UntrustedPlan(J1SyncError):
    """A saved plan was made for another account, changed after j1sync wrote it, or asks
    for what its project does not allow (a forbidden delete, an undeclared `${env:}`)."""


class LockHeld(J1SyncError):
    """Another apply holds the account's lock (and --lock-timeout ran out)."""


class LockLost(J1SyncError):
    """The apply lock was taken over while this apply held it, or the store did not keep
    it at all."""


def describe_os_error(exc: OSError) -> str:
    """'Permission denied: out/plan.json': what the OS said, about which file."""
    reason = exc.strerror or type(exc).__name__
    files = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
    return f"{reason}: {' -> '.join(files)}" if files else reason
