"""Terminal rendering of a plan, Terraform-like.

Built from rich `Text` so the same lines come out plain (CI, NO_COLOR, pipes) or with
ANSI colours (a terminal); values are never parsed as markup, and their control
characters are shown (ansi.line).
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.text import Text

from j1sync.engine.model import Plan, section_plan
from j1sync.output.ansi import line, render
from j1sync.output.values import (
    NO_CHANGES,
    NO_CHANGES_HERE,
    STILL_USED_HEADING,
    SYMBOLS,
    alike_addresses,
    pruning_note,
    report_title,
    section_heading,
    still_used,
    summary_line,
)

STYLES = {"create": "green", "update": "yellow", "delete": "red", "no-op": "dim"}
LINE_STYLES = {"+": "green", "-": "red", "~": "yellow", " ": ""}


def render_text(plan: Plan, color: bool, title: str = "j1sync plan", emulator: bool = False) -> str:
    """The plan; over several targets, one section per target (system and account) with
    its changes, unmanaged counts, safety verdict and summary, then the totals. A plan
    made against the emulators (`emulator`) starts with its title saying so."""
    return render(_lines(plan, title, emulator), color)


def _lines(plan: Plan, title: str, emulator: bool) -> Iterator[Text]:
    """The plan's lines, made as they are rendered: none of them kept."""
    if emulator:
        yield line(report_title(title, emulator), style="bold yellow")
        yield line("")
    note = pruning_note(plan)
    if len(plan.sections) < 2:
        yield from _body(plan, NO_CHANGES, note=note)
    else:
        if plan.actionable:
            yield line("Actions: + create, ~ update, - delete")
        for section in plan.sections:
            part = section_plan(plan, section)
            yield line("")
            yield line(section_heading(section, emulator), style="bold underline")
            yield from _body(part, NO_CHANGES_HERE, legend=False)
            yield line(summary_line(part), style="bold")
        yield from _note(note)
    yield line("")
    yield line(summary_line(plan), style="bold")


def _note(note: str | None) -> list[Text]:
    return [] if note is None else [line(""), line(note, style="yellow")]


def _body(
    plan: Plan, no_changes: str, legend: bool = True, note: str | None = None
) -> Iterator[Text]:
    actionable = plan.actionable
    if not actionable:
        yield line(no_changes, style="green")
    else:
        # loaded for a plan with changes only (the YAML writer, every system's models)
        from j1sync.output.change_lines import change_lines

        if legend:
            yield line("Actions: + create, ~ update, - delete")
        alike = alike_addresses(plan)
        for change in actionable:
            style = STYLES[change.action]
            address = alike.get(change.address, change.address)
            yield line("")
            yield line(f"  {SYMBOLS[change.action]} {address}", style=f"bold {style}")
            yield line(f"      {change.reason}", style="dim")
            for diff in change_lines(change):
                yield line(f"      {diff.render()}", style=LINE_STYLES[diff.sign])
    unmanaged = [(k, c["unmanaged"]) for k, c in plan.summary.items() if c.get("unmanaged")]
    if unmanaged:
        counts = ", ".join(f"{kind} {count}" for kind, count in unmanaged)
        yield line("")
        yield line(f"Unmanaged (never touched): {counts}", style="dim")
    kept = still_used(plan)
    if kept:
        yield line("")
        yield line(STILL_USED_HEADING, style="yellow")
        for address, why in kept:
            yield line(f"  {address}: {why}", style="yellow")
    yield from _note(note)
    if plan.safety["blocked"]:
        yield line("")
        yield line("Blocked by a safety limit; apply refuses it without --force:", style="bold red")
        for message in plan.safety["messages"]:
            yield line(f"  {message}", style="red")
