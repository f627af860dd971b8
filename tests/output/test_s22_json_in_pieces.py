"""`plan --format json` is written as it is encoded (output/plan_json.json_chunks), a list
element at a time: json.dumps of a 20,000-object plan held 29 MB of text, and click.echo
copied it twice more (the line break, the encoding). The text is the same as json.dumps
of the whole plan, escapes and all."""

from __future__ import annotations

import json

import pytest

from j1sync.engine.model import Plan
from j1sync.engine.plan import build_plan
from j1sync.output.plan_json import json_chunks, render_json
from j1sync.terminal import visible_in_json
from tests.engine.builders import KINDS, PROJECT, have, want

ODD = ["##[group]x", "\u202eevil", "tab\there", "a\x1b]0;t\x07b", "caf\u00e9", '"q"', "##", "["]


def _plans() -> list[Plan]:
    nothing = build_plan([], [], KINDS, PROJECT, "acct", {})
    live = [have("AlertRule", name, f"r{i}", managed=True) for i, name in enumerate(ODD)]
    live.append(have("Question", "hand ##[", "q1"))
    desired = [want("AlertRule", name, description=f"{name}##[") for name in ODD[:4]]
    desired.append(want("Question", "new ##", title="##[x"))
    changed = build_plan(desired, live, KINDS, PROJECT, "acct", {})
    return [nothing, changed]


@pytest.mark.parametrize("plan", _plans(), ids=["empty", "odd names"])
def test_the_pieces_are_the_whole_plan_as_json_dumps_writes_it(plan: Plan) -> None:
    whole = visible_in_json(json.dumps(plan.to_dict(), ensure_ascii=False))
    assert render_json(plan) == whole
    pieces = list(json_chunks(plan))
    assert len(pieces) > len(plan.changes)  # an element at a time
    # as printed: without the live fingerprints and their salt (Plan.to_dict)
    assert Plan.from_dict(json.loads("".join(pieces))) == Plan.from_dict(plan.to_dict())
