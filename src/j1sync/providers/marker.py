"""j1sync's ownership marker in a free-text field a system keeps as written and shows to
people (xyOps's `notes`, OpenCTI's `description`): its last line, `managed-by: <tag>`,
where the tag is the project's managed tag (j1sync.yaml `managedTag`, default `j1sync`).

A system whose objects have such a field and no tags of their own proves ownership with
it: j1sync writes the line on every object it creates or updates and treats as managed
only the objects whose text ends with it. Each system's ownership module says which field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MARKER_PREFIX = "managed-by: "


def marker_line(managed_tag: str) -> str:
    return f"{MARKER_PREFIX}{managed_tag}"


def marker_mark(field: str) -> Callable[[str | None], str]:
    """The System.extras[OWNERSHIP_MARK] of a system marking its objects in `field`
    (manifest/document.py): what a managed object holds, as refusals name it (its tag
    None: j1sync.yaml's setting)."""

    def mark(tag: str | None) -> str:
        line = marker_line("<managedTag>" if tag is None else tag)
        return f"the marker line '{line}' as the last line of the {field}"

    return mark


def notes_text(notes: Any) -> str:
    """Notes as the system keeps them, the text compared, shown and exported: null and ""
    alike (both are no notes), everything else as written, its line ends and the spaces
    ending it included (a Windows line end inside the text is text)."""
    return "" if notes is None else str(notes)


def _without_blank_end(text: str) -> str:
    """`text` without the blank lines ending it, those of spaces only too, nor the line
    end of its last line (`\n` or `\r\n`): the spaces or tabs ending that line and the
    line ends inside the text are kept."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = lines[-1].removesuffix("\r")  # a Windows line end's first half
    return "\n".join(lines)


def with_marker(notes: Any, managed_tag: str, *, trim: bool = True) -> str:
    """The notes a managed object carries, in the one layout j1sync writes: the
    manifest's notes, a blank line, then the marker line. The text ends at its last line
    that is not blank; with `trim` (a system that trims text on write: OpenCTI) without
    the spaces ending that line, else (xyOps keeps notes as written) with them. The text
    is otherwise the people's own, its line ends kept; the blank line is written with
    them (Windows ones when the text has them), so adopting notes that end with a line
    end only adds to them."""
    user, marked = split_marker(notes, managed_tag)
    if not marked:
        user = _without_blank_end(user)
    if trim:
        user = user.rstrip()
    line = marker_line(managed_tag)
    end = "\r\n" if "\r\n" in user else "\n"
    return f"{user}{end}{end}{line}" if user else line


def split_marker(notes: Any, managed_tag: str) -> tuple[str, bool]:
    """(the notes without a trailing marker line, whether they carried it). Of marked
    notes, the text is the people's own as written: the marker line's layout (the blank
    lines before it, the spaces and line ends after it, whether its line ends are
    Windows ones) is not text; the spaces or tabs ending the text's last line are (a line
    `tab` and a tab, then the marker line: the text is `tab` and a tab), and so are the
    line ends inside it. Unmarked notes are all text, as kept (`notes_text`)."""
    text = notes_text(notes)
    ending = text.rstrip()  # spaces or line ends after the marker line are its layout
    line = marker_line(managed_tag)
    if ending == line:
        return "", True
    if ending.endswith("\n" + line):
        return _without_blank_end(ending[: -len(line) - 1]), True
    return text, False


def canonical_notes(notes: Any, managed_tag: str, *, trim: bool = True) -> str:
    """Live notes as compared with a manifest's (`with_marker`, the same `trim`): marked
    ones as `with_marker` writes them, so that the layout of the marker line (the blank
    lines before it, a line end after it, Windows line ends around it) is no difference
    (export writes the text without it); others as kept (`notes_text`): j1sync's text
    is the system's."""
    user, marked = split_marker(notes, managed_tag)
    return with_marker(user, managed_tag, trim=trim) if marked else notes_text(notes)


def is_managed(notes: Any, managed_tag: str) -> bool:
    return split_marker(notes, managed_tag)[1]
