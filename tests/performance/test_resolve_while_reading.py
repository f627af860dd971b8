"""A kind that says which live kinds it resolves against (engine.contract
ResolvesAgainstKinds: a rule's actions and a schedule, the integration instances) is
resolved as soon as those are read, while the rest of the account is read, not once the
whole read is over: once, with the same plan, and the same problems in the same order,
raised at the same point (after the read). Through reconcile's one way to a plan against
the emulator, the rules' read held until the instances' read is over."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from j1sync import reconcile
from j1sync.engine.contract import DesiredObject, LiveObject, LivePart, Provider
from j1sync.errors import ResolutionError
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.alert_rules import AlertRules
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.integration_schedules import IntegrationSchedules
from j1sync.providers.jupiterone.questions import Questions
from j1sync.providers.jupiterone.settings import Settings
from tests.e2e.conftest import API_KEY, Account
from tests.performance.planning import plan_with, unprepared_plan

SEED = {
    "integrationDefinitions": [{"type": "jira", "title": "Jira"}],
    "integrationInstances": [{"name": "jira-cloud", "definition": "jira"}],
}

SCHEDULE = """\
apiVersion: j1sync/v1
kind: IntegrationSchedule
metadata: {{name: {name}}}
spec:
  instance: {name}
  definition: jira
  pollingInterval: ONE_DAY
"""

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata: {{name: ticket}}
spec:
  question:
    queries: [{{name: q, query: Find DataStore}}]
  operations:
    - actions:
        - {{type: CREATE_ALERT}}
        - {{type: CREATE_JIRA_TICKET, integrationInstance: {instance}, project: SEC}}
"""


class RulesAfterInstances(JupiterOneProvider):
    """The JupiterOne provider, a read of rules over only once a read of the integration
    instances is (as in a large account: the instances are read in a second, the rules'
    pages take seconds)."""

    def __init__(self, client: JupiterOneClient) -> None:
        super().__init__(client)
        self.instances_read = threading.Event()

    def read_live_in_parts(self, kinds: Sequence[str] | None, part: LivePart) -> list[LiveObject]:
        live = super().read_live_in_parts(kinds, part)
        if kinds is not None and "IntegrationSchedule" in kinds:
            self.instances_read.set()
        elif kinds is not None and "AlertRule" in kinds:
            assert self.instances_read.wait(30)
        return live


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What happens, in order: each kind's resolution, the read's end."""
    seen: list[str] = []
    for kind in (AlertRules, IntegrationSchedules):
        resolve = kind.resolve_desired

        def resolving(
            self: Any,
            desired: Sequence[DesiredObject],
            live: Sequence[LiveObject],
            r: Any = resolve,
        ) -> Any:
            seen.append(f"resolve {self.kind}")
            return r(self, desired, live)

        monkeypatch.setattr(kind, "resolve_desired", resolving)
    result = reconcile._Reads.result

    def read_over(self: Any, kinds: Sequence[str]) -> list[LiveObject]:
        seen.append("read over")
        return result(self, kinds)

    monkeypatch.setattr(reconcile._Reads, "result", read_over)
    return seen


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=1) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


@contextmanager
def _holding(account: Account) -> Iterator[RulesAfterInstances]:
    settings = Settings(
        api_key=account.emu.api_key, account=account.emu.account, api_url=account.emu.url
    )
    provider = RulesAfterInstances(JupiterOneClient(settings))
    try:
        yield provider
    finally:
        provider.close()


def _resolved_after_the_read(provider: Provider, paths: str) -> list[DesiredObject]:
    """What resolving the manifests against the whole account read gives (or raises)."""
    manifests = reconcile.load([paths])
    desired = reconcile.desired_objects(manifests, provider)
    return reconcile.resolve_against_live(provider, desired, provider.read_live())


def test_rules_and_schedules_are_resolved_once_while_the_rules_are_read(
    account: Account, events: list[str]
) -> None:
    account.write("schedule.yaml", SCHEDULE.format(name="jira-cloud"))
    account.write("rule.yaml", RULE.format(instance="jira-cloud"))
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    events.clear()
    with _holding(account) as provider:
        run = plan_with(provider, account.manifests)
        assert events == ["resolve IntegrationSchedule", "resolve AlertRule", "read over"]
        unprepared = unprepared_plan(provider, run)
    planned = {k: v for k, v in run.plan.to_dict(saved=True).items() if k != "created_at"}
    made = unprepared.to_dict(saved=True)
    assert planned == {k: v for k, v in made.items() if k != "created_at"}
    actions = {c.address: c.action for c in run.plan.changes}
    # the rule's live action names its instance once linked, the schedule its instance
    assert actions == {"IntegrationSchedule/jira-cloud": "no-op", "AlertRule/ticket": "no-op"}


def test_problems_found_while_reading_are_raised_after_the_read_in_their_order(
    account: Account, events: list[str]
) -> None:
    schedule = account.write("schedule.yaml", SCHEDULE.format(name="jira-clod"))
    rule = account.write("rule.yaml", RULE.format(instance="jira-clod"))
    with _holding(account) as provider:
        with pytest.raises(ResolutionError) as raised:
            plan_with(provider, account.manifests)
        assert events == ["resolve IntegrationSchedule", "resolve AlertRule", "read over"]
        with pytest.raises(ResolutionError) as after_the_read:
            _resolved_after_the_read(provider, account.manifests)
    problems = str(raised.value).splitlines()
    assert problems == str(after_the_read.value).splitlines()
    assert len(problems) == 2
    # each led by its manifest's file and line (the schedule's: its spec.instance)
    assert problems[0].startswith(
        f"{schedule}:5:13: IntegrationSchedule/jira-clod: spec.instance: "
    )
    assert problems[1].startswith(
        f"{rule}:1:1: "
        "AlertRule/ticket: operations[0].actions[1].integrationInstance: integration "
        "instance 'jira-clod' not found; did you mean 'jira-cloud'?"
    )


PLAIN_RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: plain}
spec:
  question:
    queries: [{name: q, query: Find User}]
  operations:
    - actions:
        - {type: CREATE_ALERT}
"""


