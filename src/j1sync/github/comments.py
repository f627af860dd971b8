"""One sticky pull-request comment, found again by a hidden HTML marker and edited in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from j1sync.errors import ConfigError
from j1sync.github.body import truncate_body
from j1sync.github.client import JSON, GitHubClient

DEFAULT_MARKER = "j1sync:plan"


@dataclass(frozen=True)
class CommentResult:
    action: Literal["created", "updated"]
    comment_id: int
    url: str
    truncated: bool


def marker_html(marker: str) -> str:
    """`j1sync:plan` -> `<!-- j1sync:plan -->`, invisible in rendered Markdown."""
    marker = marker.strip()
    if not marker or "--" in marker or ">" in marker or "\n" in marker:
        raise ConfigError(f"marker must be a short label without '--', '>' or newlines: {marker!r}")
    return f"<!-- {marker} -->"


def find_marked_comment(client: GitHubClient, number: int, marker: str) -> JSON | None:
    """The oldest comment on the PR whose body starts with the marker. Matching the start,
    not anywhere, keeps a human reply that quotes the report from being overwritten."""
    tag = marker_html(marker)
    for comment in client.paginate(client.repo_path(f"issues/{number}/comments")):
        if str(comment.get("body") or "").lstrip().startswith(tag):
            return comment
    return None


def upsert_sticky_comment(
    client: GitHubClient, number: int, body: str, marker: str = DEFAULT_MARKER
) -> CommentResult:
    """Create the marked comment on PR `number`, or replace the body of the existing one."""
    text = truncate_body(body, prefix=marker_html(marker) + "\n")
    truncated = len(text) < len(marker_html(marker) + "\n" + body)
    existing = find_marked_comment(client, number, marker)
    if existing is None:
        created = client.post(client.repo_path(f"issues/{number}/comments"), {"body": text})
        return CommentResult(
            "created", int(created["id"]), str(created.get("html_url", "")), truncated
        )
    updated = client.patch(client.repo_path(f"issues/comments/{existing['id']}"), {"body": text})
    return CommentResult("updated", int(updated["id"]), str(updated.get("html_url", "")), truncated)
