"""A built-in object never counts as managed, declared or not (docs/opencti.md): declaring
TLP:RED beside one marking of the user's own made the safety limit's "every managed
object would be deleted" miss that marking's delete (1 of 2), which it blocks alone."""

from __future__ import annotations

from tests.opencti.helpers import Platform

PROJECT = "paths: [m]\nopencti:\n  prune: {MarkingDefinition: true}\n"
OWN = """apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "ACME: internal"
spec:
  definition_type: statement
"""
RED = """apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "TLP:RED"
spec:
  definition_type: TLP
  x_opencti_order: 4
"""


def test_s25_a_declared_builtin_does_not_hide_every_managed_object_deleted(
    platform: Platform,
) -> None:
    platform.write("j1sync.yaml", PROJECT)
    platform.write("m/own.yaml", OWN)
    platform.write("m/red.yaml", RED)
    applied = platform.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    (platform.root / "m/own.yaml").unlink()
    before = platform.stored("markings")
    assert any(m["definition"] == "ACME: internal" for m in before)
    planned = platform.run("plan", "--detailed-exitcode")
    assert planned.exit_code == 3, planned.output
    assert "every managed object would be deleted (1 of 1)" in planned.output
    refused = platform.run("apply", "--auto-approve")
    assert refused.exit_code == 3, refused.output
    assert platform.stored("markings") == before
