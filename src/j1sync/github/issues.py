"""One open drift issue per repository: opened or refreshed on drift, closed once in sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal
from urllib.parse import quote

from j1sync.errors import NotFound
from j1sync.github.body import truncate_body
from j1sync.github.client import JSON, GitHubClient

DRIFT_ISSUE_TITLE = "j1sync: drift detected"
DEFAULT_LABEL = "j1sync-drift"
LABEL_COLOR = "d93f0b"

DriftStatus = Literal["drift", "in-sync"]


@dataclass(frozen=True)
class DriftIssueResult:
    action: Literal["created", "updated", "closed", "none"]
    issue_number: int | None
    url: str


def find_open_drift_issue(client: GitHubClient, label: str) -> JSON | None:
    """The oldest open issue with the label. The issues endpoint lists pull requests too;
    those are skipped."""
    found = [
        issue
        for issue in client.paginate(client.repo_path("issues"), {"state": "open", "labels": label})
        if "pull_request" not in issue
    ]
    return min(found, key=lambda issue: int(issue["number"])) if found else None


def ensure_label(client: GitHubClient, label: str) -> None:
    """Create the label when the repository lacks it, so the issue is findable next night."""
    try:
        client.get(client.repo_path(f"labels/{quote(label, safe='')}"))
    except NotFound:
        client.post(
            client.repo_path("labels"),
            {
                "name": label,
                "color": LABEL_COLOR,
                "description": "A target differs from the manifests (j1sync drift)",
            },
        )


def sync_drift_issue(
    client: GitHubClient,
    status: DriftStatus,
    body: str,
    label: str = DEFAULT_LABEL,
    now: datetime | None = None,
) -> DriftIssueResult:
    """Drift: open the issue or replace its body with the latest report.
    In sync: comment on the open issue and close it; nothing to do when none is open."""
    existing = find_open_drift_issue(client, label)
    if status == "drift":
        text = truncate_body(body)
        if existing is None:
            ensure_label(client, label)
            issue = client.post(
                client.repo_path("issues"),
                {"title": DRIFT_ISSUE_TITLE, "body": text, "labels": [label]},
            )
            return DriftIssueResult("created", int(issue["number"]), str(issue.get("html_url", "")))
        issue = client.patch(client.repo_path(f"issues/{existing['number']}"), {"body": text})
        return DriftIssueResult("updated", int(issue["number"]), str(issue.get("html_url", "")))

    if existing is None:
        return DriftIssueResult("none", None, "")
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    note = f"The account is back in sync with the manifests ({stamp}). Closing.\n\n"
    number = int(existing["number"])
    client.post(
        client.repo_path(f"issues/{number}/comments"), {"body": truncate_body(body, prefix=note)}
    )
    issue = client.patch(
        client.repo_path(f"issues/{number}"), {"state": "closed", "state_reason": "completed"}
    )
    return DriftIssueResult("closed", number, str(issue.get("html_url", "")))
