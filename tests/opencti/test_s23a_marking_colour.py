"""A marking made without a colour: OpenCTI's markingDefinitionAdd makes it white
(`x_opencti_color ? x_opencti_color : '#ffffff'`, domain/markingDefinition.js
addAllowedMarkingDefinition); the emulator kept none. So a manifest's
`x_opencti_color: ""` was created white by OpenCTI and planned again after apply
(`"#ffffff" -> ""`), while it converged against the emulator."""

from __future__ import annotations

from pycti import OpenCTIApiClient

from tests.opencti.helpers import Platform

MARKINGS = """apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "ACME: no colour"
spec:
  definition_type: statement
"""


def test_s23a_a_marking_added_without_a_colour_is_white(platform: Platform) -> None:
    client = OpenCTIApiClient(platform.emu.url, platform.emu.token, log_level="error")
    plain = client.marking_definition.create(
        definition_type="statement", definition="Plain", x_opencti_order=1
    )
    empty = client.marking_definition.create(
        definition_type="statement", definition="Empty", x_opencti_order=1, x_opencti_color=""
    )
    assert plain is not None and empty is not None
    for made in (plain, empty):
        assert client.marking_definition.read(id=made["id"])["x_opencti_color"] == "#ffffff"

    # left out of a manifest, the colour is OpenCTI's: nothing to do after apply
    platform.write("m/markings.yaml", MARKINGS)
    assert platform.run("apply", "m", "--auto-approve").exit_code == 0
    assert platform.one("markings", definition="ACME: no colour")["x_opencti_color"] == "#ffffff"
    assert platform.run("plan", "m", "--detailed-exitcode").exit_code == 0


def test_s23a_an_empty_marking_colour_is_refused_where_written(platform: Platform) -> None:
    platform.write("m/markings.yaml", MARKINGS + '  x_opencti_color: ""\n')
    validated = platform.run("validate", "m")
    assert validated.exit_code == 1, validated.output
    assert (
        "m/markings.yaml:7:20: opencti.MarkingDefinition/ACME: no colour: "
        "spec.x_opencti_color: String should have at least 1 character"
    ) in validated.output, validated.output
