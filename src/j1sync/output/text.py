"""Terminal rendering of a plan and of apply outcomes, Terraform-like.

Built from rich `Text` so the same lines come out plain (CI, NO_COLOR, pipes) or with
ANSI colours (a terminal); values are never parsed as markup.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from j1sync.engine.model import Plan
from j1sync.engine.sensitive import redact_secrets
from j1sync.executor.outcome import ApplyResult
from j1sync.output.change_lines import change_lines
from j1sync.output.values import NO_CHANGES, SYMBOLS, pruning_note, summary_line

STYLES = {"create": "green", "update": "yellow", "delete": "red", "no-op": "dim"}
LINE_STYLES = {"+": "green", "-": "red", "~": "yellow", " ": ""}
STATUS_STYLES = {"applied": "green", "failed": "bold red", "skipped": "yellow"}


def _join(lines: list[Text], color: bool) -> str:
    if not color:
        return "\n".join(line.plain for line in lines)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        no_color=False,  # j1sync.terminal decided; rich < 13.x read an empty NO_COLOR as set
        width=10_000,
        highlight=False,
    )
    for line in lines:
        console.print(line, soft_wrap=True)
    return buffer.getvalue().rstrip("\n")


def render_text(plan: Plan, color: bool) -> str:
    lines: list[Text] = []
    actionable = plan.actionable
    if not actionable:
        lines.append(Text(NO_CHANGES, style="green"))
    else:
        lines.append(Text("Actions: + create, ~ update, - delete"))
        for change in actionable:
            style = STYLES[change.action]
            lines.append(Text(""))
            lines.append(
                Text(f"  {SYMBOLS[change.action]} {change.address}", style=f"bold {style}")
            )
            lines.append(Text(f"      {change.reason}", style="dim"))
            lines.extend(
                Text(f"      {line.render()}", style=LINE_STYLES[line.sign])
                for line in change_lines(change)
            )
    unmanaged = [(k, c["unmanaged"]) for k, c in plan.summary.items() if c.get("unmanaged")]
    if unmanaged:
        counts = ", ".join(f"{kind} {count}" for kind, count in unmanaged)
        lines.append(Text(""))
        lines.append(Text(f"Unmanaged (never touched): {counts}", style="dim"))
    note = pruning_note(plan)
    if note is not None:
        lines.append(Text(""))
        lines.append(Text(note, style="yellow"))
    if plan.safety["blocked"]:
        lines.append(Text(""))
        lines.append(Text("Blocked by a safety limit:", style="bold red"))
        lines.extend(Text(f"  {m}", style="red") for m in plan.safety["messages"])
    lines.append(Text(""))
    lines.append(Text(summary_line(plan), style="bold"))
    return _join(lines, color)


def render_outcomes_text(result: ApplyResult, color: bool = False) -> str:
    lines: list[Text] = []
    for outcome in result.outcomes:
        line = Text.assemble(
            "  ",
            (f"{outcome.status:<8}", STATUS_STYLES[outcome.status]),
            f" {outcome.action:<6} {outcome.address}",
        )
        if outcome.id and outcome.status == "applied":
            line.append(f" (id {outcome.id})", style="dim")
        if outcome.message:  # an API error may quote the input it refused
            line.append(f": {redact_secrets(outcome.message)}")
        lines.append(line)
    counts = result.counts
    lines.append(
        Text(
            f"Apply: {counts['applied']} applied, {counts['failed']} failed, "
            f"{counts['skipped']} skipped.",
            style="bold green" if result.ok else "bold red",
        )
    )
    return _join(lines, color)
