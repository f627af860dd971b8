"""GitHub delivery: a sticky plan comment on pull requests, one drift issue, the job summary.

Talks to GitHub's REST API with the settings every Actions job already has
(GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_EVENT_PATH).
"""

from j1sync.github.body import MAX_BODY_CHARS, truncate_body
from j1sync.github.client import GitHubClient
from j1sync.github.comments import CommentResult, upsert_sticky_comment
from j1sync.github.issues import DRIFT_ISSUE_TITLE, DriftIssueResult, sync_drift_issue
from j1sync.github.settings import GitHubSettings, pull_request_number
from j1sync.github.summary import append_step_summary

__all__ = [
    "DRIFT_ISSUE_TITLE",
    "MAX_BODY_CHARS",
    "CommentResult",
    "DriftIssueResult",
    "GitHubClient",
    "GitHubSettings",
    "append_step_summary",
    "pull_request_number",
    "sync_drift_issue",
    "truncate_body",
    "upsert_sticky_comment",
]
