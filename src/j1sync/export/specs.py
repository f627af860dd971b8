"""A live object's normalized state -> the smallest manifest spec that means the same:
the tools every system's spec builders share (a system's builders are its
extras["export_specs"]).

The provider's normalized state is what `plan` compares; a spec written from it must load
into a desired state equal to it (apart from the ownership marker, which `apply` adds). So
a value is left out only where the manifest model's default normalizes to the same thing,
and keys follow the model's field order so that exports diff cleanly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from j1sync.engine.contract import LiveObject
from j1sync.manifest.model_base import model_defaults


def empty(value: Any) -> bool:
    """null, "", [] and {} normalize alike (docs/architecture.md §4)."""
    return value is None or value == "" or value == [] or value == {}


def is_default(value: Any, default: Any) -> bool:
    """`value` is `default`, or empty where empty is the default. A number is not a
    boolean, though Python's `0 == False` says so: an xyOps monitor's `delta_min_value: 0`
    (a minimum of 0) is not its default `false` (none)."""
    if isinstance(value, bool) != isinstance(default, bool):
        return False
    return value == default or (empty(value) and empty(default))


def without_defaults(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the keys whose value is the default (`is_default`)."""
    return {k: v for k, v in values.items() if not (k in defaults and is_default(v, defaults[k]))}


def model_spec(
    model: type[BaseModel], values: Mapping[str, Any], always: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`values` as a spec of `model` (any system's): keys in the model's field order,
    those at their default left out (but those in `always`), nulls left out."""
    defaults = {k: v for k, v in model_defaults(model).items() if k not in always}
    present = {k: values[k] for k in model.model_fields if k in values}
    kept = without_defaults(present, defaults)
    return {k: v for k, v in kept.items() if v is not None}


# (live object, ownership marker) -> spec
SpecBuilder = Callable[[LiveObject, str], dict[str, Any]]
