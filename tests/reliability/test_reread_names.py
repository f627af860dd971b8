"""After an ambiguous write the executor re-reads the object by name and compares it with
the manifest. The re-read must name what the object refers to the way a plan does (a
rule's resource group and integration instances, a board's questions and resource group):
otherwise it never matches, and a change that did happen is sent again and again and
fails when every answer is lost."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.reliability.account import ACCOUNT, API_KEY, connection_env

SEED = {
    "resourceGroups": [{"name": "Cloud", "permissions": []}],
    "integrationDefinitions": [{"type": "jira", "title": "Jira"}],
    "integrationInstances": [
        {"name": "jira-cloud", "definition": "jira", "pollingInterval": "ONE_DAY"}
    ],
    "questions": [
        {
            "name": "hosts",
            "title": "Hosts",
            "tags": ["j1sync"],
            "queries": [{"name": "query0", "query": "Find Host"}],
        }
    ],
    "rules": [
        {
            "name": "watch",
            "tags": ["j1sync"],
            "question": {"queries": [{"name": "query0", "query": "Find Host"}]},
            "operations": [],
        }
    ],
    "dashboards": [{"name": "board"}],
}
DECLARED = """\
apiVersion: j1sync/v1
kind: ResourceGroup
metadata: {name: Cloud}
spec: {permissions: []}
---
apiVersion: j1sync/v1
kind: Question
metadata: {name: hosts}
spec:
  title: Hosts
  queries: [{name: query0, query: Find Host}]
---
"""
RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: watch}
spec:
  question: {queries: [{name: query0, query: Find Host}]}
"""
BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata: {name: board}
spec:
"""
CHANGES = {
    "a rule joins a resource group": RULE + "  resourceGroup: Cloud\n",
    "a rule's action names an integration instance": RULE
    + "  operations:\n    - actions:\n"
    + "        - {type: CREATE_JIRA_TICKET, integrationInstance: jira-cloud, project: SEC}\n",
    "a board's widget shows a question": BOARD
    + "  widgets:\n    w: {title: Hosts, type: table, question: hosts}\n",
    "a board joins a resource group": BOARD + "  resourceGroup: Cloud\n  widgets: {}\n",
}


@pytest.mark.parametrize("manifest", list(CHANGES.values()), ids=list(CHANGES))
def test_an_update_whose_every_answer_is_lost_is_confirmed_by_the_re_read(manifest: str) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, account=ACCOUNT) as emu,
    ):
        (Path(tmp) / "all.yaml").write_text(DECLARED + manifest, encoding="utf-8")
        env = connection_env(emu.url)
        emu.switches.lose_responses = 1.0  # every write commits, no answer comes back
        applied = CliRunner().invoke(cli, ["apply", tmp, "--auto-approve", "--force"], env=env)
        assert applied.exit_code == 0, applied.output
        assert "(confirmed by re-reading after:" in applied.output
        emu.switches.lose_responses = 0.0
        again = CliRunner().invoke(cli, ["plan", tmp, "--detailed-exitcode"], env=env)
        assert again.exit_code == 0, again.output
