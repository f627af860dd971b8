"""`j1sync github ...`: deliver a report to GitHub from inside an Actions job."""

from __future__ import annotations

from pathlib import Path

import click

from j1sync.commands._common import handle_errors
from j1sync.credentials import credential_values
from j1sync.engine.sensitive import redact_key
from j1sync.errors import ConfigError
from j1sync.github import (
    GitHubClient,
    GitHubSettings,
    append_step_summary,
    pull_request_number,
    sync_drift_issue,
    upsert_sticky_comment,
)
from j1sync.github.comments import DEFAULT_MARKER
from j1sync.github.input_files import MAX_BODY_FILE_BYTES, read_capped_text
from j1sync.github.issues import DEFAULT_LABEL

body_file_option = click.option(
    "--body-file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=(
        "The report to post: what `j1sync plan` or `j1sync drift` printed with --format "
        "markdown (or apply's output, with `summary --code-block`)."
    ),
)
repo_option = click.option(
    "--repo", metavar="OWNER/NAME", help="Repository (default: $GITHUB_REPOSITORY)."
)


def read_body(path: Path) -> str:
    """The body file's text without any of j1sync's credentials (credentials.py: the
    systems' API keys, the plan key, the GitHub token), which a report written by hand or
    by another tool may quote: what a comment, an issue or a job summary publishes."""
    text = read_capped_text(path, "--body-file", MAX_BODY_FILE_BYTES)
    for key in credential_values():
        text = redact_key(text, key)
    return text


def read_report(path: Path) -> str:
    """The report to post: a blank one is refused, not posted (it would replace the last
    plan or drift report with nothing). The command that should have written it failed,
    and said why in the job's log."""
    body = read_body(path)
    if not body.strip():
        raise ConfigError(
            f"--body-file {path} is empty: there is no report to post (the command that "
            "writes it failed or was stopped: its error is in the job's log)"
        )
    return body


@click.group(name="github")
def command() -> None:
    """Post reports to GitHub: sticky PR comment, drift issue, job summary.

    Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_EVENT_PATH as set by
    GitHub Actions.
    """


@command.command("comment")
@body_file_option
@click.option(
    "--marker",
    default=DEFAULT_MARKER,
    show_default=True,
    help="Label of the hidden <!-- MARKER --> that identifies the comment to update.",
)
@repo_option
@click.option(
    "--pr", "pr_number", type=click.IntRange(min=1), help="PR number (default: from the event)."
)
@handle_errors
def comment(body_file: Path, marker: str, repo: str | None, pr_number: int | None) -> None:
    """Create or update the one sticky comment on a pull request."""
    body = read_report(body_file)
    client = GitHubClient(GitHubSettings.from_env(repository=repo))
    number = pull_request_number(pr_number)
    result = upsert_sticky_comment(client, number, body, marker=marker)
    click.echo(
        f"{result.action.capitalize()} comment {result.comment_id} on #{number} {result.url}"
    )
    if result.truncated:
        click.echo("The report was truncated to fit GitHub's comment size limit.", err=True)


@command.command("drift-issue")
@body_file_option
@click.option(
    "--status",
    required=True,
    type=click.Choice(["drift", "in-sync"]),
    help="drift: open or update the issue; in-sync: close it.",
)
@click.option("--label", default=DEFAULT_LABEL, show_default=True, help="Label of the issue.")
@repo_option
@handle_errors
def drift_issue(body_file: Path, status: str, label: str, repo: str | None) -> None:
    """Keep one open issue while the account has drifted; close it when back in sync."""
    # in sync: the report only follows the closing note, and may be empty
    body = read_report(body_file) if status == "drift" else read_body(body_file)
    client = GitHubClient(GitHubSettings.from_env(repository=repo))
    result = sync_drift_issue(client, "drift" if status == "drift" else "in-sync", body, label)
    if result.action == "none":
        click.echo(f"In sync; no open issue labelled {label}.")
    else:
        also = ", ".join(f"#{number}" for number in result.also_closed)
        closed = f" (also closed {also}: one drift issue is kept open)" if also else ""
        click.echo(
            f"{result.action.capitalize()} issue #{result.issue_number} {result.url}{closed}"
        )


@command.command("summary")
@body_file_option
@click.option(
    "--code-block",
    is_flag=True,
    help="Wrap the body in a code block (for plain-text output such as `apply`'s).",
)
@handle_errors
def summary(body_file: Path, code_block: bool) -> None:
    """Append a Markdown report to the job summary ($GITHUB_STEP_SUMMARY)."""
    body = read_body(body_file)
    if not body.strip():  # a failed command's report: the summary shows its step failed
        click.echo(f"Nothing appended to the job summary: --body-file {body_file} is empty")
        return
    path = append_step_summary(body, code_block=code_block)
    click.echo(f"Appended {body_file} to the job summary {path}")
