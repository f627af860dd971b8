"""Lines of rich `Text` as the text j1sync prints: with ANSI colours, or plain. The one
place such lines are made (`line`) and a rich Console renders them to a string (the plan,
the apply report)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import accumulate

from rich.console import Console
from rich.text import Span, Text

from j1sync.terminal import shown_widths, visible_controls


def line(*parts: str | tuple[str, str], style: str = "") -> Text:
    """One line of `parts` (text, or (text, style)), each part's control characters shown,
    not sent (terminal.visible_controls), before rich reads it: rich's Text drops a carriage
    return, backspace, BEL, VT and FF without a trace, so a value holding one (`a\rb`)
    would print as another (`ab`)."""
    made = Text(style=style)
    for part in parts:
        text, part_style = (part, "") if isinstance(part, str) else part
        made.append(visible_controls(text, one_line=True), style=part_style)
    return made


def render(lines: Iterable[Text], color: bool) -> str:
    """The lines joined by newlines; coloured when `color` (j1sync.terminal decides). A
    control character in a line (a name read from the account) is shown, not sent. Each
    line is rendered as it comes and let go (a plan of thousands of creates: ~8 lines
    each, a rich Text object each)."""
    if not color:
        return "\n".join([shown(line).plain for line in lines])
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
        console.print(shown(line), soft_wrap=True)
    return buffer.getvalue().rstrip("\n")


def shown(line: Text) -> Text:
    """`line` with its control characters shown, not sent (terminal.visible_controls): a
    control becomes one character (␛), a hidden character (U+202E...) its escape
    (`\\u202e`), a workflow command defused; each styled span covers what its characters
    became (terminal.shown_widths)."""
    plain = line.plain
    text = visible_controls(plain, one_line=True)
    if text == plain:
        return line
    ends = list(accumulate(shown_widths(plain), initial=0))
    result = line.blank_copy(text)
    last = len(plain)
    result.spans = [
        Span(ends[min(span.start, last)], ends[min(span.end, last)], span.style)
        for span in line.spans
    ]
    return result
