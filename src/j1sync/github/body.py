"""Fitting a report into GitHub's size limits without losing the fact that it was cut."""

from __future__ import annotations

# GitHub rejects issue and comment bodies longer than this many characters.
MAX_BODY_CHARS = 65_536

# A job summary may hold 1 MiB per step; stay well inside it (characters can be multi-byte).
MAX_SUMMARY_CHARS = 500_000


def truncate_body(text: str, limit: int = MAX_BODY_CHARS, prefix: str = "") -> str:
    """Return `prefix + text`, cut so the whole fits in `limit` characters.

    A cut body ends with a note saying how much was dropped, so a reader of a PR comment
    knows to open the job summary or the workflow log for the rest.
    """
    full = prefix + text
    if len(full) <= limit:
        return full
    note = (
        f"\n\n---\n> **Report truncated**: {len(text):,} characters, GitHub allows "
        f"{limit:,}. The full report is in the workflow run's log and job summary.\n"
    )
    room = limit - len(prefix) - len(note)
    if room < 0:
        raise ValueError(f"limit {limit} is too small for the truncation note")
    kept = text[:room]
    # Cut at a line boundary when one is near, so a Markdown table row is not left half-open.
    newline = kept.rfind("\n")
    if newline >= room // 2:
        kept = kept[:newline]
    return prefix + kept + note
