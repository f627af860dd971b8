"""One sticky pull-request comment, found again by a hidden HTML marker and edited in place."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from j1sync.errors import ApiError, ConfigError, NotFound
from j1sync.github.body import truncate_body
from j1sync.github.client import JSON, GitHubClient

DEFAULT_MARKER = "j1sync:plan"

log = logging.getLogger("j1sync.api")


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


def carries_marker(comment: JSON, tag: str) -> bool:
    """The comment holds the marker on a line of its own: where j1sync writes it, also
    after a human added a line above it. A reply quoting the report (`> <!-- ... -->`) or
    a diff line showing it (indented) does not."""
    body = comment.get("body")
    return isinstance(body, str) and tag in (line.rstrip("\r") for line in body.split("\n"))


def find_marked_comments(client: GitHubClient, number: int, marker: str) -> list[JSON]:
    """The PR's comments that carry the marker, whoever wrote them: apps' first, then
    oldest first."""
    tag = marker_html(marker)
    found = [
        comment
        for comment in client.paginate(client.repo_path(f"issues/{number}/comments"))
        if carries_marker(comment, tag) and isinstance(comment.get("id"), int)
    ]
    return sorted(found, key=lambda comment: (not _by_a_bot(comment), int(comment["id"])))


def _by_a_bot(comment: JSON) -> bool:
    """Written by an app (github-actions[bot]: `user.type` Bot), as j1sync's comment is
    under GITHUB_TOKEN; a person's comment holding the marker line comes after it."""
    user = comment.get("user")
    return isinstance(user, dict) and user.get("type") == "Bot"


def _by_a_person(comment: JSON) -> bool:
    """GitHub says its author is not an app (`user.type` User, or a Mannequin of an
    imported account). A comment whose author's type is not said is not taken for a
    person's (GitHub always says it; a stand-in may not)."""
    user = comment.get("user")
    kind = user.get("type") if isinstance(user, dict) else None
    return isinstance(kind, str) and kind != "Bot"


def _could_be_j1syncs(comment: JSON, token_login: str | None) -> bool:
    """j1sync may have written it: an app's comment (GITHUB_TOKEN posts as
    github-actions[bot]) or, when known, one by the token's own user (a personal access
    token posts as its person). Any other person's comment holding the marker line is
    theirs: never edited, never deleted."""
    return not _by_a_person(comment) or (
        token_login is not None and _author(comment) == token_login
    )


def _token_login(client: GitHubClient) -> str | None:
    """The login of the token's user (GET /user), or None when GitHub does not say: an
    app's installation token, GITHUB_TOKEN among them, is refused it (403)."""
    try:
        login = client.get("/user").get("login")
    except ApiError as exc:
        log.debug("whose token it is is not known (%s): only apps' comments are j1sync's", exc)
        return None
    return login if isinstance(login, str) and login else None


def find_marked_comment(client: GitHubClient, number: int, marker: str) -> JSON | None:
    """The oldest comment on the PR that carries the marker."""
    marked = find_marked_comments(client, number, marker)
    return marked[0] if marked else None


def upsert_sticky_comment(
    client: GitHubClient, number: int, body: str, marker: str = DEFAULT_MARKER
) -> CommentResult:
    """Create the marked comment on PR `number`, or replace the body of the existing one.

    Only a comment j1sync could have written is replaced (`_could_be_j1syncs`); a
    person's comment that holds the marker line is left as it is, and j1sync posts its
    own. Which user the token is is asked of GitHub only when a person's marked comment
    is all there is (a personal access token's own comment is then j1sync's); after a
    post, the new comment's author says it.

    There is one: two jobs that posted at once (each found none) leave two; the oldest
    (an app's before a person's) is kept, with this report, and the others are deleted,
    here or by the next run."""
    text = truncate_body(body, prefix=marker_html(marker) + "\n")
    truncated = len(text) < len(marker_html(marker) + "\n" + body)
    marked = find_marked_comments(client, number, marker)
    token_login: str | None = None
    if marked and all(_by_a_person(comment) for comment in marked):
        token_login = _token_login(client)
    own = [comment for comment in marked if _could_be_j1syncs(comment, token_login)]
    if not own:
        created = client.post(client.repo_path(f"issues/{number}/comments"), {"body": text})
        posted_as = _author(created) if _by_a_person(created) else None
        own = [
            comment
            for comment in find_marked_comments(client, number, marker)
            if _could_be_j1syncs(comment, posted_as)
        ] or [created]
        if own[0].get("id") == created.get("id"):
            _delete_duplicates(client, own)
            return CommentResult(
                "created", _id(created), str(created.get("html_url", "")), truncated
            )
        own = [*own, created]
    kept = own[0]
    updated = client.patch(client.repo_path(f"issues/comments/{_id(kept)}"), {"body": text})
    _delete_duplicates(client, own)
    return CommentResult("updated", _id(updated), str(updated.get("html_url", "")), truncated)


def _delete_duplicates(client: GitHubClient, marked: list[JSON]) -> None:
    """Delete every marked comment but the kept one (`marked[0]`) that its account wrote
    (`marked` holds only comments j1sync could have written, and of those a different
    account's is left too); one gone already
    (deleted by the other job) is fine; one j1sync may not delete is said, and left."""
    kept, author = marked[0].get("id"), _author(marked[0])
    duplicates = {c.get("id") for c in marked[1:] if _author(c) == author} - {kept}
    for duplicate in sorted(duplicates, key=str):
        try:
            client.delete(client.repo_path(f"issues/comments/{duplicate}"))
        except NotFound:
            pass
        except ApiError as exc:
            log.warning("a second j1sync comment (%s) is left: %s", duplicate, exc)


def _author(comment: JSON) -> str | None:
    user = comment.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) else None


def _id(comment: JSON) -> int:
    value = comment.get("id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(f"GitHub answered a comment without its id: {sorted(comment)[:8]}")
    return value
