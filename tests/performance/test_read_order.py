"""The JupiterOne provider starts its reads in a fixed order, the longest chain of pages
first: the client sends its very first request alone (until the account's quota headers
are known), and that request is the rules' first page, whose chain of pages is the read's
critical path. Checked on the requests as they leave for the emulator (urllib3's
connection pool, what any HTTP client of requests goes through)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from urllib3.connectionpool import HTTPConnectionPool

from j1sync.cli import SWITCH_INTERVAL_S
from j1sync.engine.contract import no_part
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.settings import Settings
from tests.e2e.conftest import API_KEY, Account
from tests.examples import jupiterone_examples

RULES_PAGE = "J1SyncListRuleInstances"


def noting_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operation names of the requests sent from now on, in the order they leave."""
    sent: list[str] = []
    urlopen = HTTPConnectionPool.urlopen

    def noted(self: HTTPConnectionPool, method: str, url: str, body: Any = None, **kw: Any) -> Any:
        sent.append(json.loads(body).get("operationName", "") if body else url)
        return urlopen(self, method, url, body=body, **kw)

    monkeypatch.setattr(HTTPConnectionPool, "urlopen", noted)
    return sent


def test_the_rules_first_page_is_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = noting_requests(monkeypatch)
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=3) as emu:
        settings = Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url)
        for _ in range(3):
            sent.clear()
            provider = JupiterOneProvider(JupiterOneClient(settings))
            try:
                live = provider.read_live_in_parts(None, no_part)
            finally:
                provider.close()
            assert any(obj.kind == "AlertRule" for obj in live)
            assert sent[0] == RULES_PAGE, sent[:3]


# Questions a plan loads besides the examples: the reads' threads start while the main
# thread loads them (as in a large plan, where the race was lost about 1 run in 6).
LOADED_WHILE_READING = 400
QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q{n}
spec:
  title: Question {n}
  queries:
    - name: all
      query: Find User with number={n}
"""


def test_a_plans_first_request_is_the_rules_first_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole `j1sync plan` starts two reads at once (the pruned kinds: rules and
    questions; then the scanned ones: IAM groups, schedules): the later read waits until
    the rules' first page is in line, whatever the threads' timing. Several plans, so that
    a race shows."""
    manifests = tmp_path / "manifests"
    shutil.copytree(jupiterone_examples(), manifests)
    for n in range(LOADED_WHILE_READING):  # the load keeps the main thread busy meanwhile
        (manifests / "questions" / f"q{n}.yaml").write_text(QUESTION.format(n=n), "utf-8")
    sent = noting_requests(monkeypatch)
    # the j1sync process's switch interval (cli.tune_interpreter; the runner calls the
    # command in-process without it): with the default, the race hardly ever shows
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        plans_in_a_row(tmp_path, manifests, sent)
    finally:
        sys.setswitchinterval(switch_interval)


def plans_in_a_row(tmp_path: Path, manifests: Path, sent: list[str]) -> None:
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=7) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        for _ in range(8):
            sent.clear()
            done = account.run("plan", str(manifests), "--detailed-exitcode")
            assert done.exit_code == 2, done.output  # the examples plan changes
            # the second read's requests were made too (else there was no race to lose)
            assert any("Group" in name for name in sent), sent
            assert any("Integration" in name for name in sent), sent
            assert sent[0] == RULES_PAGE, sent[:4]
