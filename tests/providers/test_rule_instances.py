"""Rules whose actions name no integration instance keep their state as it is (no copy)
when the instances are read; a rule naming one is still resolved (rule_instances.py)."""

from __future__ import annotations

from j1sync.engine.contract import DesiredObject, LiveObject
from j1sync.providers.jupiterone.alert_rules import AlertRules
from j1sync.providers.jupiterone.rule_instances import (
    LiveInstances,
    names_no_instance,
    resolve_rule_instances,
)

INSTANCE = LiveObject(
    kind="IntegrationSchedule", name="jira", id="i-1", state={}, raw={"name": "jira"}
)
PLAIN = [{"actions": [{"type": "CREATE_ALERT"}, "not a mapping"]}, "not a mapping"]
NAMED = [{"actions": [{"type": "CREATE_JIRA_TICKET", "integrationInstance": "jira"}]}]
BY_ID = [{"actions": [{"type": "CREATE_JIRA_TICKET", "integrationInstanceId": "i-1"}]}]


def test_names_no_instance() -> None:
    assert names_no_instance(PLAIN)
    assert names_no_instance([])
    assert not names_no_instance(NAMED)
    assert not names_no_instance(BY_ID)


def test_a_rule_without_instances_is_kept_as_it_is() -> None:
    rule = DesiredObject(kind="AlertRule", name="r", state={"operations": PLAIN})
    resolved, problems = resolve_rule_instances(rule, LiveInstances.of([INSTANCE]))
    assert resolved is rule
    assert problems == []
    live = LiveObject(kind="AlertRule", name="r", id="r-1", state={"operations": PLAIN})
    assert AlertRules.with_instance_names(live, {"i-1": "jira"}) is live


def test_a_rule_naming_an_instance_is_still_resolved() -> None:
    rule = DesiredObject(kind="AlertRule", name="r", state={"operations": BY_ID})
    resolved, problems = resolve_rule_instances(rule, LiveInstances.of([INSTANCE]))
    assert problems == []
    assert resolved.state["operations"] == NAMED
    assert resolved.depends_on == ("IntegrationSchedule/jira",)
    stale = DesiredObject(
        kind="AlertRule",
        name="r",
        state={"operations": PLAIN},
        depends_on=("IntegrationSchedule/x",),
    )
    assert resolve_rule_instances(stale, LiveInstances.of([INSTANCE]))[0].depends_on == ()
    live = LiveObject(kind="AlertRule", name="r", id="r-1", state={"operations": BY_ID})
    assert AlertRules.with_instance_names(live, {"i-1": "jira"}).state["operations"] == NAMED
