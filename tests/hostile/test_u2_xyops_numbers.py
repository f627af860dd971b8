"""xyOps is a Node.js server: every number it reads is a JavaScript double, so an integer
beyond 2**53 is kept as the nearest double (12345678901234567890 as 12345678901234567000).
Before, a manifest holding one planned and applied, the server kept another number, and
every plan after showed the same update again (the emulator, Python, kept every digit and
hid it). Now such a number is a manifest error naming file, line, column and field and the
number xyOps would keep, before any request; the emulator keeps numbers as xyOps does; a
number xyOps answers (12345678901234567000 itself) loads, applies and plans no change."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

EVENT = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: u2_first
spec:
  title: Comes first, must not be created
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: u2_big
spec:
  title: Big numbers
  category: general
  plugin: shellplug
  targets: [main]
  params:
    safe: 9007199254740991
    nested:
      list: [1, {{deep: {deep}}}]
"""


def test_an_integer_xyops_would_not_keep_is_refused_before_any_request(
    xyops_server: XyOpsEmulator,
) -> None:
    before = xyops_server.snapshot()
    for deep, said in [
        ("12345678901234567890", "would be kept by xyOps as 12345678901234567000"),
        ("-9007199254740993", "would be kept by xyOps as -9007199254740992"),
        ("1" + "0" * 400, "is beyond any number xyOps keeps (it would hold null)"),
    ]:
        Path("m.yaml").write_text(EVENT.format(deep=deep), encoding="utf-8")
        for command in ("plan", "apply"):
            args = [command, "m.yaml"] + (["--auto-approve"] if command == "apply" else [])
            result = run(xyops_server, *args)
            assert result.exit_code == 1, result.output
            assert (
                f"m.yaml:20:24: xyops.Event/u2_big: spec.params.nested.list[1].deep: {deep} {said}"
            ) in result.stderr, result.stderr
            assert "write it as a string to keep every digit" in result.stderr
            assert "Traceback" not in result.output
    assert xyops_server.snapshot() == before


def test_numbers_are_kept_as_xyops_keeps_them_and_plan_no_change(
    xyops_server: XyOpsEmulator,
) -> None:
    # as Node.js's JSON.parse/JSON.stringify answer them
    created = call(
        xyops_server,
        "create_tag",
        '{"id": "u2_n", "title": "N", "icon": "", "notes": "", '
        '"x": [9007199254740993, 12345678901234567890, -1152921504606846977, 1e999]}',
    )
    assert created["tag"]["x"] == [  # type: ignore[index]
        9007199254740992,
        12345678901234567000,
        -1152921504606847000,
        None,
    ]
    # a number xyOps answers loads as written: apply, then plan is empty
    Path("m.yaml").write_text(EVENT.format(deep="12345678901234567000"), encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    event = next(e for e in xyops_server.snapshot()["events"] if e["id"] == "u2_big")
    assert event["params"]["nested"]["list"][1]["deep"] == 12345678901234567000
    assert run(xyops_server, "plan", "m.yaml", "--detailed-exitcode").exit_code == 0
    # and export writes what plans no change
    exported = run(xyops_server, "export", "--system", "xyops", "--kind", "Event", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    assert "12345678901234567000" in Path("ex/events/u2-big.yaml").read_text(encoding="utf-8")
    planned = run(xyops_server, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
