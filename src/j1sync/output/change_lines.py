"""The lines that show one change, shared by the text and Markdown plans.

A created object is the manifest a user would write (the spec as its manifest set it,
no defaults filled in), every line `+`; a deleted object is the live object as such a
manifest (nothing null or empty), every line `-`. An update shows each changed field at
its nested place: short values as `before -> after`, long or multi-line text as a line
diff, list elements matched by identity (field_diff.py). Values are the plan's, already
masked: a secret shows as (sensitive) on both sides and is never line-diffed.
"""

from __future__ import annotations

import functools
import io
import json
import re
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from j1sync.engine.model import Change
from j1sync.engine.sensitive import MASK
from j1sync.export.yaml_writer import manifest_document, reads_back, to_yaml_tree, yaml_dumper
from j1sync.output.field_diff import ABSENT, Element, Entry, FieldGroup, ValueChange, diff_fields
from j1sync.output.text_diff import (
    MAX_RUN,
    WRAP,
    WRAPPED,
    block_lines,
    exact,
    hidden_difference,
    is_long_text,
    line_diff,
    read_alike,
)

INLINE_CHARS = 60  # a value longer than this (as JSON) is shown on lines of its own


@dataclass(frozen=True)
class DiffLine:
    """`sign` is "+", "-", "~" (changed inside) or " " (context); `depth` counts
    two-space indents."""

    sign: str
    depth: int
    text: str

    def render(self) -> str:
        # spaces only: a trailing \r, \v, \f, \x1f, U+2028... is the text's own, shown
        return f"{self.sign} {'  ' * self.depth}{self.text}".rstrip(" ")


def change_lines(change: Change) -> list[DiffLine]:
    if change.action == "create":
        spec = change.manifest if change.manifest is not None else _pruned(change.after)
        return _document_lines("+", change, spec)
    if change.action == "delete":
        return _document_lines("-", change, _pruned(change.before))
    if change.action == "update":
        entries = diff_fields(
            change.kind, change.before or {}, change.after or {}, [*change.changed_paths]
        )
        return [line for entry in entries for line in _entry_lines(entry, 0)]
    return []


def _document_lines(sign: str, change: Change, spec: Any) -> list[DiffLine]:
    document = manifest_document(change.kind, change.name, spec or {})
    return _block(sign, 0, _exact_yaml(document).rstrip("\n"))


def _block(sign: str, depth: int, text: str) -> list[DiffLine]:
    """YAML on one side only (an object, a list element, a map key), every line `sign`:
    long lines in pieces and a huge value shortened, as in a line diff (text_diff)."""
    lines = text.split("\n")
    if len(lines) <= MAX_RUN and all(len(line) <= WRAP for line in lines):
        return [DiffLine(sign, depth, line) for line in lines]  # most are: nothing to do
    shown = block_lines(sign, text)
    return [DiffLine(" " if line.sign == "…" else sign, depth, line.text) for line in shown]


def _pruned(value: Any) -> Any:
    """Without null and empty values: what a manifest would leave out."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


# -- an update's entries --------------------------------------------------------------


# (sign, text) of an entry on one side only (_one_side): worked out once per entry (its
# YAML dumped once), both to tell whether its list or map needs escapes and to show it
OneSide = tuple[str, str]


def _entry_lines(entry: Entry, depth: int) -> list[DiffLine]:
    return _shown_lines(entry, depth, _one_side(entry))


def _shown_lines(entry: Entry, depth: int, side: OneSide | None) -> list[DiffLine]:
    if side is not None:
        return _block(side[0], depth, side[1])
    if isinstance(entry, FieldGroup):
        return _group_lines(entry, depth)
    if isinstance(entry, Element):
        return _element_lines(entry, depth)
    return _value_lines(entry, depth)


def _group_lines(group: FieldGroup, depth: int) -> list[DiffLine]:
    lines = [DiffLine("~", depth, f"{_key(group.label)}:")]
    sides = [_one_side(child) for child in group.children]
    if _sides_read_alike(sides):  # the one-sided entries again, with escapes
        sides = [
            None if side is None else _one_side(child, escaped=True)
            for child, side in zip(group.children, sides, strict=True)
        ]
    for child, side in zip(group.children, sides, strict=True):
        lines += _shown_lines(child, depth + 1, side)
    return lines


def _sides_read_alike(sides: list[OneSide | None]) -> bool:
    """Whether a list's or a map's added and removed entries must be shown with escapes: a
    line of one reads like a line of another it is not (`- café` and `- café`, text_diff)."""
    shown: dict[str, list[str]] = {"+": [], "-": []}
    for side in sides:
        if side is not None:
            shown[side[0]] += side[1].split("\n")
    return bool(shown["+"] and shown["-"]) and hidden_difference(shown["-"], shown["+"])


def _one_side(entry: Entry, escaped: bool = False) -> OneSide | None:
    """(sign, text) of an entry that is on one side only: a list's added or removed
    element, a map's added or removed key; None for any other."""
    if isinstance(entry, Element):
        if entry.status == "changed":
            return None
        sign = "+" if entry.status == "added" else "-"
        if isinstance(entry.value, list):  # a clause of a rule condition: one line
            return sign, f"- {exact(entry.value) if escaped else _inline(entry.value)}"
        return sign, _block_text([entry.value], escaped)
    if isinstance(entry, ValueChange) and (entry.before is ABSENT or entry.after is ABSENT):
        sign, value = ("+", entry.after) if entry.before is ABSENT else ("-", entry.before)
        return sign, _block_text({entry.label: value}, escaped)
    return None


