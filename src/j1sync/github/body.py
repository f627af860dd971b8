"""Fitting a report into GitHub's size limits without losing the fact that it was cut."""

from __future__ import annotations

import re

# GitHub rejects issue and comment bodies longer than this many characters.
MAX_BODY_CHARS = 65_536

# A job summary may hold 1 MiB per step; stay well inside it (characters can be multi-byte).
MAX_SUMMARY_CHARS = 500_000


def section_marker(noun: str) -> str:
    """A hidden line that starts one section of a report (one change of a plan): a cut
    falls there, never inside a section, and the note counts the sections left out."""
    return f"<!-- j1sync:section {noun} -->"


_SECTION = re.compile(r"^<!-- j1sync:section ([a-z][a-z ]*) -->$", re.MULTILINE)


def truncate_body(text: str, limit: int = MAX_BODY_CHARS, prefix: str = "") -> str:
    """Return `prefix + text`, cut so the whole fits in `limit` characters.

    A cut body ends with a note saying how much was dropped, so a reader of a PR comment
    knows to open the job summary or the workflow log for the rest. A report made of
    sections (`section_marker`) is cut before the first section that does not fit.
    """
    full = prefix + text
    if len(full) <= limit:
        return full
    sections = list(_SECTION.finditer(text))
    for shown in range(len(sections) - 1, -1, -1):
        start = sections[shown].start()
        if shown == 0 and not text[:start].strip():
            break  # nothing before the first section: cut by characters instead
        note = _note(text, limit, sections[shown].group(1), len(sections) - shown, len(sections))
        if len(prefix) + start + len(note) <= limit:
            return prefix + text[:start].rstrip("\n") + note
    note = _note(text, limit)
    room = limit - len(prefix) - len(note)
    if room < 0:
        raise ValueError(f"limit {limit} is too small for the truncation note")
    kept = text[:room]
    # Cut at a line boundary when one is near, so a Markdown table row is not left half-open.
    newline = kept.rfind("\n")
    if newline >= room // 2:
        kept = kept[:newline]
    return prefix + kept + note


def _note(text: str, limit: int, noun: str = "", left_out: int = 0, total: int = 0) -> str:
    counted = ""
    if noun:
        plural = noun if total == 1 else f"{noun}s"
        counted = f"{left_out:,} of {total:,} {plural} not shown here; "
    return (
        f"\n\n---\n> **Report truncated**: {counted}{len(text):,} characters, GitHub allows "
        f"{limit:,}. The full report is in the workflow run's log and job summary.\n"
    )
