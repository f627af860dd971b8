"""An export again into its own folder (`--force`) handed the credential variables the
folder's `.env.example` listed to other objects: rules `hook a/b` and `hook a:b` exported
as J1_HOOK_A_B_..._ENDPOINT and ..._ENDPOINT_2, the user set those as CI secrets, then
`hook a.b` was made in the account and the next export gave it the unsuffixed name (and
`hook a/b` _2): the plan sent hook a/b's secret to hook a.b. Now a field the file lists
keeps its name, and a new variable takes none the file lists (a name taken ends in a
suffix made from its own object and field, not a number counting the others)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from tests.export.conftest import Account
from tests.export.test_options import inline_rule

ENDPOINT = "J1_HOOK_A_B_OPERATIONS_0_ACTIONS_0_ENDPOINT"


def hook_rule(name: str, secret: str) -> dict[str, Any]:
    rule = inline_rule(name)
    rule["operations"][0]["actions"] = [
        {
            "type": "WEBHOOK",
            "endpoint": f"https://hooks.example.invalid/{secret}",
            "method": "POST",
            "headers": {"Authorization": f"Bearer {secret}-token"},
            "body": {},
        }
    ]
    return rule


def listed(out: Path) -> dict[str, str]:
    """.env.example: variable -> the `<address> <path>` it stands for."""
    lines = (out / ".env.example").read_text(encoding="utf-8").splitlines()
    return {
        name.removesuffix("="): comment.removeprefix("# ")
        for comment, name in itertools.pairwise(lines)
        if name.endswith("=") and comment.startswith("# AlertRule/")
    }


def secrets_of(variables: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    """What the user sets: each variable to the value of the object it stands for."""
    found = {}
    for name, entry in variables.items():
        rule = entry.removeprefix("AlertRule/").rpartition(" ")[0]
        prefix = "https://hooks.example.invalid/" if entry.endswith("endpoint") else "Bearer "
        suffix = "" if entry.endswith("endpoint") else "-token"
        found[name] = f"{prefix}{values[rule]}{suffix}"
    return found


def test_export_again_keeps_each_variable_with_its_object_and_field(base: Account) -> None:
    values = {"hook a/b": "secret-of-a-slash-b", "hook a:b": "secret-of-a-colon-b"}
    base.emu.seed_objects({"rules": [hook_rule(name, v) for name, v in values.items()]})
    first = base.export("--kind", "AlertRule")
    assert first.exit_code == 0, first.output
    before = listed(base.out)
    assert before[ENDPOINT] == "AlertRule/hook a/b operations[0].actions[0].endpoint"
    assert len(before) == 4 and all(name.startswith(ENDPOINT[:14]) for name in before)
    ci_secrets = secrets_of(before, values)  # set once, as CI secrets

    values["hook a.b"] = "secret-of-a-dot-b"
    base.emu.seed_objects({"rules": [hook_rule("hook a.b", values["hook a.b"])]})
    again = base.run("export", "--out", str(base.out), "--kind", "AlertRule", "--force")
    assert again.exit_code == 0, again.output
    after = listed(base.out)
    # every name listed before stands for the same object and field
    assert {name: after.get(name) for name in before} == before
    new = sorted(set(after) - set(before))
    assert len(new) == 2 and all(after[name].startswith("AlertRule/hook a.b ") for name in new)
    # its names are made from its own name and field, not from how many collide
    assert not [name for name in new if name.endswith(("_2", "_3"))], new

    # the secrets set before, and the new rule's: the plan sends each where it belongs
    env = {**ci_secrets, **secrets_of({name: after[name] for name in new}, values)}
    changes = base.plan_changes(env=env)
    for address in ("AlertRule/hook a/b", "AlertRule/hook a:b", "AlertRule/hook a.b"):
        assert changes[address]["changed_paths"] == ["tags"], changes[address]
