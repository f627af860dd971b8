"""A plan works on each side while the account is read (reconcile: the desired objects
before it waits, the live ones as each part of the read comes, engine/plan.Planner).
However the parts come (as the provider hands them over, in reverse, one object at a
time shuffled and twice, or none before the read's end), the plan is the one the engine
makes of the same objects with nothing prepared, through the real path against the
emulator: secrets masked on both sides, a rule linked to its integration instance after
its read (a read of its own), updates, deletes, unmanaged objects."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from j1sync import reconcile
from j1sync.engine.contract import LiveObject, LivePart, Provider
from j1sync.engine.sensitive import MASK
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.settings import Settings
from j1sync.providers.registry import system_named
from j1sync.providers.targets import Target, Targets
from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.e2e.conftest import API_KEY, Account
from tests.performance.planning import plan_with, unprepared_plan
from tests.xyops.helpers import provider_for as xyops_provider

Hand = Callable[[list[Sequence[LiveObject]], LivePart], None]

MANIFESTS = {
    "question.yaml": """\
        apiVersion: j1sync/v1
        kind: Question
        metadata: {name: hosts}
        spec:
          title: Which hosts are there?
          description: DESCRIPTION
          queries: [{name: q, query: Find Host}]
        """,
    "spare.yaml": """\
        apiVersion: j1sync/v1
        kind: Question
        metadata: {name: spare}
        spec:
          title: Spare
          queries: [{name: q, query: Find User}]
        """,
    "hooked.yaml": """\
        apiVersion: j1sync/v1
        kind: AlertRule
        metadata: {name: hooked}
        spec:
          question:
            queries: [{name: q, query: Find Host}]
          operations:
            - actions:
                - type: WEBHOOK
                  endpoint: https://hooks.example/in
                  headers:
                    Authorization: "Bearer ${env:HOOK_TOKEN}"
        """,
    "ticket.yaml": """\
        apiVersion: j1sync/v1
        kind: AlertRule
        metadata: {name: ticket}
        spec:
          question:
            queries: [{name: q, query: Find DataStore}]
          operations:
            - actions:
                - {type: CREATE_ALERT}
                - {type: CREATE_JIRA_TICKET, integrationInstance: jira-cloud, project: SEC}
        """,
}


def _reversed(held: list[Sequence[LiveObject]], part: LivePart) -> None:
    for each in reversed(held):
        part(each)


def _one_by_one_shuffled_twice(held: list[Sequence[LiveObject]], part: LivePart) -> None:
    objects = [obj for each in held for obj in each] * 2
    random.Random(3).shuffle(objects)
    for obj in objects:
        part([obj])


def _withheld(held: list[Sequence[LiveObject]], part: LivePart) -> None:
    pass  # none before the read's end


HANDS: dict[str, Hand | None] = {
    "as read": None,
    "reversed": _reversed,
    "one by one, shuffled, twice": _one_by_one_shuffled_twice,
    "withheld": _withheld,
}


class Handing(JupiterOneProvider):
    """The JupiterOne provider, its parts handed over as `hand` says once its read is over
    (`hand` None: as they are read)."""

    def __init__(self, client: JupiterOneClient, hand: Hand | None) -> None:
        super().__init__(client)
        self._hand = hand
        self.parts = 0
        self.rule_parts = 0

    def read_live_in_parts(self, kinds: Sequence[str] | None, part: LivePart) -> list[LiveObject]:
        def counted(objects: Sequence[LiveObject]) -> None:
            self.parts += 1
            self.rule_parts += {o.kind for o in objects} == {"AlertRule"}
            part(objects)

        if self._hand is None:
            return super().read_live_in_parts(kinds, counted)
        held: list[Sequence[LiveObject]] = []
        live = super().read_live_in_parts(kinds, held.append)
        self._hand(held, counted)
        return live


@pytest.fixture
def account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    """The demo account with the manifests applied, then changed: the question's
    description and the webhook's token, a question's manifest gone."""
    yield from _account(tmp_path, monkeypatch, page_size=3)


@pytest.fixture
def paged_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    """`account`, its lists a page of one object (rules: several pages)."""
    yield from _account(tmp_path, monkeypatch, page_size=1)


def _account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page_size: int) -> Iterator[Account]:
    monkeypatch.setenv("HOOK_TOKEN", "first-token-1234")
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=page_size) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        for name, text in MANIFESTS.items():
            account.write(name, text.replace("DESCRIPTION", "old"))
        applied = account.run("apply", account.manifests, "--auto-approve", "--force")
        assert applied.exit_code == 0, applied.output
        (tmp_path / "manifests" / "spare.yaml").unlink()
        account.write("question.yaml", MANIFESTS["question.yaml"].replace("DESCRIPTION", "new"))
        monkeypatch.setenv("HOOK_TOKEN", "second-token-5678")
        yield account


@contextmanager
def _connected(account: Account, hand: Hand | None) -> Iterator[Handing]:
    settings = Settings(
        api_key=account.emu.api_key, account=account.emu.account, api_url=account.emu.url
    )
    provider = Handing(JupiterOneClient(settings), hand)
    try:
        yield provider
    finally:
        provider.close()


def _unprepared(provider: Provider, run: reconcile.PlannedRun) -> dict[str, Any]:
    """The plan the engine makes of the run's objects with nothing worked out beforehand."""
    return _data(unprepared_plan(provider, run).to_dict(saved=True))


