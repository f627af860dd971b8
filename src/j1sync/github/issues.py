"""One open drift issue per repository: opened or refreshed on drift, closed once in sync."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal
from urllib.parse import quote

from j1sync.errors import ApiError, ConfigError, NotFound
from j1sync.github.body import truncate_body
from j1sync.github.client import JSON, GitHubClient

DRIFT_ISSUE_TITLE = "j1sync: drift detected"
DEFAULT_LABEL = "j1sync-drift"
LABEL_COLOR = "d93f0b"
# GitHub refuses a longer label name ("name is too long (maximum is 50 characters)")
MAX_LABEL_CHARS = 50
# control characters and line breaks: no label name holds them as given
_BREAKING = {"Cc", "Zl", "Zp"}

DriftStatus = Literal["drift", "in-sync"]


@dataclass(frozen=True)
class DriftIssueResult:
    action: Literal["created", "updated", "closed", "none"]
    issue_number: int | None
    url: str
    # other open issues with the label, closed: j1sync keeps one (a race, a human's label)
    also_closed: tuple[int, ...] = ()


def check_label(label: str) -> str:
    """A label the issues list's `labels=` filter finds as it is: `labels=a,b` asks for
    issues labelled both a and b, and an empty one for every issue, so an issue labelled
    `a,b` would never be found again (a new one each night) and with '' j1sync would take
    over whatever issue came first. Outer spaces and control characters GitHub would not
    keep as given either."""
    if (
        not label
        or len(label) > MAX_LABEL_CHARS
        or "," in label
        or label != label.strip()
        or any(unicodedata.category(character) in _BREAKING for character in label)
    ):
        raise ConfigError(
            f"label must be 1 to {MAX_LABEL_CHARS} characters without ',', outer spaces "
            f"or control characters: {label!r}"
        )
    return label


def carries_label(issue: JSON, label: str) -> bool:
    """The issue is labelled `label`, compared as GitHub compares label names (case
    aside): what the server lists under `labels=` is checked, not trusted."""
    labels = issue.get("labels")
    if not isinstance(labels, list):
        return False
    # an issue's labels are objects ({"name": ...}); GitHub also takes plain names
    names = (entry.get("name") if isinstance(entry, dict) else entry for entry in labels)
    return any(isinstance(name, str) and name.lower() == label.lower() for name in names)


def find_open_drift_issues(client: GitHubClient, label: str) -> list[JSON]:
    """The open issues with the label, oldest first. The issues endpoint lists pull
    requests too; those are skipped, as is any issue listed that lacks the label."""
    check_label(label)
    found = [
        issue
        for issue in client.paginate(client.repo_path("issues"), {"state": "open", "labels": label})
        if "pull_request" not in issue
        and isinstance(issue.get("number"), int)
        and carries_label(issue, label)
    ]
    return sorted(found, key=lambda issue: int(issue["number"]))


def find_open_drift_issue(client: GitHubClient, label: str) -> JSON | None:
    """The oldest open issue with the label."""
    found = find_open_drift_issues(client, label)
    return found[0] if found else None


def ensure_label(client: GitHubClient, label: str) -> None:
    """Create the label when the repository lacks it, so the issue is findable next night."""
    try:
        client.get(client.repo_path(f"labels/{quote(label, safe='')}"))
    except NotFound:
        try:
            client.post(
                client.repo_path("labels"),
                {
                    "name": label,
                    "color": LABEL_COLOR,
                    "description": "A target differs from the manifests (j1sync drift)",
                },
            )
        except ApiError as exc:
            if exc.status != 422:  # 422 already_exists: another run made it meanwhile
                raise


def sync_drift_issue(
    client: GitHubClient,
    status: DriftStatus,
    body: str,
    label: str = DEFAULT_LABEL,
    now: datetime | None = None,
) -> DriftIssueResult:
    """Drift: open the issue or replace its body with the latest report.
    In sync: comment on the open issue and close it; nothing to do when none is open.
    Other open issues with the label (two runs at once, a label put on by hand) are
    closed: in sync, as the first; on drift, pointing to the one kept."""
    found = find_open_drift_issues(client, label)
    existing, others = (found[0], found[1:]) if found else (None, [])
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
        kept = int(existing["number"])
        note = f"j1sync keeps one drift issue open: #{kept} has the latest report. Closing.\n"
        closed = tuple(_close(client, other, note, "not_planned") for other in others)
        url = str(issue.get("html_url", ""))
        return DriftIssueResult("updated", kept, url, closed)

    if existing is None:
        return DriftIssueResult("none", None, "")
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    note = truncate_body(
        body, prefix=f"The account is back in sync with the manifests ({stamp}). Closing.\n\n"
    )
    number = _close(client, existing, note, "completed")
    closed = tuple(_close(client, other, note, "completed") for other in others)
    url = str(existing.get("html_url", ""))
    return DriftIssueResult("closed", number, url, closed)


def _close(client: GitHubClient, issue: JSON, comment: str, reason: str) -> int:
    """Comment on the issue, then close it with `reason`."""
    number = int(issue["number"])
    client.post(client.repo_path(f"issues/{number}/comments"), {"body": comment})
    client.patch(client.repo_path(f"issues/{number}"), {"state": "closed", "state_reason": reason})
    return number
