"""Long and multi-line text as a line diff: changed lines with a little context.

Queries, descriptions, webhook bodies and remediation steps are compared line by
line, like Terraform's heredoc diffs. A line longer than WRAP is shown in pieces broken
at spaces, before query keywords where it can, so an edit in a 2,000-character one-line
query shows the piece it is in. Unchanged stretches far from any change are left out
with a count of the lines left out; nothing is cut silently. Where a removed and an
added text would read alike (they differ in white space, a trailing carriage return, or
how Unicode spells a character: `exact`), they are shown as JSON strings with escapes.

One rule for a huge value (a 100,000-character query or description, written in a
manifest or by hand in the account), wherever a report shows one: an update's line diff,
a created or deleted object's YAML (`block_lines`), plan, drift and apply, text and
Markdown alike. A stretch of more than MAX_RUN added (or removed) lines shows its first
RUN_HEAD and last RUN_TAIL lines and counts those between; one value shows at most
MAX_VALUE_LINES lines and counts the rest. `--format json` holds every value whole.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CONTEXT_LINES = 2
WRAP = 100  # longer lines are shown in pieces of about this many characters
MIN_PIECE = 40  # a piece is not broken at a keyword before it has this many characters
# Words a query reads well broken before (FIND ... WITH ... THAT ... RETURN, WHERE...).
BREAK_BEFORE = frozenset(
    {"FIND", "WITH", "THAT", "AND", "OR", "RETURN", "WHERE", "LIMIT", "ORDER", "AS", "(", "|"}
)
_TOKEN = re.compile(r"\S+\s*|\s+")
MAX_RUN = 100  # a stretch of more added (or removed) lines than this is shortened:
RUN_HEAD = 60  # its first lines,
RUN_TAIL = 20  # and its last
MAX_VALUE_LINES = 200  # one value's lines shown at most
WHOLE = "the whole text: --format json"
WRAPPED = "(long lines shown in pieces)"


@dataclass(frozen=True)
class TextLine:
    sign: str  # "-", "+", " " (context) or "…" (lines left out)
    text: str
    left_out: tuple[str, int] = (" ", 0)  # "…": the sign and number of the lines it counts


def is_long_text(value: object) -> bool:
    """A string shown as a line diff rather than inline."""
    return isinstance(value, str) and ("\n" in value or len(value) > 60)


def pieces(text: str) -> tuple[list[str], bool]:
    """The lines of `text`, long ones in pieces; and whether any line was broken."""
    shown: list[str] = []
    wrapped = False
    for line in text.split("\n"):
        if len(line) <= WRAP:
            shown.append(line)
            continue
        wrapped = True
        shown.extend(_break(line))
    return shown, wrapped


def _break(line: str) -> list[str]:
    out: list[str] = []
    current = ""
    for token in _TOKEN.findall(line):
        word = token.strip()
        at_keyword = word.upper() in BREAK_BEFORE or current.rstrip().endswith((",", ".", ";"))
        if current and (
            (at_keyword and len(current) >= MIN_PIECE) or len(current) + len(token) > WRAP
        ):
            out.append(current)
            current = ""
        if len(token) > WRAP:  # one word longer than a piece (no spaces to break at)
            # cut at once: cutting the rest again for each piece took minutes for a
            # 20-million-character word
            cuts = [token[at : at + WRAP] for at in range(0, len(token), WRAP)]
            out.extend(cuts[:-1])
            token = cuts[-1]
        current += token
    if current or not out:
        out.append(current)
    return out


def line_diff(before: str | None, after: str | None) -> tuple[list[TextLine], bool]:
    """(lines to show, whether long lines were broken into pieces)."""
    old, old_wrapped = pieces(before) if before else ([], False)
    new, new_wrapped = pieces(after) if after else ([], False)
    if old == new:  # the same lines, different text (a trailing newline): show exactly
        removed, removed_wrapped = pieces(exact(before))
        added, added_wrapped = pieces(exact(after))
        lines = [*_run("-", removed), *_run("+", added)]
        return _at_most(lines), removed_wrapped or added_wrapped
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(CONTEXT_LINES))
    shown: list[TextLine] = []
    position = 0  # index in `old` of the first line not yet accounted for
    for group in groups:
        start = group[0][1]
        if start > position:
            shown.append(_left_out(start - position))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                shown.extend(TextLine(" ", line) for line in old[i1:i2])
                continue
            removed, added = old[i1:i2], new[j1:j2]
            quoted = hidden_difference(removed, added)
            shown.extend(_run("-", [exact(line) if quoted else line for line in removed]))
            shown.extend(_run("+", [exact(line) if quoted else line for line in added]))
        position = group[-1][2]
    if position < len(old):
        shown.append(_left_out(len(old) - position))
    return _at_most(shown), old_wrapped or new_wrapped


def block_lines(sign: str, text: str) -> list[TextLine]:
    """The lines of a created or deleted object's YAML (or of a list element or map key
    added or removed), all `sign`, each value shortened as a line diff's stretch is
    (MAX_RUN): a line longer than WRAP in pieces, each piece after the first indented
    under the line's start (a long scalar reads as YAML folds it), and a block scalar's
    lines (`query: |-` and the lines indented below it) as one stretch, their pieces at
    their own indent, the block's first line saying so, as a line diff's does."""
    lines = text.split("\n")
    shown: list[TextLine] = []
    start = 0
    while start < len(lines):
        line = lines[start]
        if not _BLOCK_SCALAR.search(line):
            shown.extend(_run(sign, _folded(line)))
            start += 1
            continue
        end, indent = start + 1, _indent(line)
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
            end += 1
        body = [
            _indent(long) * " " + piece if n else piece
            for long in lines[start + 1 : end]
            for n, piece in enumerate(_break(long) if len(long) > WRAP else [long])
        ]
        wrapped = len(body) > end - start - 1
        shown.append(TextLine(sign, line + ("  " + WRAPPED if wrapped else "")))
        shown.extend(_run(sign, body))
        start = end
    return shown


# A YAML line that starts a block scalar: `description: |-`, `- >`, `- query: |2+` (the
# indicator is the whole value: `title: x- |` is a plain scalar)
_BLOCK_SCALAR = re.compile(r"^ *(?:- )*(?:\S.*?: )?[|>][1-9+-]*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _folded(line: str) -> list[str]:
    """A YAML line; longer than WRAP, in pieces, each after the first indented below the
    line's start (under the `- ` of a list element)."""
    if len(line) <= WRAP:
        return [line]
    indent = _indent(line) + (4 if line.lstrip(" ").startswith("- ") else 2)
    first, *rest = _break(line)
    return [first, *(" " * indent + piece for piece in rest)]


