"""How j1sync shows an OpenCTI object is its own, and which objects it never deletes
(docs/opencti.md, "Ownership").

The rule: j1sync never changes or deletes an OpenCTI object it cannot show it manages. An
object a manifest declares is adopted (matched by natural key and updated), as JupiterOne
and xyOps objects are; everything else is counted as unmanaged and left alone, except:

- **Kinds with a free-text `description`** (Vocabulary; Role, Group, TaxiiCollection,
  StreamCollection, Feed): j1sync writes its marker as the last line of the description
  of every object it creates or updates, `managed-by: <managedTag>` (the same marker line
  xyOps objects carry in their notes), and prunes those carrying it (policy `tagged`).
- **Kinds without one** (MarkingDefinition, Label, KillChainPhase, StatusTemplate): there
  is nowhere to keep a marker that OpenCTI shows and keeps, so nothing proves ownership.
  These are pruned only when j1sync.yaml's `opencti:` section enables prune for the kind
  (`prune: {Label: true}`: "every label is declared in git"; policy `opt-in`).
- **Singletons and per-type settings** (Settings, Workflow): never deleted (`never`).
- **Built-in objects** (those a fresh platform creates: the TLP and PAP markings, the
  default roles and groups, built-in vocabularies (`builtIn: true`), the default status
  templates) are never deleted, whatever the policy: a manifest may declare one (it is
  then updated), and it never counts as managed, marker or not.
"""

from __future__ import annotations

from collections.abc import Mapping

# Bare kind -> the natural keys of what OpenCTI creates at initialization (never deleted).
# Vocabularies say it themselves (`builtIn`).
BUILT_IN_NAMES: Mapping[str, frozenset[str]] = {
    "MarkingDefinition": frozenset(
        {
            "TLP:CLEAR",
            "TLP:WHITE",
            "TLP:GREEN",
            "TLP:AMBER",
            "TLP:AMBER+STRICT",
            "TLP:RED",
            "PAP:CLEAR",
            "PAP:GREEN",
            "PAP:AMBER",
            "PAP:RED",
        }
    ),
    "Role": frozenset({"Administrator", "Connector", "Default"}),
    "Group": frozenset({"Administrators", "Connectors", "Default"}),
    "StatusTemplate": frozenset(
        {"NEW", "IN_PROGRESS", "PENDING", "TO_BE_QUALIFIED", "ANALYZED", "CLOSED"}
    ),
}
