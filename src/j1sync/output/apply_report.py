"""What apply reports: one line per change as it completes, then one closing line.

    created AlertRule/unencrypted-critical-data
    failed  create Question/q: BAD_USER_INPUT: title must not be empty
    skipped create AlertRule/r: depends on Question/q (failed)
    unknown create Question/p: no answer in time: it may or may not have been made; ...
    Apply failed: 1 created, 0 updated, 0 deleted, 1 failed, 1 unknown, 1 skipped.

The same lines on a terminal (coloured) and in a CI log or a job summary (plain), built
as rich `Text` (ansi.line) so an API message is never read as markup, and its control
characters are shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.text import Text

from j1sync.engine.sensitive import redact_secrets
from j1sync.executor.outcome import LOCK_LOST, NOT_STARTED, ApplyResult, Outcome
from j1sync.output.ansi import line, render

DONE = {"create": "created", "update": "updated", "delete": "deleted"}
STYLES = {"create": "green", "update": "yellow", "delete": "red"}
STATUS_WIDTH = 7  # "created", "skipped": the addresses line up


def change_line(outcome: Outcome, alike: Mapping[str, str] | None = None) -> Text:
    """`created Kind/name`, or `failed  create Kind/name: why` (a reason always). `alike`:
    how the plan shows the addresses that read like another (values.alike_addresses), so
    `deleted Question/cafe\\u0301` and `created Question/café` are told apart here too."""
    address = (alike or {}).get(outcome.address, outcome.address)
    if outcome.status == "applied":
        word = DONE.get(outcome.action, outcome.action)
        parts: list[str | tuple[str, str]] = [
            (f"{word:<{STATUS_WIDTH}}", STYLES.get(outcome.action, "")),
            f" {address}",
        ]
        if outcome.message:  # e.g. confirmed by re-reading after a lost response
            parts.append((f" ({redact_secrets(outcome.message)})", "dim"))
        return line(*parts)
    style = "yellow" if outcome.status == "skipped" else "bold red"
    # an API error may quote the input it refused: secrets are masked
    return line(
        (f"{outcome.status:<{STATUS_WIDTH}}", style),
        f" {outcome.action} {address}",
        f": {_named(redact_secrets(outcome.message), alike) or 'no reason given'}",
    )


def _named(message: str, alike: Mapping[str, str] | None) -> str:
    """`message` with the addresses it names (`depends on Question/café`) as the plan
    shows them."""
    if not alike:
        return message
    named = "|".join(re.escape(a) for a in sorted(alike, key=len, reverse=True))
    return re.sub(named, lambda found: alike[found.group(0)], message)


def closing_line(result: ApplyResult) -> Text:
    """`Apply complete: 2 created, 1 updated, 0 deleted, 0 failed.` Changes whose outcome
    is unknown and skipped ones are counted when there are any; an interrupted apply, or
    one whose lock was lost, says how many never started (one interrupted once every
    change had started is complete, or failed, as it ran)."""
    done = dict.fromkeys(DONE, 0)
    not_started = skipped = 0
    for outcome in result.outcomes:
        if outcome.status == "applied":
            done[outcome.action] = done.get(outcome.action, 0) + 1
        elif outcome.status == "skipped" and outcome.message in (NOT_STARTED, LOCK_LOST):
            not_started += 1
        elif outcome.status == "skipped":
            skipped += 1
    counts = result.counts
    parts = [f"{done[action]} {word}" for action, word in DONE.items()]
    parts.append(f"{counts['failed']} failed")
    if counts["unknown"]:
        parts.append(f"{counts['unknown']} unknown")
    if skipped:
        parts.append(f"{skipped} skipped")
    if not_started:
        parts.append(f"{not_started} not started")
    if result.interrupted and not_started:
        head, style = "Apply interrupted", "bold yellow"
    elif result.ok:
        head, style = "Apply complete", "bold green"
    else:
        head, style = "Apply failed", "bold red"
    return line(f"{head}: {', '.join(parts)}.", style=style)


def finish_hint(saved_plan: bool) -> str:
    """How to finish an apply that stopped with changes not started: `apply PATHS` again
    makes only what is still missing; the same saved plan is stale now (what was applied
    since it was made) and `apply --plan` would refuse it."""
    if saved_plan:
        return (
            "To finish, run `j1sync plan --out` again and apply that plan: this one is "
            "stale now, and apply --plan would refuse it."
        )
    return "Run apply again to finish: it makes only what is still missing."


def interrupted_hint(result: ApplyResult, *, saved_plan: bool = False) -> str:
    """For stderr after an interrupted apply: what to do next (nothing, when the signal
    came once every change had started and all were applied)."""
    applied = result.counts["applied"]
    if result.ok:
        return (
            f"Interrupted once every change had started: all {applied} changes were "
            "applied; nothing is left to apply."
        )
    if not result.not_started:  # the signal kept nothing from starting: the run failed
        return (
            f"Interrupted once every change had started: {applied} of "
            f"{len(result.outcomes)} changes applied; the others failed or were skipped "
            "(listed above), not for the interrupt."
        )
    return f"Interrupted: {applied} of {len(result.outcomes)} changes applied. " + finish_hint(
        saved_plan
    )


def styled(report_line: Text, color: bool) -> str:
    """One line as ANSI-coloured text, or plain."""
    return render([report_line], color)