def _run(sign: str, lines: list[str]) -> list[TextLine]:
    """A stretch of added or removed lines, shortened past MAX_RUN: the lines between its
    first RUN_HEAD and last RUN_TAIL are counted, not shown."""
    if len(lines) <= MAX_RUN:
        return [TextLine(sign, line) for line in lines]
    left_out = len(lines) - RUN_HEAD - RUN_TAIL
    return [
        *(TextLine(sign, line) for line in lines[:RUN_HEAD]),
        TextLine("…", f"… {left_out:,} more {_DONE[sign]} lines ({WHOLE})", (sign, left_out)),
        *(TextLine(sign, line) for line in lines[-RUN_TAIL:]),
    ]


_DONE = {"-": "removed", "+": "added"}


def _at_most(lines: list[TextLine]) -> list[TextLine]:
    """`lines`, at most MAX_VALUE_LINES of them: the changed lines of the rest counted."""
    if len(lines) <= MAX_VALUE_LINES:
        return lines
    counts = dict.fromkeys(_DONE, 0)
    for line in lines[MAX_VALUE_LINES:]:
        sign, count = line.left_out if line.sign == "…" else (line.sign, 1)
        if sign in counts:
            counts[sign] += count
    told = " and ".join(f"{n:,} {_DONE[sign]}" for sign, n in counts.items() if n)
    note = f"… the rest of this diff not shown: {told or 'unchanged'} lines ({WHOLE})"
    return [*lines[:MAX_VALUE_LINES], TextLine("…", note)]


