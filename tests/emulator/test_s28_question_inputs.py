"""What createQuestion takes from the official client's create_question: its documented
`variables` are kept and answered; its documented `integrationDefinitionId` is refused,
as the reference schema's CreateQuestionInput has no such field (Question has it, read
only) and no recording sends it (docs/api-fidelity.md: unknown live)."""

from __future__ import annotations

import pytest
from jupiterone import JupiterOneClient

from j1sync.providers.jupiterone.emulator import Emulator

from .test_official_client import client_for

QUERIES = [{"query": "Find Host with tag.env = ${env}", "name": "query0"}]
VARIABLES = [{"name": "env", "required": True, "default": "prod"}]


def test_variables_are_kept_and_an_integration_definition_id_refused(emu: Emulator) -> None:
    client: JupiterOneClient = client_for(emu)
    made = client.create_question(title="Var question", queries=QUERIES, variables=VARIABLES)
    assert made["variables"] == [{**VARIABLES[0], "__typename": "QuestionVariable"}]
    with pytest.raises(Exception, match="integrationDefinitionId"):
        client.create_question(
            title="Managed", queries=QUERIES, integrationDefinitionId="8013680b-311a"
        )
