"""An update's fields laid out for a reviewer: nested, list elements matched by identity.

engine/diff.py decides *what* changed (`changed_paths`, which apply and the stale check
read); this module arranges the same before/after for reading. An inserted query is one
added element, not a shifted index for every query after it; a moved element is a move;
a changed element lists only its changed fields. Each kind declares its lists'
identities (manifest/list_identity.py; a system's extras["list_identities"], by bare
kind); other lists are matched by content.
Pure: no I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from j1sync.canonical import canonical_json
from j1sync.engine.paths import PathPart, format_path, parse_path
from j1sync.engine.sensitive import MASK
from j1sync.manifest.list_identity import ListIdentity
from j1sync.providers.registry import manifest_kind, system_of_kind

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


@dataclass(frozen=True)
class ValueChange:
    """A field whose value differs; either side may be ABSENT."""

    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class FieldGroup:
    """A map or list field with changes inside."""

    label: str
    children: tuple[Entry, ...]


@dataclass(frozen=True)
class Element:
    """One list element that was added, removed, changed or moved. `index` is its place
    in the new list (in the old one when removed); `label` its identity fields."""

    status: Literal["added", "removed", "changed"]
    index: int
    value: Any
    label: tuple[tuple[str, Any], ...] = ()
    children: tuple[Entry, ...] = ()
    moved_from: int | None = None


Entry = ValueChange | FieldGroup | Element


@dataclass
class _Context:
    rules: Mapping[str, ListIdentity]
    changed: frozenset[str]  # every prefix of every changed path


def diff_fields(
    kind: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    changed_paths: Sequence[str] = (),
) -> list[Entry]:
    """The changes from `before` to `after`, limited to the top-level fields that
    `changed_paths` names (all of `after`'s when it names none)."""
    rules = {rule.path: rule for rule in _list_identities(kind)}
    prefixes: set[str] = set()
    tops: list[str] = []
    for path in changed_paths:
        try:
            parts = parse_path(path)
        except ValueError:
            continue
        prefixes.update(format_path(parts[: n + 1]) for n in range(len(parts)))
        if parts and isinstance(parts[0], str) and parts[0] not in tops:
            tops.append(parts[0])
    names = [k for k in after if k in tops] + [k for k in tops if k not in after]
    context = _Context(rules, frozenset(prefixes))
    return _diff_map(before, after, "", [], [], context, names if tops else None)


def _list_identities(kind: str) -> Sequence[ListIdentity]:
    """The lists of an engine kind whose elements have an identity (its system's
    extras["list_identities"], by bare kind)."""
    system = system_of_kind(kind)
    declared: Mapping[str, Sequence[ListIdentity]] = (
        system.extras.get("list_identities", {}) if system is not None else {}
    )
    return declared.get(manifest_kind(kind), ())


def _diff_map(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    pattern: str,
    before_path: list[PathPart],
    after_path: list[PathPart],
    context: _Context,
    names: Iterable[str] | None = None,
) -> list[Entry]:
    if names is None:
        names = list(dict.fromkeys([*after, *before]))
    entries: list[Entry] = []
    for name in names:
        old = before.get(name, ABSENT)
        new = after.get(name, ABSENT)
        paths = ([*before_path, name], [*after_path, name])
        sub = f"{pattern}.{name}" if pattern else name
        if _same(old, new):
            # Both masked alike: a secret that changed still shows, as (sensitive).
            if _masked(new) and any(format_path(p) in context.changed for p in paths):
                entry = _diff_value(name, old, new, sub, paths, context)
                if isinstance(entry, FieldGroup) and not entry.children:
                    # a list of plain values is matched by content, and masked elements
                    # match: which one changed cannot be shown, that the field did can
                    entry = ValueChange(name, MASK, MASK)
                entries.append(entry)
            continue
        entries.append(_diff_value(name, old, new, sub, paths, context))
    return entries


def _diff_value(
    label: str,
    old: Any,
    new: Any,
    pattern: str,
    paths: tuple[list[PathPart], list[PathPart]],
    context: _Context,
) -> Entry:
    if isinstance(old, dict) and isinstance(new, dict):
        return FieldGroup(label, tuple(_diff_map(old, new, pattern, *paths, context)))
    if isinstance(old, list) and isinstance(new, list):
        return FieldGroup(label, tuple(_diff_list(old, new, pattern, *paths, context)))
    return ValueChange(label, old, new)


def _diff_list(
    old: list[Any],
    new: list[Any],
    pattern: str,
    before_path: list[PathPart],
    after_path: list[PathPart],
    context: _Context,
) -> list[Entry]:
    rule = context.rules.get(pattern)
    pairs = _match(old, new, rule)
    stay = _kept_in_order(sorted(pairs.items()))
    removed = deque(sorted(set(range(len(old))) - set(pairs.values())))
    element_pattern = f"{pattern}[]"
    entries: list[Entry] = []

    def flush(until: int) -> None:
        while removed and removed[0] < until:
            index = removed.popleft()
            entries.append(Element("removed", index, old[index], _label(old[index], rule)))

    for index, value in enumerate(new):
        if index not in pairs:
            entries.append(Element("added", index, value, _label(value, rule)))
            continue
        source = pairs[index]
        if source in stay:
            flush(source)
        children: list[Entry] = []
        if isinstance(old[source], dict) and isinstance(value, dict):
            paths = ([*before_path, source], [*after_path, index])
            children = _diff_map(old[source], value, element_pattern, *paths, context)
        elif not _same(old[source], value):
            children = [ValueChange("value", old[source], value)]
        moved = None if source in stay else source
        if children or moved is not None:
            label = _label(value, rule)
            entries.append(Element("changed", index, value, label, tuple(children), moved))
    flush(len(old))
    return entries


def _match(old: list[Any], new: list[Any], rule: ListIdentity | None) -> dict[int, int]:
    """new index -> old index of the same element (the k-th of an identity with the
    k-th); with `pair_unmatched`, leftovers are then paired in order."""
    waiting: dict[str, deque[int]] = {}
    for index, value in enumerate(old):
        waiting.setdefault(_identity(value, rule), deque()).append(index)
    pairs: dict[int, int] = {}
    for index, value in enumerate(new):
        queue = waiting.get(_identity(value, rule))
        if queue:
            pairs[index] = queue.popleft()
    if rule is not None and rule.pair_unmatched:
        taken = set(pairs.values())
        left_old = [i for i in range(len(old)) if i not in taken]
        left_new = [j for j in range(len(new)) if j not in pairs]
        pairs.update(zip(left_new, left_old, strict=False))
    return pairs


def _identity_fields(value: Any, rule: ListIdentity | None) -> list[tuple[str, Any]]:
    if rule is None or not rule.keys or not isinstance(value, dict):
        return []
    found: list[tuple[str, Any]] = []
    for key in rule.keys:
        for name in (key,) if isinstance(key, str) else key:
            if name in value:
                found.append((name, value[name]))
                break
    return found


def _identity(value: Any, rule: ListIdentity | None) -> str:
    fields = _identity_fields(value, rule)
    return canonical_json(fields if fields or (rule and rule.keys) else value)


def _label(value: Any, rule: ListIdentity | None) -> tuple[tuple[str, Any], ...]:
    """The identity fields a reader can take in at a glance (plain values only)."""
    return tuple(
        (k, v) for k, v in _identity_fields(value, rule) if not isinstance(v, (dict, list))
    )


# Above this many matched elements the cheaper patience method picks the moves.
MAX_ELEMENTS_FOR_BEST_MOVES = 300


def _kept_in_order(pairs: list[tuple[int, int]]) -> set[int]:
    """Of the (new index, old index) pairs in new order, the old indices of a longest
    run that kept its relative order: every other element moved. Among runs of that
    length, the one with the most elements still at their own index (an element pushed
    down by an insertion did not move; the one that jumped past it did)."""
    if len(pairs) > MAX_ELEMENTS_FOR_BEST_MOVES:
        return _longest_increasing([old for _, old in pairs])
    best: list[tuple[int, int]] = []  # (length, elements at their own index) ending here
    previous: list[int] = []
    for position, (new, old) in enumerate(pairs):
        score, link = (1, int(new == old)), -1
        for earlier in range(position):
            if pairs[earlier][1] < old:
                length, same = best[earlier]
                candidate = (length + 1, same + int(new == old))
                if candidate > score:
                    score, link = candidate, earlier
        best.append(score)
        previous.append(link)
    kept: set[int] = set()
    position = max(range(len(pairs)), key=lambda p: best[p], default=-1)
    while position >= 0:
        kept.add(pairs[position][1])
        position = previous[position]
    return kept


def _longest_increasing(values: list[int]) -> set[int]:
    """The values of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []  # index into `values` of the smallest tail per length
    predecessor: list[int] = [-1] * len(values)
    for position, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if values[tails[middle]] < value:
                low = middle + 1
            else:
                high = middle
        predecessor[position] = tails[low - 1] if low else -1
        if low == len(tails):
            tails.append(position)
        else:
            tails[low] = position
    kept: set[int] = set()
    position = tails[-1] if tails else -1
    while position >= 0:
        kept.add(values[position])
        position = predecessor[position]
    return kept


def _same(old: Any, new: Any) -> bool:
    """Equal with types respected (1, 1.0 and True differ, as they do in the diff)."""
    if old is ABSENT or new is ABSENT:
        return old is new
    return canonical_json(old) == canonical_json(new)


def _masked(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(MASK[:-1])  # "(sensitive)" or "(sensitive 2)"
    if isinstance(value, dict):
        return any(_masked(k) or _masked(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_masked(v) for v in value)
    return False
