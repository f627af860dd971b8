"""The plan as JSON: the same document `plan --out` writes and `apply --plan` reads."""

from __future__ import annotations

import json

from j1sync.engine.model import Plan


def render_json(plan: Plan) -> str:
    """One line (no `indent`: json's C encoder; with it, the pure-Python one)."""
    return json.dumps(plan.to_dict(), ensure_ascii=False)
