"""The provider as the engine sees it: kinds in dependency order, concurrent reads with
rules linked to questions, and the examples applied to the demo account converging."""

from __future__ import annotations

import pytest

from j1sync.engine.contract import LiveObject, comparable_live_state
from j1sync.errors import ConfigError
from j1sync.manifest import load_manifests
from j1sync.providers.jupiterone import JupiterOneProvider, connect
from tests.examples import jupiterone_examples
from tests.providers.conftest import Account, settings_for

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = jupiterone_examples()


def test_kinds_are_in_dependency_order(account: Account) -> None:
    provider = account.provider
    assert [k.kind for k in provider.kinds] == [
        "Parameter",
        "Question",
        "IamGroup",
        "ResourceGroup",
        "IntegrationSchedule",
        "AlertRule",
        "Dashboard",
    ]
    assert [k.prune for k in provider.kinds] == [
        "opt-in",
        "tagged",
        "opt-in",
        "opt-in",
        "never",
        "tagged",
        "opt-in",
    ]
    assert provider.kind("AlertRule") is provider.alert_rules
    with pytest.raises(ConfigError, match="unknown kind 'Nope'"):
        provider.kind("Nope")


def test_reading_only_rules_still_links_them_to_question_names(account: Account) -> None:
    question, rule = account.desired(
        """
apiVersion: j1sync/v1
kind: Question
metadata: {name: hosts}
spec:
  title: Hosts
  queries: [{name: q, query: Find Host}]
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: hosts-alert}
spec:
  questionRef: hosts
"""
    )
    account.create(question)
    account.create(rule)
    live = account.provider.read_live(["AlertRule"])
    assert [(o.address, o.state["questionRef"], o.references) for o in live] == [
        ("AlertRule/hosts-alert", "hosts", ("Question/hosts",))
    ]


def test_examples_applied_to_the_demo_account_read_back_without_changes(demo: Account) -> None:
    manifests = load_manifests([EXAMPLES], env={})
    provider = demo.provider
    desired = [provider.kind(m.kind).desired(m, manifests.project) for m in manifests.manifests]
    live = {o.address: o for o in provider.read_live()}
    order = [k.kind for k in provider.kinds]
    for want in sorted(desired, key=lambda d: order.index(d.kind)):
        have = live.get(want.address)
        if have is None:
            demo.create(want)
        else:
            demo.resolver.ids[want.address] = str(have.id)
            provider.kind(want.kind).update(have, want, demo.resolver)
    after = {o.address: o for o in provider.read_live()}
    for want in desired:
        have: LiveObject = after[want.address]
        assert comparable_live_state(have, want) == want.state, want.address
    rule = after["AlertRule/public-s3-buckets-alert"]
    assert rule.references == ("Question/public-s3-buckets",)


def test_managed_tag_decides_which_live_objects_are_managed(demo: Account) -> None:
    provider = demo.provider
    provider.managed_tag = "security"
    managed = {o.address for o in provider.read_live(["Question"]) if o.managed}
    assert managed == {"Question/public-s3-buckets"}  # tagged [j1sync, security]
    provider.managed_tag = "inventory"
    managed = {o.address for o in provider.read_live(["Question"]) if o.managed}
    assert managed == {"Question/Inventory of EC2 instances"}


def test_connect_builds_a_provider_for_the_settings(demo: Account) -> None:
    provider = connect(settings_for(demo.emu))
    try:
        assert isinstance(provider, JupiterOneProvider)
        assert provider.account == demo.emu.account
        assert len(provider.read_live(["IamGroup"])) == 3
    finally:
        provider.close()
