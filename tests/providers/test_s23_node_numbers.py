"""JSON numbers as a Node.js server answers them back (providers/node_json.py), one rule
for JupiterOne and xyOps: `1.0` is `1`, an integer beyond 2**53 comes back as the
nearest double's digits, a number beyond any double as null. JupiterOne's emulator used
to keep such integers exact, and a manifest's was compared exact where the account
rounds it."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.node_json import js_numbers
from tests.hostile.in_process import jupiterone_run

BIG = 12345678901234567890
ROUNDED = 12345678901234567000  # JSON.stringify(12345678901234567890)


def test_js_numbers_copies_only_what_changes() -> None:
    kept = {"a": [1, "x", True, None, {"b": 2**53 - 1}]}
    assert js_numbers(kept) is kept
    changed = {"same": [1, 2], "float": [1.0, 2.5], "big": {"n": BIG}, "inf": float("inf")}
    answered = js_numbers(changed)
    assert answered == {"same": [1, 2], "float": [1, 2.5], "big": {"n": ROUNDED}, "inf": None}
    assert answered["same"] is changed["same"]
    assert changed["float"] == [1.0, 2.5] and changed["big"] == {"n": BIG}  # not changed
    assert repr(answered["float"][0]) == "1"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running_emulator(seed="none") as emulator:
        yield emulator


def _post_raw(emu: Emulator, body: str) -> requests.Response:
    return requests.post(
        emu.graphql_url,
        data=body.encode(),
        headers={
            "Authorization": f"Bearer {emu.api_key}",
            "JupiterOne-Account": emu.account,
            "Content-Type": "application/json",
        },
        timeout=10,
    )


def _value_after_setting(emu: Emulator, number_text: str) -> object:
    set_value = 'mutation($v: ParameterValue!) { setParameter(name: "n", value: $v) { success } }'
    body = f'{{"query": {json.dumps(set_value)}, "variables": {{"v": {number_text}}}}}'
    assert _post_raw(emu, body).status_code == 200
    read = json.dumps({"query": '{ parameter(name: "n") { value } }'})
    answer = _post_raw(emu, read)
    assert answer.status_code == 200
    data = json.loads(answer.text, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    return data["data"]["parameter"]["value"]


def test_the_emulator_answers_numbers_beyond_doubles_as_javascript(emu: Emulator) -> None:
    assert _value_after_setting(emu, str(BIG)) == ROUNDED
    assert _value_after_setting(emu, "9007199254740993") == 9007199254740992


def test_a_big_integer_is_no_change_after_apply(emu: Emulator, tmp_path: Path) -> None:
    manifest = f"""\
        apiVersion: j1sync/v1
        kind: Parameter
        metadata:
          name: big
        spec:
          value: {BIG}
        """
    (tmp_path / "big.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    applied = jupiterone_run(emu, "apply", "--auto-approve", str(tmp_path))
    assert applied.exit_code == 0, applied.output
    planned = jupiterone_run(emu, "plan", "--detailed-exitcode", str(tmp_path))
    assert planned.exit_code == 0, planned.output
