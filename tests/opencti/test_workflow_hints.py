"""A Workflow for an entity type OpenCTI has no workflow for (a misspelt one, or a type
such as Label that has none), a status naming a misspelt template, or a group naming a
misspelt marking, through the command line: located at the field, with a "did you mean"
when one is near."""

from __future__ import annotations

from tests.opencti.helpers import Platform, document
from tests.opencti.sharing_manifests import write_documents


def test_misspelt_workflow_types_and_templates_get_a_hint(platform: Platform) -> None:
    folder = write_documents(
        platform,
        [
            document("StatusTemplate", "PEER_REVIEW", {"color": "#9c27b0"}),
            document("Workflow", "Reprot", {"statuses": ["NEW"]}),
            document("Workflow", "Label", {"statuses": ["NEW"]}),
            document("Workflow", "Note", {"statuses": ["NEW", "PEER_REVEIW"]}),
            document(
                "Group",
                "Team",
                {"group_confidence_level": {"max_confidence": 50}, "allowed_marking": ["TLP:REDD"]},
            ),
        ],
    )
    result = platform.run("plan", folder)
    assert result.exit_code == 1, result.output
    assert (
        "metadata.name: 'Reprot' is not an entity type with a workflow in OpenCTI; "
        "did you mean 'Report'?"
    ) in result.output
    assert "metadata.name: 'Label' is not an entity type with a workflow in OpenCTI (" in (
        result.output
    )
    assert (
        "spec.statuses[1]: no StatusTemplate named 'PEER_REVEIW' is declared or in OpenCTI; "
        "did you mean 'PEER_REVIEW'?"
    ) in result.output
    assert (
        "spec.allowed_marking[0]: no MarkingDefinition named 'TLP:REDD' is declared or in "
        "OpenCTI; did you mean 'TLP:RED'?"
    ) in result.output
    assert "Traceback" not in result.output
    assert platform.emu.token not in result.output
