"""Lines of rich `Text` as the text j1sync prints: with ANSI colours, or plain. The one
place a rich Console renders to a string (the plan, the apply report)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from j1sync.terminal import visible_controls


def render(lines: Sequence[Text], color: bool) -> str:
    """The lines joined by newlines; coloured when `color` (j1sync.terminal decides). A
    control character in a line (a name read from the account) is shown, not sent."""
    lines = [_shown(line) for line in lines]
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


def _shown(line: Text) -> Text:
    shown = visible_controls(line.plain, one_line=True)
    if shown == line.plain:
        return line
    line = line.copy()
    line.plain = shown  # one character for one: the styled spans stay where they were
    return line
