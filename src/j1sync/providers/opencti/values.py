"""Values of OpenCTI's API that j1sync's kinds and its emulator both rely on, stated once
(as JupiterOne's values.py).

A leaf module (no other j1sync import): the emulator reads it without loading the kinds.
"""

from __future__ import annotations

# The entity type every type that can have a workflow is a sub type of: what subTypes(type:)
# is asked for (docs/api-fidelity.md).
WORKFLOW_PARENT = "Stix-Domain-Object"
