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
        '"x": [9007199254740993, 12345678901234567890, -1152921504606846977, 1e999, '
        "1.0, 2.50, 1e20, 123456789012345678.0, 1e21, -0.0, 0.1]}",
    )
    kept = created["tag"]["x"]
    assert kept == [
        9007199254740992,
        12345678901234567000,
        -1152921504606847000,
        None,
        1,
        2.5,
        100000000000000000000,
        123456789012345680,
        1e21,
        0,
        0.1,
    ]
    assert [type(n) for n in kept[4:]] == [int, float, int, int, float, int, float]
    refused = call(xyops_server, "create_tag", '{"id": "u2_nan", "title": "N", "v": NaN}')
    assert refused == {"code": "api", "description": "Failed to parse JSON: NaN is not JSON"}
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


def test_a_whole_number_written_with_a_fraction_plans_no_change_after_apply(
    xyops_server: XyOpsEmulator,
) -> None:
    """xyOps answers 1.0 as 1 (JavaScript has one number type): before, a manifest's
    `min_vert_scale: 1.0` or `1e20` in params applied, and every plan after showed
    `1 -> 1.0` again."""
    monitor = (
        "apiVersion: xyops.j1sync/v1\nkind: Monitor\nmetadata:\n  name: u2_mon\nspec:\n"
        '  title: M\n  source: "[x]"\n  min_vert_scale: 1.0\n  delta_min_value: 2.0\n---\n'
    )
    event = EVENT.format(deep="1e20").replace("safe: 9007199254740991", "whole: 30.0")
    Path("m.yaml").write_text(monitor + event, encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 3 created" in applied.stdout
    held = next(m for m in xyops_server.snapshot()["monitors"] if m["id"] == "u2_mon")
    assert (held["min_vert_scale"], held["delta_min_value"]) == (1, 2)
    planned = run(xyops_server, "plan", "m.yaml", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