def _element_lines(element: Element, depth: int) -> list[DiffLine]:
    """A list element on both sides (matched by identity), changed inside."""
    # an identity field that shows as changed below (a secret endpoint: masked, the
    # element matched on it) is not said again as context
    changed = {child.label for child in element.children if not isinstance(child, Element)}
    label = [(key, value) for key, value in element.label if key not in changed]
    rest = label[1:]
    if not label:
        plain = _plain(element.value)
        header = f"- {_label_value(element.value)}" if plain else f"- [{element.index}]"
    else:
        header = f"- {label[0][0]}: {_label_value(label[0][1])}"
    if element.moved_from is not None:
        header += f"  (moved from [{element.moved_from}] to [{element.index}])"
    lines = [DiffLine("~", depth, header)]
    lines += [DiffLine(" ", depth + 1, f"{key}: {_label_value(value)}") for key, value in rest]
    for child in element.children:
        lines += _entry_lines(child, depth + 1)
    return lines


def _value_lines(change: ValueChange, depth: int) -> list[DiffLine]:
    """A value on both sides, changed."""
    label, old, new = _key(change.label), change.before, change.after
    if old == new and isinstance(new, str) and new.startswith(MASK[:-1]):
        return [DiffLine("~", depth, f"{label}: {new}")]  # a secret changed; never shown
    short = not (is_long_text(old) or is_long_text(new))
    if short and len(_inline(old)) + len(_inline(new)) <= 2 * INLINE_CHARS:
        before, after = _inline(old), _inline(new)
        if read_alike(before, after):  # "a b" -> "a b": one holds U+00A0
            before, after = exact(old), exact(new)
        return [DiffLine("~", depth, f"{label}: {before} -> {after}")]
    texts = [v if isinstance(v, str) or v is None else _yaml_text(v) for v in (old, new)]
    shown, wrapped = line_diff(texts[0], texts[1])
    note = f"  {WRAPPED}" if wrapped else ""
    lines = [DiffLine("~", depth, f"{label}:{note}")]
    for line in shown:
        sign = " " if line.sign == "…" else line.sign
        lines.append(DiffLine(sign, depth + 1, line.text))
    return lines


def _plain(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _inline(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# Text YAML reads as the same string without quotes (not a number, boolean or null).
_PLAIN_TEXT = re.compile(r"[A-Za-z_][\w .@/-]*")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


def _label_value(value: Any) -> str:
    """An identity value as a manifest would spell it: `name: open-ports`."""
    if isinstance(value, str) and value.startswith(MASK[:-1]):
        return value
    if (
        isinstance(value, str)
        and _PLAIN_TEXT.fullmatch(value)
        and value == value.strip()
        and value.lower() not in _YAML_WORDS
    ):
        return value
    return _inline(value)


# -- YAML -------------------------------------------------------------------------------


def _yaml_text(value: Any, quote: bool = False, escaped: bool = False) -> str:
    # never folded: long lines are broken as a diff's are (text_diff); escaped: every
    # character past ASCII as its escape
    yaml = yaml_dumper(allow_unicode=not escaped, width=sys.maxsize)
    stream = io.StringIO()
    yaml.dump(to_yaml_tree(value, quote=quote), stream)
    return stream.getvalue().rstrip("\n")


def _exact_yaml(document: Mapping[str, Any]) -> str:
    """The document as a manifest file would hold it, read back to be sure it means the
    same (export/yaml_writer.py's rule: odd strings are written again double-quoted)."""
    for quote in (False, True):
        text = _yaml_text(document, quote)
        if reads_back(text, document):
            return text
    return json.dumps(document, indent=2, ensure_ascii=False)  # JSON is YAML too


def _block_text(value: Any, escaped: bool = False) -> str:
    """`value` (a one-key map or a one-element list) as the YAML a manifest would hold."""
    return textwrap.dedent(_yaml_text(value, escaped=escaped))  # the dash at the depth


def _key(label: str) -> str:
    """A field's name or a map's key as a manifest spells it: `team`, or quoted
    (`"a: b -> c"`), so a key never reads as a value or a change of one."""
    if _PLAIN_TEXT.fullmatch(label) and label == label.strip() and label.lower() not in _YAML_WORDS:
        return label
    return _quoted_key(label)


@functools.lru_cache(maxsize=1024)
def _quoted_key(label: str) -> str:
    text = _yaml_text({label: 0})
    if "\n" in text or not text.endswith(": 0"):  # a long key: YAML's `? key` form
        return _inline(label)
    return text[: -len(": 0")]
