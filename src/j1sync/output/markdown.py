"""Markdown for pull-request comments and GitHub job summaries.

The head comes first (deletions, safety, the summary table per kind), then one folded
section per change with the same diff lines as the text plan in a fenced `diff` block.
The whole plan is rendered; where it must fit a limit (a PR comment: 65,536 characters),
github/body.py folds the longest changes to their summary line, or leaves changes out, and
says how many were folded or left out. Hidden lines mark what it may drop (each change:
`section_marker`) and, over several targets, where a target's head starts
(`head_marker`): a cut keeps every target's heading, summary, table, deletions and safety
verdict.
"""

from __future__ import annotations

import html
import re

from j1sync.engine.model import SUMMARY_COLUMNS, Change, Plan, section_plan
from j1sync.github.body import head_marker, section_marker
from j1sync.output.change_lines import change_lines
from j1sync.output.values import (
    NO_CHANGES,
    NO_CHANGES_HERE,
    STILL_USED_HEADING,
    SYMBOLS,
    alike_addresses,
    plural,
    pruning_note,
    report_title,
    section_heading,
    still_used,
    summary_line,
)
from j1sync.terminal import visible_controls

MAX_LISTED_DELETIONS = 30
COLUMN_TITLES = {"no-op": "Unchanged"}


# GitHub turns `@name` into a mention (a notification to that user or team), and `#123`,
# `GH-123`, `owner/repo#123` and the URL of an issue, pull request or discussion into a
# link and a cross-reference in that issue's timeline ("mentioned this"), in text but not
# in code. A zero-width space after the `@`, the `#` (whatever comes before it:
# `acme/infra#34`), the `GH`, or such a URL's scheme or `www` (an entity: _join shows the
# character itself) keeps what a name says and drops the ping or the reference. Commit
# references (`owner/repo@a5c3785`) are links only, with no timeline or notification, and
# other URLs (a target's, in a plan's headings) are left as they are.
_ISSUE_URL_REST = r"[^\s/]+/[^\s/]+/[^\s/]+/(?:issues|pulls?|discussions)/\d"  # host/o/r/...
_PINGS = re.compile(
    r"(?<!\w)@(?=[A-Za-z0-9])|#(?=\d)|\bGH(?=-\d)"
    rf"|\b(?:https?|ftp)(?=://{_ISSUE_URL_REST})|\bwww(?=\.{_ISSUE_URL_REST})",
    re.IGNORECASE,
)


def _escape(text: str) -> str:
    """One line of Markdown text that reads as `text` (a file path, a live object's name in
    a reason): its emphasis, link, image, code, strikethrough and math characters escaped,
    so `m/_draft_.yaml` keeps its underscores and a name `![x](https://...)` shows no
    image (_html_text's rules besides)."""
    return _MARKUP.sub(r"\\\g<0>", _html_text(text))


# Backslash escapes GitHub's Markdown honours for what would otherwise be inline syntax
# (`<` and `&` are entities already).
_MARKUP = re.compile(r"[\\`*_\[\]~$]")


def _html_text(text: str) -> str:
    """One line of text in an HTML block (a change's summary line: Markdown is not read
    there): a name's line break shown, ␊ (a line of its own could forge a heading, or a
    workflow command (`::error::`) in a CI log that prints the plan), no tag, and no
    mention or issue reference GitHub would act on (it links those in HTML too)."""
    escaped = html.escape(visible_controls(text, one_line=True), quote=False)
    return _PINGS.sub(lambda found: found.group(0) + "&#8203;", escaped)


