"""xyOps objects nested deeper than any manifest may be.

xyOps (Node.js) keeps whatever JSON it is given: an event's `params` nested hundreds of
levels deep is stored and answered. A manifest nests at most yaml_source.MAX_NESTING
levels (the loader's one rule, a scalar one level below its collection, the document's
root at level 1 and its `spec` at level 2), so no manifest can declare such an object,
and comparing it whole would overrun what normalize's models (pydantic stops at a few
hundred levels) and the diff can walk. So an object read from xyOps is compared with each
value beyond that depth replaced by a note saying so (a manifest can hold nothing there,
so the object never compares equal to one: a plan updates it to what the manifest says),
and is undeclarable: export leaves it out with a warning naming the field, and no plan
deletes it. One such object never stops a plan, a drift check or an export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from j1sync.engine.paths import format_path
from j1sync.manifest.yaml_source import MAX_NESTING, depth_exceeds

# A spec's fields sit at level 3 of a manifest (document, spec, field): an API object's
# top level is its spec, so its fields are one level below where they count from.
_OBJECT_LEVEL = 2
CUT = f"(nested more than {MAX_NESTING} levels deep in a manifest; not shown)"


def too_deep(raw: Mapping[str, Any]) -> bool:
    """Whether the API object `raw`, as a manifest's spec, nests beyond MAX_NESTING."""
    return depth_exceeds(raw, MAX_NESTING - _OBJECT_LEVEL + 1)


def cut_too_deep(raw: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """`raw` with each non-empty list or object that would nest beyond MAX_NESTING as a
    manifest's spec replaced by CUT, and why no manifest can declare it (the first field
    holding one). Recursive no deeper than MAX_NESTING."""
    fields: list[str] = []

    def cut(value: Any, level: int, field: str) -> Any:
        if not isinstance(value, (dict, list)) or not value:
            return value
        if level >= MAX_NESTING:  # its items would be deeper than a manifest may nest
            if field not in fields:
                fields.append(field)
            return CUT
        if isinstance(value, dict):
            return {k: cut(v, level + 1, field) for k, v in value.items()}
        return [cut(v, level + 1, field) for v in value]

    kept = {k: cut(v, _OBJECT_LEVEL + 1, k) for k, v in raw.items()}
    shown = ", ".join(format_path(["spec", f]) for f in fields)
    return kept, (
        f"{shown} nests more than {MAX_NESTING} levels deep, deeper than any manifest may"
    )
