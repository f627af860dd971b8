"""For any account: export validates, its first plan only adds the managed tag (rules and
questions) and changes nothing else, apply does exactly that, and then nothing is left.

A secret parameter cannot be read back: export writes its value as `${env:NAME}` (listed in
.env.example), and its first plan writes the value once (docs/manifests.md, Parameter);
after that apply it is no change either."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from j1sync.export.secrets import ENV_EXAMPLE_FILE
from j1sync.providers.jupiterone import connect
from j1sync.providers.jupiterone.settings import Settings
from tests.export.conftest import BASE_SEED, Account, account_with
from tests.export.strategies import accounts

TAGGED = ("Question", "AlertRule")


def live_states(account: Account) -> dict[str, dict[str, Any]]:
    emu = account.emu
    provider = connect(Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url))
    try:
        return {obj.address: obj.state for obj in provider.read_live()}
    finally:
        provider.close()


def exported_variables(account: Account) -> dict[str, str]:
    """A value for each `${env:NAME}` export wrote (the names .env.example lists)."""
    listing = account.out / ENV_EXAMPLE_FILE
    if not listing.exists():
        return {}
    lines = listing.read_text(encoding="utf-8").splitlines()
    names = [line.removesuffix("=") for line in lines if line and not line.startswith("#")]
    return {name: f"value-of-{name.lower()}" for name in names}


def expected_first_change(change: dict[str, Any], state: dict[str, Any]) -> tuple[str, list[str]]:
    if change["kind"] in TAGGED and "j1sync" not in state["tags"]:
        return ("update", ["tags"])
    if change["kind"] == "Parameter" and state["secret"]:
        return ("update", ["value"])  # j1sync did not write it: the first apply does
    return ("no-op", [])


def check_adoption(account: Account) -> None:
    exported = account.export()
    assert exported.exit_code == 0, exported.output
    assert "Warning" not in exported.stderr, exported.stderr
    env = exported_variables(account)
    # an empty account exports nothing: an empty set is then what is meant
    validated = account.run("validate", str(account.out), "--allow-empty", env=env)
    assert validated.exit_code == 0, validated.output

    before = live_states(account)
    secrets = {a for a, s in before.items() if a.startswith("Parameter/") and s["secret"]}
    assert len(env) == len(secrets)  # one variable per secret, no other credential
    changes = account.plan_changes(env)
    assert set(changes) == set(before)  # every object exported, matched one to one
    for address, change in changes.items():
        expected = expected_first_change(change, before[address])
        assert (change["action"], change["changed_paths"]) == expected, address

    applied = account.run(
        "apply", str(account.out), "--auto-approve", "--force", "--allow-empty", env=env
    )
    assert applied.exit_code == 0, applied.output
    after = live_states(account)
    for address, state in before.items():
        assert after[address] == {**state, **_tags_with_managed(state)}, address

    again = account.run("plan", str(account.out), "--detailed-exitcode", "--allow-empty", env=env)
    assert again.exit_code == 0, again.output


def _tags_with_managed(state: dict[str, Any]) -> dict[str, Any]:
    if "tags" not in state:
        return {}
    return {"tags": sorted({*state["tags"], "j1sync"})}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(seed=accounts(secrets=True))
def test_any_account_is_adopted_with_only_the_managed_tag_added(seed: dict[str, Any]) -> None:
    full_seed = json.loads(json.dumps({**BASE_SEED, **seed}))
    with tempfile.TemporaryDirectory() as tmp:
        for account in account_with(full_seed, Path(tmp)):
            check_adoption(account)