def _code(text: str) -> str:
    """Inline code that survives backticks in the text, on one line (never in a table:
    outside one, `\\|` would show its backslash)."""
    text = visible_controls(text, one_line=True)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced(body: str, info: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def _summary_table(plan: Plan) -> list[str]:
    titles = [COLUMN_TITLES.get(c, c.capitalize()) for c in SUMMARY_COLUMNS]
    rows = ["| Kind | " + " | ".join(titles) + " |", "|---" + "|---:" * len(titles) + "|"]
    for kind, counts in plan.summary.items():
        if not any(counts.values()):
            continue
        cells = " | ".join(str(counts.get(c, 0)) for c in SUMMARY_COLUMNS)
        rows.append(f"| {kind} | {cells} |")
    return rows


def _deletion_warning(deletes: list[Change], alike: dict[str, str]) -> list[str]:
    lines = [
        "> [!WARNING]",
        f"> This plan **would delete {plural(len(deletes), 'object')}** from the account:",
    ]
    for change in deletes[:MAX_LISTED_DELETIONS]:
        address = alike.get(change.address, change.address)
        lines.append(f"> - {_code(address)}: {_escape(change.reason)}")
    if len(deletes) > MAX_LISTED_DELETIONS:
        lines.append(f"> - … and {len(deletes) - MAX_LISTED_DELETIONS} more")
    return lines


def _details(change: Change, alike: dict[str, str]) -> str:
    address = _html_text(alike.get(change.address, change.address))
    summary = f"<code>{SYMBOLS[change.action]} {change.action}</code> {address}"
    body = [
        section_marker("change"),
        f"<details><summary>{summary}</summary>",
        "",
        _escape(change.reason),
        "",
    ]
    diff = [line.render() for line in change_lines(change)]
    if diff:
        body += [_fenced("\n".join(diff), "diff"), ""]
    body.append("</details>")
    return "\n".join(body)


def render_markdown(plan: Plan, title: str = "j1sync plan", emulator: bool = False) -> str:
    """One comment; over several targets, a `###` section per target (system and
    account) with its own summary, table, deletions, safety verdict and changes. A plan
    made against the emulators (`emulator`) says so in its heading."""
    actionable = plan.actionable
    summary = NO_CHANGES if not actionable else f"**{summary_line(plan)}**"
    head = [f"## {_escape(report_title(title, emulator))}", "", summary, ""]
    if len(plan.sections) < 2:
        return _join(head + _part(plan, note=pruning_note(plan), changes_heading="### Changes"))
    head += _note(pruning_note(plan))
    for section in plan.sections:
        part = section_plan(plan, section)
        summary = f"**{summary_line(part)}**" if part.actionable else NO_CHANGES_HERE
        heading = f"### {_escape(section_heading(section, emulator))}"
        head += [head_marker(), heading, "", summary, ""]
        head += _part(part, note=None, changes_heading=None)
    return _join(head)


def _note(note: str | None) -> list[str]:
    return [] if note is None else ["> [!NOTE]", f"> {_escape(note)}", ""]


def _part(plan: Plan, note: str | None, changes_heading: str | None) -> list[str]:
    """The summary table, deletions, safety verdict and changes of one plan or section."""
    actionable = plan.actionable
    head: list[str] = []
    if plan.summary:
        head += [*_summary_table(plan), ""]
    alike = alike_addresses(plan)
    deletes = [c for c in actionable if c.action == "delete"]
    if deletes:
        head += [*_deletion_warning(deletes, alike), ""]
    if plan.safety["blocked"]:
        head += ["> [!CAUTION]", "> Blocked by a safety limit; apply refuses without `--force`:"]
        head += [f"> - {_escape(m)}" for m in plan.safety["messages"]]
        head.append("")
    kept = still_used(plan)
    if kept:
        head += ["> [!NOTE]", f"> {STILL_USED_HEADING}"]
        head += [f"> - {_code(address)}: {_escape(why)}" for address, why in kept]
        head.append("")
    head += _note(note)
    if actionable and changes_heading:
        head += [changes_heading, ""]
    blocks = [_details(change, alike) + "\n" for change in actionable]
    return [*head, *blocks]


def _join(lines: list[str]) -> str:
    """The comment, its names' control and hidden characters (U+202E, U+200B...) shown
    (terminal.visible_controls): a reviewer reads what a name holds."""
    return visible_controls("\n".join(lines).rstrip("\n")) + "\n"
