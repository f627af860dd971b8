"""`plan` finds the parameters its manifests name (a rule spec dumped to look for `{{`,
~0.1 s at 20,000 objects) while the account is read, before the plan waits for the read,
not after the plan is made: once, with the same findings in the same order. Observed
through the CLI against the emulator (the functions wrapped, not replaced)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone import live_query_checks, provider
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account
from tests.e2e.test_query_checks import QUESTION, RULE


def test_parameter_references_are_found_once_before_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    find = provider.parameter_references
    check = live_query_checks.check_against_account

    def finding(manifests: Sequence[Any]) -> Any:
        calls.append("references")
        return find(manifests)

    def checking(*args: Any, **kwargs: Any) -> None:
        calls.append("checks")
        check(*args, **kwargs)

    monkeypatch.setattr(provider, "parameter_references", finding)
    monkeypatch.setattr(live_query_checks, "parameter_references", finding)
    monkeypatch.setattr(live_query_checks, "check_against_account", checking)
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=7) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        question = account.write(
            "q.yaml", QUESTION.format(query="FIND Application WITH loginUrl = ${ param.loginUrl }")
        )
        rule = account.write("r.yaml", RULE)
        result = account.run("plan", account.manifests)
    assert calls == ["references", "checks"]
    assert result.exit_code == 1
    found = [
        f"{question}:9:47: Question/q: spec.queries[0].query: parameter 'loginUrl' is neither "
        "declared in the manifests nor in the account's parameter store",
        f"{rule}:16:36: AlertRule/r: spec.operations[0].actions[0].headers.Authorization: "
        "parameter 'hookToken' is neither declared in the manifests nor in the account's "
        "parameter store",
    ]
    at = [result.stderr.find(text) for text in found]
    assert -1 not in at and at == sorted(at), result.stderr