def _left_out(count: int) -> TextLine:
    text = f"… {count} unchanged line{'s' if count != 1 else ''}"
    return TextLine("…", text, (" ", count))


def read_alike(first: str, second: str) -> bool:
    """Whether two different texts would read the same printed: they differ only in white
    space (trailing spaces, a carriage return, a tab for spaces, U+00A0), in how Unicode
    spells a character (`é` as one code point or two: NFKC), or in a letter of another
    script that looks like a Latin one (`question` with the Cyrillic U+0435: LOOKALIKE)."""
    return reading(first) == reading(second)


# Cyrillic, Greek and other letters printed as a Latin letter is (Unicode's confusables,
# the ones a font draws alike): `question` with U+0435 -> `question` read as no change.
LOOKALIKE = str.maketrans(
    # the letters (escaped: a reader of this file would take them for Latin ones)
    "\u0430\u0435\u0455\u0456\u0458\u043e\u0440\u0441\u0443\u0445\u04bb\u0501"  # Cyrillic
    "\u051b\u051d\u04cf\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421"  # Cyrillic
    "\u0422\u0425\u0405\u0406\u0408\u04ae\u04c0"  # Cyrillic
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4"  # Greek
    "\u03a5\u03a7\u03bf\u03b9\u03f2\u03f3\u03bd\u03c1"  # Greek
    "\u0131\u0585",  # dotless i, Armenian oh
    "aesijopcyxhdqwlABEKMHOPCTXSIJYIABEZHIKMNOPTYXoicjvpio",
)


def read_like_another(texts: Iterable[str]) -> set[str]:
    """Those of `texts` that read like another of them (`read_alike`)."""
    by_shape: dict[str, set[str]] = {}
    for text in texts:
        by_shape.setdefault(reading(text), set()).add(text)
    return {text for alike in by_shape.values() if len(alike) > 1 for text in alike}


def reading(text: str) -> str:
    """How `text` reads printed: two texts `read_alike` when their readings are equal."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(LOOKALIKE).split())


def exact(value: object) -> str:
    """`value` as JSON that tells apart two texts that `read_alike`: control characters
    escaped (JSON's own), and past ASCII each character a reader could take for another
    (white space, a combining mark, one NFKC changes: U+00A0, U+0301, the fullwidth A U+FF21;
    a letter that looks like a Latin one: the Cyrillic U+0435); any other character, `é`
    or `日`, as it is."""
    return json.dumps(value, ensure_ascii=False).translate(_UNCLEAR)


class _Unclear(dict[int, str]):
    """A str.translate table: each character past ASCII a reader could take for another
    to its JSON escape (astral ones as a surrogate pair); any other to itself."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        unclear = code > 0x7F and (
            char.isspace()
            or not char.isprintable()
            or unicodedata.category(char).startswith("M")
            or unicodedata.normalize("NFKC", char) != char
            or code in LOOKALIKE
        )
        if not unclear:
            shown = char
        elif code <= 0xFFFF:
            shown = f"\\u{code:04x}"
        else:
            high, low = divmod(code - 0x10000, 0x400)
            shown = f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
        self[code] = shown
        return shown


_UNCLEAR = _Unclear()


def hidden_difference(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether removed and added lines must be shown `exact`: an added line reads like a
    removed one it is not (`read_alike`), or a line is white space alone (it would show as
    an empty line). All of them are then shown so, so that an escaped line is never
    compared with one holding quotes or backslashes of its own."""
    if any(line and not line.strip() for line in (*removed, *added)):
        return True
    shapes: dict[str, set[str]] = {}
    for line in removed:
        shapes.setdefault(reading(line), set()).add(line)
    return any(shapes.get(reading(line), {line}) - {line} for line in added)
