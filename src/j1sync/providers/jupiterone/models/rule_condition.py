"""The shape of a rule condition (an operation's `when.condition`), as JupiterOne's rule
docs write one: a group, an operator followed by conditions (`[AND, [queries.q.total,
">", 0], ...]`, groups nesting), or a single comparison `[left, comparison, right]` (the
docs' own `[queries.query0.total, ">", 100]`, with no group around it).

Only what cannot be right is refused: an empty condition, an operator other than AND and
OR, a comparison of other than three items or whose comparison is not text. Which
comparisons JupiterOne takes is not documented: one its docs and examples do not show
is a warning (checks/conditions.py), never refused. A group's item that is no list (a
template string, say) is left to JupiterOne."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic_core import InitErrorDetails, ValidationError

from j1sync.manifest.model_base import FieldPath, rule_error

GROUP_OPERATORS = ("AND", "OR")
# The comparisons the rule docs and examples show ("!=", ">", "<=") and the rest of the
# same family; another one is said as a warning.
KNOWN_COMPARISONS = frozenset({"=", "==", "===", "!=", "!==", ">", ">=", "<", "<="})
TRIPLE = "a comparison is [left, comparison, right]"


def _is_group(node: list[Any]) -> bool:
    """An operator (text) followed by conditions (lists): `[XOR, [..], [..]]` is a group
    with an unknown operator, not a comparison of lists."""
    head, *rest = node
    if not isinstance(head, str):
        return False
    return head.upper() in GROUP_OPERATORS or (
        bool(rest) and all(isinstance(i, list) for i in rest)
    )


def condition_problems(condition: list[Any]) -> list[tuple[FieldPath, str]]:
    """(path below the condition, why) for each part of `condition` that cannot be right."""
    return list(_problems(condition, ()))


def _problems(node: list[Any], path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if not node:
        yield path, "must not be empty: a condition is [AND|OR, [left, comparison, right], ...]"
    elif _is_group(node):
        if node[0].upper() not in GROUP_OPERATORS:
            yield path, f"unknown operator '{node[0]}' (a group joins with AND or OR)"
        for index, item in enumerate(node[1:], start=1):
            if isinstance(item, list):
                yield from _problems(item, (*path, index))
    elif len(node) != 3:
        yield path, f"{TRIPLE} (this has {len(node)} items)"
    elif not isinstance(node[1], str):
        yield (*path, 1), f'the comparison must be text, e.g. ">" (is {node[1]!r})'


def comparisons(condition: list[Any], path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(path, comparison) of each well-formed comparison of `condition`."""
    if not condition:
        return
    if _is_group(condition):
        for index, item in enumerate(condition[1:], start=1):
            if isinstance(item, list):
                yield from comparisons(item, (*path, index))
    elif len(condition) == 3 and isinstance(condition[1], str):
        yield (*path, 1), condition[1]


def raise_all(title: str, problems: Sequence[tuple[FieldPath, str]]) -> None:
    """Raise every (subpath, why) of a validated value at once, each at its own path
    (pydantic takes a ValidationError a validator raises as its line errors): validate
    says them all, not the first."""
    errors = [rule_error(message, subpath) for subpath, message in problems]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        details = [InitErrorDetails(type=error, loc=(), input=None) for error in errors]
        raise ValidationError.from_exception_data(title, details)
