"""The plan as JSON: the same document `plan --out` writes and `apply --plan` reads."""

from __future__ import annotations

import json

from j1sync.engine.model import Plan
from j1sync.terminal import visible_in_json


def render_json(plan: Plan) -> str:
    """One line (no `indent`: json's C encoder; with it, the pure-Python one). Exact JSON,
    a name's control and hidden characters (U+202E...) written as escapes, not sent."""
    return visible_in_json(json.dumps(plan.to_dict(), ensure_ascii=False))