def test_linking_looks_again_only_at_rules_that_name_an_instance(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rules made page by page are noted as they come when their actions name no
    instance: linking them to the instances once the read is over leaves them as they
    are without looking at them again (at 20,000 objects, ~9,000 rules after the last
    page); the rule naming one is linked as before."""
    account.write("rule.yaml", RULE.format(instance="jira-cloud"))
    account.write("plain.yaml", PLAIN_RULE)
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    looked_at: list[str] = []
    name = AlertRules.with_instance_names

    def naming(rule: LiveObject, keys: Any) -> LiveObject:
        looked_at.append(rule.name)
        return name(rule, keys)

    monkeypatch.setattr(AlertRules, "with_instance_names", staticmethod(naming))
    with _holding(account) as provider:
        run = plan_with(provider, account.manifests)
    assert looked_at == ["ticket"]
    actions = {c.address: c.action for c in run.plan.changes}
    assert actions == {"AlertRule/ticket": "no-op", "AlertRule/plain": "no-op"}


QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata: {name: stores}
spec:
  title: Data stores
  queries: [{name: q, query: Find DataStore}]
"""


def test_questions_are_resolved_once_read_while_the_rules_are_read(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Questions resolve against the questions read (one JupiterOne holds without a name
    is matched by its title): as soon as the questions' read is over, which the provider
    says by handing them over whole (engine.contract.KindRead), not once the rules' read
    is too (in a large account the rules' pages come last: their resolution then waited
    for the last page, ~15 ms at 20,000 objects). Through reconcile's one way to a plan
    against the emulator, the rules' read held until the questions are resolved: the
    plan is the one made with nothing worked out beforehand."""
    account.write("question.yaml", QUESTION)
    account.write("plain.yaml", PLAIN_RULE)
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    seen: list[str] = []
    resolved = threading.Event()
    resolve = Questions.resolve_desired

    def resolving(self: Any, desired: Sequence[DesiredObject], live: Sequence[LiveObject]) -> Any:
        seen.append("resolve Question")
        resolved.set()
        return resolve(self, desired, live)

    read_raw = AlertRules.read_raw

    def rules_held(self: Any, *args: Any, **kwargs: Any) -> Any:
        raws = read_raw(self, *args, **kwargs)
        seen.append(f"rules read, questions resolved meanwhile: {resolved.wait(10)}")
        return raws

    result = reconcile._Reads.result

    def read_over(self: Any, kinds: Sequence[str]) -> list[LiveObject]:
        seen.append("read over")
        return result(self, kinds)

    monkeypatch.setattr(Questions, "resolve_desired", resolving)
    monkeypatch.setattr(AlertRules, "read_raw", rules_held)
    monkeypatch.setattr(reconcile._Reads, "result", read_over)
    settings = Settings(
        api_key=account.emu.api_key, account=account.emu.account, api_url=account.emu.url
    )
    provider = JupiterOneProvider(JupiterOneClient(settings))
    try:
        run = plan_with(provider, account.manifests)
        during = list(seen)  # (the plan made below to compare resolves them again)
        unprepared = unprepared_plan(provider, run)
    finally:
        provider.close()
    assert during == [
        "resolve Question",
        "rules read, questions resolved meanwhile: True",
        "read over",
    ]
    planned = {k: v for k, v in run.plan.to_dict(saved=True).items() if k != "created_at"}
    made = unprepared.to_dict(saved=True)
    assert planned == {k: v for k, v in made.items() if k != "created_at"}
    actions = {c.address: c.action for c in run.plan.changes}
    assert actions == {"Question/stores": "no-op", "AlertRule/plain": "no-op"}
