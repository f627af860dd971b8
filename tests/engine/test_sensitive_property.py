"""Property: whatever shape a state has, a masked plan never holds the secret, and apply's
re-resolution from the same environment restores exactly the desired state."""

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from j1sync.engine.contract import DesiredObject
from j1sync.engine.plan import build_plan
from j1sync.executor.resolution import desired_objects
from tests.engine.builders import KINDS, PROJECT

SECRET = "Zq9-secret-Value"
TEMPLATE = "token=${env:TOKEN}"
RESOLVED = f"token={SECRET}"

texts = st.sampled_from(["plain", "x", RESOLVED, f"prefix {RESOLVED} suffix", f"raw {SECRET}"])
leaves = st.one_of(texts, st.integers(-5, 5), st.booleans(), st.none())
keys = st.sampled_from(["a", "b", "headers", "odd key", "tags"])
states = st.dictionaries(
    keys,
    st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
        max_leaves=8,
    ),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(states)
def test_masked_plan_never_holds_the_secret_and_apply_restores_it(state: dict[str, Any]) -> None:
    desired = DesiredObject("AlertRule", "r", copy.deepcopy(state))
    plan = build_plan([desired], [], KINDS, PROJECT, "a", {RESOLVED: TEMPLATE})
    assert SECRET not in json.dumps(plan.to_dict())
    restored = desired_objects(plan, {"TOKEN": SECRET})["AlertRule/r"]
    assert restored.state == state