def _data(plan: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in plan.items() if k != "created_at"}


@pytest.mark.parametrize("order", HANDS)
def test_the_plan_is_the_same_however_the_read_hands_its_parts_over(
    account: Account, order: str
) -> None:
    with _connected(account, HANDS[order]) as provider:
        run = plan_with(provider, account.manifests)
        expected = _unprepared(provider, run)
    assert provider.parts > 0 or order == "withheld"
    assert _data(run.plan.to_dict(saved=True)) == expected
    changes = {c.address: c for c in run.plan.changes}
    assert changes["Question/hosts"].action == "update"
    hooked = changes["AlertRule/hooked"]
    assert hooked.action == "update"
    assert hooked.changed_paths == ["operations[0].actions[0].headers.Authorization"]
    assert hooked.after is not None and hooked.before is not None
    for state in (hooked.after, hooked.before):
        assert state["operations"][0]["actions"][0]["headers"]["Authorization"] == MASK
    # the live rule names its instance once linked: no change
    assert changes["AlertRule/ticket"].action == "no-op"
    assert changes["Question/spare"].action == "delete"
    assert run.plan.unmanaged
    assert all(c.live_fingerprint for c in run.plan.changes if c.action != "create")


def test_several_targets_hand_over_what_each_provider_hands_over(account: Account) -> None:
    """A run over JupiterOne and xyOps (`Targets`): JupiterOne's kinds are handed over as
    they are read, xyOps's (a provider that hands nothing over) with the read's end only;
    what is handed over is among what the read returns, which is what read_live returns."""
    jupiterone, xyops = system_named("jupiterone"), system_named("xyops")
    assert jupiterone is not None and xyops is not None
    with _connected(account, None) as j1, running_xyops_emulator() as xy:
        targets = Targets(
            [
                Target(jupiterone, j1, ProjectConfig()),
                Target(xyops, xyops_provider(xy), ProjectConfig()),
            ]
        )
        handed: list[Sequence[LiveObject]] = []
        live = targets.read_live_in_parts(None, handed.append)
        again = targets.read_live()
    read = {id(obj) for obj in live}
    handed_kinds = {obj.kind for part in handed for obj in part}
    # JupiterOne's kinds but boards (written in terms of the questions and groups)
    assert handed_kinds == {o.kind for o in live if o.kind != "Dashboard" and "." not in o.kind}
    assert {"Question", "IamGroup", "IntegrationSchedule", "AlertRule"} <= handed_kinds
    assert any(o.kind == "AlertRule" for o in live)
    # what is handed over is what the read returns, but rules that linking rewrote
    rewritten = [o for p in handed for o in p if id(o) not in read]
    assert [o.name for o in rewritten] == ["ticket"]
    assert any(obj.kind.startswith("xyops.") for obj in live)
    assert [(o.kind, o.name, o.state) for o in live] == [(o.kind, o.name, o.state) for o in again]


def test_rules_are_handed_over_page_by_page_and_the_plan_is_the_same(
    paged_account: Account,
) -> None:
    """Rules come a page at a time (a rule a page), each page's live objects made once the
    questions are read, and those very objects are what the read returns (linked copies
    aside): the plan is the engine's with nothing prepared."""
    account = paged_account
    with _connected(account, None) as provider:
        handed: list[Sequence[LiveObject]] = []
        live = provider.read_live_in_parts(None, handed.append)
        rule_pages = [p for p in handed if p and all(o.kind == "AlertRule" for o in p)]
        assert len(rule_pages) > 1
        assert all(len(p) == 1 for p in rule_pages)
        read_rules = [o for o in live if o.kind == "AlertRule"]
        assert [o.name for p in rule_pages for o in p] == [o.name for o in read_rules]
        # the very objects handed over, but the one linking rewrote (it names an instance)
        handed_ids = {id(o) for p in rule_pages for o in p}
        assert [o.name for o in read_rules if id(o) not in handed_ids] == ["ticket"]
        assert [(o.name, o.state) for o in read_rules] == [
            (o.name, o.state) for o in provider.read_live() if o.kind == "AlertRule"
        ]
        run = plan_with(provider, account.manifests)
        expected = _unprepared(provider, run)
    assert provider.rule_parts > 1
    assert _data(run.plan.to_dict(saved=True)) == expected
