"""A Label manifest without a colour: OpenCTI gives the label one (stringToColour of its
value), which j1sync leaves unmanaged, so the plan after the apply is clean; export writes
the colour the label has, and the export plans nothing either."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.opencti.helpers import Platform

LABEL = "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: phishing\n"


def test_a_label_without_a_colour_converges_and_exports_opencti_s(platform: Platform) -> None:
    platform.write("j1sync.yaml", "paths: [m]\n")
    platform.write("m/labels.yaml", LABEL)
    applied = platform.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert platform.one("labels", value="phishing")["color"] == "#9cfabd"
    planned = platform.run("plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    exported = platform.run("export", "--system", "opencti", "--kind", "Label", "--out", "out")
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load(Path("out/labels/phishing.yaml").read_text(encoding="utf-8"))
    assert document["spec"] == {"color": "#9cfabd"}
    platform.write("j1sync.yaml", "paths: [out]\n")
    again = platform.run("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
