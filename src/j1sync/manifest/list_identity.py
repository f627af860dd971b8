"""How the elements of a list field are told apart when two versions are compared.

A plan shows a list change element by element: an inserted query is one `+` element, not
a shifted index for every query after it. Each kind declares, next to its model, which of
its lists have an identity and what it is; lists without a declaration are matched by
content (tags, members and other lists of plain values are matched by the value itself).
"""

from __future__ import annotations

from dataclasses import dataclass

# A key of an element's identity: a field name, or alternatives of which the first one
# the element has counts (an action's target is `targetProperty`, `recipients`, ...).
IdentityKey = str | tuple[str, ...]


@dataclass(frozen=True)
class ListIdentity:
    """`path` names the list in a normalized state, `[]` standing for every element of an
    enclosing list (`operations[].actions`). `keys` are the fields that identify an
    element; none means its whole content. `pair_unmatched`: elements left over after
    matching are paired in order (an operation whose condition changed is one edit)."""

    path: str
    keys: tuple[IdentityKey, ...] = ()
    pair_unmatched: bool = False
