"""JupiterOne's services are Node.js (the recorded errors' stack traces): a number read
from JSON is a JavaScript double, and is answered back by JSON.stringify, without a
fraction when it has none. A manifest's `1.0` (a Parameter's value, a query policy's
value, a rule's condition, action or template, a widget's settings as a mapping or as
JSON text) is answered `1` live, and j1sync compared it with its own `1.0`: every plan
after the apply showed the same updates again, and drift never cleared. The emulator
answered `1.0`, as Python keeps it, which hid it. Now the emulator reads JSON numbers as
JavaScript does, and j1sync compares a manifest's numbers as JupiterOne answers them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator

MANIFESTS = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: threshold
spec:
  value: 1.0
---
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: thresholds
spec:
  value: [1.0, 2.5, 3e2, a]
---
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: scored
spec:
  queryPolicy:
    - _class: Finding
      score: 5.0
---
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: numbers
spec:
  question:
    queries:
      - name: query0
        query: Find User
  operations:
    - when:
        condition: [AND, [queries.query0.total, ">", 10.0]]
      actions:
        - type: SET_PROPERTY
          targetProperty: riskScore
          targetValue: 3.0
        - type: CREATE_ALERT
  templates:
    n: 2.0
---
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Numbers
spec:
  widgets:
    users:
      title: Users
      type: number
      queries: [{name: q, query: Find User}]
      settings: {threshold: 4.0, ratio: 0.5}
    hosts:
      title: Hosts
      type: number
      queries: [{name: q, query: Find Host}]
      settings: '{"threshold": 6.0}'
  layouts:
    xl:
      - {widget: users, x: 0, y: 0, w: 2, h: 2}
      - {widget: hosts, x: 2, y: 0, w: 2, h: 2}
"""


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running_emulator(seed="none") as emulator:
        yield emulator


def _run(emu: Emulator, *args: str) -> Result:
    env = {
        "JUPITERONE_API_KEY": emu.api_key,
        "JUPITERONE_ACCOUNT_ID": emu.account,
        "JUPITERONE_API_URL": emu.url,
        "NO_COLOR": "1",
    }
    return CliRunner().invoke(cli, list(args), env=env)


def _post(emu: Emulator, query: str, **variables: object) -> dict[str, object]:
    response = requests.post(
        emu.graphql_url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {emu.api_key}", "JupiterOne-Account": emu.account},
        timeout=10,
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    data: dict[str, object] = response.json()["data"]
    return data


def test_the_emulator_answers_a_number_as_javascript_writes_it(emu: Emulator) -> None:
    set_value = 'mutation($v: ParameterValue!) { setParameter(name: "n", value: $v) { success } }'
    read = '{ parameter(name: "n") { value } }'
    for sent, answered in [(1.0, 1), (2.5, 2.5), (-0.0, 0), ([3.0, "x", 1e3], [3, "x", 1000])]:
        _post(emu, set_value, v=sent)
        value = _post(emu, read)["parameter"]["value"]  # type: ignore[index]
        assert value == answered and repr(value) == repr(answered)


def test_numbers_written_with_a_fraction_are_no_change_after_apply(
    emu: Emulator, tmp_path: Path
) -> None:
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "numbers.yaml").write_text(textwrap.dedent(MANIFESTS), encoding="utf-8")
    applied = _run(emu, "apply", "--auto-approve", str(folder))
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 5 created, 0 updated, 0 deleted, 0 failed." in applied.output
    planned = _run(emu, "plan", "--detailed-exitcode", str(folder))
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in planned.output
    drift = _run(emu, "drift", str(folder))
    assert drift.exit_code == 0, drift.output
    # a real change of a number is still one
    text = (folder / "numbers.yaml").read_text(encoding="utf-8")
    (folder / "numbers.yaml").write_text(text.replace("value: 1.0", "value: 1.5"), "utf-8")
    changed = _run(emu, "plan", "--detailed-exitcode", str(folder))
    assert changed.exit_code == 2, changed.output
    assert "~ value: 1 -> 1.5" in changed.output
    assert "Plan: 0 to create, 1 to update, 0 to delete" in changed.output
