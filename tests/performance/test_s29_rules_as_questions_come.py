"""A rule names its question (questionId -> questionRef: the question's key), and the
questions are read page by page beside the rules: a rule is made, and handed to the plan,
as soon as its question's page is read, not once every question is (at 20,000 objects the
rules' pages then waited for the questions' last page, and the plan worked them all out
after the read). Whatever the order the two reads' pages come in, the rules the read
returns are those the whole read makes: a rule made early whose question the whole read
names otherwise (renamed between pages) is made again, one whose question is never read
(deleted) is made with the name the API gave. Through the real read against the emulator,
and the real rules' and questions' pages driven in chosen orders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from j1sync.engine.contract import KindRead, LiveObject
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.provider import _RulesAsRead
from j1sync.providers.jupiterone.settings import Settings
from tests.e2e.conftest import API_KEY, Account
from tests.performance.planning import plan_with, unprepared_plan

QUESTIONS = ("alpha", "beta", "gamma")


def _question(name: str) -> str:
    return f"""\
        apiVersion: j1sync/v1
        kind: Question
        metadata: {{name: {name}}}
        spec:
          title: The {name} question
          queries: [{{name: good, query: Find Host with tag.{name}=true}}]
        """


def _rule(name: str, question: str | None) -> str:
    source = (
        f"questionRef: {question}"
        if question
        else "question:\n            queries: [{name: good, query: Find User}]"
    )
    return f"""\
        apiVersion: j1sync/v1
        kind: AlertRule
        metadata: {{name: {name}}}
        spec:
          {source}
          operations:
            - when: {{type: FILTER, condition: [AND, [queries.good.total, ">", 0]]}}
              actions: [{{type: CREATE_ALERT}}]
        """


RULES = {"on-alpha": "alpha", "on-beta": "beta", "on-gamma": "gamma", "inline": None}


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    """Three questions and four rules applied (three naming a question), every list a page
    of one object."""
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=1) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        for name in QUESTIONS:
            account.write(f"q-{name}.yaml", _question(name))
        for name, question in RULES.items():
            account.write(f"r-{name}.yaml", _rule(name, question))
        applied = account.run("apply", account.manifests, "--auto-approve", "--force")
        assert applied.exit_code == 0, applied.output
        yield account


def _provider(account: Account) -> JupiterOneProvider:
    settings = Settings(
        api_key=account.emu.api_key, account=account.emu.account, api_url=account.emu.url
    )
    return JupiterOneProvider(JupiterOneClient(settings))


@pytest.fixture
def provider(account: Account) -> Iterator[JupiterOneProvider]:
    provider = _provider(account)
    try:
        yield provider
    finally:
        provider.close()


def _summary(live: Sequence[LiveObject]) -> list[tuple[str, str, Any]]:
    return [(o.kind, o.name, o.state) for o in live]


def test_questions_come_page_by_page_and_the_read_is_the_whole_reads(
    account: Account, provider: JupiterOneProvider
) -> None:
    handed: list[Sequence[LiveObject]] = []
    live = provider.read_live_in_parts(None, handed.append)
    question_parts = [
        p
        for p in handed
        if p and {o.kind for o in p} == {"Question"} and not isinstance(p, KindRead)
    ]
    # a page of one: each question handed over as its page is read, the very objects read
    read_questions = [o for o in live if o.kind == "Question"]
    assert len(question_parts) == len(read_questions) > len(QUESTIONS)  # the demo's too
    assert [o for p in question_parts for o in p] == read_questions
    # then all of them, once their read is over (the rules' may not be)
    whole = [p for p in handed if isinstance(p, KindRead) and p.kind == "Question"]
    assert len(whole) == 1 and list(whole[0]) == read_questions
    assert handed.index(whole[0]) > handed.index(question_parts[-1])
    rules = {o.name: o for o in live if o.kind == "AlertRule"}
    assert {name: rules[name].state.get("questionRef") for name in RULES} == RULES
    handed_rules = [o for p in handed for o in p if o.kind == "AlertRule"]
    assert sorted(o.name for o in handed_rules) == sorted(rules)
    again = _provider(account)
    try:
        assert _summary(live) == _summary(again.read_live())
    finally:
        again.close()


def test_the_plan_is_the_one_made_with_nothing_prepared(
    account: Account, provider: JupiterOneProvider
) -> None:
    account.write("q-beta.yaml", _question("beta").replace("tag.beta", "tag.changed"))
    (account.tmp_path / "manifests" / "r-on-gamma.yaml").unlink()
    run = plan_with(provider, account.manifests)
    expected = unprepared_plan(provider, run).to_dict(saved=True)
    got = run.plan.to_dict(saved=True)
    got.pop("created_at"), expected.pop("created_at")
    assert got == expected
    changes = {(c["action"], c["name"]) for c in got["changes"] if c["action"] != "no-op"}
    assert changes == {("update", "beta"), ("delete", "on-gamma")}


class _Pages:
    """The account's rules and questions as their reads give them (raw rules, live
    questions), to hand to a `_RulesAsRead` in an order a test chooses."""

    def __init__(self, provider: JupiterOneProvider) -> None:
        self.rules = {raw["name"]: raw for raw in provider.alert_rules.read_raw()}
        self.questions = {q.name: q for q in provider.questions.read_all()}
        self.handed: list[LiveObject] = []
        self.reading = _RulesAsRead(provider, self.handed.extend, groups_read=False)

    def rule(self, name: str) -> None:
        self.reading.page([self.rules[name]])

    def question(self, question: LiveObject) -> None:
        self.reading.question_page([question])

    def handed_names(self) -> list[str]:
        return [o.name for o in self.handed]


def test_a_rule_is_made_when_its_questions_page_comes(provider: JupiterOneProvider) -> None:
    pages = _Pages(provider)
    pages.rule("inline")  # names no question: made at once
    pages.rule("on-beta")
    pages.rule("on-alpha")
    assert pages.handed_names() == ["inline"]
    pages.question(pages.questions["alpha"])
    assert pages.handed_names() == ["inline", "on-alpha"]
    pages.question(pages.questions["beta"])
    assert pages.handed_names() == ["inline", "on-alpha", "on-beta"]
    pages.rule("on-gamma")  # its question not read yet
    assert len(pages.handed) == 3
    pages.reading.questions_read(list(pages.questions.values()))
    assert pages.handed_names() == ["inline", "on-alpha", "on-beta", "on-gamma"]
    raws = [pages.rules[name] for name in ("inline", "on-beta", "on-alpha", "on-gamma")]
    made = pages.reading.live_of(raws)
    assert made is not None
    whole = {o.name: o for o in provider.read_live(["AlertRule", "Question"])}
    assert _summary(made) == _summary([whole[raw["name"]] for raw in raws])
    assert [o.state.get("questionRef") for o in made] == [RULES[raw["name"]] for raw in raws]


def test_rules_whose_question_the_whole_read_names_otherwise(
    provider: JupiterOneProvider,
) -> None:
    """A question renamed between its page and the read's end (the key the whole read
    gives wins: that rule is made again), and one never read (deleted): the API's name."""
    pages = _Pages(provider)
    alpha, beta = pages.questions["alpha"], pages.rules["on-beta"]
    pages.question(replace(alpha, name="alpha-before"))
    pages.rule("on-alpha")
    pages.rule("on-beta")
    first = pages.handed[-1]
    assert (first.name, first.state["questionRef"]) == ("on-alpha", "alpha-before")
    everything_but_beta = [q for name, q in pages.questions.items() if name != "beta"]
    pages.reading.questions_read(everything_but_beta)
    made = pages.reading.live_of([pages.rules["on-alpha"], pages.rules["on-beta"]])
    assert made is not None
    assert [(o.name, o.state["questionRef"]) for o in made] == [
        ("on-alpha", "alpha"),
        ("on-beta", beta.get("questionName") or beta["questionId"]),
    ]
    assert made[0] is not first  # made again, and handed over again
    assert [id(o) for o in pages.handed[-2:]] == [id(made[1]), id(made[0])]


def test_a_rule_not_made_leaves_the_read_to_make_them_all(provider: JupiterOneProvider) -> None:
    """Questions never read whole (their read failed): the rules naming one are not made,
    and `live_of` says so (the read then raises the questions' error)."""
    pages = _Pages(provider)
    pages.rule("inline")
    pages.rule("on-alpha")
    assert pages.handed_names() == ["inline"]
    assert pages.reading.live_of([pages.rules["inline"], pages.rules["on-alpha"]]) is None
    assert pages.reading.live_of([pages.rules["inline"]]) is not None
