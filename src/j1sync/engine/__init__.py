"""j1sync.engine: the pure core. Desired + live objects in, a plain-data Plan out."""

from j1sync.engine.diff import diff_states
from j1sync.engine.order import levels
from j1sync.engine.plan import (
    Change,
    Plan,
    Safety,
    UnmanagedObject,
    build_plan,
    plan_has_changes,
)
from j1sync.engine.safety import raise_if_unsafe
from j1sync.engine.stale import check_stale

__all__ = [
    "Change",
    "Plan",
    "Safety",
    "UnmanagedObject",
    "build_plan",
    "check_stale",
    "diff_states",
    "levels",
    "plan_has_changes",
    "raise_if_unsafe",
]
