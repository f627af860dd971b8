"""The data kinds: MarkingDefinition, Label, KillChainPhase, Vocabulary (models and kinds).

Natural keys (metadata.name), as a manifest writes them (docs/opencti.md):

- MarkingDefinition: its `definition`, as OpenCTI shows it (`TLP:RED`, `PAP:AMBER`,
  `CONFIDENTIAL`); `spec.definition_type` says its type (`TLP`, `PAP`, `statement`...).
  OpenCTI's own key is (definition_type, definition); two markings with one definition and
  different types would be ambiguous, and j1sync says so instead of guessing.
- Label: its value (`phishing`).
- KillChainPhase: `<kill_chain_name>:<phase_name>` (`mitre-attack:initial-access`; the
  chain's name holds no colon).
- Vocabulary: `<category>:<name>` (`report_types_ov:threat-report`); the category is one
  of OpenCTI's VocabularyCategory values.

Field names are the API's. Colours are unmanaged when a manifest leaves them out
(OpenCTI may choose one); every other field left out takes its default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy
from j1sync.manifest.model_base import (
    WHITESPACE,
    GraphQLInt,
    NonBlank,
    ObjectName,
    StrictModel,
    rule_error,
)
from j1sync.manifest.yaml_source import field_problem
from j1sync.providers.opencti.keys import normalize_name, upper
from j1sync.providers.opencti.kinds_base import EditInput, OpenCtiKind
from j1sync.providers.opencti.lock_store import LOCK_PREFIX, is_lock_entry, is_lock_name
from j1sync.providers.registry import closest

# OpenCTI 6.9's VocabularyCategory enum (schema-6.9.17.graphql), in its order.
VOCABULARY_CATEGORIES: tuple[str, ...] = (
    "account_type_ov",
    "attack_motivation_ov",
    "attack_resource_level_ov",
    "case_severity_ov",
    "case_priority_ov",
    "channel_types_ov",
    "collection_layers_ov",
    "event_type_ov",
    "grouping_context_ov",
    "implementation_language_ov",
    "incident_response_types_ov",
    "incident_type_ov",
    "incident_severity_ov",
    "indicator_type_ov",
    "infrastructure_type_ov",
    "integrity_level_ov",
    "malware_capabilities_ov",
    "malware_result_ov",
    "malware_type_ov",
    "platforms_ov",
    "opinion_ov",
    "organization_type_ov",
    "pattern_type_ov",
    "permissions_ov",
    "processor_architecture_ov",
    "reliability_ov",
    "report_types_ov",
    "request_for_information_types_ov",
    "request_for_takedown_types_ov",
    "security_platform_type_ov",
    "service_status_ov",
    "service_type_ov",
    "start_type_ov",
    "key_type_ov",
    "threat_actor_group_type_ov",
    "threat_actor_group_role_ov",
    "threat_actor_group_sophistication_ov",
    "threat_actor_individual_type_ov",
    "threat_actor_individual_role_ov",
    "threat_actor_individual_sophistication_ov",
    "tool_types_ov",
    "note_types_ov",
    "gender_ov",
    "marital_status_ov",
    "hair_color_ov",
    "eye_color_ov",
    "persona_type_ov",
    "coverage_ov",
)


def split_pair(name: str) -> tuple[str, str]:
    """`a:b:c` -> (`a`, `b:c`): the first colon separates the two parts of a key."""
    first, _, rest = name.partition(":")
    return first, rest


def _check_pair(value: str, what: str, example: str) -> str:
    first, rest = split_pair(value)
    if not first.strip() or not rest.strip():
        raise rule_error(f"'{value}' is not {what} (e.g. {example})")
    return value


def _pair_schema(first: str) -> dict[str, Any]:
    """_check_pair for editors (beside the name's own pattern): `first` before the first
    colon, a character that is not whitespace after it."""
    return {"allOf": [{"pattern": f"^{first}:[\\s\\S]*[^{WHITESPACE}]"}]}


def _check_kill_chain_phase(value: str) -> str:
    return _check_pair(value, "<kill_chain_name>:<phase_name>", "mitre-attack:initial-access")


# is_lock_name for editors: the name after the category, in any case, after any spaces (\s:
# JavaScript's, which is what OpenCTI's trim takes off). LOCK_PREFIX holds letters, digits,
# - and :, none of which a pattern reads otherwise.
_LOCK_NAME_PATTERN = "^[^:]*:\\s*" + "".join(
    f"[{c}{c.upper()}]" if c.isalpha() else c for c in LOCK_PREFIX
)


def _check_vocabulary(value: str) -> str:
    _check_pair(value, "<category>:<name>", "report_types_ov:threat-report")
    category, name = split_pair(value)
    if category not in VOCABULARY_CATEGORIES:
        near = closest(category, list(VOCABULARY_CATEGORIES))
        hint = f"did you mean '{near}'?" if near else f"one of: {', '.join(VOCABULARY_CATEGORIES)}"
        raise rule_error(f"'{category}' is not an OpenCTI vocabulary category; {hint}")
    if is_lock_name(name):
        raise rule_error(
            f"names starting with '{LOCK_PREFIX}' (in any case: OpenCTI does not tell it "
            "apart) are j1sync's own (the apply lock)"
        )
    return value


# -- models ---------------------------------------------------------------------------------


class KillChainPhaseMetadata(StrictModel):
    name: Annotated[ObjectName, AfterValidator(_check_kill_chain_phase)] = Field(
        description="<kill_chain_name>:<phase_name>, e.g. mitre-attack:initial-access.",
        json_schema_extra=_pair_schema(f"[^:]*[^:{WHITESPACE}][^:]*"),
    )


class VocabularyMetadata(StrictModel):
    name: Annotated[ObjectName, AfterValidator(_check_vocabulary)] = Field(
        description="<category>:<name>, e.g. report_types_ov:threat-report.",
        json_schema_extra={
            **_pair_schema(f"({'|'.join(VOCABULARY_CATEGORIES)})"),
            "not": {"pattern": _LOCK_NAME_PATTERN},
        },
    )


class MarkingDefinitionSpec(StrictModel):
    """A marking definition (metadata.name: its definition, e.g. TLP:RED)."""

    definition_type: NonBlank = Field(description="TLP, PAP, statement, ...")
    x_opencti_order: GraphQLInt = Field(
        default=0, description="Its rank among its type's markings."
    )
    # not "": markingDefinitionAdd makes a marking given no colour (or "") white
    x_opencti_color: str | None = Field(
        default=None,
        min_length=1,
        description="A colour (#rrggbb); unmanaged when left out.",
    )


class LabelSpec(StrictModel):
    """A label (metadata.name: its value)."""

    color: str | None = Field(
        default=None, description="A colour (#rrggbb); unmanaged when left out."
    )


class KillChainPhaseSpec(StrictModel):
    """A kill chain phase (metadata.name: <kill_chain_name>:<phase_name>)."""

    x_opencti_order: GraphQLInt = Field(default=0, description="Its rank in the kill chain.")


def _one_alias_each(aliases: list[str]) -> list[str]:
    """OpenCTI keeps one of the aliases its normalizeName takes for one (an update stores
    them `uniqBy(normalizeName)`: middleware prepareAttributesForUpdate); two written
    differently would be planned again on every run (one written twice is a set's)."""
    seen: dict[str, str] = {}
    for index, alias in enumerate(aliases):
        first = seen.setdefault(normalize_name(alias), alias)
        if first != alias:
            raise rule_error(
                f"OpenCTI takes '{alias}' and '{first}' for one alias (its aliases do not "
                "tell case or outer spaces apart): write it once",
                (index,),
            )
    return aliases


class VocabularySpec(StrictModel):
    """An open vocabulary entry (metadata.name: <category>:<name>)."""

    description: str = ""
    aliases: Annotated[list[NonBlank], AfterValidator(_one_alias_each)] = Field(
        default_factory=list
    )
    order: GraphQLInt | None = Field(default=None, description="Its rank; unmanaged when left out.")
    is_hidden: bool = Field(default=False, description="Left out of the pickers.")


# -- kinds ----------------------------------------------------------------------------------


class MarkingDefinitionKind(OpenCtiKind):
    kind_name = "MarkingDefinition"
    spec_model = MarkingDefinitionSpec
    prune: PrunePolicy = "opt-in"
    list_field = "markingDefinitions"
    node_fields = "definition_type definition x_opencti_order x_opencti_color"
    add_mutation = "markingDefinitionAdd"
    add_input = "MarkingDefinitionAddInput"
    edit_mutation = "markingDefinitionEdit"

    def name_of(self, raw: Mapping[str, Any]) -> str:
        return str(raw.get("definition") or "")

    folding = "its markings' definitions and types do not tell case apart"

    def platform_key(self, name: str, state: Mapping[str, Any]) -> tuple[str, ...] | None:
        return (upper(str(state.get("definition_type") or "")), upper(name))

    def key_input(self, name: str) -> dict[str, Any]:
        return {"definition": name}


class LabelKind(OpenCtiKind):
    kind_name = "Label"
    spec_model = LabelSpec
    prune: PrunePolicy = "opt-in"
    list_field = "labels"
    node_fields = "value color"
    add_mutation = "labelAdd"
    add_input = "LabelAddInput"
    edit_mutation = "labelEdit"
    name_folded = True

    def name_of(self, raw: Mapping[str, Any]) -> str:
        return str(raw.get("value") or "")

    def key_input(self, name: str) -> dict[str, Any]:
        return {"value": name}


class KillChainPhaseKind(OpenCtiKind):
    kind_name = "KillChainPhase"
    spec_model = KillChainPhaseSpec
    metadata_model = KillChainPhaseMetadata
    prune: PrunePolicy = "opt-in"
    list_field = "killChainPhases"
    node_fields = "kill_chain_name phase_name x_opencti_order"
    add_mutation = "killChainPhaseAdd"
    add_input = "KillChainPhaseAddInput"
    edit_mutation = "killChainPhaseEdit"

    def name_of(self, raw: Mapping[str, Any]) -> str:
        chain, phase = raw.get("kill_chain_name"), raw.get("phase_name")
        return f"{chain}:{phase}" if chain and phase else ""

    def key_input(self, name: str) -> dict[str, Any]:
        chain, phase = split_pair(name)
        return {"kill_chain_name": chain, "phase_name": phase}


class VocabularyKind(OpenCtiKind):
    kind_name = "Vocabulary"
    spec_model = VocabularySpec
    metadata_model = VocabularyMetadata
    prune: PrunePolicy = "tagged"
    list_field = "vocabularies"
    node_fields = "category { key } name description aliases order is_hidden builtIn"
    add_mutation = "vocabularyAdd"
    add_input = "VocabularyAddInput"
    add_fields: ClassVar[frozenset[str] | None] = frozenset({"description", "aliases", "order"})
    marker_field = "description"
    set_fields = ("aliases",)

    def name_of(self, raw: Mapping[str, Any]) -> str:
        category = _category(raw)
        name = raw.get("name")
        return f"{category}:{name}" if category and name else ""

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The aliases as the next update of them stores them, one per name OpenCTI folds
        them to and not the entry's own (an add keeps them as given): no manifest may
        write the others (`_one_alias_each`, `resolve_desired`)."""
        values = super().raw_values(raw)
        entry, aliases = raw.get("name"), values.get("aliases")
        if isinstance(aliases, list):
            seen = {normalize_name(entry)} if isinstance(entry, str) else set()
            kept = []
            for alias in aliases:
                folded = normalize_name(alias) if isinstance(alias, str) else alias
                if folded not in seen:
                    seen.add(folded)
                    kept.append(alias)
            values["aliases"] = kept
        return values

    def wanted(self, raw: Mapping[str, Any]) -> bool:
        flat = {**raw, "category": _category(raw)}
        return super().wanted(raw) and not is_lock_entry(flat)

    def key_input(self, name: str) -> dict[str, Any]:
        category, entry = split_pair(name)
        return {"category": category, "name": entry}

    def platform_key(self, name: str, state: Mapping[str, Any]) -> tuple[str, ...] | None:
        category, entry = split_pair(name)
        return (category, normalize_name(entry))

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Besides the base's: no alias OpenCTI takes for the entry's own name (an update
        leaves such an alias out of what it stores: planned again on every run)."""
        kept, problems = super().resolve_desired(desired, live)
        for want in desired:
            entry = normalize_name(split_pair(want.name)[1])
            same = [a for a in want.state.get("aliases") or [] if normalize_name(a) == entry]
            if same:
                problems.append(
                    field_problem(
                        want.source,
                        want.address,
                        ["spec", "aliases"],
                        f"OpenCTI takes the alias '{same[0]}' for the entry's own name and "
                        "does not keep it: leave it out",
                        same[0],
                    )
                )
        return kept, problems

    def patch(self, object_id: str, edits: list[EditInput]) -> None:
        document = (
            "mutation J1syncPatch($id: ID!, $input: [EditInput!]!) {\n"
            "  vocabularyFieldPatch(id: $id, input: $input) { id }\n"
            "}"
        )
        self.client.mutate("vocabularyFieldPatch", document, {"id": object_id, "input": edits})

    def remove(self, object_id: str) -> None:
        document = "mutation J1syncDelete($id: ID!) {\n  vocabularyDelete(id: $id)\n}"
        self.client.mutate("vocabularyDelete", document, {"id": object_id})


def _category(raw: Mapping[str, Any]) -> str:
    category = raw.get("category")
    if isinstance(category, Mapping):
        category = category.get("key")
    return str(category or "")


# In dependency order (models.KIND_MODULES collects them).
KIND_CLASSES: tuple[type[OpenCtiKind], ...] = (
    MarkingDefinitionKind,
    LabelKind,
    KillChainPhaseKind,
    VocabularyKind,
)
