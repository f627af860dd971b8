"""Terminal rendering of a plan, Terraform-like.

Built from rich `Text` so the same lines come out plain (CI, NO_COLOR, pipes) or with
ANSI colours (a terminal); values are never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from j1sync.engine.model import Plan
from j1sync.output.ansi import render
from j1sync.output.change_lines import change_lines
from j1sync.output.values import NO_CHANGES, SYMBOLS, pruning_note, summary_line

STYLES = {"create": "green", "update": "yellow", "delete": "red", "no-op": "dim"}
LINE_STYLES = {"+": "green", "-": "red", "~": "yellow", " ": ""}


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
    return render(lines, color)
