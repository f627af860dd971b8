"""Which fields differ between two normalized states. The only importer of deepdiff,
and only when two states differ: a plan with no changes never loads it (~0.2 s).

Pure: no I/O, no normalization (that is the provider's job, so strings compare exactly).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from j1sync.canonical import canonical_json
from j1sync.engine.paths import PathPart, format_path

# DeepDiff reads its paths' keys back with ast.literal_eval, and CPython 3.11 up to 3.11.7
# (gh-106905) can fail such a parse with "SystemError: AST constructor recursion depth
# mismatch" when two threads parse at once: apply's workers compare one at a time (seen in
# an apply of three OpenCTI updates). They hold the interpreter lock for it anyway.
_ONE_AT_A_TIME = threading.Lock()


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _scalar_list(node: Any) -> bool:
    return isinstance(node, list) and all(_is_scalar(v) for v in node)


def _reported_parts(parts: list[PathPart], before: Any, after: Any) -> list[PathPart]:
    """Cut a path at the first list of scalars (tags, members): users read a set-like
    list as one field, not as shifting indices."""
    node_before: Any = before
    node_after: Any = after
    for depth, part in enumerate(parts):
        if isinstance(part, int) and (
            (node_before is None or _scalar_list(node_before))
            and (node_after is None or _scalar_list(node_after))
        ):
            return parts[:depth]
        node_before = _step(node_before, part)
        node_after = _step(node_after, part)
    return parts


def _step(node: Any, part: PathPart) -> Any:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and part < len(node) else None
    return node.get(part) if isinstance(node, dict) else None


def _sort_key(parts: list[PathPart]) -> list[tuple[int, int, str]]:
    return [(1, p, "") if isinstance(p, int) else (0, 0, p) for p in parts]


def _identical(before: Any, after: Any, texts: tuple[str | None, str | None]) -> bool:
    """Equal with types respected (== alone says 1 == 1.0 == True, DeepDiff does not)."""
    try:
        before_json = canonical_json(before) if texts[0] is None else texts[0]
        return before_json == (canonical_json(after) if texts[1] is None else texts[1])
    except (TypeError, ValueError):  # not JSON-like: let DeepDiff decide
        return False


def diff_states(
    before: dict[str, Any],
    after: dict[str, Any],
    texts: tuple[str | None, str | None] = (None, None),
) -> list[str]:
    """Changed paths from `before` to `after`, sorted, each reported once.

    `pollingInterval`, `queries[0].query`, `labels.env`; a list of scalars is reported by
    its own path (`tags`); an item added to or removed from a list of objects by its index.
    `texts`: the canonical JSON of `before` and of `after` where the caller has it already.
    """
    if _identical(before, after, texts):
        return []  # the common case (most objects unchanged): DeepDiff costs ~1 ms an object
    from deepdiff import DeepDiff  # here, not at the top: see the module's docstring

    found: dict[str, list[PathPart]] = {}
    with _ONE_AT_A_TIME:
        tree = DeepDiff(*_differing(before, after), view="tree", verbose_level=2)
        for report in tree.values():
            for item in report:
                parts = _reported_parts(list(item.path(output_format="list")), before, after)
                if parts:
                    found.setdefault(format_path(parts), parts)
    return [format_path(p) for p in sorted(found.values(), key=_sort_key)]


def _differing(before: Any, after: Any) -> tuple[Any, Any]:
    """`before` and `after` with what their mappings hold alike (a key on both sides, its
    values identical), at any depth, replaced by None on both sides: DeepDiff would walk
    it only to report nothing (a rule's operations, most of its state: ~2 ms for a changed
    description). The keys stay, so that DeepDiff tells a mapping changed through and
    through (few keys shared, `threshold_to_diff_deeper`) as before, and the paths of what
    differs are the same; lists are kept whole (their elements are paired by position)."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return before, after
    kept_before = dict(before)
    kept_after = dict(after)
    for key, old in before.items():
        if key in after:
            new = after[key]
            if _identical(old, new, (None, None)):
                kept_before[key] = kept_after[key] = None
            else:
                kept_before[key], kept_after[key] = _differing(old, new)
    return kept_before, kept_after


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path with list positions left out, canonical JSON) of every scalar in `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value, f"{path}[]")
    else:
        yield path, canonical_json(node)


def distance(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, int]:
    """How far `before` is from `after`, (0, 0) when equal: the scalars one holds and the
    other does not, list positions ignored (a capability, a member, a status each count one,
    so adding or removing any of them is a step closer), then the differences in order
    (DeepDiff's count: a status renumbered is a step closer). Compared as tuples.
    """
    if _identical(before, after, (None, None)):
        return (0, 0)
    held, wanted = Counter(_leaves(before)), Counter(_leaves(after))
    from deepdiff import DeepDiff  # here, not at the top: see the module's docstring

    with _ONE_AT_A_TIME:
        ordered = DeepDiff(before, after, view="tree")
        steps = sum(len(report) for report in ordered.values())
    return ((held - wanted).total() + (wanted - held).total(), steps)
