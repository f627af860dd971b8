"""For any account: export validates, its first plan only adds the managed tag (rules and
questions) and changes nothing else, apply does exactly that, and then nothing is left."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from j1sync.providers.jupiterone import connect
from j1sync.settings import Settings
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


def check_adoption(account: Account) -> None:
    exported = account.export()
    assert exported.exit_code == 0, exported.output
    assert "Warning" not in exported.stderr, exported.stderr
    # an empty account exports nothing: an empty set is then what is meant
    validated = account.run("validate", str(account.out), "--allow-empty")
    assert validated.exit_code == 0, validated.output

    before = live_states(account)
    changes = account.plan_changes()
    assert set(changes) == set(before)  # every object exported, matched one to one
    for address, change in changes.items():
        adopted = change["kind"] in TAGGED and "j1sync" not in before[address]["tags"]
        expected = ("update", ["tags"]) if adopted else ("no-op", [])
        assert (change["action"], change["changed_paths"]) == expected, address

    applied = account.run("apply", str(account.out), "--auto-approve", "--force", "--allow-empty")
    assert applied.exit_code == 0, applied.output
    after = live_states(account)
    for address, state in before.items():
        assert after[address] == {**state, **_tags_with_managed(state)}, address

    again = account.run("plan", str(account.out), "--detailed-exitcode", "--allow-empty")
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
@given(seed=accounts())
def test_any_account_is_adopted_with_only_the_managed_tag_added(seed: dict[str, Any]) -> None:
    full_seed = json.loads(json.dumps({**BASE_SEED, **seed}))
    with tempfile.TemporaryDirectory() as tmp:
        for account in account_with(full_seed, Path(tmp)):
            check_adoption(account)
