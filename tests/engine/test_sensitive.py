import gc
import json
from typing import Any

from j1sync.engine.plan import build_plan
from j1sync.engine.sensitive import (
    MASK,
    Secrets,
    credential_strings,
    mask_state,
    resolve_template,
    strings_in,
)
from tests.engine.builders import KINDS, PROJECT, have, want

SECRET = "s3cr3t-token-value"
SENSITIVE = {f"Bearer {SECRET}": "Bearer ${env:HOOK_TOKEN}"}


def rule_with_header(value: str) -> dict[str, Any]:
    return {"operations": [{"actions": [{"type": "WEBHOOK", "headers": {"Authorization": value}}]}]}


def test_secret_is_masked_in_before_and_after_and_template_kept() -> None:
    desired = [want("AlertRule", "r", **rule_with_header(f"Bearer {SECRET}"))]
    live = [have("AlertRule", "r", "1", managed=True, **rule_with_header("Bearer old-secret-x"))]
    plan = build_plan(desired, live, KINDS, PROJECT, "acct", SENSITIVE)
    (change,) = plan.changes
    path = "operations[0].actions[0].headers.Authorization"
    assert change.action == "update"
    assert change.changed_paths == [path]
    assert change.sensitive == {path: "Bearer ${env:HOOK_TOKEN}"}
    assert change.after is not None
    assert change.after["operations"][0]["actions"][0]["headers"]["Authorization"] == MASK
    text = json.dumps(plan.to_dict())
    assert SECRET not in text
    assert "${env:HOOK_TOKEN}" in text


def test_live_state_holding_the_secret_is_masked_too() -> None:
    desired = [want("AlertRule", "r", **rule_with_header(f"Bearer {SECRET}"), description="new")]
    live = [
        have(
            "AlertRule",
            "r",
            "1",
            managed=True,
            **rule_with_header(f"Bearer {SECRET}"),
            description=f"mentions {SECRET} inline",
        )
    ]
    plan = build_plan(desired, live, KINDS, PROJECT, "acct", SENSITIVE)
    assert SECRET not in json.dumps(plan.to_dict())
    assert plan.changes[0].before is not None
    assert plan.changes[0].before["description"] == MASK


def test_bare_variable_value_inside_other_text_gets_its_own_template() -> None:
    secrets = Secrets.from_sensitive(SENSITIVE)
    masked, templates = mask_state({"url": f"https://x/?t={SECRET}"}, secrets)
    assert masked == {"url": MASK}
    assert templates == {"url": "https://x/?t=${env:HOOK_TOKEN}"}
    assert resolve_template(templates["url"], {"HOOK_TOKEN": "other"}) == "https://x/?t=other"


def test_strings_in_finds_every_string_and_keys_only_when_asked() -> None:
    value = {"url": "https://h/x", "headers": {"X-Token": "abc", "n": 3}, "list": ["a", ["b"]]}
    assert strings_in(value) == ["https://h/x", "abc", "a", "b"]
    assert strings_in(value, keys=True) == [
        "url", "https://h/x", "headers", "X-Token", "abc", "n", "list", "a", "b",
    ]  # fmt: skip
    assert strings_in(7) == [] and strings_in("s", keys=True) == ["s"]
    # a credential path's strings: the values below it, never its keys
    assert credential_strings(value, ["headers", "list"]) == ["abc", "a", "b"]


def test_walking_a_state_leaves_no_reference_cycle() -> None:
    """strings_in and masking run for every object of a plan, which runs with the cycle
    collector paused (cli.collector_paused): a cycle per call would be memory kept until
    the process leaves (a closure calling itself is one: it and its cell refer to each
    other)."""
    secrets = Secrets.from_sensitive(SENSITIVE)
    state = rule_with_header(f"Bearer {SECRET}")
    enabled = gc.isenabled()
    gc.disable()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a pass finds unreachable, kept in gc.garbage
    try:
        for _ in range(10):
            strings_in({"a": ["b", {"c": "d"}]}, keys=True)
            assert mask_state(state, secrets)[0] != state  # it walked, and masked
        gc.collect()
        left = [o for o in gc.garbage if getattr(o, "__module__", None) == strings_in.__module__]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert left == []
